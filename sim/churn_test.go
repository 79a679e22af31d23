package sim

import "testing"

// A churn keeps its queue at exactly depth entries, runs exactly the
// events asked for, and moves the clock forward by its delays.
func TestChurnKeepsDepth(t *testing.T) {
	for _, depth := range []int{1, 7, 500} {
		l := NewLoop()
		c := NewChurn(l, depth, 10*Millisecond, 42)
		if l.Pending() != depth {
			t.Fatalf("depth %d: %d pending before running", depth, l.Pending())
		}
		c.Steps(5000)
		if l.Pending() != depth || l.Events() != 5000 {
			t.Fatalf("depth %d: pending %d, events %d after 5000 steps", depth, l.Pending(), l.Events())
		}
		if l.Now() <= 0 || l.Now() > 5000*10*Millisecond {
			t.Fatalf("depth %d: clock at %v", depth, l.Now())
		}
	}
}

// One seed gives one sequence of event times.
func TestChurnDeterministic(t *testing.T) {
	run := func() Time {
		l := NewLoop()
		NewChurn(l, 50, Second, 9).Steps(1000)
		return l.Now()
	}
	if a, b := run(), run(); a != b {
		t.Fatalf("two runs ended at %v and %v", a, b)
	}
}
