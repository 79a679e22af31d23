package sim

import (
	"testing"

	"pgregory.net/rapid"
)

// refHeap is the event queue as it was before the value-based heap (commit
// 6885c70): a binary heap of pointers, ordered by (time, seq). It stays here
// as the reference the new heap must match pop for pop.
type refHeap struct {
	items []*refItem
	seq   uint64
}

type refItem struct {
	at    Time
	seq   uint64
	index int // -1 once popped or cancelled
	value int
}

func (h *refHeap) push(at Time, v int) *refItem {
	it := &refItem{at: at, seq: h.seq, index: len(h.items), value: v}
	h.seq++
	h.items = append(h.items, it)
	h.up(it.index)
	return it
}

func (h *refHeap) pop() (Time, int, bool) {
	if len(h.items) == 0 {
		return 0, 0, false
	}
	it := h.items[0]
	h.remove(0)
	return it.at, it.value, true
}

func (h *refHeap) cancel(it *refItem) bool {
	if it.index < 0 {
		return false
	}
	h.remove(it.index)
	return true
}

func (h *refHeap) less(i, j int) bool {
	a, b := h.items[i], h.items[j]
	if a.at != b.at {
		return a.at < b.at
	}
	return a.seq < b.seq
}

func (h *refHeap) swap(i, j int) {
	h.items[i], h.items[j] = h.items[j], h.items[i]
	h.items[i].index, h.items[j].index = i, j
}

func (h *refHeap) up(i int) {
	for i > 0 && h.less(i, (i-1)/2) {
		h.swap(i, (i-1)/2)
		i = (i - 1) / 2
	}
}

func (h *refHeap) down(i int) {
	for {
		m, l := i, 2*i+1
		if l < len(h.items) && h.less(l, m) {
			m = l
		}
		if r := l + 1; r < len(h.items) && h.less(r, m) {
			m = r
		}
		if m == i {
			return
		}
		h.swap(i, m)
		i = m
	}
}

func (h *refHeap) remove(i int) {
	last := len(h.items) - 1
	it := h.items[i]
	if i != last {
		h.swap(i, last)
	}
	h.items = h.items[:last]
	it.index = -1
	if i != last {
		h.down(i)
		h.up(i)
	}
}

// The value-based 4-ary heap pops exactly what the old pointer heap pops,
// in the same order, through random runs of pushes (single and in bursts,
// with times drawn from a narrow range for ties or a wide one for depth),
// pops and cancels of live, popped and cancelled entries; Cancel and
// Pending agree with the old heap's bookkeeping throughout.
func TestHeapMatchesOldHeap(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		var h Heap[int]
		var ref refHeap
		var handles []Handle[int]
		var items []*refItem
		hi := rapid.SampledFrom([]int64{3, 50, 1 << 40}).Draw(t, "timeRange")
		push := func(t *rapid.T) {
			at := Time(rapid.Int64Range(0, hi).Draw(t, "at"))
			id := len(handles)
			handles = append(handles, h.Push(at, id))
			items = append(items, ref.push(at, id))
		}
		pop := func(t *rapid.T) {
			at, v, ok := h.Pop()
			wat, wv, wok := ref.pop()
			if at != wat || v != wv || ok != wok {
				t.Fatalf("Pop = (%d, %d, %v); old heap (%d, %d, %v)", at, v, ok, wat, wv, wok)
			}
		}
		t.Repeat(map[string]func(*rapid.T){
			"push": push,
			"burst": func(t *rapid.T) {
				for range rapid.IntRange(10, 200).Draw(t, "n") {
					push(t)
				}
			},
			"pop": pop,
			"popMany": func(t *rapid.T) {
				for range rapid.IntRange(2, 50).Draw(t, "n") {
					pop(t)
				}
			},
			"cancel": func(t *rapid.T) {
				if len(handles) == 0 {
					t.Skip("nothing pushed")
				}
				id := rapid.IntRange(0, len(handles)-1).Draw(t, "id")
				if got, want := h.Cancel(handles[id]), ref.cancel(items[id]); got != want {
					t.Fatalf("Cancel(%d) = %v; old heap %v", id, got, want)
				}
			},
			"": func(t *rapid.T) {
				if h.Len() != len(ref.items) {
					t.Fatalf("Len = %d; old heap %d", h.Len(), len(ref.items))
				}
				for id, hd := range handles {
					if got, want := h.Pending(hd), items[id].index >= 0; got != want {
						t.Fatalf("Pending(%d) = %v; old heap %v", id, got, want)
					}
				}
			},
		})
		for len(ref.items) > 0 {
			pop(t)
		}
		pop(t) // both empty
	})
}
