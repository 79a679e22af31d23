package model

import (
	"strconv"
	"strings"
	"testing"

	"pgregory.net/rapid"
)

// genMixedResources draws scalars (genScalarResources) plus, sometimes,
// port ranges and a set, so that Tally's non-scalar paths are drawn too.
func genMixedResources(t *rapid.T, label string) Resources {
	r := genScalarResources(t, label)
	var parts []string
	if rapid.Bool().Draw(t, label+"_ports") {
		lo := rapid.IntRange(1, 20).Draw(t, label+"_lo")
		hi := rapid.IntRange(lo, 25).Draw(t, label+"_hi")
		parts = append(parts, "ports:["+strconv.Itoa(lo)+"-"+strconv.Itoa(hi)+"]")
	}
	if rapid.Bool().Draw(t, label+"_zones") {
		parts = append(parts, "zones:{"+rapid.SampledFrom([]string{"a", "b", "a,b"}).Draw(t, label+"_z")+"}")
	}
	if len(parts) == 0 {
		return r
	}
	return r.Add(MustParseResources(strings.Join(parts, ";")))
}

// TestTallyMatchesResources applies random Adds and Subs to a Tally and to
// an immutable Resources and checks that they agree after every step, that
// a value handed to the tally is never changed by it, and that ContainsSum
// is Contains of the sum.
func TestTallyMatchesResources(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		var tally Tally
		var want Resources
		if rapid.Bool().Draw(t, "set") {
			want = genMixedResources(t, "init")
			tally.Set(want)
		}
		for i := range rapid.IntRange(1, 12).Draw(t, "steps") {
			o := genMixedResources(t, "o"+strconv.Itoa(i))
			before := o.String()
			if rapid.Bool().Draw(t, "add"+strconv.Itoa(i)) {
				want = want.Add(o)
				tally.Add(o)
			} else {
				want = want.Sub(o)
				tally.Sub(o)
			}
			if got := tally.Resources(); !got.Equal(want) || got.String() != want.String() {
				t.Fatalf("step %d: tally %q, Resources %q", i, got, want)
			}
			if tally.IsEmpty() != want.IsEmpty() {
				t.Fatalf("step %d: IsEmpty %v, want %v", i, tally.IsEmpty(), want.IsEmpty())
			}
			if o.String() != before {
				t.Fatalf("step %d: the tally changed its argument %q to %q", i, before, o)
			}
			r := genMixedResources(t, "r"+strconv.Itoa(i))
			if got, w := r.ContainsSum(tally.View(), o), r.Contains(want.Add(o)); got != w {
				t.Fatalf("%q.ContainsSum(%q, %q) = %v, want %v", r, want, o, got, w)
			}
		}
	})
}

// TestTallySetIsACopy checks that a tally set from a value, then changed,
// leaves that value alone, and that Resources is a copy.
func TestTallySetIsACopy(t *testing.T) {
	r := MustParseResources("cpus:4;mem:1024")
	var tally Tally
	tally.Set(r)
	tally.Sub(MustParseResources("cpus:1"))
	out := tally.Resources()
	tally.Add(MustParseResources("mem:1"))
	if r.String() != "cpus:4;mem:1024" || out.String() != "cpus:3;mem:1024" || tally.View().String() != "cpus:3;mem:1025" {
		t.Fatalf("r %q, out %q, tally %q", r, out, tally.View())
	}
	tally.Reset()
	if !tally.IsEmpty() {
		t.Fatalf("reset tally holds %q", tally.View())
	}
}

func BenchmarkTallyAddSub(b *testing.B) {
	y := MustParseResources("cpus:1.5;mem:2048;cpus(a):1")
	var tally Tally
	tally.Set(MustParseResources("cpus:32;mem:65536;disk:100000;gpus:4;cpus(a):4;mem(a):1024"))
	b.ReportAllocs()
	for b.Loop() {
		tally.Add(y)
		tally.Sub(y)
	}
}

// BenchmarkTallyFill adds to an empty tally, as an allocator refilling an
// agent's holdings does.
func BenchmarkTallyFill(b *testing.B) {
	x := MustParseResources("cpus:32;mem:65536;disk:100000;gpus:4;cpus(a):4;mem(a):1024")
	var tally Tally
	b.ReportAllocs()
	for b.Loop() {
		tally.Reset()
		tally.Add(x)
	}
}
