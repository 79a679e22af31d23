package report

import (
	"math/rand/v2"
	"strconv"
	"testing"
)

// TestInternerNumbers numbers keys at random positions, past the linear
// search, and checks each number against a map's numbering in order of
// first sight.
func TestInternerNumbers(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 6))
	var x interner[string]
	ref := map[string]int{}
	for i := range 5000 {
		n := 3
		if i > 2000 {
			n = 20
		}
		k := "r" + strconv.Itoa(rng.IntN(n))
		want, ok := ref[k]
		if !ok {
			want = len(ref)
			ref[k] = want
		}
		if got := x.index(k, rng.IntN(internGuesses+2)-1); got != want {
			t.Fatalf("op %d: index(%q) = %d, want %d", i, k, got, want)
		}
	}
}
