package main

import (
	"context"
	"fmt"
	"sync/atomic"
	"time"

	"github.com/tenantrole/externalid"
)

// dayResult describes a simulated day of traffic.
type dayResult struct {
	tenants          int
	step             time.Duration
	retrieves        int64
	assumeRole       int64 // AssumeRole calls, cold ones included
	credentialSets   int64 // distinct credentials served to callers
	duplicates       int   // refreshes of a tenant before its credentials entered the window
	blockingRefresh  int64 // refreshes that callers waited for
	errors           int64
	minGap, maxGap   time.Duration // between a tenant's consecutive AssumeRole calls
	wall             time.Duration
	callsPerTenantHr float64
}

// simulateDay drives tenants through 24 hours of the injected clock, each
// calling Retrieve once per step, with 1-hour credentials and the pool's
// default refresh window (15 min plus up to 5 min of jitter). Between steps
// it waits for the background refreshes to finish, as real time would.
func simulateDay(tenants int, step time.Duration) (dayResult, error) {
	start := time.Now()
	clk := &clock{now: time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)}
	client := &fakeSTS{now: clk.Now, byTenant: map[string][]time.Time{}}
	var started, finished, blocking atomic.Int64
	pool := externalid.NewPool(client, staticResolver(), func(o *externalid.PoolOptions) {
		o.Now = clk.Now
		o.MaxTenants = tenants
		o.OnEvent = func(ev externalid.PoolEvent) {
			switch ev.Kind {
			case externalid.EventRefreshStarted:
				started.Add(1)
				if ev.Blocking {
					blocking.Add(1)
				}
			case externalid.EventRefreshSucceeded, externalid.EventRefreshFailed:
				finished.Add(1)
			}
		}
	})
	defer pool.Close()

	names := tenantNames(tenants)
	last := make([]string, tenants)
	res := dayResult{tenants: tenants, step: step}
	ctx := context.Background()
	steps := int(24 * time.Hour / step)
	for s := 0; s <= steps; s++ { // the last pass serves the last refreshes
		for i, name := range names {
			creds, err := pool.Retrieve(ctx, name, roleARN)
			res.retrieves++
			if err != nil {
				res.errors++
				continue
			}
			if creds.AccessKeyID != last[i] {
				last[i] = creds.AccessKeyID
				res.credentialSets++
			}
		}
		for deadline := time.Now().Add(time.Minute); finished.Load() != started.Load(); {
			if time.Now().After(deadline) {
				return res, fmt.Errorf("refreshes did not finish at step %d", s)
			}
			time.Sleep(20 * time.Microsecond)
		}
		if s < steps {
			clk.Advance(step)
		}
	}
	// Serve what the last step's refreshes brought, so that every
	// credential set made is counted as served.
	for i, name := range names {
		if creds, err := pool.Retrieve(ctx, name, roleARN); err == nil && creds.AccessKeyID != last[i] {
			last[i] = creds.AccessKeyID
			res.credentialSets++
		}
	}
	res.assumeRole = client.calls.Load()
	res.blockingRefresh = blocking.Load() - int64(tenants) // the first call of each tenant waits, by design
	// A refresh is a duplicate if it came before the previous credentials
	// (1 hour) entered the largest possible window (20 minutes).
	res.minGap = 24 * time.Hour
	for _, times := range client.byTenant {
		for j := 1; j < len(times); j++ {
			gap := times[j].Sub(times[j-1])
			res.minGap, res.maxGap = min(res.minGap, gap), max(res.maxGap, gap)
			if gap < 40*time.Minute {
				res.duplicates++
			}
		}
	}
	res.callsPerTenantHr = float64(res.assumeRole) / float64(tenants) / 24
	res.wall = time.Since(start)
	return res, nil
}

// perLifetime is AssumeRole calls per credential set served: 1.00 means
// every call made credentials that callers used, for one lifetime each.
func (r dayResult) perLifetime() float64 {
	return float64(r.assumeRole) / float64(r.credentialSets)
}

func (r dayResult) ok() bool {
	return r.errors == 0 && r.duplicates == 0 && r.blockingRefresh == 0 && r.assumeRole == r.credentialSets
}
