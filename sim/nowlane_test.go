package sim

import (
	"slices"
	"testing"
)

// TestNowLaneKeepsOrder checks that deliveries due at once (no network
// delay), which skip the heap, still run in (time, seq) order among the
// timers of the same instant and of later ones, from inside events too.
func TestNowLaneKeepsOrder(t *testing.T) {
	l := NewLoop()
	var got []string
	n := NewNetwork(l, func(e Envelope) { got = append(got, e.Msg.Type()) })
	send := func(typ string) { n.Send(Envelope{From: "a", To: "b", Msg: fmsg{typ, 0}}) }
	l.At(Second, func() {
		got = append(got, "t1")
		send("m1")
		l.At(Second, func() { got = append(got, "t2") })
		send("m2")
		cancelled := l.After(0, func() { got = append(got, "never") })
		l.After(0, func() {
			got = append(got, "t3")
			send("m3")
		})
		l.Cancel(cancelled)
		send("m4")
	})
	l.At(Second, func() { got = append(got, "t0") })
	l.At(2*Second, func() { got = append(got, "t4") })
	if l.Run(Second); l.Pending() != 1 {
		t.Fatalf("pending %d after the first second, want 1 (t4)", l.Pending())
	}
	l.Run(3 * Second)
	want := []string{"t1", "t0", "m1", "t2", "m2", "t3", "m4", "m3", "t4"}
	if !slices.Equal(got, want) {
		t.Fatalf("order %v, want %v", got, want)
	}
}

// TestNowLaneMemoryFollowsWaiting checks that a long cascade of
// deliveries within one instant, each sending the next, keeps the lane's
// array as small as what waits at once.
func TestNowLaneMemoryFollowsWaiting(t *testing.T) {
	l := NewLoop()
	left := 100_000
	var n *Network
	n = NewNetwork(l, func(e Envelope) {
		if left > 0 {
			left--
			n.Send(e) // each delivery sends the next: ten wait at once
		}
	})
	for i := range 10 {
		n.Send(Envelope{From: "a", To: "b", Msg: fmsg{"X", i}})
	}
	l.Run(0)
	if left != 0 || l.Pending() != 0 {
		t.Fatalf("%d sends left, %d pending; want none", left, l.Pending())
	}
	if c := cap(l.lane.entries); c > 64 {
		t.Fatalf("lane array of %d entries after a cascade that never had more than a few waiting", c)
	}
}
