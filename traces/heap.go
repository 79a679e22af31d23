package traces

// indexedHeap is a container/heap of pointers ordered by less that keeps
// every element's position current through pos (for heap.Fix and
// heap.Remove; -1 once popped). The readers' waiting tasks, tombstones and
// ended jobs are each one of these.
type indexedHeap[T any] struct {
	items []*T
	less  func(a, b *T) bool
	pos   func(t *T) *int32
}

// Len implements heap.Interface.
func (h *indexedHeap[T]) Len() int { return len(h.items) }

// Less implements heap.Interface.
func (h *indexedHeap[T]) Less(i, j int) bool { return h.less(h.items[i], h.items[j]) }

// Swap implements heap.Interface.
func (h *indexedHeap[T]) Swap(i, j int) {
	h.items[i], h.items[j] = h.items[j], h.items[i]
	*h.pos(h.items[i]), *h.pos(h.items[j]) = int32(i), int32(j)
}

// Push implements heap.Interface.
func (h *indexedHeap[T]) Push(x any) {
	t := x.(*T)
	*h.pos(t) = int32(len(h.items))
	h.items = append(h.items, t)
}

// Pop implements heap.Interface.
func (h *indexedHeap[T]) Pop() any {
	n := len(h.items) - 1
	t := h.items[n]
	h.items[n] = nil
	h.items = h.items[:n]
	*h.pos(t) = -1
	return t
}
