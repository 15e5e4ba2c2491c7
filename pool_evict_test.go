package externalid_test

import (
	"context"
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/tenantrole/externalid"
)

// evicted returns the tenants of the eviction events with the given reason.
func (r *poolEvents) evicted(reason string) []string {
	var out []string
	for _, ev := range r.all() {
		if ev.Kind == externalid.EventEvicted && ev.Reason == reason {
			out = append(out, ev.TenantID)
		}
	}
	return out
}

func TestPoolEvictsLeastRecentlyUsed(t *testing.T) {
	events := &poolEvents{}
	p, client, clock, _ := newTestPool(t, func(o *externalid.PoolOptions) {
		o.MaxTenants = 2
		o.OnEvent = events.record
	})
	// Recency has a resolution of IdleTimeout/60: 1 minute by default.
	poolMustRetrieve(t, p, "a", poolRole)
	clock.Advance(2 * time.Minute)
	poolMustRetrieve(t, p, "b", poolRole)
	clock.Advance(2 * time.Minute)
	poolMustRetrieve(t, p, "a", poolRole) // a is now the most recently used
	poolMustRetrieve(t, p, "c", poolRole) // evicts b
	if got := events.evicted(externalid.EvictedCapacity); !slices.Equal(got, []string{"b"}) {
		t.Fatalf("evicted for capacity = %v; want [b]", got)
	}
	if n := p.Len(); n != 2 {
		t.Errorf("Len() = %d; want 2", n)
	}
	calls := client.calls.Load()
	poolMustRetrieve(t, p, "a", poolRole)
	poolMustRetrieve(t, p, "c", poolRole)
	if n := client.calls.Load(); n != calls {
		t.Errorf("AssumeRole calls for resident a and c = %d; want none", n-calls)
	}
	poolMustRetrieve(t, p, "b", poolRole)
	if n := client.calls.Load(); n != calls+1 {
		t.Errorf("AssumeRole calls for evicted b = %d; want 1", n-calls)
	}
}

func TestPoolMaxTenantsIsExactAcrossShards(t *testing.T) {
	for _, max := range []int{1, 3, 1000, 5000} {
		t.Run(fmt.Sprint(max), func(t *testing.T) {
			p, _, _, _ := newTestPool(t, func(o *externalid.PoolOptions) { o.MaxTenants = max })
			for i := range max + 50 {
				if _, err := p.Credentials(fmt.Sprintf("t%d", i), poolRole); err != nil {
					t.Fatal(err)
				}
			}
			if n := p.Len(); n != max {
				t.Errorf("Len() = %d; want %d", n, max)
			}
		})
	}
}

func TestPoolEvictsIdleEntries(t *testing.T) {
	events := &poolEvents{}
	p, client, clock, _ := newTestPool(t, func(o *externalid.PoolOptions) {
		o.IdleTimeout = 10 * time.Minute
		o.OnEvent = events.record
	})
	poolMustRetrieve(t, p, "busy", poolRole)
	idleProvider, err := p.Credentials("idle", poolRole)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := idleProvider.Retrieve(context.Background()); err != nil {
		t.Fatal(err)
	}
	for range 3 {
		clock.Advance(4 * time.Minute)
		poolMustRetrieve(t, p, "busy", poolRole)
		p.SweepIdle()
	}
	if got := events.evicted(externalid.EvictedIdle); !slices.Equal(got, []string{"idle"}) {
		t.Fatalf("evicted as idle = %v; want [idle]", got)
	}
	if n := p.Len(); n != 1 {
		t.Errorf("Len() = %d; want 1", n)
	}
	// A provider handed out before the eviction goes on working: it puts
	// its entry, with its still-valid credentials, back into the pool, so
	// the pair has one entry, not two, and STS is not called.
	calls := client.calls.Load()
	for range 3 {
		if _, err := idleProvider.Retrieve(context.Background()); err != nil {
			t.Fatalf("evicted provider Retrieve() = %v", err)
		}
	}
	poolMustRetrieve(t, p, "idle", poolRole)
	if n := client.calls.Load() - calls; n != 0 {
		t.Errorf("AssumeRole calls after the eviction = %d; want 0", n)
	}
	if n := p.Len(); n != 2 {
		t.Errorf("Len() = %d; want 2", n)
	}
}

func TestPoolIdleEvictionDisabled(t *testing.T) {
	p, _, clock, _ := newTestPool(t, func(o *externalid.PoolOptions) { o.IdleTimeout = -1 })
	poolMustRetrieve(t, p, "acme", poolRole)
	clock.Advance(48 * time.Hour)
	p.SweepIdle()
	if n := p.Len(); n != 1 {
		t.Errorf("Len() = %d; want 1 with idle eviction disabled", n)
	}
}

func TestPoolJanitorEvictsIdleEntries(t *testing.T) {
	// The janitor wakes on the real clock every IdleTimeout/4, at least
	// every second, and judges idleness on the injected clock.
	evicted := make(chan string, 1)
	p, _, clock, _ := newTestPool(t, func(o *externalid.PoolOptions) {
		o.IdleTimeout = 2 * time.Second
		o.OnEvent = func(ev externalid.PoolEvent) {
			if ev.Kind == externalid.EventEvicted {
				evicted <- ev.TenantID
			}
		}
	})
	poolMustRetrieve(t, p, "acme", poolRole)
	clock.Advance(time.Hour)
	select {
	case tenant := <-evicted:
		if tenant != "acme" {
			t.Errorf("evicted %q; want acme", tenant)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("the janitor did not evict the idle entry within 10 s")
	}
	if n := p.Len(); n != 0 {
		t.Errorf("Len() = %d; want 0", n)
	}
}
