package main

import (
	"context"
	"fmt"
	"sync"
	"sync/atomic"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/secretsmanager"
	"github.com/aws/aws-sdk-go-v2/service/sts"

	"github.com/tenantrole/externalid"
)

// coldResult compares first Retrieves over HTTP with the raw SDK calls.
type coldResult struct {
	tenants, workers int
	pool, raw        time.Duration // latency per tenant, end to end
	inProcess        time.Duration // per tenant: the pool's Retrieve less the time inside its two SDK calls
}

// overhead is the end-to-end difference, which includes moto's noise.
func (r coldResult) overhead() float64 { return float64(r.pool)/float64(r.raw) - 1 }

// inProcessOverhead is the pool's own time as a share of the raw latency.
func (r coldResult) inProcessOverhead() float64 { return float64(r.inProcess) / float64(r.raw) }

// motoClients returns Secrets Manager and STS clients of moto.
func motoClients(url string) (*secretsmanager.Client, *sts.Client) {
	cfg := aws.Config{
		Region:       "us-east-1",
		Credentials:  credentials.NewStaticCredentialsProvider("AKIAIOSFODNN7EXAMPLE", "dummy-secret", ""),
		BaseEndpoint: aws.String(url),
	}
	return secretsmanager.NewFromConfig(cfg), sts.NewFromConfig(cfg)
}

// seedSecrets creates every tenant's secret in moto.
func seedSecrets(ctx context.Context, sm *secretsmanager.Client, names []string) error {
	return forEach(names, 16, func(name string) error {
		_, err := sm.CreateSecret(ctx, &secretsmanager.CreateSecretInput{
			Name:         aws.String(externalid.DefaultSecretID(name)),
			SecretString: aws.String("ext-" + name),
		})
		return err
	})
}

// forEach calls fn for every name on workers goroutines and returns the
// first error.
func forEach(names []string, workers int, fn func(string) error) error {
	ch := make(chan string)
	var (
		wg    sync.WaitGroup
		mu    sync.Mutex // guards first
		first error
	)
	for range workers {
		wg.Go(func() {
			for name := range ch {
				if err := fn(name); err != nil {
					mu.Lock()
					if first == nil {
						first = err
					}
					mu.Unlock()
				}
			}
		})
	}
	for _, n := range names {
		ch <- n
	}
	close(ch)
	wg.Wait()
	return first
}

// timedSTS and timedSM add up the time spent inside the SDK's calls.
type timedSTS struct {
	*sts.Client
	ns atomic.Int64
}

func (t *timedSTS) AssumeRole(ctx context.Context, in *sts.AssumeRoleInput, optFns ...func(*sts.Options)) (*sts.AssumeRoleOutput, error) {
	start := time.Now()
	defer func() { t.ns.Add(int64(time.Since(start))) }()
	return t.Client.AssumeRole(ctx, in, optFns...)
}

type timedSM struct {
	*secretsmanager.Client
	ns atomic.Int64
}

func (t *timedSM) GetSecretValue(ctx context.Context, in *secretsmanager.GetSecretValueInput, optFns ...func(*secretsmanager.Options)) (*secretsmanager.GetSecretValueOutput, error) {
	start := time.Now()
	defer func() { t.ns.Add(int64(time.Since(start))) }()
	return t.Client.GetSecretValue(ctx, in, optFns...)
}

// rawRetrieve is what a service does without this module: read the
// secret, then call AssumeRole with it.
func rawRetrieve(ctx context.Context, sm *secretsmanager.Client, client *sts.Client, name string) error {
	out, err := sm.GetSecretValue(ctx, &secretsmanager.GetSecretValueInput{
		SecretId:     aws.String(externalid.DefaultSecretID(name)),
		VersionStage: aws.String("AWSCURRENT"),
	})
	if err != nil {
		return err
	}
	_, err = client.AssumeRole(ctx, &sts.AssumeRoleInput{
		RoleArn:         aws.String(roleARN),
		RoleSessionName: aws.String(externalid.DefaultRoleSessionName(name)),
		ExternalId:      out.SecretString,
		DurationSeconds: aws.Int32(3600),
	})
	return err
}

// coldOverHTTP measures, against moto, the first pool Retrieve of each
// tenant and the raw calls for the same tenant, with workers tenants in
// flight at a time. Every tenant is cold for the pool (its first
// Retrieve), and the raw path has no cache.
func coldOverHTTP(url string, tenants int, workerCounts []int) ([]coldResult, error) {
	ctx := context.Background()
	sm, client := motoClients(url)
	names := tenantNames(tenants)
	if err := seedSecrets(ctx, sm, names); err != nil {
		return nil, fmt.Errorf("seed moto: %w", err)
	}
	// Warm up connections and moto's code paths.
	for _, name := range names[:min(20, len(names))] {
		if err := rawRetrieve(ctx, sm, client, name); err != nil {
			return nil, err
		}
	}
	var out []coldResult
	for _, workers := range workerCounts {
		tsts, tsm := &timedSTS{Client: client}, &timedSM{Client: sm}
		pool := externalid.NewPool(tsts, externalid.NewSecretsManagerResolver(tsm), func(o *externalid.PoolOptions) {
			o.MaxTenants = len(names)
		})
		var poolSum, rawSum atomic.Int64 // nanoseconds, summed over each tenant's call
		timed := func(sum *atomic.Int64, fn func(string) error) func(string) error {
			return func(name string) error {
				start := time.Now()
				err := fn(name)
				sum.Add(int64(time.Since(start)))
				return err
			}
		}
		runRaw := timed(&rawSum, func(name string) error { return rawRetrieve(ctx, sm, client, name) })
		runPool := timed(&poolSum, func(name string) error {
			_, err := pool.Retrieve(ctx, name, roleARN)
			return err
		})
		// Each tenant runs both paths, in alternating order, so that moto's
		// drift and warm-up weigh on both alike.
		order := make(map[string]bool, len(names))
		for i, name := range names {
			order[name] = i%2 == 0
		}
		err := forEach(names, workers, func(name string) error {
			first, second := runRaw, runPool
			if order[name] {
				first, second = runPool, runRaw
			}
			if err := first(name); err != nil {
				return err
			}
			return second(name)
		})
		if err != nil {
			pool.Close()
			return nil, err
		}
		pool.Close()
		n := int64(len(names))
		inside := tsts.ns.Load() + tsm.ns.Load()
		out = append(out, coldResult{
			tenants: len(names), workers: workers,
			pool:      time.Duration(poolSum.Load() / n),
			raw:       time.Duration(rawSum.Load() / n),
			inProcess: time.Duration(max(0, (poolSum.Load()-inside)/n)),
		})
	}
	return out, nil
}
