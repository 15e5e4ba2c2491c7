package externalid_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/service/sts"

	"github.com/tenantrole/externalid"
)

// poolDeadlockGuard bounds a wait that must end unless the code deadlocks.
// It is never a timing assertion: any real run ends far sooner.
const poolDeadlockGuard = 10 * time.Second

// poolWithin runs fn and fails the test if it has not returned within the
// deadlock guard.
func poolWithin(t *testing.T, what string, fn func()) {
	t.Helper()
	done := make(chan struct{})
	go func() {
		defer close(done)
		fn()
	}()
	select {
	case <-done:
	case <-time.After(poolDeadlockGuard):
		t.Fatalf("%s did not return: deadlock", what)
	}
}

// A hook that retrieves the same pair, on any refresh event, completes:
// neither the shared refresh nor its waiters wait for a hook.
func TestPoolHookRetrievesTheSamePair(t *testing.T) {
	for _, kind := range []externalid.PoolEventKind{externalid.EventRefreshStarted, externalid.EventRefreshSucceeded} {
		t.Run(kind.String(), func(t *testing.T) {
			var p *externalid.Pool
			hookErr := make(chan error, 1)
			p, client, _, _ := newTestPool(t, func(o *externalid.PoolOptions) {
				o.OnEvent = func(ev externalid.PoolEvent) {
					if ev.Kind != kind {
						return
					}
					ctx, cancel := context.WithTimeout(context.Background(), poolDeadlockGuard)
					defer cancel()
					_, err := p.Retrieve(ctx, ev.TenantID, ev.RoleARN)
					select {
					case hookErr <- err:
					default:
					}
				}
			})
			poolWithin(t, "Retrieve with a re-entrant hook", func() { poolMustRetrieve(t, p, "acme", poolRole) })
			var err error
			poolWithin(t, "the hook", func() { err = <-hookErr })
			if err != nil {
				t.Errorf("hook's Retrieve() of the same pair = %v; want credentials", err)
			}
			if n := client.calls.Load(); n != 1 {
				t.Errorf("AssumeRole calls = %d; want 1", n)
			}
		})
	}
}

// A hook that closes the pool, on any event, completes, and so do the
// callers.
func TestPoolHookClosesThePool(t *testing.T) {
	for _, kind := range []externalid.PoolEventKind{
		externalid.EventRefreshStarted, externalid.EventRefreshSucceeded, externalid.EventRefreshFailed,
		externalid.EventServedWhileRefreshing, externalid.EventEvicted, externalid.EventDenied,
	} {
		t.Run(kind.String(), func(t *testing.T) {
			var p *externalid.Pool
			closed := make(chan struct{})
			ticks := make(chan time.Time)
			p, client, clock, _ := newTestPool(t, externalid.WithJanitorTicks(ticks), func(o *externalid.PoolOptions) {
				o.IdleTimeout = time.Hour
				o.OnEvent = func(ev externalid.PoolEvent) {
					if ev.Kind == kind {
						_ = p.Close()
						close(closed)
					}
				}
			})
			poolWithin(t, "the events' calls", func() {
				switch kind {
				case externalid.EventRefreshStarted, externalid.EventRefreshSucceeded:
					_, _ = p.Retrieve(context.Background(), "acme", poolRole)
				case externalid.EventRefreshFailed, externalid.EventDenied:
					client.setFail(func(*sts.AssumeRoleInput) error { return poolAPIError("AccessDenied") })
					_, _ = p.Retrieve(context.Background(), "acme", poolRole)
					_, _ = p.Retrieve(context.Background(), "acme", poolRole)
				case externalid.EventServedWhileRefreshing:
					poolMustRetrieve(t, p, "acme", poolRole)
					clock.Advance(poolIntoWindow)
					_, _ = p.Retrieve(context.Background(), "acme", poolRole)
				case externalid.EventEvicted: // by the janitor
					poolMustRetrieve(t, p, "acme", poolRole)
					clock.Advance(2 * time.Hour)
					ticks <- time.Time{}
				}
			})
			poolWithin(t, "the hook calling Close", func() { <-closed })
			if _, err := p.Retrieve(context.Background(), "acme", poolRole); !errors.Is(err, externalid.ErrPoolClosed) {
				t.Errorf("Retrieve() after the hook's Close = %v; want %v", err, externalid.ErrPoolClosed)
			}
		})
	}
}
