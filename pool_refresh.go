package externalid

import (
	"context"
	"time"
)

// startLocked starts a refresh of the entry on a background goroutine and
// records it as the entry's flight. It returns nil if the pool is closed.
// e.mu must be held.
//
// The refresh runs on a context that keeps ctx's values but not its
// cancellation, so that the caller who happened to start it cannot cancel
// it for the others; Close cancels it, and RefreshTimeout bounds it.
func (e *poolEntry) startLocked(ctx context.Context, blocking bool) *poolFlight {
	f := &poolFlight{done: make(chan struct{}), announced: make(chan struct{}), blocking: blocking}
	detached := context.WithoutCancel(ctx)
	if !e.pool.goBackground(func() { e.refresh(detached, f) }) {
		return nil
	}
	e.flight = f
	return f
}

// refresh resolves the ExternalId and assumes the role, publishes the
// outcome, and wakes the flight's waiters. The caller that started it
// emits EventRefreshStarted (see announce).
func (e *poolEntry) refresh(ctx context.Context, f *poolFlight) {
	p := e.pool

	ctx, cancel := context.WithTimeout(ctx, p.opts.RefreshTimeout)
	stop := context.AfterFunc(p.ctx, cancel)
	start := p.opts.Now()
	creds, err := e.provider.Retrieve(ctx)
	end := p.opts.Now()
	stop()
	cancel()

	ev := PoolEvent{TenantID: e.key.tenantID, RoleARN: e.key.roleARN, Blocking: f.blocking, Latency: end.Sub(start)}
	e.mu.Lock()
	switch {
	case err == nil:
		e.cur.Store(&poolCreds{creds: creds, refreshAt: p.refreshAt(creds.Expires, end, e.jitter).UnixNano()})
		e.failures, e.retryAt, e.lastErr = 0, time.Time{}, nil
		ev.Kind, ev.Expires = EventRefreshSucceeded, creds.Expires
	case p.closed.Load():
		err = ErrPoolClosed
		ev.Kind, ev.Class, ev.Err = EventRefreshFailed, classifyError(err), err
	default:
		e.failures++
		ev.RetryIn = p.backoff(e.failures)
		e.retryAt = end.Add(ev.RetryIn)
		e.lastErr = nil
		if !isTransient(err) {
			e.lastErr = err
		}
		ev.Kind, ev.Class, ev.Err = EventRefreshFailed, classifyError(err), err
	}
	e.flight = nil
	f.creds, f.err = creds, err
	e.mu.Unlock()

	// Report after the start was announced, and before waking the
	// waiters, so that when a caller's Retrieve returns, the hook has seen
	// the outcome.
	<-f.announced
	p.emit(ev)
	close(f.done)
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
