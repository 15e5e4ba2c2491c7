package main

import (
	"context"
	"sync"
	"sync/atomic"

	"github.com/tenantrole/externalid"
)

// stampedeResult counts the calls that a stampede on cold tenants made.
type stampedeResult struct {
	goroutines, tenants  int
	inBeforeOpen         int64 // callers inside Retrieve when the gate opened, none of them served
	assumeRole, getValue int64
	errors               int64
}

// stampede starts goroutines callers at once over tenants cold tenants,
// through a real SecretsManagerResolver. The fake STS and Secrets Manager
// hold every call at a gate until all callers have entered Retrieve and
// settled (see dayConfig.settle), so that every caller arrives while its
// tenant is cold; then the gate opens.
func stampede(goroutines, tenants int, settle func(running, done func() int64)) stampedeResult {
	held := newGate()
	client := &fakeSTS{gate: held}
	secrets := &fakeSecrets{gate: held}
	pool := externalid.NewPool(client, externalid.NewSecretsManagerResolver(secrets))
	defer pool.Close()
	names := tenantNames(tenants)

	res := stampedeResult{goroutines: goroutines, tenants: tenants}
	var (
		wg                        sync.WaitGroup
		entered, returned, errors atomic.Int64
	)
	for g := range goroutines {
		wg.Go(func() {
			entered.Add(1)
			if _, err := pool.Retrieve(context.Background(), names[g%tenants], roleARN); err != nil {
				errors.Add(1)
			}
			returned.Add(1)
		})
	}
	// Settle until every caller has entered and all are blocked: no call
	// can return before the gate opens.
	notIn := func() int64 { return int64(goroutines) - entered.Load() }
	settle(notIn, entered.Load)
	settle(func() int64 { return 1 }, returned.Load) // and have reached the pool
	res.inBeforeOpen = entered.Load() - returned.Load()
	held.open()
	wg.Wait()
	res.assumeRole, res.getValue, res.errors = client.calls.Load(), secrets.gets.Load(), errors.Load()
	return res
}

func (r stampedeResult) ok() bool {
	return r.errors == 0 && r.inBeforeOpen == int64(r.goroutines) &&
		r.assumeRole == int64(r.tenants) && r.getValue == int64(r.tenants)
}
