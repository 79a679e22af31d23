package sim

// Heap is a binary min-heap of values ordered by (time, seq), where seq is
// the insertion counter: entries at one instant come out in the order they
// were pushed, never by chance. Entries can be cancelled in O(log n).
type Heap[T any] struct {
	items []*heapItem[T]
	seq   uint64
}

type heapItem[T any] struct {
	at    Time
	seq   uint64
	index int // position in items; -1 once popped or cancelled
	value T
}

// Handle identifies one pushed entry so that it can be cancelled.
type Handle[T any] struct{ item *heapItem[T] }

// Len returns the number of entries in the heap.
func (h *Heap[T]) Len() int { return len(h.items) }

// Push adds v at time at and returns a handle for Cancel.
func (h *Heap[T]) Push(at Time, v T) Handle[T] {
	it := &heapItem[T]{at: at, seq: h.seq, index: len(h.items), value: v}
	h.seq++
	h.items = append(h.items, it)
	h.up(it.index)
	return Handle[T]{it}
}

// Peek returns the earliest entry's time without removing it.
func (h *Heap[T]) Peek() (Time, bool) {
	if len(h.items) == 0 {
		return 0, false
	}
	return h.items[0].at, true
}

// Pop removes and returns the earliest entry.
func (h *Heap[T]) Pop() (at Time, v T, ok bool) {
	if len(h.items) == 0 {
		return 0, v, false
	}
	it := h.items[0]
	h.remove(0)
	return it.at, it.value, true
}

// Cancel removes the entry behind hd. It reports false when the entry was
// already popped or cancelled.
func (h *Heap[T]) Cancel(hd Handle[T]) bool {
	it := hd.item
	if it == nil || it.index < 0 || it.index >= len(h.items) || h.items[it.index] != it {
		return false
	}
	h.remove(it.index)
	return true
}

// Pending reports whether the entry behind hd is still queued.
func (h *Heap[T]) Pending(hd Handle[T]) bool {
	it := hd.item
	return it != nil && it.index >= 0 && it.index < len(h.items) && h.items[it.index] == it
}

func (h *Heap[T]) less(i, j int) bool {
	a, b := h.items[i], h.items[j]
	if a.at != b.at {
		return a.at < b.at
	}
	return a.seq < b.seq
}

func (h *Heap[T]) swap(i, j int) {
	h.items[i], h.items[j] = h.items[j], h.items[i]
	h.items[i].index = i
	h.items[j].index = j
}

func (h *Heap[T]) up(i int) {
	for i > 0 {
		p := (i - 1) / 2
		if !h.less(i, p) {
			return
		}
		h.swap(i, p)
		i = p
	}
}

func (h *Heap[T]) down(i int) {
	n := len(h.items)
	for {
		l := 2*i + 1
		if l >= n {
			return
		}
		m := l
		if r := l + 1; r < n && h.less(r, l) {
			m = r
		}
		if !h.less(m, i) {
			return
		}
		h.swap(i, m)
		i = m
	}
}

func (h *Heap[T]) remove(i int) {
	last := len(h.items) - 1
	it := h.items[i]
	if i != last {
		h.swap(i, last)
	}
	h.items[last] = nil
	h.items = h.items[:last]
	it.index = -1
	if i != last {
		h.down(i)
		h.up(i)
	}
}
