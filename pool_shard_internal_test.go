package externalid

import "testing"

// TestPoolShardHashCollisions forces entries of different keys onto one
// hash: lookups must still find each by its key, never another's, and
// removals must keep the others reachable.
func TestPoolShardHashCollisions(t *testing.T) {
	s := poolShard{byHash: map[uint64]*poolEntry{}}
	keys := []poolKey{{"a", "r1"}, {"b", "r1"}, {"a", "r2"}}
	entries := make([]*poolEntry, len(keys))
	for i, k := range keys {
		entries[i] = &poolEntry{key: k, hash: 42}
		if got, added := s.insert(entries[i]); !added || got != entries[i] {
			t.Fatalf("insert(%v) = %p, %v; want the new entry, true", k, got, added)
		}
	}
	if got, added := s.insert(&poolEntry{key: keys[1], hash: 42}); added || got != entries[1] {
		t.Fatalf("insert(duplicate of %v) = %p, %v; want the existing entry, false", keys[1], got, added)
	}
	check := func(present ...int) {
		t.Helper()
		want := map[int]bool{}
		for _, i := range present {
			want[i] = true
		}
		for i, k := range keys {
			got, ok := s.get(k, 42)
			switch {
			case want[i] && got != entries[i]:
				t.Errorf("get(%v) = %p, %v; want its own entry %p", k, got, ok, entries[i])
			case !want[i] && ok:
				t.Errorf("get(%v) = %p; want none", k, got)
			}
		}
		if _, ok := s.get(poolKey{"c", "r1"}, 42); ok {
			t.Error("get(absent key with a colliding hash) found an entry")
		}
	}
	check(0, 1, 2)
	s.mu.Lock()
	s.removeLocked(entries[0]) // the holder of byHash: another entry is promoted
	s.mu.Unlock()
	check(1, 2)
	s.mu.Lock()
	s.removeLocked(entries[2])
	s.mu.Unlock()
	check(1)
	if v := s.evictOldest(nil); v != entries[1] {
		t.Fatalf("evictOldest() = %p; want the last entry %p", v, entries[1])
	}
	check()
	if len(s.byHash) != 0 || s.collided != nil || s.newest != nil || s.oldest != nil {
		t.Errorf("shard not empty after removing everything: %d, %v, %p, %p", len(s.byHash), s.collided, s.newest, s.oldest)
	}
}
