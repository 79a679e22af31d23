package sim

import (
	"fmt"
	"math"
	"math/rand/v2"
	"reflect"
	"slices"
	"strings"
	"testing"

	"pgregory.net/rapid"
)

// fmsg is a test message with a Mesos-like type and a sequence number.
type fmsg struct {
	typ string
	id  int
}

func (m fmsg) Type() string { return m.typ }

// testRNG is the "network" stream of a root seed.
func testRNG(seed uint64) *rand.Rand { return NewStreams(seed).Get("network") }

// untouched reports whether rng has drawn nothing since testRNG(seed).
func untouched(rng *rand.Rand, seed uint64) bool { return rng.Uint64() == testRNG(seed).Uint64() }

var _ FaultModel = (*Faults)(nil)

func TestFaultsPerfectByDefault(t *testing.T) {
	rng := testRNG(7)
	f := NewFaults(rng)
	for i := range 100 {
		r := f.Route(Time(i), Envelope{From: "a", To: "b", Msg: fmsg{"X", i}})
		if !reflect.DeepEqual(r, Route{Delays: []Time{0}}) {
			t.Fatalf("route %+v; want one copy, no delay", r)
		}
	}
	if !untouched(rng, 7) {
		t.Fatal("a perfect network drew random numbers")
	}
}

func TestFaultsLossConverges(t *testing.T) {
	const n = 10000
	for seed := uint64(1); seed <= 5; seed++ {
		f := NewFaults(testRNG(seed))
		f.AddRule(Rule{Loss: 0.3})
		lost := 0
		for i := range n {
			r := f.Route(Time(i), Envelope{From: "master", To: "agent/a1", Msg: fmsg{"RunTask", i}})
			switch {
			case len(r.Delays) == 0 && r.Reason == ReasonLoss:
				lost++
			case slices.Equal(r.Delays, []Time{0}) && r.Reason == "":
			default:
				t.Fatalf("unexpected route %+v", r)
			}
		}
		if rate := float64(lost) / n; math.Abs(rate-0.3) > 0.02 {
			t.Errorf("seed %d: loss rate %.4f; want 0.3 ± 0.02", seed, rate)
		}
	}
}

// routeSequence sends a fixed mix of messages through a busy fault model.
func routeSequence(seed uint64) []Route {
	f := NewFaults(testRNG(seed))
	f.AddRule(Rule{Types: []string{"StatusUpdate", "StatusUpdateAcknowledgement"}, Loss: 0.5})
	f.AddRule(Rule{From: "agent/*", Duplicate: 0.2, Delay: DelayDist{Kind: DelayUniform, Min: Millisecond, Max: 50 * Millisecond}})
	f.AddRule(Rule{To: "framework/*", Delay: DelayDist{Kind: DelayExponential, Mean: 10 * Millisecond, Max: Second}, Reorder: true, Start: 100 * Millisecond})
	f.AddPartition(Partition{Name: "p", A: []string{"agent/a2"}, B: []string{"master"}, Start: 200 * Millisecond, Heal: 300 * Millisecond})
	addrs := []Address{"master", "agent/a1", "agent/a2", "framework/f1"}
	types := []string{"StatusUpdate", "StatusUpdateAcknowledgement", "OFFERS", "PingSlave"}
	var out []Route
	for i := range 1000 {
		e := Envelope{From: addrs[i%4], To: addrs[(i/4+1+i)%4], Msg: fmsg{types[(i/3)%4], i}}
		out = append(out, f.Route(Time(i)*Millisecond/2, e))
	}
	return out
}

func TestFaultsDeterministic(t *testing.T) {
	a, b := routeSequence(42), routeSequence(42)
	if !reflect.DeepEqual(a, b) {
		t.Fatal("same seed, same sends, different routes")
	}
	// The run exercises every outcome.
	var lost, cut, dup, unordered, delayed int
	for _, r := range a {
		switch {
		case r.Reason == ReasonLoss:
			lost++
		case strings.HasPrefix(r.Reason, ReasonPartition):
			cut++
		}
		if len(r.Delays) > 1 {
			dup++
		}
		if r.Unordered {
			unordered++
		}
		if len(r.Delays) > 0 && r.Delays[0] > 0 {
			delayed++
		}
	}
	if lost == 0 || cut == 0 || dup == 0 || unordered == 0 || delayed == 0 {
		t.Fatalf("lost=%d cut=%d dup=%d unordered=%d delayed=%d; want all > 0", lost, cut, dup, unordered, delayed)
	}
	for _, seed := range []uint64{1, 2, 43} {
		if reflect.DeepEqual(a, routeSequence(seed)) {
			t.Errorf("seeds 42 and %d give the same routes", seed)
		}
	}
}

// Rules whose outcome is certain, and rules that do not apply, draw nothing:
// adding them changes no other message's fate.
func TestFaultsDrawOnlyWhenUncertain(t *testing.T) {
	rng := testRNG(3)
	f := NewFaults(rng)
	f.AddRule(Rule{Types: []string{"OFFERS"}, Loss: 1})
	f.AddRule(Rule{Duplicate: 1, Delay: DelayDist{Kind: DelayFixed, Value: 5}})
	f.AddRule(Rule{Loss: 0, Duplicate: 0, Delay: DelayDist{Kind: DelayUniform, Min: 7, Max: 7}})
	f.AddRule(Rule{Loss: 0.5, Start: Hour})             // not active yet
	f.AddRule(Rule{Loss: 0.5, End: 10})                 // no longer active
	f.AddRule(Rule{Loss: 0.5, From: "framework/*"})     // does not match
	f.AddRule(Rule{Loss: 0.5, Types: []string{"KILL"}}) // does not match
	f.AddRule(Rule{Delay: DelayDist{Kind: DelayExponential, Min: 3}})
	f.AddPartition(Partition{Name: "p", A: []string{"a"}, B: []string{"c"}})
	for i := range 50 {
		r := f.Route(20, Envelope{From: "a", To: "b", Msg: fmsg{"X", i}})
		if !slices.Equal(r.Delays, []Time{15, 15}) {
			t.Fatalf("route %+v; want two copies at 5+7+3", r)
		}
		if r := f.Route(20, Envelope{From: "a", To: "b", Msg: fmsg{"OFFERS", i}}); r.Reason != ReasonLoss {
			t.Fatalf("OFFERS route %+v; want loss", r)
		}
		if r := f.Route(20, Envelope{From: "c", To: "a", Msg: fmsg{"X", i}}); r.Reason != "partition:p" {
			t.Fatalf("partitioned route %+v", r)
		}
	}
	if !untouched(rng, 3) {
		t.Fatal("certain or inapplicable faults drew random numbers")
	}

	// So a lossy rule loses the same messages with or without them.
	lossy := func(extra bool) []bool {
		f := NewFaults(testRNG(9))
		if extra {
			f.AddRule(Rule{Delay: DelayDist{Kind: DelayFixed, Value: Second}})
			f.AddRule(Rule{Types: []string{"OFFERS"}, Loss: 0.9})
		}
		f.AddRule(Rule{Loss: 0.4})
		var out []bool
		for i := range 200 {
			out = append(out, len(f.Route(0, Envelope{From: "a", To: "b", Msg: fmsg{"X", i}}).Delays) == 0)
		}
		return out
	}
	if !slices.Equal(lossy(false), lossy(true)) {
		t.Fatal("adding draw-free rules changed which messages were lost")
	}
}

func TestFaultsRuleFilters(t *testing.T) {
	for _, tc := range []struct {
		name string
		rule Rule
		at   Time
		e    Envelope
		want bool // the rule applies (Loss 1: the message is dropped)
	}{
		{"all", Rule{}, 0, Envelope{From: "a", To: "b", Msg: fmsg{"X", 0}}, true},
		{"type hit", Rule{Types: []string{"OFFERS", "RESCIND"}}, 0, Envelope{From: "master", To: "framework/f", Msg: fmsg{"RESCIND", 0}}, true},
		{"type miss", Rule{Types: []string{"OFFERS", "RESCIND"}}, 0, Envelope{From: "master", To: "framework/f", Msg: fmsg{"UPDATE", 0}}, false},
		{"type case-sensitive", Rule{Types: []string{"offers"}}, 0, Envelope{From: "master", To: "framework/f", Msg: fmsg{"OFFERS", 0}}, false},
		{"nil message has no type", Rule{Types: []string{"X"}}, 0, Envelope{From: "a", To: "b"}, false},
		{"from glob", Rule{From: "agent/*"}, 0, Envelope{From: "agent/a1", To: "master", Msg: fmsg{"X", 0}}, true},
		{"from glob miss", Rule{From: "agent/*"}, 0, Envelope{From: "master", To: "agent/a1", Msg: fmsg{"X", 0}}, false},
		{"to glob", Rule{To: "framework/web-*"}, 0, Envelope{From: "master", To: "framework/web-3", Msg: fmsg{"X", 0}}, true},
		{"to glob miss", Rule{To: "framework/web-*"}, 0, Envelope{From: "master", To: "framework/batch", Msg: fmsg{"X", 0}}, false},
		{"from and to", Rule{From: "master", To: "agent/a?"}, 0, Envelope{From: "master", To: "agent/a7", Msg: fmsg{"X", 0}}, true},
		{"from and to, to misses", Rule{From: "master", To: "agent/a?"}, 0, Envelope{From: "master", To: "agent/a17", Msg: fmsg{"X", 0}}, false},
		{"all three", Rule{Types: []string{"PingSlave"}, From: "master", To: "agent/*"}, 0, Envelope{From: "master", To: "agent/x", Msg: fmsg{"PingSlave", 0}}, true},
		{"before start", Rule{Start: 10}, 9, Envelope{From: "a", To: "b", Msg: fmsg{"X", 0}}, false},
		{"at start", Rule{Start: 10}, 10, Envelope{From: "a", To: "b", Msg: fmsg{"X", 0}}, true},
		{"forever", Rule{Start: 10}, Never - 1, Envelope{From: "a", To: "b", Msg: fmsg{"X", 0}}, true},
		{"before end", Rule{Start: 10, End: 20}, 19, Envelope{From: "a", To: "b", Msg: fmsg{"X", 0}}, true},
		{"at end", Rule{Start: 10, End: 20}, 20, Envelope{From: "a", To: "b", Msg: fmsg{"X", 0}}, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			f := NewFaults(testRNG(1))
			tc.rule.Loss = 1
			f.AddRule(tc.rule)
			r := f.Route(tc.at, tc.e)
			if got := len(r.Delays) == 0; got != tc.want {
				t.Fatalf("rule applied = %v (route %+v); want %v", got, r, tc.want)
			}
		})
	}
}

// AddRule copies Types: the caller changing its slice later changes nothing.
func TestFaultsAddRuleCopies(t *testing.T) {
	f := NewFaults(testRNG(1))
	types := []string{"OFFERS"}
	f.AddRule(Rule{Types: types, Loss: 1})
	types[0] = "UPDATE"
	if r := f.Route(0, Envelope{From: "a", To: "b", Msg: fmsg{"OFFERS", 0}}); r.Reason != ReasonLoss {
		t.Fatalf("route %+v; want loss", r)
	}
	a := []string{"a"}
	f.AddPartition(Partition{Name: "p", A: a, B: []string{"b"}})
	a[0] = "z"
	if !f.Partitioned(0, "a", "b") {
		t.Fatal("partition changed through the caller's slice")
	}
}

func TestFaultsRulesCompose(t *testing.T) {
	fixed := func(d Time) DelayDist { return DelayDist{Kind: DelayFixed, Value: d} }
	for _, tc := range []struct {
		name  string
		rules []Rule
		want  Route
	}{
		{"delays add up", []Rule{{Delay: fixed(3)}, {Delay: fixed(4)}, {Types: []string{"other"}, Delay: fixed(100)}},
			Route{Delays: []Time{7}}},
		{"duplicate copies the delay so far, later delays apply to both", []Rule{{Delay: fixed(3)}, {Duplicate: 1, Delay: fixed(1)}, {Delay: fixed(10)}},
			Route{Delays: []Time{14, 14}}},
		{"two duplications", []Rule{{Duplicate: 1}, {Duplicate: 1}},
			Route{Delays: []Time{0, 0, 0}}},
		{"loss stops later rules", []Rule{{Loss: 1}, {Delay: fixed(5)}},
			Route{Reason: ReasonLoss}},
		{"loss after duplication drops every copy", []Rule{{Duplicate: 1}, {Loss: 1}},
			Route{Reason: ReasonLoss}},
		{"reorder marks the route", []Rule{{Delay: fixed(2)}, {Reorder: true}},
			Route{Delays: []Time{2}, Unordered: true}},
		{"inactive reorder does not", []Rule{{Reorder: true, Start: 1}},
			Route{Delays: []Time{0}}},
		{"delays saturate", []Rule{{Delay: fixed(Never)}, {Delay: fixed(Never)}},
			Route{Delays: []Time{Never}}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			f := NewFaults(testRNG(1))
			for _, r := range tc.rules {
				f.AddRule(r)
			}
			if got := f.Route(0, Envelope{From: "a", To: "b", Msg: fmsg{"X", 0}}); !reflect.DeepEqual(got, tc.want) {
				t.Fatalf("route %+v; want %+v", got, tc.want)
			}
		})
	}
}

func TestFaultsDuplicateRate(t *testing.T) {
	f := NewFaults(testRNG(5))
	f.AddRule(Rule{Duplicate: 0.25})
	const n = 10000
	dups := 0
	for i := range n {
		switch r := f.Route(0, Envelope{From: "a", To: "b", Msg: fmsg{"X", i}}); len(r.Delays) {
		case 1:
		case 2:
			dups++
		default:
			t.Fatalf("route %+v", r)
		}
	}
	if rate := float64(dups) / n; math.Abs(rate-0.25) > 0.02 {
		t.Fatalf("duplicate rate %.4f; want 0.25 ± 0.02", rate)
	}
}

// Loss applies to each copy independently: with a certain duplication then
// a 50% loss, a quarter of messages are lost, a half arrive once and a
// quarter twice.
func TestFaultsLossPerCopy(t *testing.T) {
	f := NewFaults(testRNG(6))
	f.AddRule(Rule{Duplicate: 1})
	f.AddRule(Rule{Loss: 0.5})
	const n = 10000
	var copies [3]int
	for i := range n {
		copies[len(f.Route(0, Envelope{From: "a", To: "b", Msg: fmsg{"X", i}}).Delays)]++
	}
	for k, want := range []float64{0.25, 0.5, 0.25} {
		if got := float64(copies[k]) / n; math.Abs(got-want) > 0.02 {
			t.Errorf("%d copies: rate %.4f; want %.2f ± 0.02", k, got, want)
		}
	}
}

func TestDelayDist(t *testing.T) {
	const n = 20000
	for _, tc := range []struct {
		name     string
		d        DelayDist
		lo, hi   Time    // every draw in [lo, hi]
		mean     float64 // expected mean
		tol      float64 // relative tolerance of the mean
		hitEdges bool    // both lo and hi are drawn
	}{
		{"none", DelayDist{}, 0, 0, 0, 0, true},
		{"fixed", DelayDist{Kind: DelayFixed, Value: 5 * Millisecond}, 5 * Millisecond, 5 * Millisecond, 5000, 0, true},
		{"uniform", DelayDist{Kind: DelayUniform, Min: 10 * Millisecond, Max: 30 * Millisecond}, 10 * Millisecond, 30 * Millisecond, 20000, 0.01, false},
		{"uniform small", DelayDist{Kind: DelayUniform, Min: 3, Max: 6}, 3, 6, 4.5, 0.02, true},
		{"uniform point", DelayDist{Kind: DelayUniform, Min: 4, Max: 4}, 4, 4, 4, 0, true},
		{"exponential", DelayDist{Kind: DelayExponential, Mean: 100 * Millisecond}, 0, Never, 100000, 0.03, false},
		// Clamped: mean of min(max(X, lo), hi) for X ~ Exp(mean m) is
		// lo + m(e^{-lo/m} - e^{-hi/m}).
		{"exponential clamped", DelayDist{Kind: DelayExponential, Mean: 100, Min: 50, Max: 200}, 50, 200,
			50 + 100*(math.Exp(-0.5)-math.Exp(-2)), 0.02, true},
		{"exponential min only", DelayDist{Kind: DelayExponential, Mean: 100, Min: 100}, 100, Never,
			100 + 100*math.Exp(-1), 0.03, false},
		{"exponential max only", DelayDist{Kind: DelayExponential, Mean: 100, Max: 100}, 0, 100,
			100 * (1 - math.Exp(-1)), 0.03, false},
		{"exponential zero mean", DelayDist{Kind: DelayExponential, Min: 7}, 7, 7, 7, 0, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if err := tc.d.Validate(); err != nil {
				t.Fatalf("Validate: %v", err)
			}
			rng := testRNG(11)
			sum := 0.0
			seenLo, seenHi := false, false
			for range n {
				d := tc.d.draw(rng)
				if d < tc.lo || d > tc.hi {
					t.Fatalf("draw %d outside [%d, %d]", d, tc.lo, tc.hi)
				}
				seenLo = seenLo || d == tc.lo
				seenHi = seenHi || d == tc.hi
				sum += float64(d)
			}
			mean := sum / n
			if math.Abs(mean-tc.mean) > tc.tol*tc.mean+1e-9 {
				t.Errorf("mean %.2f; want %.2f ± %.0f%%", mean, tc.mean, 100*tc.tol)
			}
			if tc.hitEdges && !(seenLo && seenHi) {
				t.Errorf("drew lo=%v hi=%v; want both edges", seenLo, seenHi)
			}
		})
	}
}

// Extreme parameters neither overflow nor panic.
func TestDelayDistExtremes(t *testing.T) {
	rng := testRNG(1)
	for range 1000 {
		if d := (DelayDist{Kind: DelayUniform, Max: Never}).draw(rng); d < 0 {
			t.Fatalf("uniform [0, Never] drew %d", d)
		}
		if d := (DelayDist{Kind: DelayExponential, Mean: Never}).draw(rng); d < 0 {
			t.Fatalf("exponential mean Never drew %d", d)
		}
		if d := (DelayDist{Kind: DelayExponential, Mean: Never, Max: Hour}).draw(rng); d < 0 || d > Hour {
			t.Fatalf("exponential clamped to an hour drew %d", d)
		}
	}
}

func TestRuleValidate(t *testing.T) {
	for _, tc := range []struct {
		name string
		r    Rule
		want string // "" for valid
	}{
		{"zero", Rule{}, ""},
		{"full", Rule{Types: []string{"X"}, From: "a", To: "b/*", Loss: 1, Duplicate: 0.5, Delay: DelayDist{Kind: DelayExponential, Mean: 5, Min: 1, Max: 9}, Reorder: true, Start: 3, End: 4}, ""},
		{"loss above one", Rule{Loss: 1.5}, "loss probability"},
		{"negative loss", Rule{Loss: -0.1}, "loss probability"},
		{"NaN loss", Rule{Loss: math.NaN()}, "loss probability"},
		{"duplicate above one", Rule{Duplicate: 2}, "duplicate probability"},
		{"negative start", Rule{Start: -1}, "negative start"},
		{"end at start", Rule{Start: 5, End: 5}, "not after start"},
		{"negative end", Rule{End: -1}, "not after start"},
		{"unknown kind", Rule{Delay: DelayDist{Kind: "normal", Mean: 3}}, "unknown delay kind"},
		{"durations without kind", Rule{Delay: DelayDist{Value: 3}}, "no kind"},
		{"negative delay", Rule{Delay: DelayDist{Kind: DelayFixed, Value: -3}}, "negative"},
		{"uniform max below min", Rule{Delay: DelayDist{Kind: DelayUniform, Min: 5, Max: 4}}, "below min"},
		{"exponential max below min", Rule{Delay: DelayDist{Kind: DelayExponential, Mean: 5, Min: 5, Max: 4}}, "below min"},
		{"several", Rule{Loss: 2, Duplicate: -1}, "duplicate probability"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			err := tc.r.Validate()
			if tc.want == "" {
				if err != nil {
					t.Fatalf("Validate() = %v; want nil", err)
				}
				NewFaults(testRNG(1)).AddRule(tc.r)
				return
			}
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("Validate() = %v; want an error with %q", err, tc.want)
			}
			defer func() {
				if r := recover(); r == nil {
					t.Fatal("AddRule accepted an invalid rule")
				}
			}()
			NewFaults(testRNG(1)).AddRule(tc.r)
		})
	}
}

// faultRig is a network with a Faults model; deliveries are recorded as
// "id@time".
type faultRig struct {
	l       *Loop
	n       *Network
	f       *Faults
	got     []string
	dropped []string // "id reason"
}

func newFaultRig(seed uint64) *faultRig {
	r := &faultRig{l: NewLoop(), f: NewFaults(testRNG(seed))}
	r.n = NewNetwork(r.l, func(e Envelope) {
		r.got = append(r.got, fmt.Sprintf("%d@%d", e.Msg.(fmsg).id, r.l.Now()))
	})
	r.n.SetFaults(r.f)
	r.n.OnDropReason(func(e Envelope, why string) {
		r.dropped = append(r.dropped, fmt.Sprintf("%d %s", e.Msg.(fmsg).id, why))
	})
	return r
}

func (r *faultRig) sendAt(at Time, typ string, id int) {
	r.l.At(at, func() { r.n.Send(Envelope{From: "master", To: "agent/a1", Msg: fmsg{typ, id}}) })
}

func TestFaultsNetworkDuplicateInOrder(t *testing.T) {
	r := newFaultRig(1)
	r.f.AddRule(Rule{Types: []string{"DUP"}, Duplicate: 1, Delay: DelayDist{Kind: DelayFixed, Value: 10}})
	r.sendAt(0, "DUP", 1)
	r.sendAt(1, "X", 2)
	r.l.Run(Never)
	if want := []string{"1@10", "1@10", "2@10"}; !slices.Equal(r.got, want) {
		t.Fatalf("deliveries %q; want %q", r.got, want)
	}
}

// A slow message marked for reordering is overtaken by a later fast one;
// without Reorder, per-pair FIFO holds the fast one back.
func TestFaultsNetworkReorder(t *testing.T) {
	for _, reorder := range []bool{false, true} {
		r := newFaultRig(1)
		r.f.AddRule(Rule{Types: []string{"SLOW"}, Delay: DelayDist{Kind: DelayFixed, Value: 100}, Reorder: reorder})
		r.sendAt(0, "SLOW", 1)
		r.sendAt(1, "FAST", 2)
		r.sendAt(200, "FAST", 3)
		r.l.Run(Never)
		want := []string{"1@100", "2@100", "3@200"}
		if reorder {
			want = []string{"2@1", "1@100", "3@200"}
		}
		if !slices.Equal(r.got, want) {
			t.Fatalf("reorder=%v: deliveries %q; want %q", reorder, r.got, want)
		}
	}
}

// With random delays on every message, Reorder produces inversions and its
// absence none.
func TestFaultsNetworkRandomReorder(t *testing.T) {
	for _, reorder := range []bool{false, true} {
		r := newFaultRig(8)
		r.f.AddRule(Rule{Delay: DelayDist{Kind: DelayUniform, Min: 0, Max: 50}, Reorder: reorder})
		for i := range 200 {
			r.sendAt(Time(i), "X", i)
		}
		r.l.Run(Never)
		if len(r.got) != 200 {
			t.Fatalf("%d deliveries; want 200", len(r.got))
		}
		inversions, prev := 0, -1
		for _, g := range r.got {
			var id, at int
			fmt.Sscanf(g, "%d@%d", &id, &at)
			if id < prev {
				inversions++
			}
			prev = id
		}
		if reorder && inversions == 0 {
			t.Error("reorder on: no message overtook another")
		}
		if !reorder && inversions != 0 {
			t.Errorf("reorder off: %d inversions", inversions)
		}
	}
}

func TestFaultsNetworkDropReasons(t *testing.T) {
	r := newFaultRig(1)
	var plain []int
	r.n.OnDrop(func(e Envelope) { plain = append(plain, e.Msg.(fmsg).id) })
	r.f.AddRule(Rule{Types: []string{"LOSE"}, Loss: 1})
	r.f.AddPartition(Partition{Name: "cut", A: []string{"master"}, B: []string{"agent/*"}, OneWay: true, Start: 10, Heal: 20})
	r.sendAt(0, "LOSE", 1)
	r.sendAt(0, "X", 2)
	r.sendAt(10, "X", 3)
	r.sendAt(15, "LOSE", 4)
	r.sendAt(20, "X", 5)
	r.l.Run(Never)
	if want := []string{"2@0", "5@20"}; !slices.Equal(r.got, want) {
		t.Fatalf("deliveries %q; want %q", r.got, want)
	}
	if want := []string{"1 loss", "3 partition:cut", "4 partition:cut"}; !slices.Equal(r.dropped, want) {
		t.Fatalf("drops %q; want %q", r.dropped, want)
	}
	if want := []int{1, 3, 4}; !slices.Equal(plain, want) {
		t.Fatalf("OnDrop saw %v; want %v", plain, want)
	}
	if r.n.Sent() != 5 || r.n.Dropped() != 3 {
		t.Fatalf("sent=%d dropped=%d", r.n.Sent(), r.n.Dropped())
	}
}

// genFaults draws a random fault configuration over a small address space.
func genFaults(t *rapid.T) (rules []Rule, parts []Partition) {
	pat := rapid.SampledFrom([]string{"", "*", "master", "agent/*", "agent/a1", "framework/?1", "framework/*"})
	side := rapid.SliceOfN(rapid.SampledFrom([]string{"*", "master", "agent/*", "agent/a2", "framework/f1"}), 1, 2)
	prob := rapid.SampledFrom([]float64{0, 0.1, 0.5, 0.9, 1})
	window := func(label string) (start, end Time) {
		start = Time(rapid.IntRange(0, 50).Draw(t, label+"-start"))
		if rapid.Bool().Draw(t, label+"-ends") {
			end = start + Time(rapid.IntRange(1, 50).Draw(t, label+"-len"))
		}
		return start, end
	}
	for i := range rapid.IntRange(0, 4).Draw(t, "rules") {
		r := Rule{
			Types:     rapid.SliceOfN(rapid.SampledFrom([]string{"OFFERS", "StatusUpdate", "PingSlave"}), 0, 2).Draw(t, "types"),
			From:      pat.Draw(t, "from"),
			To:        pat.Draw(t, "to"),
			Loss:      prob.Draw(t, "loss"),
			Duplicate: prob.Draw(t, "dup"),
			Reorder:   rapid.Bool().Draw(t, "reorder"),
		}
		switch rapid.IntRange(0, 3).Draw(t, "delay") {
		case 1:
			r.Delay = DelayDist{Kind: DelayFixed, Value: Time(rapid.IntRange(0, 20).Draw(t, "value"))}
		case 2:
			lo := Time(rapid.IntRange(0, 20).Draw(t, "min"))
			r.Delay = DelayDist{Kind: DelayUniform, Min: lo, Max: lo + Time(rapid.IntRange(0, 20).Draw(t, "span"))}
		case 3:
			r.Delay = DelayDist{Kind: DelayExponential, Mean: Time(rapid.IntRange(0, 20).Draw(t, "mean")), Max: Time(rapid.IntRange(0, 40).Draw(t, "max"))}
		}
		r.Start, r.End = window(fmt.Sprint("rule", i))
		rules = append(rules, r)
	}
	for i := range rapid.IntRange(0, 2).Draw(t, "partitions") {
		p := Partition{Name: fmt.Sprint("p", i), A: side.Draw(t, "A"), B: side.Draw(t, "B"), OneWay: rapid.Bool().Draw(t, "oneway")}
		p.Start, p.Heal = window(p.Name)
		parts = append(parts, p)
	}
	return rules, parts
}

// newTestFaults is a fault model drawing from testRNG(seed) with the given
// rules, partitions and heal_at.
func newTestFaults(seed uint64, rules []Rule, parts []Partition, healAll Time) *Faults {
	f := NewFaults(testRNG(seed))
	for _, r := range rules {
		f.AddRule(r)
	}
	for _, p := range parts {
		f.AddPartition(p)
	}
	f.HealAll(healAll)
	return f
}

// Random configurations and traffic: same seed, same routes; every route is
// well formed; partitions and HealAll are honoured; without Reorder a pair's
// deliveries are a prefix-with-gaps of its sends.
func TestFaultsProperties(t *testing.T) {
	addrs := []Address{"master", "agent/a1", "agent/a2", "framework/f1"}
	rapid.Check(t, func(t *rapid.T) {
		rules, parts := genFaults(t)
		seed := rapid.Uint64().Draw(t, "seed")
		healAll := Time(rapid.IntRange(0, 50).Draw(t, "healAll"))
		build := func() *Faults { return newTestFaults(seed, rules, parts, healAll) }
		type send struct {
			at       Time
			from, to Address
			typ      string
		}
		sends := rapid.SliceOfN(rapid.Custom(func(t *rapid.T) send {
			return send{
				Time(rapid.IntRange(0, 40).Draw(t, "at")),
				rapid.SampledFrom(addrs).Draw(t, "from"),
				rapid.SampledFrom(addrs).Draw(t, "to"),
				rapid.SampledFrom([]string{"OFFERS", "StatusUpdate", "PingSlave", "RunTask"}).Draw(t, "type"),
			}
		}), 1, 80).Draw(t, "sends")
		slices.SortStableFunc(sends, func(a, b send) int { return int(a.at - b.at) })

		anyReorder := slices.ContainsFunc(rules, func(r Rule) bool { return r.Reorder })
		maxCopies := 1
		for _, r := range rules {
			if r.Duplicate > 0 {
				maxCopies++
			}
		}

		// Route by route, twice.
		f1, f2 := build(), build()
		for i, s := range sends {
			e := Envelope{From: s.from, To: s.to, Msg: fmsg{s.typ, i}}
			r1, r2 := f1.Route(s.at, e), f2.Route(s.at, e)
			if !reflect.DeepEqual(r1, r2) {
				t.Fatalf("send %d: routes differ: %+v vs %+v", i, r1, r2)
			}
			cut := f1.Partitioned(s.at, s.from, s.to)
			switch {
			case s.at >= healAll:
				if !reflect.DeepEqual(r1, Route{Delays: []Time{0}}) || cut {
					t.Fatalf("send %d after HealAll: %+v cut=%v", i, r1, cut)
				}
			case cut:
				if r1.Delays != nil || !strings.HasPrefix(r1.Reason, ReasonPartition) {
					t.Fatalf("send %d across a partition: %+v", i, r1)
				}
			case len(r1.Delays) == 0:
				if r1.Reason != ReasonLoss {
					t.Fatalf("send %d dropped with reason %q", i, r1.Reason)
				}
			default:
				if r1.Reason != "" || len(r1.Delays) > maxCopies || (r1.Unordered && !anyReorder) {
					t.Fatalf("send %d: %+v (max copies %d, any reorder %v)", i, r1, maxCopies, anyReorder)
				}
				for _, d := range r1.Delays {
					if d < 0 {
						t.Fatalf("send %d: negative delay in %+v", i, r1)
					}
				}
			}
		}

		// Through a network: the delivery log is deterministic, and the
		// messages not routed Unordered reach each pair in the order sent.
		run := func() []string {
			l := NewLoop()
			var got []string
			f := build()
			unordered := map[int]bool{}
			last := map[[2]Address]int{}
			n := NewNetwork(l, func(e Envelope) {
				id := e.Msg.(fmsg).id
				got = append(got, fmt.Sprintf("%d@%d", id, l.Now()))
				if unordered[id] {
					return
				}
				key := [2]Address{e.From, e.To}
				if prev, ok := last[key]; ok && id < prev {
					t.Fatalf("%s->%s: message %d delivered after %d", e.From, e.To, id, prev)
				}
				last[key] = id
			})
			n.SetFaults(faultFunc(func(now Time, e Envelope) Route {
				r := f.Route(now, e)
				unordered[e.Msg.(fmsg).id] = r.Unordered
				return r
			}))
			n.OnDropReason(func(e Envelope, why string) { got = append(got, fmt.Sprintf("%d:%s", e.Msg.(fmsg).id, why)) })
			for i, s := range sends {
				l.At(s.at, func() { n.Send(Envelope{From: s.from, To: s.to, Msg: fmsg{s.typ, i}}) })
			}
			l.Run(Never)
			return got
		}
		if a, b := run(), run(); !slices.Equal(a, b) {
			t.Fatalf("same seed, different delivery logs:\n%q\n%q", a, b)
		}
	})
}

// Random delays and duplication without Reorder never break per-pair FIFO
// through a real network; with Reorder on every rule, the same traffic is
// still delivered in full, in some order.
func TestFaultsPropertyFIFO(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		reorder := rapid.Bool().Draw(t, "reorder")
		f := NewFaults(testRNG(rapid.Uint64().Draw(t, "seed")))
		for range rapid.IntRange(1, 3).Draw(t, "rules") {
			f.AddRule(Rule{
				From:      rapid.SampledFrom([]string{"", "a", "b"}).Draw(t, "from"),
				Duplicate: rapid.Float64Range(0, 1).Draw(t, "dup"),
				Delay:     DelayDist{Kind: DelayUniform, Max: Time(rapid.IntRange(1, 50).Draw(t, "max"))},
				Reorder:   reorder,
			})
		}
		l := NewLoop()
		var n *Network
		last := map[Address]int{}
		delivered := map[int]bool{}
		n = NewNetwork(l, func(e Envelope) {
			id := e.Msg.(fmsg).id
			delivered[id] = true
			if prev, ok := last[e.From]; ok && id < prev && !reorder {
				t.Fatalf("%s->c: message %d delivered after %d", e.From, id, prev)
			}
			last[e.From] = max(last[e.From], id)
		})
		n.SetFaults(f)
		sends := rapid.IntRange(2, 50).Draw(t, "sends")
		for i := range sends {
			from := Address(rapid.SampledFrom([]string{"a", "b"}).Draw(t, "sender"))
			l.At(Time(i), func() { n.Send(Envelope{From: from, To: "c", Msg: fmsg{"X", i}}) })
		}
		l.Run(Never)
		if len(delivered) != sends {
			t.Fatalf("%d of %d messages delivered", len(delivered), sends)
		}
	})
}
