package report

import (
	"math/rand/v2"
	"strconv"
	"testing"
)

// cacheNames are agent IDs as the scenarios name them.
func cacheNames() []string {
	var names []string
	for _, p := range []struct {
		prefix string
		n      int
	}{{"small-", 100}, {"std-", 200}, {"big-", 100}, {"", 30}} {
		for i := range p.n {
			names = append(names, p.prefix+strconv.Itoa(i))
		}
	}
	return names
}

// TestNameCacheAsMap looks names up through a nameCache while the map
// grows, and compares each answer with the map's.
func TestNameCacheAsMap(t *testing.T) {
	names := cacheNames()
	rng := rand.New(rand.NewPCG(1, 2))
	m := map[string]*int{}
	var c nameCache[int]
	for i := range 50000 {
		name := names[rng.IntN(len(names))]
		if rng.IntN(3) == 0 {
			name = string([]byte(name)) // the same name in another string
		}
		got := c.find(m, name)
		if got != m[name] {
			t.Fatalf("op %d: find(%q) = %p, map has %p", i, name, got, m[name])
		}
		if got == nil {
			v := i
			m[name] = &v
			c.put(len(m), name, &v)
		}
	}
	if len(c.slots) < 2*len(m) || len(c.slots) > 8*len(m) {
		t.Errorf("%d slots for %d names", len(c.slots), len(m))
	}
}

// BenchmarkNameLookup looks up agent IDs in the order of an allocation
// cycle's offers, in a map and through a nameCache in front of it.
func BenchmarkNameLookup(b *testing.B) {
	names := cacheNames()
	m := map[string]*int{}
	for i, n := range names {
		m[n] = &i
	}
	order := rand.New(rand.NewPCG(3, 4)).Perm(len(names))
	b.Run("map", func(b *testing.B) {
		for b.Loop() {
			for _, i := range order {
				if m[names[i]] == nil {
					b.Fatal("missing")
				}
			}
		}
	})
	b.Run("cache", func(b *testing.B) {
		var c nameCache[int]
		for b.Loop() {
			for _, i := range order {
				if c.find(m, names[i]) == nil {
					b.Fatal("missing")
				}
			}
		}
	})
}
