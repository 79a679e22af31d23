package sim

import (
	"fmt"
	"slices"
	"testing"
)

type testMsg struct{ id string }

func (m testMsg) Type() string { return "TEST" }

// faultFunc adapts a function to FaultModel.
type faultFunc func(now Time, e Envelope) Route

func (f faultFunc) Route(now Time, e Envelope) Route { return f(now, e) }

// extraByID is a fault model that delays each message by a fixed extra delay
// looked up by its id (default: no extra delay, one copy).
func extraByID(extra map[string][]Time) FaultModel {
	return faultFunc(func(_ Time, e Envelope) Route {
		if d, ok := extra[e.Msg.(testMsg).id]; ok {
			return Route{Delays: d}
		}
		return Route{Delays: []Time{0}}
	})
}

type netRig struct {
	l   *Loop
	n   *Network
	got []string // "id from->to @time"
}

func newNetRig() *netRig {
	r := &netRig{l: NewLoop()}
	r.n = NewNetwork(r.l, func(e Envelope) {
		r.got = append(r.got, fmt.Sprintf("%s %s->%s @%d", e.Msg.(testMsg).id, e.From, e.To, r.l.Now()))
	})
	return r
}

func (r *netRig) send(from, to Address, id string) {
	r.n.Send(Envelope{From: from, To: to, Msg: testMsg{id}})
}

// sendAt sends from inside an event at time at.
func (r *netRig) sendAt(at Time, from, to Address, id string) {
	r.l.At(at, func() { r.send(from, to, id) })
}

func (r *netRig) mark(at Time, name string) {
	r.l.At(at, func() { r.got = append(r.got, fmt.Sprintf("%s @%d", name, r.l.Now())) })
}

func (r *netRig) check(t *testing.T, want ...string) {
	t.Helper()
	if !slices.Equal(r.got, want) {
		t.Fatalf("deliveries\n got %q\nwant %q", r.got, want)
	}
}

func TestNetworkZeroDelay(t *testing.T) {
	r := newNetRig()
	r.l.Run(10)
	r.mark(10, "queued-before-send")
	r.send("a", "b", "m1") // outside any event, at now = 10
	r.mark(10, "queued-after-send")
	r.l.Run(20)
	r.check(t, "queued-before-send @10", "m1 a->b @10", "queued-after-send @10")
	if r.n.Sent() != 1 || r.n.Dropped() != 0 {
		t.Fatalf("sent=%d dropped=%d", r.n.Sent(), r.n.Dropped())
	}
}

func TestNetworkZeroDelayAfterQueuedEvents(t *testing.T) {
	r := newNetRig()
	r.mark(10, "x")
	r.sendAt(10, "a", "b", "m1")
	r.mark(10, "y") // queued before the send happens: runs before delivery
	r.mark(11, "z")
	r.l.Run(20)
	r.check(t, "x @10", "y @10", "m1 a->b @10", "z @11")
}

func TestNetworkFIFOUnderFaults(t *testing.T) {
	r := newNetRig()
	r.n.SetFaults(extraByID(map[string][]Time{
		"m1": {100},
		"m2": {10}, // smaller extra than m1: must not overtake it
		"m3": {0},
		"m5": {1000},
	}))
	r.sendAt(0, "a", "b", "m1")
	r.sendAt(5, "a", "b", "m2")
	r.sendAt(50, "a", "b", "m3")
	r.sendAt(200, "a", "b", "m4") // after the others arrived: not held back
	r.sendAt(300, "a", "b", "m5")
	r.sendAt(300, "a", "b", "m6")
	r.l.Run(Never)
	r.check(t,
		"m1 a->b @100", "m2 a->b @100", "m3 a->b @100",
		"m4 a->b @200",
		"m5 a->b @1300", "m6 a->b @1300")
}

// FIFO also holds when the messages are sent from one event at one instant.
func TestNetworkFIFOSameInstant(t *testing.T) {
	r := newNetRig()
	r.n.SetFaults(extraByID(map[string][]Time{"m1": {30}, "m2": {20}, "m3": {10}, "m4": {40}}))
	r.l.At(0, func() {
		for _, id := range []string{"m1", "m2", "m3", "m4"} {
			r.send("a", "b", id)
		}
	})
	r.l.Run(Never)
	r.check(t, "m1 a->b @30", "m2 a->b @30", "m3 a->b @30", "m4 a->b @40")
}

func TestNetworkPairsIndependent(t *testing.T) {
	r := newNetRig()
	r.n.SetFaults(extraByID(map[string][]Time{"slow": {100}}))
	r.sendAt(0, "a", "b", "slow")
	r.sendAt(1, "a", "c", "ac")  // other receiver
	r.sendAt(2, "b", "a", "ba")  // reverse direction
	r.sendAt(3, "c", "b", "cb")  // other sender
	r.sendAt(4, "a", "b", "ab2") // same pair: held behind slow
	r.l.Run(Never)
	r.check(t, "ac a->c @1", "ba b->a @2", "cb c->b @3", "slow a->b @100", "ab2 a->b @100")
}

func TestNetworkDrop(t *testing.T) {
	r := newNetRig()
	r.n.SetFaults(extraByID(map[string][]Time{"lost": nil, "empty": {}}))
	var dropped []Envelope
	r.n.OnDrop(func(e Envelope) { dropped = append(dropped, e) })
	r.sendAt(1, "a", "b", "m1")
	r.sendAt(2, "a", "b", "lost")
	r.sendAt(3, "b", "a", "empty")
	r.sendAt(4, "a", "b", "m2")
	r.l.Run(Never)
	r.check(t, "m1 a->b @1", "m2 a->b @4")
	if r.n.Sent() != 4 || r.n.Dropped() != 2 {
		t.Fatalf("sent=%d dropped=%d; want 4, 2", r.n.Sent(), r.n.Dropped())
	}
	want := []Envelope{{From: "a", To: "b", Msg: testMsg{"lost"}}, {From: "b", To: "a", Msg: testMsg{"empty"}}}
	if !slices.Equal(dropped, want) {
		t.Fatalf("OnDrop saw %v; want %v", dropped, want)
	}
}

// Dropping without an OnDrop callback still counts and does not panic.
func TestNetworkDropNoCallback(t *testing.T) {
	r := newNetRig()
	r.n.SetFaults(faultFunc(func(Time, Envelope) Route { return Route{} }))
	r.sendAt(1, "a", "b", "m1")
	r.l.Run(Never)
	r.check(t)
	if r.n.Dropped() != 1 || r.n.Sent() != 1 || r.l.Pending() != 0 {
		t.Fatalf("dropped=%d sent=%d pending=%d", r.n.Dropped(), r.n.Sent(), r.l.Pending())
	}
}

func TestNetworkDuplicate(t *testing.T) {
	r := newNetRig()
	r.n.SetFaults(extraByID(map[string][]Time{
		"dup":     {2, 5},
		"dupdesc": {9, 3}, // second copy may not overtake the first
	}))
	r.sendAt(10, "a", "b", "dup")
	r.sendAt(11, "a", "b", "next") // after both copies of dup
	r.sendAt(100, "a", "b", "dupdesc")
	r.l.Run(Never)
	r.check(t, "dup a->b @12", "dup a->b @15", "next a->b @15",
		"dupdesc a->b @109", "dupdesc a->b @109")
	if r.n.Sent() != 3 || r.n.Dropped() != 0 {
		t.Fatalf("sent=%d dropped=%d", r.n.Sent(), r.n.Dropped())
	}
}

// Each copy is delivered as its own Envelope value: the receiver changing
// one does not change the other.
func TestNetworkDuplicateCopiesAreValues(t *testing.T) {
	l := NewLoop()
	var got []Envelope
	n := NewNetwork(l, func(e Envelope) {
		got = append(got, e)
		e.To = "mutated"
	})
	n.SetFaults(faultFunc(func(Time, Envelope) Route { return Route{Delays: []Time{0, 0, 0}} }))
	n.Send(Envelope{From: "a", To: "b", Msg: testMsg{"m"}})
	l.Run(Never)
	want := Envelope{From: "a", To: "b", Msg: testMsg{"m"}}
	if len(got) != 3 || got[0] != want || got[1] != want || got[2] != want {
		t.Fatalf("got %v", got)
	}
}

func TestNetworkFaultModelSeesNowAndEnvelope(t *testing.T) {
	r := newNetRig()
	var calls []string
	r.n.SetFaults(faultFunc(func(now Time, e Envelope) Route {
		calls = append(calls, fmt.Sprintf("%d %s->%s %s %s", now, e.From, e.To, e.Msg.Type(), e.Msg.(testMsg).id))
		return Route{Delays: []Time{0}}
	}))
	r.sendAt(7, "a", "b", "m1")
	r.sendAt(9, "b", "c", "m2")
	r.l.Run(Never)
	if want := []string{"7 a->b TEST m1", "9 b->c TEST m2"}; !slices.Equal(calls, want) {
		t.Fatalf("fault model calls %q; want %q", calls, want)
	}
	// Removing the fault model restores a perfect network.
	r.n.SetFaults(nil)
	r.sendAt(20, "a", "b", "m3")
	r.l.Run(Never)
	if len(calls) != 2 {
		t.Fatalf("fault model consulted after SetFaults(nil)")
	}
	r.check(t, "m1 a->b @7", "m2 b->c @9", "m3 a->b @20")
}

func TestNetworkSetDelay(t *testing.T) {
	r := newNetRig()
	r.n.SetDelay(3 * Millisecond)
	r.sendAt(10, "a", "b", "m1")
	r.l.Run(Never)
	r.n.SetFaults(extraByID(map[string][]Time{"m2": {5}}))
	r.sendAt(Second, "a", "b", "m2")
	r.l.Run(Never)
	r.n.SetDelay(-5) // negative is taken as zero
	r.n.SetFaults(extraByID(map[string][]Time{"m4": {10}}))
	r.sendAt(2*Second, "a", "b", "m3")
	r.sendAt(3*Second, "a", "b", "m4")
	r.l.Run(Never)
	r.check(t,
		"m1 a->b @3010",
		fmt.Sprintf("m2 a->b @%d", Second+3*Millisecond+5),
		fmt.Sprintf("m3 a->b @%d", 2*Second),
		fmt.Sprintf("m4 a->b @%d", 3*Second+10))
}

// Lowering the base delay must not let a later message overtake an earlier
// one still in flight on the same pair.
func TestNetworkSetDelayKeepsFIFO(t *testing.T) {
	r := newNetRig()
	r.n.SetDelay(100)
	r.sendAt(0, "a", "b", "m1")
	r.l.At(1, func() { r.n.SetDelay(0) })
	r.sendAt(2, "a", "b", "m2")
	r.sendAt(2, "a", "c", "m3")
	r.l.Run(Never)
	r.check(t, "m3 a->c @2", "m1 a->b @100", "m2 a->b @100")
}

// A message whose delivery time overflows Time must not wrap around to a
// negative time (which the loop clamps to now, delivering it at once); it
// should saturate at Never like Loop.After does.
func TestNetworkDelayOverflow(t *testing.T) {
	for _, tc := range []struct {
		name          string
		base, extra   Time
		sendAt, runTo Time
	}{
		{"extra", 0, Never, 1, 1 << 62},
		{"base", Never, 0, 1, 1 << 62},
		{"sum", Never / 2, Never/2 + 10, 5, 1 << 62},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := newNetRig()
			r.n.SetDelay(tc.base)
			r.n.SetFaults(faultFunc(func(Time, Envelope) Route { return Route{Delays: []Time{tc.extra}} }))
			r.sendAt(tc.sendAt, "a", "b", "m1")
			r.l.Run(tc.runTo)
			r.check(t) // nothing may arrive before Never
		})
	}
}
