package externalid_test

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"testing"

	"github.com/tenantrole/externalid"
)

func TestPoolStampede(t *testing.T) {
	const (
		goroutines = 1000
		tenants    = 200
	)
	clock := newPoolClock()
	client := newPoolSTS(clock)
	secrets := &poolSecrets{gate: make(chan struct{})}
	resolver := externalid.NewSecretsManagerResolver(secrets, func(o *externalid.SecretsManagerOptions) { o.Now = clock.Now })
	p := externalid.NewPool(client, resolver, func(o *externalid.PoolOptions) { o.Now = clock.Now })
	defer p.Close()

	start := make(chan struct{})
	var wg sync.WaitGroup
	errs := make(chan error, goroutines)
	for g := range goroutines {
		tenant := fmt.Sprintf("tenant-%03d", g%tenants)
		wg.Go(func() {
			<-start
			creds, err := p.Retrieve(context.Background(), tenant, poolRole)
			if err == nil && !strings.Contains(creds.AccessKeyID, "|externalid-"+tenant+"|") {
				err = fmt.Errorf("tenant %s got credentials %q", tenant, creds.AccessKeyID)
			}
			if err != nil {
				errs <- err
			}
		})
	}
	close(start)
	// Hold Secrets Manager until every one of the 1,000 callers waits for
	// its tenant's shared refresh: they all arrived while it was cold.
	poolEventually(t, "every caller waits for a refresh", func() bool { return p.Waiting() == goroutines })
	close(secrets.gate)
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	if n := client.calls.Load(); n != tenants {
		t.Errorf("AssumeRole calls = %d; want %d", n, tenants)
	}
	if n := secrets.calls.Load(); n != tenants {
		t.Errorf("GetSecretValue calls = %d; want %d", n, tenants)
	}
}
