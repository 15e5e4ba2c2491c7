package externalid

import (
	"context"
	"fmt"
	"sync"
	"sync/atomic"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
)

// poolEntry caches the credentials of one (tenant, role ARN) pair. It is the
// aws.CredentialsProvider that [Pool.Credentials] returns.
//
// The credentials are published through an atomic pointer, so the warm path
// takes no lock. mu serialises the decisions of the slow path: whether to
// start a refresh, and the bookkeeping of failures.
//
// A poolEntry is safe for concurrent use.
type poolEntry struct {
	// Read by every warm Retrieve: kept together in the first cache line.
	key      poolKey                   // both strings in one allocation (see ownedKey)
	cur      atomic.Pointer[poolCreds] // last good credentials; nil until the first success
	lastUsed atomic.Int64              // Unix nanoseconds of the last use, at Pool.touchNs
	pool     *Pool
	evicted  atomic.Bool // set, under the shard's lock, when the entry leaves the pool

	shard    *poolShard
	hash     uint64    // Pool.keyHash(key)
	provider *Provider // validated at creation; immutable
	jitter   float64   // share of PoolOptions.RefreshJitter, in [0, 1)

	newer, older *poolEntry // links of the shard's LRU list; guarded by shard.mu

	mu       sync.Mutex  // guards the fields below
	flight   *poolFlight // the refresh in progress, or nil
	failures int         // consecutive failed refreshes; 0 after a success
	retryAt  time.Time   // no refresh is started before it
	lastErr  error       // last non-retryable error: returned, while no credentials are valid, until retryAt
}

// poolCreds is an immutable snapshot of an entry's credentials.
type poolCreds struct {
	refreshAt int64 // Unix nanoseconds: start of the refresh window, before creds.Expires
	creds     aws.Credentials
}

// poolFlight is one shared refresh. creds and err are written before done
// is closed, and read only after.
type poolFlight struct {
	done      chan struct{}
	announced chan struct{} // closed once the starting caller has emitted EventRefreshStarted
	blocking  bool          // started by a caller without valid credentials
	creds     aws.Credentials
	err       error
}

var _ aws.CredentialsProvider = (*poolEntry)(nil)

// Retrieve returns the entry's credentials. It is the warm path of a
// provider from [Pool.Credentials].
func (e *poolEntry) Retrieve(ctx context.Context) (aws.Credentials, error) {
	p := e.pool
	if p.closed.Load() {
		return aws.Credentials{}, ErrPoolClosed
	}
	if e.evicted.Load() {
		// The pool dropped this entry; go through the pool, so that a pair
		// never has two entries calling STS.
		return p.Retrieve(ctx, e.key.tenantID, e.key.roleARN)
	}
	return e.retrieve(ctx)
}

// ProviderSources reports the credential source for the SDK's user agent.
func (e *poolEntry) ProviderSources() []aws.CredentialSource {
	return e.provider.ProviderSources()
}

// retrieve serves fresh credentials without a lock or allocation, and
// leaves everything else to retrieveSlow.
func (e *poolEntry) retrieve(ctx context.Context) (aws.Credentials, error) {
	if e.pool.closed.Load() {
		return aws.Credentials{}, ErrPoolClosed
	}
	now := e.pool.opts.Now()
	n := now.UnixNano()
	if last := e.lastUsed.Load(); n-last >= e.pool.touchNs {
		e.touch(last, n)
	}
	if c := e.cur.Load(); c != nil && n < c.refreshAt {
		return c.creds, nil
	}
	return e.retrieveSlow(ctx, now)
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
// missing credentials, and remembered errors.
func (e *poolEntry) retrieveSlow(ctx context.Context, now time.Time) (aws.Credentials, error) {
	e.mu.Lock()
	// Re-read under mu: a refresh that finished since the lock-free read
	// has published new credentials, and must not be repeated.
	c := e.cur.Load()
	if c != nil && now.UnixNano() < c.refreshAt {
		e.mu.Unlock()
		return c.creds, nil
	}
	if c != nil && now.Before(c.creds.Expires) {
		var f *poolFlight
		if e.flight == nil && !now.Before(e.retryAt) {
			f = e.startLocked(ctx, false)
		}
		e.mu.Unlock()
		if f != nil {
			e.announce(f)
		}
		e.pool.emit(PoolEvent{Kind: EventServedWhileRefreshing, TenantID: e.key.tenantID, RoleARN: e.key.roleARN})
		return c.creds, nil
	}
	f := e.flight
	if f == nil {
		if e.lastErr != nil && now.Before(e.retryAt) {
			err := e.lastErr
			e.mu.Unlock()
			e.pool.emit(PoolEvent{Kind: EventDenied, TenantID: e.key.tenantID, RoleARN: e.key.roleARN, Class: classifyError(err), Err: err})
			return aws.Credentials{}, err
		}
		if f = e.startLocked(ctx, true); f == nil {
			e.mu.Unlock()
			return aws.Credentials{}, ErrPoolClosed
		}
		e.mu.Unlock()
		e.announce(f)
	} else {
		e.mu.Unlock()
	}
	select {
	case <-f.done:
		return f.creds, f.err
	case <-ctx.Done():
		return aws.Credentials{}, fmt.Errorf("externalid: waiting for credentials of role %s for tenant %q: %w",
			e.key.roleARN, e.key.tenantID, ctx.Err())
	}
}

// announce emits EventRefreshStarted for a flight the caller started, on
// the caller's goroutine (so the event precedes the caller's return) and
// before the flight may report its outcome.
func (e *poolEntry) announce(f *poolFlight) {
	e.pool.emit(PoolEvent{Kind: EventRefreshStarted, TenantID: e.key.tenantID, RoleARN: e.key.roleARN, Blocking: f.blocking})
	close(f.announced)
}
