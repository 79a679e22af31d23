package sim

import (
	"fmt"
	"slices"
	"testing"

	"pgregory.net/rapid"
)

// refNetwork is Network.Send as it was before the perfect-network fast path
// (commit 6885c70): every send asks the fault model (or takes one copy),
// looks up and records its pair, and schedules a closure. It stays here as
// the reference the fast path must match delivery for delivery.
type refNetwork struct {
	loop    *Loop
	deliver func(Envelope)
	delay   Time
	faults  FaultModel
	last    map[[2]Address]Time
}

func (n *refNetwork) send(e Envelope) {
	route := Route{Delays: []Time{0}}
	if n.faults != nil {
		route = n.faults.Route(n.loop.Now(), e)
	}
	if len(route.Delays) == 0 {
		n.deliver(Envelope{From: e.From, To: e.To, Msg: testMsg{"dropped"}})
		return
	}
	key := [2]Address{e.From, e.To}
	for _, extra := range route.Delays {
		at := addSat(n.loop.Now(), addSat(n.delay, max(extra, 0)))
		if !route.Unordered {
			if last, ok := n.last[key]; ok && at < last {
				at = last
			}
			n.last[key] = at
		}
		env := e
		n.loop.At(at, func() { n.deliver(env) })
	}
}

// The network delivers exactly what the old one did, at the same times and
// in the same order, through random runs of sends between a few actors,
// delay changes (up and down, with messages in flight) and real Faults
// (genFaults) whose rules and partitions are active only in windows, so
// that sends alternate between the fast path and Route; both sides draw
// from generators seeded alike.
func TestNetworkMatchesOldNetwork(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		addrs := []Address{"master", "agent/a1", "agent/a2", "framework/f1"}
		seed := rapid.Uint64().Draw(t, "seed")
		faulty := rapid.Bool().Draw(t, "faulty")
		rules, parts := genFaults(t)
		healAll := Time(rapid.IntRange(0, 150).Draw(t, "healAll"))

		type side struct {
			l   *Loop
			got []string
		}
		newSide := func() *side { return &side{l: NewLoop()} }
		newS, oldS := newSide(), newSide()
		note := func(s *side) func(Envelope) {
			return func(e Envelope) {
				s.got = append(s.got, fmt.Sprintf("%s %s->%s @%d", e.Msg.(testMsg).id, e.From, e.To, s.l.Now()))
			}
		}
		n := NewNetwork(newS.l, note(newS))
		n.OnDrop(func(e Envelope) { note(newS)(Envelope{From: e.From, To: e.To, Msg: testMsg{"dropped"}}) })
		ref := &refNetwork{loop: oldS.l, deliver: note(oldS), last: map[[2]Address]Time{}}
		if faulty {
			n.SetFaults(newTestFaults(seed, rules, parts, healAll))
			ref.faults = newTestFaults(seed, rules, parts, healAll)
		}

		ops := rapid.IntRange(1, 120).Draw(t, "ops")
		for i := range ops {
			at := Time(rapid.Int64Range(0, 120).Draw(t, "at"))
			if rapid.IntRange(0, 9).Draw(t, "kind") == 0 {
				d := Time(rapid.Int64Range(0, 30).Draw(t, "delay"))
				newS.l.At(at, func() { n.SetDelay(d) })
				oldS.l.At(at, func() { ref.delay = d })
				continue
			}
			e := Envelope{
				From: rapid.SampledFrom(addrs).Draw(t, "src"),
				To:   rapid.SampledFrom(addrs).Draw(t, "dst"),
				Msg:  testMsg{fmt.Sprint("m", i)},
			}
			newS.l.At(at, func() { n.Send(e) })
			oldS.l.At(at, func() { ref.send(e) })
		}
		newS.l.Run(Never - 1)
		oldS.l.Run(Never - 1)
		if !slices.Equal(newS.got, oldS.got) {
			t.Fatalf("deliveries\n got %q\n old %q", newS.got, oldS.got)
		}
	})
}
