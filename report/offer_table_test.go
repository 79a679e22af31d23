package report

import (
	"math/rand/v2"
	"strconv"
	"testing"
)

func TestOfferSeq(t *testing.T) {
	for id, want := range map[string]uint64{"o1": 1, "o10": 10, "o18446744073709551615": 0, "o9999999999999999999": 9999999999999999999} {
		got, ok := offerSeq(id)
		if (want != 0) != ok || got != want && ok {
			t.Errorf("offerSeq(%q) = %d, %v; want %d", id, got, ok, want)
		}
	}
	for _, id := range []string{"", "o", "o0", "o01", "x1", "o1a", "o-1", "o 1", "1"} {
		if _, ok := offerSeq(id); ok {
			t.Errorf("offerSeq(%q) parsed", id)
		}
	}
}

// TestOfferTableAsMap applies random operations to an offerTable and to a
// map and compares them after each: canonical IDs from two sequences (a
// master and its successor restarting at o1), non-canonical IDs naming
// other offers ("o01", "x5"), and offers held long enough to collide in the
// ring.
func TestOfferTableAsMap(t *testing.T) {
	spilled, grown := false, false
	for seed := range uint64(20) {
		rng := rand.New(rand.NewPCG(seed, 7))
		var tab offerTable[int]
		ref := map[string]int{}
		var seqA, seqB uint64
		id := func() string {
			switch rng.IntN(10) {
			case 0:
				return "o0" + strconv.Itoa(rng.IntN(20))
			case 1:
				return "x" + strconv.Itoa(rng.IntN(20))
			case 2:
				seqB++
				return "o" + strconv.FormatUint(seqB, 10)
			case 3: // an old one, maybe still outstanding
				return "o" + strconv.FormatUint(1+rng.Uint64N(seqA+1), 10)
			default:
				seqA++
				return "o" + strconv.FormatUint(seqA, 10)
			}
		}
		var live []string
		for i := range 20000 {
			switch op := rng.IntN(10); {
			case op < 5:
				k := id()
				tab.set(k, i)
				ref[k] = i
				live = append(live, k)
			case op < 9 && len(live) > 0:
				j := rng.IntN(len(live))
				if rng.IntN(8) == 0 { // keep some for long
					j = len(live) - 1 - rng.IntN(min(len(live), 4))
				}
				k := live[j]
				live[j] = live[len(live)-1]
				live = live[:len(live)-1]
				tab.del(k)
				delete(ref, k)
			default:
				if rng.IntN(50) == 0 {
					tab.reset()
					clear(ref)
					live = live[:0]
				}
			}
			for _, k := range []string{id(), "o" + strconv.FormatUint(seqA, 10)} {
				v, ok := tab.get(k)
				if w, wok := ref[k]; v != w || ok != wok {
					t.Fatalf("seed %d op %d: get(%q) = %d, %v; map has %d, %v", seed, i, k, v, ok, w, wok)
				}
			}
			for k := range tab.spill {
				_, canonical := offerSeq(k)
				spilled = spilled || canonical
			}
			grown = grown || len(tab.ring) > offerRingMin
			if tab.len() != len(ref) {
				t.Fatalf("seed %d op %d: len %d, map %d", seed, i, tab.len(), len(ref))
			}
		}
		for k, w := range ref {
			if v, ok := tab.get(k); !ok || v != w {
				t.Fatalf("seed %d: get(%q) = %d, %v; map has %d", seed, k, v, ok, w)
			}
		}
	}
	if !spilled || !grown {
		t.Errorf("a canonical ID spilled: %v; the ring grew: %v", spilled, grown)
	}
}
