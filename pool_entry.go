package externalid

import (
	"context"
	"fmt"
	"math"
	"sync"
	"sync/atomic"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
)

// refreshing is the value of poolEntry.next while a refresh is in flight.
const refreshing = math.MaxInt64

// maxRevives bounds how often one Retrieve puts its entry back into the
// pool after an eviction (see Pool.revive) before it refreshes the evicted
// entry anyway.
const maxRevives = 8

// poolEntry caches the credentials of one (tenant, role ARN) pair. It is the
// aws.CredentialsProvider that [Pool.Credentials] returns.
//
// The credentials, and the time before which no refresh may start, are
// published through atomics, so the warm path and a Retrieve in the refresh
// window while a refresh is in flight or backing off take no lock. mu
// serialises the decisions of the slow path: whether to start a refresh,
// and the bookkeeping of failures.
//
// A poolEntry is safe for concurrent use.
type poolEntry struct {
	// Read by every warm Retrieve: kept together.
	key      poolKey                   // both strings in one allocation (see ownedKey)
	cur      atomic.Pointer[poolCreds] // last good credentials; nil until the first success
	lastUsed atomic.Int64              // Unix nanoseconds of the last use, at Pool.touchNs
	pool     *Pool
	evicted  atomic.Bool  // written under shard.mu and mu: set when the entry leaves the pool, cleared if it is revived
	next     atomic.Int64 // written under mu: Unix nanoseconds before which no refresh starts (the backoff), or refreshing

	shard    *poolShard
	hash     uint64    // Pool.keyHash(key)
	provider *Provider // validated at creation; immutable
	jitter   float64   // share of PoolOptions.RefreshJitter, in [0, 1)

	newer, older *poolEntry // links of the shard's LRU list; guarded by shard.mu

	mu       sync.Mutex  // guards the fields below, and the writes of next and evicted
	flight   *poolFlight // the refresh in flight, or nil
	failures int         // consecutive failed refreshes; 0 after a success
	lastErr  error       // error of the last refresh if it failed: served, while no credentials are valid, until next
	events   []PoolEvent // refresh events not yet delivered, oldest first
	emitting bool        // a goroutine is delivering events (see deliverEvents)
}

// poolCreds is an immutable snapshot of an entry's credentials.
type poolCreds struct {
	refreshAt int64 // Unix nanoseconds: start of the refresh window, before creds.Expires
	expires   int64 // Unix nanoseconds of creds.Expires
	creds     aws.Credentials
}

// poolFlight is one shared refresh. creds and err are written before done
// is closed, and read only after.
type poolFlight struct {
	done     chan struct{}
	blocking bool // started by a caller without valid credentials
	waiters  int  // callers that waited for it; guarded by the entry's mu
	creds    aws.Credentials
	err      error
}

var _ aws.CredentialsProvider = (*poolEntry)(nil)

// Retrieve returns the entry's credentials. It is the warm path of a
// provider from [Pool.Credentials]. A provider whose entry the pool evicted
// puts it back (see [Pool.revive]), so that a pair never has two entries
// calling STS.
func (e *poolEntry) Retrieve(ctx context.Context) (aws.Credentials, error) {
	if e.pool.closed.Load() {
		return aws.Credentials{}, ErrPoolClosed
	}
	if e.evicted.Load() {
		e = e.pool.revive(e)
	}
	return e.retrieve(ctx)
}

// ProviderSources reports the credential source for the SDK's user agent.
func (e *poolEntry) ProviderSources() []aws.CredentialSource {
	return e.provider.ProviderSources()
}

// retrieve serves fresh credentials without a lock or allocation, and
// leaves everything else to retrieveSlow.
// Its callers have checked that the pool is open.
func (e *poolEntry) retrieve(ctx context.Context) (aws.Credentials, error) {
	now := e.pool.opts.Now()
	n := now.UnixNano()
	if last := e.lastUsed.Load(); n-last >= e.pool.touchNs {
		e.touch(last, n)
	}
	if c := e.cur.Load(); c != nil && n < c.refreshAt {
		return c.creds, nil
	}
	return e.retrieveSlow(ctx, n)
}

// touch records a use of the entry at n, for idle eviction and the LRU. It
// is called at most about once per Pool.touchNs; of concurrent
// callers, one moves the entry.
func (e *poolEntry) touch(last, n int64) {
	if e.lastUsed.CompareAndSwap(last, n) {
		e.shard.markUsed(e)
	}
}

// retrieveSlow handles credentials in their refresh window, expired or
// missing credentials, and remembered errors. n is now in Unix nanoseconds.
func (e *poolEntry) retrieveSlow(ctx context.Context, n int64) (aws.Credentials, error) {
	for i := 0; ; i++ {
		creds, err, evicted := e.attempt(ctx, n, i >= maxRevives)
		if !evicted {
			return creds, err
		}
		// A refresh must not start on an entry that left the pool: another
		// entry of the pair could start one too. Put it back, or use the
		// pair's entry that took its place.
		e = e.pool.revive(e)
	}
}

// attempt serves the credentials or the remembered error, or starts or
// joins a refresh. It returns evicted true, and does nothing, when a
// refresh should start but the entry has left the pool, unless force is
// set.
func (e *poolEntry) attempt(ctx context.Context, n int64, force bool) (_ aws.Credentials, _ error, evicted bool) {
	// In the refresh window while a refresh is in flight or backing off:
	// no lock.
	if c := e.cur.Load(); c != nil && n < c.expires {
		switch next := e.next.Load(); {
		case next == refreshing:
			e.pool.emit(e.event(EventServedWhileRefreshing))
			return c.creds, nil, false
		case n < next:
			return c.creds, nil, false
		}
	}

	e.mu.Lock()
	// Re-read under mu: a refresh that finished since the lock-free reads
	// has published new credentials or a new backoff.
	c := e.cur.Load()
	if c != nil && n < c.refreshAt {
		e.mu.Unlock()
		return c.creds, nil, false
	}
	if c != nil && n < c.expires {
		deliver := false
		if e.flight == nil && n >= e.next.Load() {
			if e.evicted.Load() && !force {
				e.mu.Unlock()
				return aws.Credentials{}, nil, true
			}
			_, deliver = e.startLocked(ctx, false)
		}
		inFlight := e.flight != nil
		e.mu.Unlock()
		if deliver {
			e.deliverEvents()
		}
		if inFlight {
			e.pool.emit(e.event(EventServedWhileRefreshing))
		}
		return c.creds, nil, false
	}
	f := e.flight
	deliver := false
	if f == nil {
		if e.lastErr != nil && n < e.next.Load() {
			err := e.lastErr
			e.mu.Unlock()
			ev := e.event(EventDenied)
			ev.Class, ev.Err = classifyError(err), err
			e.pool.emit(ev)
			return aws.Credentials{}, err, false
		}
		if e.evicted.Load() && !force {
			e.mu.Unlock()
			return aws.Credentials{}, nil, true
		}
		if f, deliver = e.startLocked(ctx, true); f == nil {
			e.mu.Unlock()
			return aws.Credentials{}, ErrPoolClosed, false
		}
	}
	f.waiters++
	e.mu.Unlock()
	if deliver {
		e.deliverEvents()
	}
	select {
	case <-f.done:
		return f.creds, f.err, false
	case <-ctx.Done():
		return aws.Credentials{}, fmt.Errorf("externalid: waiting for credentials of role %s for tenant %q: %w",
			e.key.roleARN, e.key.tenantID, ctx.Err()), false
	}
}

// event returns an event of the given kind about the entry.
func (e *poolEntry) event(kind PoolEventKind) PoolEvent {
	return PoolEvent{Kind: kind, TenantID: e.key.tenantID, RoleARN: e.key.roleARN}
}

// enqueueLocked queues a refresh event of the entry. It reports whether
// the caller must deliver the queue (see deliverEvents) once it has
// released mu: no other goroutine is delivering it. e.mu must be held.
//
// Refresh events go through this queue so that they reach the hook in
// order (a refresh's start before its outcome, one refresh after the
// other) without the refresh, or any caller, waiting for a hook that runs
// on another goroutine.
func (e *poolEntry) enqueueLocked(ev PoolEvent) bool {
	if !e.pool.hasSink {
		return false
	}
	e.events = append(e.events, ev)
	if e.emitting {
		return false
	}
	e.emitting = true
	return true
}

// deliverEvents delivers the entry's queued events, outside its lock,
// until the queue is empty. Only the goroutine that enqueueLocked chose
// calls it; events queued meanwhile, even by a hook that calls back into
// the pool, are delivered by the same loop.
func (e *poolEntry) deliverEvents() {
	finished := false
	defer func() {
		if !finished { // a hook panicked: let the next event's goroutine deliver
			e.mu.Lock()
			e.emitting = false
			e.mu.Unlock()
		}
	}()
	for {
		e.mu.Lock()
		evs := e.events
		e.events = nil
		if len(evs) == 0 {
			e.emitting = false
			e.mu.Unlock()
			finished = true
			return
		}
		e.mu.Unlock()
		for i := range evs {
			e.pool.emit(evs[i])
		}
	}
}

// seedFrom gives e the unexpired credentials of old, another entry of the
// same pair that left the pool, if e has none yet.
func (e *poolEntry) seedFrom(old *poolEntry, now int64) {
	if c := old.cur.Load(); c != nil && now < c.expires {
		e.cur.CompareAndSwap(nil, c)
	}
}

// nanos returns t in Unix nanoseconds, saturated to the int64 range.
func nanos(t time.Time) int64 {
	switch {
	case t.Year() < 1678:
		return math.MinInt64
	case t.Year() > 2261:
		return math.MaxInt64 - 1
	}
	return t.UnixNano()
}
