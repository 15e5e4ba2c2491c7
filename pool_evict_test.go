package externalid_test

import (
	"context"
	"fmt"
	"slices"
	"sync"
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
	// The janitor wakes on its ticker (here an injected one) and judges
	// idleness on the injected clock.
	ticks := make(chan time.Time)
	events := &poolEvents{}
	p, _, clock, _ := newTestPool(t, externalid.WithJanitorTicks(ticks), func(o *externalid.PoolOptions) {
		o.IdleTimeout = 2 * time.Second
		o.OnEvent = events.record
	})
	poolMustRetrieve(t, p, "acme", poolRole)
	ticks <- time.Time{} // acme is not idle yet
	clock.Advance(time.Hour)
	ticks <- time.Time{}
	ticks <- time.Time{} // the janitor took this tick: the previous sweep has reported
	if got := events.evicted(externalid.EvictedIdle); !slices.Equal(got, []string{"acme"}) {
		t.Errorf("evicted as idle = %v; want [acme]", got)
	}
	if n := p.Len(); n != 0 {
		t.Errorf("Len() = %d; want 0", n)
	}
}

// A background refresh in flight when its entry is evicted is not
// repeated: the pair's next caller gets the entry back, with its valid
// credentials and its refresh, instead of a second entry making a second,
// blocking AssumeRole.
func TestPoolEvictionDuringBackgroundRefresh(t *testing.T) {
	events := &poolEvents{}
	p, client, clock, _ := newTestPool(t, func(o *externalid.PoolOptions) {
		o.MaxTenants = 1
		o.OnEvent = events.record
	})
	first := poolMustRetrieve(t, p, "acme", poolRole)
	clock.Advance(poolIntoWindow)
	release := client.hold()
	defer release()
	poolMustRetrieve(t, p, "acme", poolRole) // starts the background refresh, held in STS
	poolEventually(t, "acme's refresh is in flight", func() bool { return client.calls.Load() == 2 })
	go func() { _, _ = p.Retrieve(context.Background(), "globex", poolRole) }() // evicts acme
	poolEventually(t, "globex's call is in flight", func() bool { return client.calls.Load() == 3 })
	if got := events.evicted(externalid.EvictedCapacity); !slices.Equal(got, []string{"acme"}) {
		t.Fatalf("evicted for capacity = %v; want [acme]", got)
	}

	ctx, cancel := context.WithTimeout(context.Background(), poolDeadlockGuard)
	defer cancel()
	c, err := p.Retrieve(ctx, "acme", poolRole)
	if err != nil || c.AccessKeyID != first.AccessKeyID {
		t.Fatalf("Retrieve(acme) after its eviction = %q, %v; want the still-valid %q without waiting", c.AccessKeyID, err, first.AccessKeyID)
	}
	if n := client.calls.Load(); n != 3 {
		t.Errorf("AssumeRole calls = %d; want 3: acme's refresh is not repeated", n)
	}
	release()
	poolEventually(t, "both calls finish", func() bool { return events.count(externalid.EventRefreshSucceeded) == 3 })
	next := poolMustRetrieve(t, p, "acme", poolRole)
	if next.AccessKeyID == first.AccessKeyID {
		t.Errorf("Retrieve(acme) after its refresh = %q; want the refreshed credentials", next.AccessKeyID)
	}
	if n := client.calls.Load(); n != 3 {
		t.Errorf("AssumeRole calls = %d; want 3", n)
	}
}

// Callers of a cold pair whose entry is evicted while its AssumeRole is in
// flight share that call with the pair's later callers.
func TestPoolEvictionDuringColdRefresh(t *testing.T) {
	p, client, _, _ := newTestPool(t, func(o *externalid.PoolOptions) { o.MaxTenants = 1 })
	release := client.hold()
	defer release()
	results := make(chan string, 3)
	retrieve := func(tenant string) {
		c, err := p.Retrieve(context.Background(), tenant, poolRole)
		if err != nil {
			t.Errorf("Retrieve(%s) = %v", tenant, err)
		}
		results <- tenant + " " + c.AccessKeyID
	}
	go retrieve("acme")
	poolEventually(t, "acme's call is in flight", func() bool { return client.calls.Load() == 1 })
	go retrieve("globex") // evicts acme
	poolEventually(t, "globex's call is in flight", func() bool { return client.calls.Load() == 2 })
	go retrieve("acme") // puts acme back, joining its call
	poolEventually(t, "the three callers wait", func() bool { return p.Waiting() == 3 })
	release()
	got := map[string]int{}
	for range 3 {
		got[<-results]++
	}
	if n := client.calls.Load(); n != 2 {
		t.Errorf("AssumeRole calls = %d; want 2, one per tenant", n)
	}
	if len(got) != 2 {
		t.Errorf("credentials by tenant = %v; want both acme callers to share one", got)
	}
}

// An evicted provider whose pair has a new, cold entry hands its
// still-valid credentials to it.
func TestPoolEvictedProviderSeedsTheNewEntry(t *testing.T) {
	p, client, clock, _ := newTestPool(t, func(o *externalid.PoolOptions) { o.IdleTimeout = 10 * time.Minute })
	prov, err := p.Credentials("acme", poolRole)
	if err != nil {
		t.Fatal(err)
	}
	first, err := prov.Retrieve(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	clock.Advance(11 * time.Minute)
	p.SweepIdle()
	if n := p.Len(); n != 0 {
		t.Fatalf("Len() after the sweep = %d; want 0", n)
	}
	newer, err := p.Credentials("acme", poolRole) // a new entry, cold
	if err != nil {
		t.Fatal(err)
	}
	if c, err := prov.Retrieve(context.Background()); err != nil || c.AccessKeyID != first.AccessKeyID {
		t.Fatalf("evicted provider Retrieve() = %q, %v; want %q", c.AccessKeyID, err, first.AccessKeyID)
	}
	if c, err := newer.Retrieve(context.Background()); err != nil || c.AccessKeyID != first.AccessKeyID {
		t.Fatalf("new provider Retrieve() = %q, %v; want the carried %q", c.AccessKeyID, err, first.AccessKeyID)
	}
	if n, l := client.calls.Load(), p.Len(); n != 1 || l != 1 {
		t.Errorf("AssumeRole calls, Len() = %d, %d; want 1, 1", n, l)
	}
}

// Concurrent inserts never evict more than needed: once they have all
// returned, the pool holds exactly MaxTenants entries.
func TestPoolMaxTenantsAfterConcurrentInserts(t *testing.T) {
	const max = 1000
	for round := range 5 {
		p, _, _, _ := newTestPool(t, func(o *externalid.PoolOptions) { o.MaxTenants = max })
		var wg sync.WaitGroup
		for g := range 8 {
			wg.Go(func() {
				for i := range 400 {
					if _, err := p.Credentials(fmt.Sprintf("g%d-t%d", g, i), poolRole); err != nil {
						t.Error(err)
					}
				}
			})
		}
		wg.Wait()
		if n := p.Len(); n != max {
			t.Errorf("round %d: Len() = %d after concurrent inserts; want %d", round, n, max)
		}
	}
}
