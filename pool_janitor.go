package externalid

import "time"

// Bounds of the janitor's period, which is a quarter of IdleTimeout.
const (
	minJanitorPeriod = time.Second
	maxJanitorPeriod = time.Minute
)

// janitor evicts idle entries until the pool is closed. It wakes on the
// real clock, a quarter of IdleTimeout apart (from 1 s to 1 min), or on
// PoolOptions.janitorTicks when a test sets it, and judges idleness on the
// pool's clock. It was counted in wg by goBackground.
func (p *Pool) janitor() {
	ticks := p.opts.janitorTicks
	if ticks == nil {
		t := time.NewTicker(min(max(p.opts.IdleTimeout/4, minJanitorPeriod), maxJanitorPeriod))
		defer t.Stop()
		ticks = t.C
	}
	for {
		select {
		case <-p.ctx.Done():
			p.wg.Done()
			return
		case <-ticks:
			idle := p.sweep()
			if len(idle) == 0 {
				continue
			}
			// Deliver the evictions outside wg, so that a hook may call
			// Close; then carry on only if the pool is still open.
			p.wg.Done()
			p.reportIdle(idle)
			if !p.enter() {
				return
			}
		}
	}
}

// sweep evicts the entries unused for longer than IdleTimeout and returns
// them.
func (p *Pool) sweep() []*poolEntry {
	if p.opts.IdleTimeout <= 0 {
		return nil
	}
	cutoff := p.opts.Now().Add(-p.opts.IdleTimeout).UnixNano()
	var all []*poolEntry
	for i := range p.shards {
		idle := p.shards[i].removeIdle(cutoff)
		p.count.Add(-int64(len(idle)))
		all = append(all, idle...)
	}
	return all
}

// reportIdle emits EventEvicted for entries that the sweep evicted.
func (p *Pool) reportIdle(idle []*poolEntry) {
	for _, e := range idle {
		ev := e.event(EventEvicted)
		ev.Reason = EvictedIdle
		p.emit(ev)
	}
}
