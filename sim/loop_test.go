package sim

import (
	"fmt"
	"slices"
	"testing"
)

// trace records "name@now" for each event run.
type trace struct {
	l   *Loop
	got []string
}

func (tr *trace) ev(name string) func() {
	return func() { tr.got = append(tr.got, fmt.Sprintf("%s@%d", name, tr.l.Now())) }
}

func (tr *trace) check(t *testing.T, want ...string) {
	t.Helper()
	if !slices.Equal(tr.got, want) {
		t.Fatalf("events\n got %q\nwant %q", tr.got, want)
	}
}

func newTrace() *trace { return &trace{l: NewLoop()} }

func TestLoopNew(t *testing.T) {
	l := NewLoop()
	if l.Now() != 0 || l.Events() != 0 || l.Pending() != 0 {
		t.Fatalf("new loop: now=%d events=%d pending=%d", l.Now(), l.Events(), l.Pending())
	}
	if l.Step(Never) {
		t.Fatal("Step on an empty loop ran something")
	}
}

func TestLoopOrder(t *testing.T) {
	tr := newTrace()
	l := tr.l
	l.At(30, tr.ev("a"))
	l.At(10, tr.ev("b"))
	l.At(20, tr.ev("c"))
	l.At(10, tr.ev("d"))
	l.After(20, tr.ev("e"))
	l.At(0, tr.ev("f"))
	l.At(10, tr.ev("g"))
	if l.Pending() != 7 {
		t.Fatalf("Pending = %d", l.Pending())
	}
	l.Run(100)
	tr.check(t, "f@0", "b@10", "d@10", "g@10", "c@20", "e@20", "a@30")
	if l.Events() != 7 || l.Pending() != 0 || l.Now() != 100 {
		t.Fatalf("events=%d pending=%d now=%d", l.Events(), l.Pending(), l.Now())
	}
}

func TestLoopAtPast(t *testing.T) {
	tr := newTrace()
	l := tr.l
	l.Run(10)
	if l.Now() != 10 {
		t.Fatalf("Now = %d", l.Now())
	}
	l.At(10, tr.ev("a"))
	l.At(10, tr.ev("b"))
	l.At(3, tr.ev("past")) // taken as now, after a and b
	l.At(-5, tr.ev("negative"))
	l.At(11, tr.ev("later"))
	l.Run(20)
	tr.check(t, "a@10", "b@10", "past@10", "negative@10", "later@11")
}

// An event that schedules into the past from inside the loop gets now, after
// everything already queued for now.
func TestLoopAtPastFromEvent(t *testing.T) {
	tr := newTrace()
	l := tr.l
	l.At(10, func() {
		tr.ev("first")()
		l.At(5, tr.ev("past"))
	})
	l.At(10, tr.ev("second"))
	l.At(10, tr.ev("third"))
	l.At(11, tr.ev("later"))
	l.Run(20)
	tr.check(t, "first@10", "second@10", "third@10", "past@10", "later@11")
}

func TestLoopAfter(t *testing.T) {
	tr := newTrace()
	l := tr.l
	l.Run(100)
	l.After(5, tr.ev("a"))
	l.After(0, tr.ev("zero"))
	l.After(-7, tr.ev("negative"))
	l.Run(200)
	tr.check(t, "zero@100", "negative@100", "a@105")
}

func TestLoopAfterSaturates(t *testing.T) {
	for _, d := range []Time{Never, Never - 1, Never - 50, Never - 100} {
		t.Run(fmt.Sprint(d), func(t *testing.T) {
			l := NewLoop()
			l.Run(100)
			ran := false
			timer := l.After(d, func() { ran = true })
			// Nothing before Never: an overflow would wrap to a negative time,
			// which is clamped to now and would run here.
			l.Run(1 << 62)
			if ran {
				t.Fatalf("After(%d) ran before Never (now %d)", d, l.Now())
			}
			if !l.Scheduled(timer) {
				t.Fatal("timer lost")
			}
			if l.Step(Never - 1) {
				t.Fatal("event ran before Never")
			}
			// Never is later than any time a simulation reaches: an event
			// there never runs, even when stepping to Never.
			if l.Step(Never) || ran {
				t.Fatalf("Step(Never) ran an event at Never (now %d)", l.Now())
			}
			if !l.Scheduled(timer) {
				t.Fatal("timer at Never lost")
			}
		})
	}
	// Not saturated when it fits.
	l := NewLoop()
	l.Run(100)
	var at Time
	l.After(Never-100, func() { at = l.Now() })
	if l.Step(Never) {
		t.Fatalf("After(Never-100) at 100 ran (at %d); it saturates at Never and never runs", at)
	}
	l = NewLoop()
	l.Run(100)
	l.After(Never-101, func() { at = l.Now() })
	l.Step(Never)
	if at != Never-1 {
		t.Fatalf("After(Never-101) at 100 ran at %d; want %d", at, Never-1)
	}
}

func TestLoopRunUntil(t *testing.T) {
	tr := newTrace()
	l := tr.l
	l.At(10, tr.ev("a"))
	l.At(20, tr.ev("b"))
	l.At(20, tr.ev("c"))
	l.At(21, tr.ev("d"))

	l.Run(20)
	tr.check(t, "a@10", "b@20", "c@20")
	if l.Now() != 20 {
		t.Fatalf("Now = %d after Run(20)", l.Now())
	}
	if l.Pending() != 1 || l.Events() != 3 {
		t.Fatalf("pending=%d events=%d", l.Pending(), l.Events())
	}

	// No event due: the clock still moves to until.
	l.Run(20)
	l.Run(20)
	if l.Now() != 20 || l.Events() != 3 {
		t.Fatalf("re-Run(20): now=%d events=%d", l.Now(), l.Events())
	}

	// until between events.
	l.At(30, tr.ev("e"))
	l.Run(25)
	tr.check(t, "a@10", "b@20", "c@20", "d@21")
	if l.Now() != 25 {
		t.Fatalf("Now = %d after Run(25)", l.Now())
	}

	// until before now: nothing runs and the clock does not go back.
	l.Run(5)
	if l.Now() != 25 || l.Events() != 4 {
		t.Fatalf("Run(5) at 25: now=%d events=%d", l.Now(), l.Events())
	}

	l.Run(30)
	tr.check(t, "a@10", "b@20", "c@20", "d@21", "e@30")
	if l.Now() != 30 {
		t.Fatalf("Now = %d", l.Now())
	}
}

// Run(Never) drains the queue and leaves the clock at the last event.
func TestLoopRunNever(t *testing.T) {
	tr := newTrace()
	l := tr.l
	l.At(7, tr.ev("a"))
	l.At(3, tr.ev("b"))
	l.Run(Never)
	tr.check(t, "b@3", "a@7")
	if l.Now() != 7 {
		t.Fatalf("Now = %d after Run(Never); want 7", l.Now())
	}
}

func TestLoopSameInstantChain(t *testing.T) {
	tr := newTrace()
	l := tr.l
	l.At(10, func() {
		tr.ev("a")()
		l.After(0, func() {
			tr.ev("a.1")()
			l.At(10, tr.ev("a.1.1"))
			l.At(11, tr.ev("next"))
		})
		l.At(10, tr.ev("a.2"))
	})
	l.At(10, tr.ev("b"))
	l.Run(10)
	tr.check(t, "a@10", "b@10", "a.1@10", "a.2@10", "a.1.1@10")
	if l.Now() != 10 || l.Pending() != 1 {
		t.Fatalf("now=%d pending=%d", l.Now(), l.Pending())
	}
	l.Run(11)
	tr.check(t, "a@10", "b@10", "a.1@10", "a.2@10", "a.1.1@10", "next@11")
}

func TestLoopCancel(t *testing.T) {
	tr := newTrace()
	l := tr.l
	l.At(5, tr.ev("a"))
	tb := l.At(5, tr.ev("b"))
	l.At(5, tr.ev("c"))
	td := l.At(8, tr.ev("d"))
	var te Timer
	l.At(6, func() {
		tr.ev("canceller")()
		if !l.Cancel(te) {
			t.Error("Cancel of a pending event from inside an event = false")
		}
	})
	te = l.At(6, tr.ev("e"))

	if !l.Scheduled(tb) {
		t.Fatal("Scheduled before Cancel = false")
	}
	if !l.Cancel(tb) {
		t.Fatal("Cancel = false")
	}
	if l.Scheduled(tb) {
		t.Fatal("Scheduled after Cancel = true")
	}
	if l.Cancel(tb) {
		t.Fatal("second Cancel = true")
	}
	if l.Pending() != 5 {
		t.Fatalf("Pending = %d", l.Pending())
	}
	l.Run(7)
	tr.check(t, "a@5", "c@5", "canceller@6")
	if l.Events() != 3 {
		t.Fatalf("Events = %d", l.Events())
	}
	l.Run(10)
	tr.check(t, "a@5", "c@5", "canceller@6", "d@8")
	if l.Cancel(td) || l.Scheduled(td) {
		t.Fatal("Cancel/Scheduled of an event that already ran")
	}
	if l.Cancel(Timer{}) {
		t.Fatal("Cancel of the zero Timer = true")
	}
}

func TestLoopStep(t *testing.T) {
	tr := newTrace()
	l := tr.l
	l.At(5, tr.ev("a"))
	l.At(5, tr.ev("b"))
	l.At(9, tr.ev("c"))

	if l.Step(4) {
		t.Fatal("Step(4) ran an event due at 5")
	}
	if l.Now() != 0 || l.Events() != 0 {
		t.Fatalf("Step(4) moved the loop: now=%d events=%d", l.Now(), l.Events())
	}
	if !l.Step(5) {
		t.Fatal("Step(5) = false")
	}
	tr.check(t, "a@5")
	if l.Now() != 5 || l.Events() != 1 || l.Pending() != 2 {
		t.Fatalf("now=%d events=%d pending=%d", l.Now(), l.Events(), l.Pending())
	}
	if !l.Step(Never) {
		t.Fatal("Step(Never) = false")
	}
	tr.check(t, "a@5", "b@5")
	if l.Step(8) {
		t.Fatal("Step(8) ran an event due at 9")
	}
	if l.Now() != 5 {
		t.Fatalf("Step does not move the clock without an event: now=%d", l.Now())
	}
	if !l.Step(100) || l.Now() != 9 {
		t.Fatalf("Step(100): now=%d; want 9 (the event's time, not until)", l.Now())
	}
	if l.Step(Never) {
		t.Fatal("Step on an empty queue = true")
	}
	tr.check(t, "a@5", "b@5", "c@9")
	if l.Events() != 3 {
		t.Fatalf("Events = %d", l.Events())
	}
}
