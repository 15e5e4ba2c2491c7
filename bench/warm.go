package main

import (
	"context"
	"runtime"
	"sync/atomic"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials/stscreds"

	"github.com/tenantrole/externalid"
)

// staticResolver returns "ext-<tenant>" without I/O, so that warm
// benchmarks measure the credential caches alone.
func staticResolver() externalid.Resolver {
	return externalid.ResolverFunc(func(_ context.Context, tenantID string) (externalid.ExternalID, error) {
		return externalid.New("ext-" + tenantID)
	})
}

// benchPoolProviderWarm measures Retrieve of one pooled provider whose
// credentials are fresh.
func benchPoolProviderWarm(b *testing.B) {
	pool := externalid.NewPool(&fakeSTS{}, staticResolver())
	defer pool.Close()
	prov, err := pool.Credentials("acme", roleARN)
	if err != nil {
		b.Fatal(err)
	}
	ctx := context.Background()
	if _, err := prov.Retrieve(ctx); err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := prov.Retrieve(ctx); err != nil {
			b.Fatal(err)
		}
	}
}

// newSDKCache returns the SDK's own answer: stscreds behind
// aws.CredentialsCache, warmed.
func newSDKCache(b *testing.B) *aws.CredentialsCache {
	cache := aws.NewCredentialsCache(stscreds.NewAssumeRoleProvider(&fakeSTS{}, roleARN, func(o *stscreds.AssumeRoleOptions) {
		o.ExternalID = aws.String("ext-acme")
	}))
	if _, err := cache.Retrieve(context.Background()); err != nil {
		b.Fatal(err)
	}
	return cache
}

// benchSDKCacheWarm measures aws.CredentialsCache's warm Retrieve.
func benchSDKCacheWarm(b *testing.B) {
	cache := newSDKCache(b)
	ctx := context.Background()
	b.ReportAllocs()
	for b.Loop() {
		if _, err := cache.Retrieve(ctx); err != nil {
			b.Fatal(err)
		}
	}
}

// benchSDKCacheWarmParallel measures aws.CredentialsCache's warm Retrieve
// on all cores.
func benchSDKCacheWarmParallel(b *testing.B) {
	cache := newSDKCache(b)
	ctx := context.Background()
	b.ReportAllocs()
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			if _, err := cache.Retrieve(ctx); err != nil {
				b.Error(err)
				return
			}
		}
	})
}

// warmPool is a pool with every tenant's credentials fresh.
type warmPool struct {
	pool    *externalid.Pool
	tenants []string
	sts     *fakeSTS
}

// newWarmPool fills a pool with n tenants. tokenSize is the session
// token's length.
func newWarmPool(n, tokenSize int) (*warmPool, error) {
	client := &fakeSTS{tokenSize: tokenSize}
	pool := externalid.NewPool(client, staticResolver(), func(o *externalid.PoolOptions) { o.MaxTenants = n })
	w := &warmPool{pool: pool, tenants: tenantNames(n), sts: client}
	ctx := context.Background()
	for _, t := range w.tenants {
		if _, err := pool.Retrieve(ctx, t, roleARN); err != nil {
			pool.Close()
			return nil, err
		}
	}
	runtime.GC() // collect the garbage of the cold calls, so it does not weigh on what follows
	return w, nil
}

// lookupStride walks the tenants in an order without locality: each step
// jumps far in the tenant list, as requests of unrelated customers do.
const lookupStride = 7919

// benchLookup measures Pool.Credentials followed by Retrieve over all the
// pool's tenants, on all cores.
func (w *warmPool) benchLookup(b *testing.B) { w.benchLookupOver(b, len(w.tenants)) }

// hotTenants is the size of the busy subset in benchLookupHot.
const hotTenants = 1_000

// benchLookupHot is benchLookup with all traffic on hotTenants of the
// resident tenants, as when a few customers make most requests.
func (w *warmPool) benchLookupHot(b *testing.B) {
	w.benchLookupOver(b, min(hotTenants, len(w.tenants)))
}

func (w *warmPool) benchLookupOver(b *testing.B, n int) {
	ctx := context.Background()
	var seq atomic.Int64
	b.ReportAllocs()
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		i := int(seq.Add(1)*104729) % n
		for pb.Next() {
			prov, err := w.pool.Credentials(w.tenants[i], roleARN)
			if err != nil {
				b.Error(err)
				return
			}
			if _, err := prov.Retrieve(ctx); err != nil {
				b.Error(err)
				return
			}
			i = (i + lookupStride) % n
		}
	})
}

// withProcs runs fn with GOMAXPROCS set to procs.
func withProcs(procs int, fn func()) {
	old := runtime.GOMAXPROCS(procs)
	defer runtime.GOMAXPROCS(old)
	fn()
}

// atomicInt hands out goroutine numbers in RunParallel.
type atomicInt struct{ v atomic.Int64 }

func (a *atomicInt) add() int64 { return a.v.Add(1) }

var sinkValue atomic.Int64

// sink keeps a result alive so that the compiler cannot drop the loop.
func sink(n int) { sinkValue.Add(int64(n)) }
