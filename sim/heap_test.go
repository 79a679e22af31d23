package sim

import (
	"fmt"
	"slices"
	"testing"

	"pgregory.net/rapid"
)

type popped struct {
	at Time
	v  int
}

func drain(h *Heap[int]) []popped {
	var out []popped
	for {
		at, v, ok := h.Pop()
		if !ok {
			return out
		}
		out = append(out, popped{at, v})
	}
}

// expectedOrder returns the ids 0..len(times)-1 whose entries are not in
// skip, sorted by (time, id): the order a (time, seq) heap must pop them in
// when id is the push order.
func expectedOrder(times []Time, skip map[int]bool) []popped {
	var out []popped
	for id, at := range times {
		if !skip[id] {
			out = append(out, popped{at, id})
		}
	}
	slices.SortStableFunc(out, func(a, b popped) int {
		if a.at != b.at {
			if a.at < b.at {
				return -1
			}
			return 1
		}
		return a.v - b.v
	})
	return out
}

func TestHeapEmpty(t *testing.T) {
	var h Heap[int]
	if h.Len() != 0 {
		t.Fatalf("Len = %d", h.Len())
	}
	if at, ok := h.Peek(); ok || at != 0 {
		t.Fatalf("Peek on empty = %d, %v", at, ok)
	}
	if at, v, ok := h.Pop(); ok || at != 0 || v != 0 {
		t.Fatalf("Pop on empty = %d, %d, %v", at, v, ok)
	}
	if h.Cancel(Handle[int]{}) {
		t.Fatal("Cancel of the zero Handle = true")
	}
	if h.Pending(Handle[int]{}) {
		t.Fatal("Pending of the zero Handle = true")
	}
}

func TestHeapTimeSeqOrder(t *testing.T) {
	times := []Time{5, 1, 3, 1, 5, 0, 3, 1, 5, 5, 2, 0, Never, -4, 3}
	var h Heap[int]
	for id, at := range times {
		h.Push(at, id)
		if h.Len() != id+1 {
			t.Fatalf("Len after %d pushes = %d", id+1, h.Len())
		}
	}
	want := expectedOrder(times, nil)
	if at, ok := h.Peek(); !ok || at != want[0].at {
		t.Fatalf("Peek = %d, %v; want %d", at, ok, want[0].at)
	}
	if got := drain(&h); !slices.Equal(got, want) {
		t.Fatalf("pop order\n got %v\nwant %v", got, want)
	}
}

// Many entries at one instant, pushed interleaved with other instants, come
// out in push order.
func TestHeapTiesByInsertionOrder(t *testing.T) {
	var h Heap[int]
	var times []Time
	for id := range 200 {
		at := Time(7)
		if id%3 == 1 {
			at = Time(200 - id) // some other, descending times
		}
		times = append(times, at)
		h.Push(at, id)
	}
	if got, want := drain(&h), expectedOrder(times, nil); !slices.Equal(got, want) {
		t.Fatalf("pop order\n got %v\nwant %v", got, want)
	}
}

// Seq keeps growing across pops: an entry pushed after a pop at the same time
// as an older entry still comes out after it.
func TestHeapSeqSurvivesPops(t *testing.T) {
	var h Heap[int]
	h.Push(10, 0)
	h.Push(10, 1)
	h.Push(1, 2)
	if _, v, _ := h.Pop(); v != 2 {
		t.Fatalf("first pop = %d, want 2", v)
	}
	h.Push(10, 3)
	h.Push(5, 4)
	want := []popped{{5, 4}, {10, 0}, {10, 1}, {10, 3}}
	if got := drain(&h); !slices.Equal(got, want) {
		t.Fatalf("got %v want %v", got, want)
	}
}

func TestHeapCancel(t *testing.T) {
	// ids 0..6; pop order by (time, id): 3(0) 1(1) 4(1) 6(1) 0(5) 5(5) 2(9)
	times := []Time{5, 1, 9, 0, 1, 5, 1}
	setup := func() (*Heap[int], []Handle[int]) {
		h := &Heap[int]{}
		var hs []Handle[int]
		for id, at := range times {
			hs = append(hs, h.Push(at, id))
		}
		return h, hs
	}

	// Cancelling any single entry (head, middle, last pushed, latest) leaves
	// the others in order.
	for id := range times {
		t.Run(fmt.Sprintf("one/%d", id), func(t *testing.T) {
			h, hs := setup()
			if !h.Pending(hs[id]) {
				t.Fatal("Pending before Cancel = false")
			}
			if !h.Cancel(hs[id]) {
				t.Fatal("first Cancel = false")
			}
			if h.Pending(hs[id]) {
				t.Fatal("Pending after Cancel = true")
			}
			if h.Len() != len(times)-1 {
				t.Fatalf("Len = %d", h.Len())
			}
			if h.Cancel(hs[id]) {
				t.Fatal("second Cancel = true")
			}
			for other := range times {
				if other != id && !h.Pending(hs[other]) {
					t.Fatalf("entry %d no longer pending", other)
				}
			}
			want := expectedOrder(times, map[int]bool{id: true})
			if got := drain(h); !slices.Equal(got, want) {
				t.Fatalf("after cancelling %d\n got %v\nwant %v", id, got, want)
			}
		})
	}

	t.Run("head", func(t *testing.T) {
		h, hs := setup()
		if !h.Cancel(hs[3]) { // time 0: the head
			t.Fatal("Cancel head = false")
		}
		if at, ok := h.Peek(); !ok || at != 1 {
			t.Fatalf("Peek after cancelling head = %d, %v; want 1", at, ok)
		}
		if _, v, _ := h.Pop(); v != 1 {
			t.Fatalf("Pop after cancelling head = %d; want 1", v)
		}
	})

	t.Run("popped", func(t *testing.T) {
		h, hs := setup()
		_, v, _ := h.Pop()
		if v != 3 {
			t.Fatalf("Pop = %d, want 3", v)
		}
		if h.Pending(hs[3]) {
			t.Fatal("Pending of a popped entry = true")
		}
		if h.Cancel(hs[3]) {
			t.Fatal("Cancel of a popped entry = true")
		}
		if h.Len() != len(times)-1 {
			t.Fatalf("Len = %d, want %d", h.Len(), len(times)-1)
		}
		want := expectedOrder(times, map[int]bool{3: true})
		if got := drain(h); !slices.Equal(got, want) {
			t.Fatalf("got %v want %v", got, want)
		}
	})

	// A popped entry's handle must stay dead even after its old slot is
	// reused by later entries.
	t.Run("popped-slot-reused", func(t *testing.T) {
		var h Heap[int]
		old := h.Push(1, 0)
		h.Pop()
		h.Push(2, 1)
		h.Push(3, 2)
		if h.Cancel(old) || h.Pending(old) {
			t.Fatal("stale handle cancelled/pending after its slot was reused")
		}
		if got, want := drain(&h), []popped{{2, 1}, {3, 2}}; !slices.Equal(got, want) {
			t.Fatalf("got %v want %v", got, want)
		}
	})

	// Cancelling a growing prefix of the pushes (in push order, which hits
	// head, middle and tail slots) leaves the rest in order.
	t.Run("prefixes", func(t *testing.T) {
		for k := range times {
			h, hs := setup()
			skip := map[int]bool{}
			for c := 0; c <= k; c++ {
				if !h.Cancel(hs[c]) {
					t.Fatalf("Cancel %d = false", c)
				}
				skip[c] = true
			}
			if h.Len() != len(times)-k-1 {
				t.Fatalf("Len = %d after %d cancels", h.Len(), k+1)
			}
			if got, want := drain(h), expectedOrder(times, skip); !slices.Equal(got, want) {
				t.Fatalf("after cancelling 0..%d got %v want %v", k, got, want)
			}
		}
	})

	t.Run("all", func(t *testing.T) {
		h, hs := setup()
		for i := len(hs) - 1; i >= 0; i-- {
			if !h.Cancel(hs[i]) {
				t.Fatalf("Cancel %d = false", i)
			}
		}
		if h.Len() != 0 {
			t.Fatalf("Len = %d", h.Len())
		}
		if _, ok := h.Peek(); ok {
			t.Fatal("Peek after cancelling all = ok")
		}
		if _, _, ok := h.Pop(); ok {
			t.Fatal("Pop after cancelling all = ok")
		}
	})

	// Removing a slot moves the last entry into it; when that entry is
	// earlier than the slot's new parent it must sift up, not only down.
	// Pushing 1 10 2 11 12 30 5 gives the array [1 10 2 11 12 30 5];
	// cancelling 11 (index 3, parent 10) moves 5 under 10, and without the
	// sift-up 10 would later pop before 5.
	t.Run("sift-up-after-cancel", func(t *testing.T) {
		ts := []Time{1, 10, 2, 11, 12, 30, 5}
		var h Heap[int]
		var hs []Handle[int]
		for id, at := range ts {
			hs = append(hs, h.Push(at, id))
		}
		if !h.Cancel(hs[3]) {
			t.Fatal("Cancel = false")
		}
		if got, want := drain(&h), expectedOrder(ts, map[int]bool{3: true}); !slices.Equal(got, want) {
			t.Fatalf("got %v want %v", got, want)
		}
	})

	t.Run("other-heap", func(t *testing.T) {
		h, _ := setup()
		var other Heap[int]
		foreign := other.Push(0, 99)
		if h.Cancel(foreign) || h.Pending(foreign) {
			t.Fatal("a handle of another heap was accepted")
		}
		if !other.Pending(foreign) {
			t.Fatal("foreign entry disturbed")
		}
		if got, want := drain(h), expectedOrder(times, nil); !slices.Equal(got, want) {
			t.Fatalf("got %v want %v", got, want)
		}
	})
}

// modelEntry is the reference model: a plain slice, searched linearly.
type modelEntry struct {
	at  Time
	seq int
}

func TestHeapMatchesModel(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		var h Heap[int]
		var handles []Handle[int]
		var model []modelEntry // live entries
		dead := map[int]bool{} // ids popped or cancelled

		push := func(t *rapid.T) {
			// A small time range makes ties common.
			at := Time(rapid.Int64Range(-3, 40).Draw(t, "at"))
			id := len(handles)
			handles = append(handles, h.Push(at, id))
			model = append(model, modelEntry{at, id})
		}
		t.Repeat(map[string]func(*rapid.T){
			"push": push,
			// Batches grow the heap deep enough for cancels in one subtree to
			// move entries from another.
			"pushMany": func(t *rapid.T) {
				for range rapid.IntRange(2, 12).Draw(t, "n") {
					push(t)
				}
			},
			"pop": func(t *rapid.T) {
				at, v, ok := h.Pop()
				if len(model) == 0 {
					if ok {
						t.Fatalf("Pop on empty = %d, %d, true", at, v)
					}
					return
				}
				best := 0
				for i, e := range model {
					if e.at < model[best].at || (e.at == model[best].at && e.seq < model[best].seq) {
						best = i
					}
				}
				want := model[best]
				model = slices.Delete(model, best, best+1)
				dead[want.seq] = true
				if !ok || at != want.at || v != want.seq {
					t.Fatalf("Pop = (%d, %d, %v); want (%d, %d, true)", at, v, ok, want.at, want.seq)
				}
			},
			"cancel": func(t *rapid.T) {
				if len(handles) == 0 {
					t.Skip("nothing pushed")
				}
				id := rapid.IntRange(0, len(handles)-1).Draw(t, "id")
				got := h.Cancel(handles[id])
				if want := !dead[id]; got != want {
					t.Fatalf("Cancel(%d) = %v; want %v", id, got, want)
				}
				if !dead[id] {
					dead[id] = true
					i := slices.IndexFunc(model, func(e modelEntry) bool { return e.seq == id })
					model = slices.Delete(model, i, i+1)
				}
			},
			"": func(t *rapid.T) {
				if h.Len() != len(model) {
					t.Fatalf("Len = %d; model has %d", h.Len(), len(model))
				}
				at, ok := h.Peek()
				if ok != (len(model) > 0) {
					t.Fatalf("Peek ok = %v with %d entries", ok, len(model))
				}
				if ok {
					min := model[0].at
					for _, e := range model {
						if e.at < min {
							min = e.at
						}
					}
					if at != min {
						t.Fatalf("Peek = %d; want %d", at, min)
					}
				}
				for id, hd := range handles {
					if h.Pending(hd) == dead[id] {
						t.Fatalf("Pending(%d) = %v; dead = %v", id, h.Pending(hd), dead[id])
					}
				}
			},
		})

		// Whatever is left drains in model order.
		slices.SortFunc(model, func(a, b modelEntry) int {
			if a.at != b.at {
				if a.at < b.at {
					return -1
				}
				return 1
			}
			return a.seq - b.seq
		})
		for _, want := range model {
			at, v, ok := h.Pop()
			if !ok || at != want.at || v != want.seq {
				t.Fatalf("drain Pop = (%d, %d, %v); want (%d, %d, true)", at, v, ok, want.at, want.seq)
			}
		}
		if _, _, ok := h.Pop(); ok {
			t.Fatal("heap not empty after draining the model")
		}
	})
}
