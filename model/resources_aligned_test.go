package model

import (
	"fmt"
	"math/rand/v2"
	"testing"
)

// TestAlignedScalarsAgree checks the positional fast paths of Add, Sub and
// Contains (resources of the same scalar keys) against the general merge.
func TestAlignedScalarsAgree(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	text := func(qs []int) string {
		return fmt.Sprintf("cpus:%d;mem:%d;cpus(web):%d", qs[0], qs[1], qs[2])
	}
	for n := 0; n < 2000; n++ {
		qa := []int{1 + rng.IntN(4), 1 + rng.IntN(4), 1 + rng.IntN(4)}
		qb := []int{1 + rng.IntN(4), 1 + rng.IntN(4), 1 + rng.IntN(4)}
		a, b := MustParseResources(text(qa)), MustParseResources(text(qb))
		if !alignedScalars(a.items, b.items) {
			t.Fatalf("%v and %v: not aligned", a, b)
		}
		if got, want := a.Sub(b), a.subGeneral(b); !got.Equal(want) {
			t.Fatalf("%v - %v = %v, want %v", a, b, got, want)
		}
		want := true
		for k := range qa {
			want = want && qa[k] >= qb[k]
		}
		if got := a.Contains(b); got != want {
			t.Fatalf("%v contains %v = %v, want %v", a, b, got, want)
		}
		sum := MustParseResources(text([]int{qa[0] + qb[0], qa[1] + qb[1], qa[2] + qb[2]}))
		if got := a.Add(b); !got.Equal(sum) {
			t.Fatalf("%v + %v = %v, want %v", a, b, got, sum)
		}
	}
}
