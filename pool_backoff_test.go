package externalid_test

import (
	"context"
	"errors"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/service/sts"

	"github.com/tenantrole/externalid"
)

// A transient failure of an entry without valid credentials (expired, or
// cold) is remembered until its backoff has passed: callers at the same
// instant share one AssumeRole and get its error, the same value, and the
// next attempt is one shared call after the backoff.
func TestPoolTransientFailureBacksOffWithoutValidCredentials(t *testing.T) {
	tests := []struct {
		name    string
		prepare func(t *testing.T, p *externalid.Pool, clock interface{ Advance(time.Duration) })
	}{
		{"expired", func(t *testing.T, p *externalid.Pool, clock interface{ Advance(time.Duration) }) {
			poolMustRetrieve(t, p, "acme", poolRole)
			clock.Advance(2 * time.Hour)
		}},
		{"cold", func(*testing.T, *externalid.Pool, interface{ Advance(time.Duration) }) {}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			events := &poolEvents{}
			p, client, clock, _ := newTestPool(t, func(o *externalid.PoolOptions) { o.OnEvent = events.record })
			tt.prepare(t, p, clock)
			throttled := poolAPIError("Throttling")
			client.setFail(func(*sts.AssumeRoleInput) error { return throttled })
			before := client.calls.Load()

			const callers = 20
			errs := make([]error, callers)
			var wg sync.WaitGroup
			for i := range callers {
				wg.Go(func() { _, errs[i] = p.Retrieve(context.Background(), "acme", poolRole) })
			}
			wg.Wait()
			if n := client.calls.Load() - before; n != 1 {
				t.Fatalf("AssumeRole calls of %d simultaneous callers while throttled = %d; want 1", callers, n)
			}
			for i, err := range errs {
				if !errors.Is(err, throttled) || err != errs[0] {
					t.Fatalf("caller %d: Retrieve() = %v; want the shared failure %v, same value", i, err, errs[0])
				}
			}
			// Within the 1 s backoff: the same error, no call.
			clock.Advance(999 * time.Millisecond)
			for range callers {
				if _, err := p.Retrieve(context.Background(), "acme", poolRole); err != errs[0] {
					t.Fatalf("within the backoff: Retrieve() = %v; want the remembered %v", err, errs[0])
				}
			}
			if n := client.calls.Load() - before; n != 1 {
				t.Fatalf("AssumeRole calls within the backoff = %d; want 1", n)
			}
			if n := events.count(externalid.EventDenied); n < callers {
				t.Errorf("denied events = %d; want at least %d", n, callers)
			}
			// After it: one caller tries again, shared with the others.
			clock.Advance(time.Millisecond)
			client.setFail(nil)
			for i := range callers {
				wg.Go(func() { _, errs[i] = p.Retrieve(context.Background(), "acme", poolRole) })
			}
			wg.Wait()
			for i, err := range errs {
				if err != nil {
					t.Fatalf("caller %d after the backoff: Retrieve() = %v; want credentials", i, err)
				}
			}
			if n := client.calls.Load() - before; n != 2 {
				t.Errorf("AssumeRole calls after the backoff = %d; want 2", n)
			}
		})
	}
}

// While a failed background refresh backs off, callers get the valid
// credentials without an event: nothing is refreshing. While a refresh is
// in flight they get served_while_refreshing.
func TestPoolServedWhileRefreshingOnlyWhileInFlight(t *testing.T) {
	events := &poolEvents{}
	p, client, clock, _ := newTestPool(t, func(o *externalid.PoolOptions) { o.OnEvent = events.record })
	poolMustRetrieve(t, p, "acme", poolRole)
	client.setFail(func(*sts.AssumeRoleInput) error { return poolAPIError("Throttling") })
	clock.Advance(poolIntoWindow)
	release := client.hold()
	poolMustRetrieve(t, p, "acme", poolRole) // starts the refresh, held in STS
	poolMustRetrieve(t, p, "acme", poolRole)
	if n := events.count(externalid.EventServedWhileRefreshing); n != 2 {
		t.Fatalf("served while refreshing, refresh in flight = %d; want 2", n)
	}
	release()
	poolEventually(t, "the refresh fails", func() bool { return events.count(externalid.EventRefreshFailed) == 1 })
	for range 10 {
		poolMustRetrieve(t, p, "acme", poolRole)
	}
	if n := events.count(externalid.EventServedWhileRefreshing); n != 2 {
		t.Errorf("served while refreshing, backing off = %d more; want none", n-2)
	}
	if n := client.calls.Load(); n != 2 {
		t.Errorf("AssumeRole calls = %d; want 2", n)
	}
}

// Credentials that expire within MinCredentialLifetime of the pool's clock
// (STS's clock is behind) fail the refresh as a transient error with
// backoff, rather than being refreshed again by every call.
func TestPoolShortLivedCredentialsBackOff(t *testing.T) {
	events := &poolEvents{}
	p, client, clock, _ := newTestPool(t, func(o *externalid.PoolOptions) { o.OnEvent = events.record })
	client.skew.Store(int64(time.Hour)) // expire at the local now
	_, first := p.Retrieve(context.Background(), "acme", poolRole)
	if first == nil {
		t.Fatal("Retrieve() of credentials expiring now = nil error; want a failure")
	}
	for range 20 {
		if _, err := p.Retrieve(context.Background(), "acme", poolRole); err != first {
			t.Fatalf("within the backoff: Retrieve() = %v; want the remembered %v", err, first)
		}
	}
	if n := client.calls.Load(); n != 1 {
		t.Fatalf("AssumeRole calls = %d; want 1", n)
	}
	poolEventually(t, "the failure is reported", func() bool { return events.count(externalid.EventRefreshFailed) == 1 })
	for _, ev := range events.all() {
		if ev.Kind == externalid.EventRefreshFailed && ev.Class != externalid.ErrorClassTransient {
			t.Errorf("refresh failed class = %q; want %q", ev.Class, externalid.ErrorClassTransient)
		}
	}
	// Still skewed, but by less than the lifetime less MinCredentialLifetime.
	client.skew.Store(int64(time.Hour - externalid.MinCredentialLifetime - time.Second))
	clock.Advance(time.Second)
	if _, err := p.Retrieve(context.Background(), "acme", poolRole); err != nil {
		t.Errorf("Retrieve() of credentials with %v left = %v; want them", externalid.MinCredentialLifetime+time.Second, err)
	}
}
