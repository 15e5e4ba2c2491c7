package lru_test

import (
	"testing"

	"github.com/tenantrole/externalid/internal/lru"
)

func TestEvictsLeastRecentlyUsed(t *testing.T) {
	c := lru.New[string, int](2)
	c.Add("a", 1)
	c.Add("b", 2)
	if _, ok := c.Get("a"); !ok {
		t.Fatal("Get(a) missing")
	}
	k, v, evicted := c.Add("c", 3)
	if !evicted || k != "b" || v != 2 {
		t.Fatalf("Add(c) evicted = %q, %d, %v; want b, 2, true", k, v, evicted)
	}
	// c and a are resident, a the least recently used: d evicts it.
	if k, _, _ := c.Add("d", 4); k != "a" {
		t.Fatalf("Add(d) evicted %q; want a", k)
	}
}

func TestAddExistingUpdatesWithoutEviction(t *testing.T) {
	c := lru.New[string, int](1)
	c.Add("a", 1)
	if _, _, evicted := c.Add("a", 2); evicted {
		t.Fatal("Add(existing) evicted")
	}
	if v, _ := c.Peek("a"); v != 2 {
		t.Fatalf("Peek(a) = %d; want 2", v)
	}
}

func TestPeekKeepsRecency(t *testing.T) {
	c := lru.New[string, int](2)
	c.Add("a", 1)
	c.Add("b", 2)
	c.Peek("a")
	if k, _, _ := c.Add("c", 3); k != "a" {
		t.Fatalf("Add(c) evicted %q; want a", k)
	}
}

func TestRemove(t *testing.T) {
	c := lru.New[string, int](3)
	c.Add("a", 1)
	c.Add("b", 2)
	if !c.Remove("a") || c.Remove("a") {
		t.Fatal("Remove(a) twice = want true then false")
	}
	if c.Len() != 1 {
		t.Fatalf("Len() = %d; want 1", c.Len())
	}
	if _, ok := c.Get("a"); ok {
		t.Fatal("Get(a) after Remove found it")
	}
}

func TestCapacityBelowOneHoldsOne(t *testing.T) {
	c := lru.New[string, int](0)
	c.Add("a", 1)
	c.Add("b", 2)
	if c.Len() != 1 {
		t.Fatalf("Len() = %d; want 1", c.Len())
	}
}

func TestGetDoesNotAllocate(t *testing.T) {
	c := lru.New[string, int](10)
	c.Add("a", 1)
	c.Add("b", 2)
	if n := testing.AllocsPerRun(100, func() { c.Get("a"); c.Get("b") }); n != 0 {
		t.Fatalf("Get allocs = %v; want 0", n)
	}
}
