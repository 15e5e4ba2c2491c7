package externalid

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
)

// MinCredentialLifetime is the least time that new credentials must have
// left, on the pool's clock, when AssumeRole returns them. Credentials that
// expire sooner (STS's clock and the local one disagree, or the injected
// clock is wrong) make the refresh fail as a transient error, with backoff,
// instead of being served and refreshed again by every call.
const MinCredentialLifetime = time.Minute

// errShortLived reports credentials that expire within
// MinCredentialLifetime of the pool's clock.
var errShortLived = errors.New("externalid: STS returned credentials that expire too soon")

// startLocked starts a refresh of the entry on a background goroutine,
// records it as the entry's flight and queues its EventRefreshStarted. It
// returns nil if the pool is closed, and whether the caller must deliver
// the entry's events (see enqueueLocked). e.mu must be held.
//
// The refresh runs on a context that keeps ctx's values but not its
// cancellation, so that the caller who happened to start it cannot cancel
// it for the others; Close cancels it, and RefreshTimeout bounds it.
func (e *poolEntry) startLocked(ctx context.Context, blocking bool) (*poolFlight, bool) {
	p := e.pool
	f := &poolFlight{done: make(chan struct{}), blocking: blocking}
	rctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), p.opts.RefreshTimeout)
	if !p.goBackground(func() { e.refresh(rctx, cancel, f) }) {
		cancel()
		return nil, false
	}
	e.flight = f
	e.next.Store(refreshing)
	ev := e.event(EventRefreshStarted)
	ev.Blocking = blocking
	return f, e.enqueueLocked(ev)
}

// refresh resolves the ExternalId and assumes the role, publishes the
// outcome, wakes the flight's waiters, leaves the pool's wait group, and
// only then delivers the entry's events: neither the waiters nor Close wait
// for a hook.
func (e *poolEntry) refresh(ctx context.Context, cancel context.CancelFunc, f *poolFlight) {
	p := e.pool
	stop := context.AfterFunc(p.ctx, cancel)
	start := p.opts.Now()
	creds, err := e.provider.Retrieve(ctx)
	end := p.opts.Now()
	stop()
	cancel()
	if err == nil && creds.Expires.Sub(end) < MinCredentialLifetime {
		err = fmt.Errorf("%w: role %s for tenant %q: they expire at %s, less than %v after this host's clock (%s); "+
			"check the clock (or PoolOptions.Now); retrying after a backoff",
			errShortLived, e.key.roleARN, e.key.tenantID, creds.Expires.UTC().Format(time.RFC3339), MinCredentialLifetime, end.UTC().Format(time.RFC3339))
	}

	ev := e.event(0)
	ev.Blocking, ev.Latency = f.blocking, end.Sub(start)
	e.mu.Lock()
	switch {
	case err == nil:
		e.cur.Store(&poolCreds{creds: creds, expires: nanos(creds.Expires), refreshAt: nanos(p.refreshAt(creds.Expires, end, e.jitter))})
		e.failures, e.lastErr = 0, nil
		e.next.Store(0)
		ev.Kind, ev.Expires = EventRefreshSucceeded, creds.Expires
	case p.closed.Load():
		err = ErrPoolClosed
		e.lastErr = nil
		e.next.Store(0)
		ev.Kind, ev.Class, ev.Err = EventRefreshFailed, classifyError(err), err
	default:
		e.failures++
		ev.RetryIn = p.backoff(e.failures)
		e.lastErr = err
		e.next.Store(nanos(end.Add(ev.RetryIn)))
		ev.Kind, ev.Class, ev.Err = EventRefreshFailed, classifyError(err), err
	}
	if err != nil {
		creds = aws.Credentials{}
	}
	e.flight = nil
	f.creds, f.err = creds, err
	deliver := e.enqueueLocked(ev)
	evicted := e.evicted.Load()
	e.mu.Unlock()
	close(f.done)
	if evicted {
		e.shard.forget(e)
	}
	p.wg.Done()
	if deliver {
		e.deliverEvents()
	}
}

// backoff returns the wait after the n-th consecutive failure (n >= 1):
// BackoffInitial doubled n-1 times, at most BackoffMax.
func (p *Pool) backoff(n int) time.Duration {
	d := p.opts.BackoffInitial
	for i := 1; i < n && d < p.opts.BackoffMax; i++ {
		d *= 2
	}
	return min(d, p.opts.BackoffMax)
}

// refreshAt returns the start of the refresh window of credentials that
// expire at expires and were obtained at obtained: expires less
// RefreshWindow and the entry's share of RefreshJitter, scaled down if
// needed to fit in the second half of the lifetime.
func (p *Pool) refreshAt(expires, obtained time.Time, jitter float64) time.Time {
	full := p.opts.RefreshWindow + p.opts.RefreshJitter
	w := p.opts.RefreshWindow + time.Duration(jitter*float64(p.opts.RefreshJitter))
	if half := expires.Sub(obtained) / 2; full > half {
		w = time.Duration(float64(w) * float64(max(half, 0)) / float64(full))
	}
	return expires.Add(-w)
}
