package sim

// heapArity is the heap's branching factor. A 4-ary heap is half as deep as
// a binary one, and its four children sit side by side in memory: fewer,
// cheaper levels per push and pop (BenchmarkLoop measures it; the order is
// the same for any arity, because (time, seq) is a total order).
const heapArity = 4

// Heap is a min-heap of values ordered by (time, seq), where seq is the
// insertion counter: entries at one instant come out in the order they were
// pushed, never by chance. Entries can be cancelled in O(log n).
//
// The heap holds its entries by value: the array being sifted holds only
// (time, seq, slot), and each entry's value and current position live in a
// slot that handles index. Slots are reused through a free list, so a push
// allocates nothing once the heap has grown to its largest size.
type Heap[T any] struct {
	entries []heapEntry
	slots   []heapSlot[T]
	free    []uint32 // indexes of unused slots
	seq     uint64   // seq of the last push; the first push gets 1
}

// heapEntry is what the heap array orders.
type heapEntry struct {
	at   Time
	seq  uint64
	slot uint32
}

// heapSlot holds one entry's value and where it is in the array. seq is 0
// while the slot is unused, so that a handle to an earlier occupant (whose
// seq was unique) no longer matches.
type heapSlot[T any] struct {
	seq   uint64
	pos   int
	value T
}

// Handle identifies one pushed entry so that it can be cancelled. The zero
// Handle identifies nothing.
type Handle[T any] struct {
	heap *Heap[T]
	slot uint32
	seq  uint64
}

// Len returns the number of entries in the heap.
func (h *Heap[T]) Len() int { return len(h.entries) }

// Push adds v at time at and returns a handle for Cancel.
func (h *Heap[T]) Push(at Time, v T) Handle[T] {
	h.seq++
	var slot uint32
	if n := len(h.free); n > 0 {
		slot = h.free[n-1]
		h.free = h.free[:n-1]
	} else {
		slot = uint32(len(h.slots))
		h.slots = append(h.slots, heapSlot[T]{})
	}
	h.slots[slot] = heapSlot[T]{seq: h.seq, value: v}
	h.entries = append(h.entries, heapEntry{})
	h.up(len(h.entries)-1, heapEntry{at: at, seq: h.seq, slot: slot})
	return Handle[T]{heap: h, slot: slot, seq: h.seq}
}

// nextSeq takes the next seq without pushing: an entry kept outside the
// heap (the loop's nowLane) gets its place in the (time, seq) order.
func (h *Heap[T]) nextSeq() uint64 {
	h.seq++
	return h.seq
}

// before reports whether the earliest entry comes before (at, seq); the
// heap must not be empty.
func (h *Heap[T]) before(at Time, seq uint64) bool {
	return less(h.entries[0], heapEntry{at: at, seq: seq})
}

// Peek returns the earliest entry's time without removing it.
func (h *Heap[T]) Peek() (Time, bool) {
	if len(h.entries) == 0 {
		return 0, false
	}
	return h.entries[0].at, true
}

// Pop removes and returns the earliest entry.
func (h *Heap[T]) Pop() (at Time, v T, ok bool) {
	if len(h.entries) == 0 {
		return 0, v, false
	}
	e := h.entries[0]
	v = h.slots[e.slot].value
	h.remove(0)
	return e.at, v, true
}

// Cancel removes the entry behind hd. It reports false when the entry was
// already popped or cancelled.
func (h *Heap[T]) Cancel(hd Handle[T]) bool {
	if !h.Pending(hd) {
		return false
	}
	h.remove(h.slots[hd.slot].pos)
	return true
}

// Pending reports whether the entry behind hd is still queued.
func (h *Heap[T]) Pending(hd Handle[T]) bool {
	return hd.heap == h && int(hd.slot) < len(h.slots) && h.slots[hd.slot].seq == hd.seq
}

func less(a, b heapEntry) bool {
	if a.at != b.at {
		return a.at < b.at
	}
	return a.seq < b.seq
}

// place puts e at position i of the array and records it in e's slot.
func (h *Heap[T]) place(i int, e heapEntry) {
	h.entries[i] = e
	h.slots[e.slot].pos = i
}

// up places e at position i or above, moving later parents down into the
// hole it leaves.
func (h *Heap[T]) up(i int, e heapEntry) {
	for i > 0 {
		p := (i - 1) / heapArity
		if !less(e, h.entries[p]) {
			break
		}
		h.place(i, h.entries[p])
		i = p
	}
	h.place(i, e)
}

// down places e at position i or below, moving earlier children up into
// the hole it leaves.
func (h *Heap[T]) down(i int, e heapEntry) {
	n := len(h.entries)
	for {
		first := heapArity*i + 1
		if first >= n {
			break
		}
		m := first
		for c := first + 1; c < first+heapArity && c < n; c++ {
			if less(h.entries[c], h.entries[m]) {
				m = c
			}
		}
		if !less(h.entries[m], e) {
			break
		}
		h.place(i, h.entries[m])
		i = m
	}
	h.place(i, e)
}

// remove takes the entry at position i out of the array, frees its slot,
// and refills the hole with the last entry, sifted whichever way it must go
// (it can be earlier than the hole's parent when it comes from another
// subtree).
func (h *Heap[T]) remove(i int) {
	slot := h.entries[i].slot
	h.slots[slot] = heapSlot[T]{} // seq 0: stale handles no longer match; the value is released
	h.free = append(h.free, slot)
	last := len(h.entries) - 1
	moved := h.entries[last]
	h.entries = h.entries[:last]
	if i == last {
		return
	}
	if i > 0 && less(moved, h.entries[(i-1)/heapArity]) {
		h.up(i, moved)
	} else {
		h.down(i, moved)
	}
}
