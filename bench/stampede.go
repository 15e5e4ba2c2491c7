package main

import (
	"context"
	"sync"
	"time"

	"github.com/tenantrole/externalid"
)

// stampedeResult counts the calls that a stampede on cold tenants made.
type stampedeResult struct {
	goroutines, tenants  int
	assumeRole, getValue int64
	errors               int
}

// stampede starts goroutines callers at once over tenants cold tenants,
// through a real SecretsManagerResolver, with 5 ms of simulated latency on
// each AWS call so that every caller arrives while its tenant is cold.
func stampede(goroutines, tenants int) stampedeResult {
	client := &fakeSTS{delay: 5 * time.Millisecond}
	secrets := &fakeSecrets{delay: 5 * time.Millisecond}
	pool := externalid.NewPool(client, externalid.NewSecretsManagerResolver(secrets))
	defer pool.Close()
	names := tenantNames(tenants)

	res := stampedeResult{goroutines: goroutines, tenants: tenants}
	var (
		wg    sync.WaitGroup
		mu    sync.Mutex // guards res.errors
		start = make(chan struct{})
	)
	for g := range goroutines {
		wg.Go(func() {
			<-start
			if _, err := pool.Retrieve(context.Background(), names[g%tenants], roleARN); err != nil {
				mu.Lock()
				res.errors++
				mu.Unlock()
			}
		})
	}
	close(start)
	wg.Wait()
	res.assumeRole, res.getValue = client.calls.Load(), secrets.gets.Load()
	return res
}

func (r stampedeResult) ok() bool {
	return r.errors == 0 && r.assumeRole == int64(r.tenants) && r.getValue == int64(r.tenants)
}
