package externalid

import "time"

// SweepIdle runs the janitor's idle sweep now, for tests that move an
// injected clock instead of waiting for the janitor's real-time ticker.
func (p *Pool) SweepIdle() { p.reportIdle(p.sweep()) }

// WithJanitorTicks makes the pool's janitor wake on ticks instead of its
// real-time ticker.
func WithJanitorTicks(ticks <-chan time.Time) func(*PoolOptions) {
	return func(o *PoolOptions) { o.janitorTicks = ticks }
}

// Waiting returns how many callers have waited, or are waiting, for the
// refreshes now in flight.
func (p *Pool) Waiting() int {
	n := 0
	for i := range p.shards {
		s := &p.shards[i]
		s.mu.RLock()
		count := func(e *poolEntry) {
			e.mu.Lock()
			if e.flight != nil {
				n += e.flight.waiters
			}
			e.mu.Unlock()
		}
		for _, e := range s.byHash {
			count(e)
		}
		for _, e := range s.collided {
			count(e)
		}
		for _, e := range s.leaving {
			count(e)
		}
		s.mu.RUnlock()
	}
	return n
}
