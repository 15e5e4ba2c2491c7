// Package lru is a bounded, least-recently-used map. It allocates on Add only;
// Get, Peek and Remove do not allocate.
package lru

// Cache maps keys to values and holds at most a fixed number of entries,
// evicting the least recently used one to make room. A Cache is not safe for
// concurrent use; callers guard it with their own lock.
type Cache[K comparable, V any] struct {
	capacity int
	items    map[K]*node[K, V]
	root     node[K, V] // sentinel: root.next is the most recent, root.prev the least
}

type node[K comparable, V any] struct {
	key        K
	value      V
	prev, next *node[K, V]
}

// New returns an empty Cache that holds at most capacity entries.
// A capacity below 1 is treated as 1.
func New[K comparable, V any](capacity int) *Cache[K, V] {
	if capacity < 1 {
		capacity = 1
	}
	c := &Cache[K, V]{capacity: capacity, items: make(map[K]*node[K, V])}
	c.root.next = &c.root
	c.root.prev = &c.root
	return c
}

// Len returns the number of entries.
func (c *Cache[K, V]) Len() int { return len(c.items) }

// Get returns the value for key and marks it most recently used.
func (c *Cache[K, V]) Get(key K) (value V, ok bool) {
	n, ok := c.items[key]
	if !ok {
		return value, false
	}
	c.moveToFront(n)
	return n.value, true
}

// Peek returns the value for key without changing its recency.
func (c *Cache[K, V]) Peek(key K) (value V, ok bool) {
	n, ok := c.items[key]
	if !ok {
		return value, false
	}
	return n.value, true
}

// Add sets key to value and marks it most recently used. If that pushed the
// cache past its capacity, the least recently used entry is removed and
// returned with evicted true, so the caller can act on it outside its lock.
func (c *Cache[K, V]) Add(key K, value V) (evictedKey K, evictedValue V, evicted bool) {
	if n, ok := c.items[key]; ok {
		n.value = value
		c.moveToFront(n)
		return evictedKey, evictedValue, false
	}
	n := &node[K, V]{key: key, value: value}
	c.items[key] = n
	c.insertFront(n)
	if len(c.items) <= c.capacity {
		return evictedKey, evictedValue, false
	}
	oldest := c.root.prev
	c.unlink(oldest)
	delete(c.items, oldest.key)
	return oldest.key, oldest.value, true
}

// Remove deletes key and reports whether it was present.
func (c *Cache[K, V]) Remove(key K) bool {
	n, ok := c.items[key]
	if !ok {
		return false
	}
	c.unlink(n)
	delete(c.items, key)
	return true
}

func (c *Cache[K, V]) moveToFront(n *node[K, V]) {
	if c.root.next == n {
		return
	}
	c.unlink(n)
	c.insertFront(n)
}

func (c *Cache[K, V]) insertFront(n *node[K, V]) {
	n.prev = &c.root
	n.next = c.root.next
	c.root.next.prev = n
	c.root.next = n
}

func (c *Cache[K, V]) unlink(n *node[K, V]) {
	n.prev.next = n.next
	n.next.prev = n.prev
	n.prev, n.next = nil, nil
}
