package sim

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"testing"
)

func draws(r *rand.Rand, n int) []uint64 {
	out := make([]uint64, n)
	for i := range out {
		out[i] = r.Uint64()
	}
	return out
}

var streamNames = []string{"", "network", "workload", "allocator", "faults",
	"framework/f1", "framework/f2", "framework/f10", "ab", "ba", "a", "A"}

var streamRoots = []uint64{0, 1, 2, 3, 42, 1 << 32, 1<<32 | 1, 1 << 63, 1<<63 | 1, ^uint64(0), ^uint64(0) - 1}

func TestStreamsRoot(t *testing.T) {
	for _, root := range streamRoots {
		if got := NewStreams(root).Root(); got != root {
			t.Fatalf("NewStreams(%d).Root() = %d", root, got)
		}
	}
}

func TestStreamsReproducible(t *testing.T) {
	for _, root := range streamRoots {
		for _, name := range streamNames {
			a := draws(NewStreams(root).Get(name), 64)
			s := NewStreams(root)
			b := draws(s.Get(name), 64)
			c := draws(s.Get(name), 64) // Get returns a fresh generator each time
			if !slices.Equal(a, b) || !slices.Equal(a, c) {
				t.Fatalf("root %d name %q: sequences differ between Get calls", root, name)
			}
		}
	}
}

// All (root, name) pairs in the grid give pairwise different sequences, so
// different names under one root differ, and one name under different roots
// differs (including roots that differ only in the lowest bit).
func TestStreamsDistinct(t *testing.T) {
	seen := map[[4]uint64]string{}
	for _, root := range streamRoots {
		for _, name := range streamNames {
			d := draws(NewStreams(root).Get(name), 4)
			key := [4]uint64(d)
			who := fmt.Sprintf("(root %d, name %q)", root, name)
			if prev, ok := seen[key]; ok {
				t.Fatalf("%s and %s give the same sequence", prev, who)
			}
			seen[key] = who
		}
	}
}

// A larger sweep: no two names among many give the same first draw under one
// root, and no two roots among many give the same first draw for one name.
func TestStreamsNoCollisions(t *testing.T) {
	first := map[uint64]string{}
	for i := range 2000 {
		name := fmt.Sprintf("framework/f%d", i)
		v := NewStreams(7).Get(name).Uint64()
		if prev, ok := first[v]; ok {
			t.Fatalf("names %q and %q collide under root 7", prev, name)
		}
		first[v] = name
	}
	byRoot := map[uint64]uint64{}
	for root := range uint64(2000) {
		v := NewStreams(root).Get("network").Uint64()
		if prev, ok := byRoot[v]; ok {
			t.Fatalf("roots %d and %d collide for name network", prev, root)
		}
		byRoot[v] = root
	}
}

// Drawing from one stream, in any amount and interleaving, does not change
// another stream's sequence.
func TestStreamsIndependent(t *testing.T) {
	s := NewStreams(42)
	wantNet := draws(s.Get("network"), 100)
	wantWork := draws(s.Get("workload"), 100)

	net := s.Get("network")
	work := s.Get("workload")
	alloc := s.Get("allocator")
	var gotNet, gotWork []uint64
	for i := range 100 {
		// Extra draws of varying kinds from a third stream, and from a
		// second generator of the same name, between every draw.
		for range i % 7 {
			alloc.IntN(10)
			alloc.Float64()
		}
		extra := s.Get("workload")
		extra.Perm(5)
		gotNet = append(gotNet, net.Uint64())
		if i%3 == 0 {
			gotWork = append(gotWork, work.Uint64())
		}
	}
	for len(gotWork) < 100 {
		gotWork = append(gotWork, work.Uint64())
	}
	if !slices.Equal(gotNet, wantNet) {
		t.Fatal("network stream changed by draws from other streams")
	}
	if !slices.Equal(gotWork, wantWork) {
		t.Fatal("workload stream changed by draws from other streams")
	}
}

// The streams look random enough for a simulation: a crude check that a
// stream is not constant or stuck and that the two PCG seeds are mixed.
func TestStreamsNotDegenerate(t *testing.T) {
	for _, root := range []uint64{0, 1} {
		r := NewStreams(root).Get("")
		var buckets [8]int
		for range 8000 {
			buckets[r.IntN(8)]++
		}
		for i, n := range buckets {
			if n < 800 || n > 1200 {
				t.Fatalf("root %d: bucket %d has %d of 8000 draws", root, i, n)
			}
		}
	}
}
