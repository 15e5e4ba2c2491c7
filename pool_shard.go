package externalid

import (
	"hash/maphash"
	"sync"
	"time"
)

// Sharding of a Pool's entries: enough shards that callers on different
// cores rarely meet on one lock, few enough that each shard's LRU list is
// a good stand-in for a global one.
const (
	maxPoolShards   = 64
	minShardEntries = 256
)

// Bounds of the recency resolution: an entry in use moves in its shard's
// LRU list (under the write lock) at most once per resolution, which is
// IdleTimeout/60 within these bounds.
const (
	minTouchResolution = time.Second
	maxTouchResolution = time.Minute
)

// touchResolution returns the recency resolution for idle, the
// IdleTimeout (0 or less when idle eviction is off).
func touchResolution(idle time.Duration) time.Duration {
	if idle <= 0 {
		return maxTouchResolution
	}
	return min(max(idle/60, minTouchResolution), maxTouchResolution)
}

// poolKey identifies an entry. It is a struct of two strings, not a
// concatenation, so that a lookup does not allocate.
type poolKey struct {
	tenantID string
	roleARN  string
}

// ownedKey returns a copy of k whose two strings share one new allocation:
// the pool must not retain the caller's memory (the strings may be slices
// of a request body), and one allocation is one cache line to read when a
// lookup compares keys.
func ownedKey(k poolKey) poolKey {
	s := k.tenantID + k.roleARN
	n := len(k.tenantID)
	return poolKey{tenantID: s[:n], roleARN: s[n:]}
}

// poolShard is a part of a Pool's entries with its own lock and LRU list.
// Lookups take the read lock and do not change recency; recency is updated
// under the write lock at most once per Pool.touchNs per entry (see
// [poolEntry.touch]).
//
// Entries are found by a 64-bit hash of their key, and every hit is
// confirmed by comparing the key itself, so a hash collision can cost a
// lookup in collided but can never hand one pair another pair's entry. A
// uint64-keyed map has small slots, and the LRU list is intrusive (its
// links live in the entries): a lookup reads few cache lines.
type poolShard struct {
	mu       sync.RWMutex           // guards byHash, collided, leaving, newest, oldest, and the links of the entries
	byHash   map[uint64]*poolEntry  // by poolEntry.hash: one entry per hash
	collided map[poolKey]*poolEntry // entries whose hash another entry holds in byHash; nearly always nil
	leaving  map[poolKey]*poolEntry // evicted entries whose refresh is still in flight (see removeLocked); nearly always nil
	newest   *poolEntry             // head of the LRU list
	oldest   *poolEntry             // tail of the LRU list
	// The fields make 64 bytes, a common cache-line size. Go does not
	// promise the alignment of the shards' slice, so two neighbouring shards
	// may still share a cache line.
}

// initShards sizes and allocates the shards. The bound is global (see
// Pool.evictFor).
func (p *Pool) initShards() {
	total := max(p.opts.MaxTenants, 1)
	n := 1
	for n*2 <= maxPoolShards && n*2*minShardEntries <= total {
		n *= 2
	}
	p.shards = make([]poolShard, n)
	p.mask = uint64(n - 1)
	for i := range p.shards {
		p.shards[i].byHash = make(map[uint64]*poolEntry)
	}
}

// keyHash returns the hash of a key, which picks its shard (low bits), its
// place in the shard's map, and its refresh jitter (high bits).
func (p *Pool) keyHash(k poolKey) uint64 {
	return maphash.String(p.seed, k.tenantID) ^ maphash.String(p.seed, k.roleARN)*0x9E3779B97F4A7C15
}

// get returns the entry of k, whose hash is h, without changing its
// recency.
func (s *poolShard) get(k poolKey, h uint64) (*poolEntry, bool) {
	s.mu.RLock()
	e := s.lookupLocked(k, h)
	s.mu.RUnlock()
	return e, e != nil
}

// insert adds e as the most recently used entry and returns it with added
// true; or returns the entry of e's key that is already in the shard and
// added false; or, if the key's entry left the shard while its refresh was
// in flight, puts that entry back (carrying its credentials and joining
// its refresh) and returns it with added true. e may be an evicted entry
// (see Pool.revive).
func (s *poolShard) insert(e *poolEntry) (got *poolEntry, added bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if cur := s.lookupLocked(e.key, e.hash); cur != nil {
		return cur, false
	}
	if l, ok := s.leaving[e.key]; ok {
		delete(s.leaving, e.key)
		if len(s.leaving) == 0 {
			s.leaving = nil
		}
		e = l
	}
	if s.byHash[e.hash] == nil {
		s.byHash[e.hash] = e
	} else {
		if s.collided == nil {
			s.collided = make(map[poolKey]*poolEntry)
		}
		s.collided[e.key] = e
	}
	s.pushNewest(e)
	e.mu.Lock()
	e.evicted.Store(false)
	e.mu.Unlock()
	return e, true
}

// lookupLocked returns the entry of k, whose hash is h, or nil. s.mu must
// be held, for reading at least.
func (s *poolShard) lookupLocked(k poolKey, h uint64) *poolEntry {
	e := s.byHash[h]
	if e != nil && e.key != k {
		e = s.collided[k]
	}
	return e
}

// forget drops e from the leaving entries once its refresh has ended,
// unless it was put back meanwhile or started another refresh.
func (s *poolShard) forget(e *poolEntry) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.leaving[e.key] != e {
		return
	}
	e.mu.Lock()
	idle := e.flight == nil
	e.mu.Unlock()
	if idle {
		delete(s.leaving, e.key)
		if len(s.leaving) == 0 {
			s.leaving = nil
		}
	}
}

// markUsed moves e to the head of the shard's LRU list, unless it has left.
func (s *poolShard) markUsed(e *poolEntry) {
	s.mu.Lock()
	if !e.evicted.Load() && s.newest != e {
		s.unlink(e)
		s.pushNewest(e)
	}
	s.mu.Unlock()
}

// evictOldest removes the shard's least recently used entry, unless the
// shard holds nothing else than keep, and returns it.
func (s *poolShard) evictOldest(keep *poolEntry) *poolEntry {
	s.mu.Lock()
	defer s.mu.Unlock()
	v := s.oldest
	if v == nil || v == keep {
		return nil
	}
	s.removeLocked(v)
	return v
}

// removeIdle evicts, from the least recently used end, the entries unused
// since before cutoff (in Unix nanoseconds), and returns them.
func (s *poolShard) removeIdle(cutoff int64) []*poolEntry {
	s.mu.Lock()
	defer s.mu.Unlock()
	var idle []*poolEntry
	for e := s.oldest; e != nil && e.lastUsed.Load() < cutoff; e = s.oldest {
		s.removeLocked(e)
		idle = append(idle, e)
	}
	return idle
}

func (s *poolShard) removeLocked(e *poolEntry) {
	if s.byHash[e.hash] == e {
		delete(s.byHash, e.hash)
		for k, c := range s.collided { // promote an entry of the same hash, if any
			if c.hash == e.hash {
				delete(s.collided, k)
				s.byHash[c.hash] = c
				break
			}
		}
	} else {
		delete(s.collided, e.key)
	}
	if len(s.collided) == 0 {
		s.collided = nil
	}
	s.unlink(e)
	// Under e.mu, so that no refresh starts on e once it is out (see
	// poolEntry.attempt). An entry whose refresh is in flight waits in
	// leaving until the refresh ends: a caller of the pair meanwhile gets
	// this entry back, with its refresh, rather than a second entry making
	// a second AssumeRole call.
	e.mu.Lock()
	e.evicted.Store(true)
	if e.flight != nil {
		if s.leaving == nil {
			s.leaving = make(map[poolKey]*poolEntry)
		}
		s.leaving[e.key] = e
	}
	e.mu.Unlock()
}

func (s *poolShard) pushNewest(e *poolEntry) {
	e.older, e.newer = s.newest, nil
	if s.newest != nil {
		s.newest.newer = e
	}
	s.newest = e
	if s.oldest == nil {
		s.oldest = e
	}
}

func (s *poolShard) unlink(e *poolEntry) {
	if e.newer != nil {
		e.newer.older = e.older
	} else {
		s.newest = e.older
	}
	if e.older != nil {
		e.older.newer = e.newer
	} else {
		s.oldest = e.newer
	}
	e.newer, e.older = nil, nil
}

// evictFor brings the pool back to MaxTenants after newest was added, by
// evicting the least recently used entry of newest's shard (or, if that
// shard holds only newest, of the next shard), and reports the evictions.
// With one shard this is exact LRU; with several, LRU within a shard.
//
// Each eviction first claims its place in count, so that concurrent
// inserters never evict more entries than the pool holds above the bound:
// once they have all returned, the pool holds exactly MaxTenants entries
// (if it had that many pairs).
func (p *Pool) evictFor(newest *poolEntry) {
	limit := int64(p.opts.MaxTenants)
	first := newest.hash & p.mask
	for i := uint64(0); i <= p.mask; {
		c := p.count.Load()
		if c <= limit {
			return
		}
		if !p.count.CompareAndSwap(c, c-1) {
			continue
		}
		v := p.shards[(first+i)&p.mask].evictOldest(newest)
		if v == nil {
			p.count.Add(1)
			i++ // this shard holds nothing else: try the next
			continue
		}
		ev := v.event(EventEvicted)
		ev.Reason = EvictedCapacity
		p.emit(ev)
	}
}
