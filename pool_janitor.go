package externalid

import "time"

// Bounds of the janitor's period, which is a quarter of IdleTimeout.
const (
	minJanitorPeriod = time.Second
	maxJanitorPeriod = time.Minute
)

// janitor evicts idle entries until the pool is closed. It wakes on the
// real clock, a quarter of IdleTimeout apart (from 1 s to 1 min), and
// judges idleness on the pool's clock.
func (p *Pool) janitor() {
	defer p.wg.Done()
	t := time.NewTicker(min(max(p.opts.IdleTimeout/4, minJanitorPeriod), maxJanitorPeriod))
	defer t.Stop()
	for {
		select {
		case <-p.ctx.Done():
			return
		case <-t.C:
			p.sweepIdle()
		}
	}
}

// sweepIdle evicts the entries unused for longer than IdleTimeout.
func (p *Pool) sweepIdle() {
	if p.opts.IdleTimeout <= 0 {
		return
	}
	cutoff := p.opts.Now().Add(-p.opts.IdleTimeout).UnixNano()
	for i := range p.shards {
		idle := p.shards[i].removeIdle(cutoff)
		p.count.Add(-int64(len(idle)))
		for _, e := range idle {
			p.emit(PoolEvent{Kind: EventEvicted, TenantID: e.key.tenantID, RoleARN: e.key.roleARN, Reason: EvictedIdle})
		}
	}
}
