package externalid

import (
	"hash/maphash"
	"sync"

	"github.com/tenantrole/externalid/internal/lru"
)

// Sharding of a Pool's entries: enough shards that callers on different
// cores rarely meet on one lock, few enough that each shard's LRU is a
// good stand-in for a global one.
const (
	maxPoolShards     = 64
	minShardEntries   = 256
	touchResolutionNs = int64(1e9) // recency resolution of the LRU: 1 s
)

// poolKey identifies an entry. It is a struct of two strings, not a
// concatenation, so that a lookup does not allocate.
type poolKey struct {
	tenantID string
	roleARN  string
}

// poolShard is a part of a Pool's entries with its own lock and LRU.
// Lookups take the read lock and do not change recency; recency is updated
// under the write lock at most once a second per entry (see
// [poolEntry.touch]).
type poolShard struct {
	mu      sync.RWMutex                    // guards entries, and the evicted flag of entries leaving it
	entries *lru.Cache[poolKey, *poolEntry] // bounded by the shard's share of MaxTenants
	_       [32]byte                        // pads the shard to a 64-byte cache line
}

// initShards sizes and allocates the shards, splitting MaxTenants exactly
// between them.
func (p *Pool) initShards() {
	total := p.opts.MaxTenants
	if total < 1 {
		total = 1
	}
	n := 1
	for n*2 <= maxPoolShards && n*2*minShardEntries <= total {
		n *= 2
	}
	p.shards = make([]poolShard, n)
	p.mask = uint64(n - 1)
	for i := range p.shards {
		c := total / n
		if i < total%n {
			c++
		}
		p.shards[i].entries = lru.New[poolKey, *poolEntry](c)
	}
}

// shardOf returns the shard of a key.
func (p *Pool) shardOf(k poolKey) *poolShard {
	if p.mask == 0 {
		return &p.shards[0]
	}
	return &p.shards[maphash.String(p.seed, k.tenantID)&p.mask]
}

// get returns the entry of k without changing its recency.
func (s *poolShard) get(k poolKey) (*poolEntry, bool) {
	s.mu.RLock()
	e, ok := s.entries.Peek(k)
	s.mu.RUnlock()
	return e, ok
}

// insert adds e, or returns the entry another caller inserted first. It
// returns the entry evicted to make room, if any, already marked evicted.
func (s *poolShard) insert(e *poolEntry) (got, victim *poolEntry) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if old, ok := s.entries.Get(e.key); ok {
		return old, nil
	}
	if _, v, evicted := s.entries.Add(e.key, e); evicted {
		v.evicted.Store(true)
		victim = v
	}
	return e, victim
}

// markUsed moves e to the front of the shard's LRU, unless it has left.
func (s *poolShard) markUsed(e *poolEntry) {
	s.mu.Lock()
	if !e.evicted.Load() {
		s.entries.Get(e.key)
	}
	s.mu.Unlock()
}

// removeIdle evicts, from the least recently used end, the entries unused
// since before cutoff (in Unix nanoseconds), and returns them.
func (s *poolShard) removeIdle(cutoff int64) []*poolEntry {
	s.mu.Lock()
	defer s.mu.Unlock()
	var idle []*poolEntry
	s.entries.RangeOldest(func(_ poolKey, e *poolEntry) bool {
		if e.lastUsed.Load() >= cutoff {
			return false
		}
		idle = append(idle, e)
		return true
	})
	for _, e := range idle {
		s.entries.Remove(e.key)
		e.evicted.Store(true)
	}
	return idle
}

// len returns the number of entries in the shard.
func (s *poolShard) len() int {
	s.mu.RLock()
	defer s.mu.RUnlock()
	return s.entries.Len()
}
