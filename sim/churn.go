package sim

import "math/rand/v2"

// churnDelays is how many precomputed delays a Churn cycles through.
const churnDelays = 1024

// Churn is an empty workload for measuring the event loop alone: depth
// events, each of which does nothing but schedule itself again a little
// later, so that the queue stays at exactly depth entries. The delays are
// drawn once, from a generator seeded with seed, uniformly in [1, maxDelay]
// microseconds, and then cycled: a run costs the loop's own push and pop
// and nothing else. `mesosim bench events` and BenchmarkLoop compare a
// scenario's event rate with this ceiling at the scenario's queue depth.
type Churn struct {
	loop   *Loop
	delays []Time
	next   int
}

// NewChurn schedules depth self-rescheduling events on l (depth < 1 is
// taken as 1; maxDelay < 1 as 1).
func NewChurn(l *Loop, depth int, maxDelay Time, seed uint64) *Churn {
	depth, maxDelay = max(depth, 1), max(maxDelay, 1)
	rng := rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15))
	c := &Churn{loop: l, delays: make([]Time, churnDelays)}
	for i := range c.delays {
		c.delays[i] = 1 + Time(rng.Int64N(int64(maxDelay)))
	}
	for range depth {
		var fire func()
		fire = func() { l.After(c.delay(), fire) }
		l.After(c.delay(), fire)
	}
	return c
}

func (c *Churn) delay() Time {
	d := c.delays[c.next]
	c.next = (c.next + 1) % len(c.delays)
	return d
}

// Steps runs n events (the queue never empties, so exactly n).
func (c *Churn) Steps(n int) {
	for range n {
		c.loop.Step(Never - 1)
	}
}
