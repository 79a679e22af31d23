package sim_test

import (
	"fmt"

	"github.com/mesosim/mesosim/sim"
)

func ExampleLoop() {
	l := sim.NewLoop()
	say := func(what string) func() {
		return func() { fmt.Println(l.Now(), what) }
	}
	l.At(2*sim.Second, say("heartbeat"))
	l.After(1500*sim.Millisecond, say("offer"))
	l.At(2*sim.Second, say("allocate")) // same instant: runs after heartbeat
	timeout := l.After(sim.Minute, say("timeout"))
	l.At(90*sim.Second, func() {
		fmt.Println(l.Now(), "decline")
		l.After(0, say("reoffer")) // same instant, same Run
	})
	l.Cancel(timeout)

	l.Run(90 * sim.Second)
	fmt.Println("now", l.Now(), "events", l.Events(), "pending", l.Pending())
	// Output:
	// 1.5s offer
	// 2s heartbeat
	// 2s allocate
	// 1m30s decline
	// 1m30s reoffer
	// now 1m30s events 5 pending 0
}

func ExampleStreams() {
	s := sim.NewStreams(42)
	a := s.Get("workload")
	b := s.Get("workload") // the same (root, name): the same sequence
	net := s.Get("network")
	for range 3 {
		x, y := a.IntN(1000), b.IntN(1000)
		net.IntN(1000) // draws elsewhere do not move workload's sequence
		fmt.Println(x, y, x == y)
	}
	fmt.Println(sim.NewStreams(42).Get("network").IntN(1000) == s.Get("network").IntN(1000))
	fmt.Println(sim.NewStreams(43).Get("workload").Uint64() == s.Get("workload").Uint64())
	// Output:
	// 232 232 true
	// 596 596 true
	// 108 108 true
	// true
	// false
}
