package externalid

import (
	"hash/maphash"
	"math"
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
	entries *lru.Cache[poolKey, *poolEntry] // unbounded here; Pool.count bounds all shards
	_       [32]byte                        // pads the shard to a 64-byte cache line
}

// initShards sizes and allocates the shards. The shards' LRU lists are
// unbounded: the bound is global (see Pool.evictFor).
func (p *Pool) initShards() {
	total := max(p.opts.MaxTenants, 1)
	n := 1
	for n*2 <= maxPoolShards && n*2*minShardEntries <= total {
		n *= 2
	}
	p.shards = make([]poolShard, n)
	p.mask = uint64(n - 1)
	for i := range p.shards {
		p.shards[i].entries = lru.New[poolKey, *poolEntry](math.MaxInt)
	}
}

// shardIndex returns the index of a key's shard.
func (p *Pool) shardIndex(k poolKey) uint64 {
	if p.mask == 0 {
		return 0
	}
	return maphash.String(p.seed, k.tenantID) & p.mask
}

// shardOf returns the shard of a key.
func (p *Pool) shardOf(k poolKey) *poolShard { return &p.shards[p.shardIndex(k)] }

// get returns the entry of k without changing its recency.
func (s *poolShard) get(k poolKey) (*poolEntry, bool) {
	s.mu.RLock()
	e, ok := s.entries.Peek(k)
	s.mu.RUnlock()
	return e, ok
}

// insert adds e, or returns the entry another caller inserted first and
// added false.
func (s *poolShard) insert(e *poolEntry) (got *poolEntry, added bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if old, ok := s.entries.Get(e.key); ok {
		return old, false
	}
	s.entries.Add(e.key, e) // never evicts: the list is unbounded
	return e, true
}

// evictOldest removes the shard's least recently used entry, unless the
// shard holds nothing else than keep, and returns it.
func (s *poolShard) evictOldest(keep *poolEntry) *poolEntry {
	s.mu.Lock()
	defer s.mu.Unlock()
	k, v, ok := s.entries.Oldest()
	if !ok || v == keep {
		return nil
	}
	s.entries.Remove(k)
	v.evicted.Store(true)
	return v
}

// evictFor brings the pool back to MaxTenants after newest was added, by
// evicting the least recently used entry of newest's shard (or, if that
// shard holds only newest, of the next shard), and reports the evictions.
// With one shard this is exact LRU; with several, LRU within a shard.
func (p *Pool) evictFor(newest *poolEntry) {
	limit := int64(p.opts.MaxTenants)
	first := p.shardIndex(newest.key)
	for i := uint64(0); i <= p.mask && p.count.Load() > limit; {
		v := p.shards[(first+i)&p.mask].evictOldest(newest)
		if v == nil {
			i++ // this shard holds nothing else: try the next
			continue
		}
		p.count.Add(-1)
		p.emit(PoolEvent{Kind: EventEvicted, TenantID: v.key.tenantID, RoleARN: v.key.roleARN, Reason: EvictedCapacity})
	}
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
