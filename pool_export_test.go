package externalid

// SweepIdle runs the janitor's idle sweep now, for tests that move an
// injected clock instead of waiting for the janitor's real-time ticker.
func (p *Pool) SweepIdle() { p.sweepIdle() }
