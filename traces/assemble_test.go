package traces

import (
	"fmt"
	"reflect"
	"testing"

	"github.com/mesosim/mesosim/sim"
)

// asmEv is one event fed to an assembler in a test.
type asmEv struct {
	t    sim.Time
	id   string
	kind string // SUBMIT, SCHEDULE, UPDATE, an end, or "AFTER" (an end after the window)
}

// asmFeed feeds evs to a new assembler, popping whatever is ready after
// each event (as a reader does), and returns the tasks with the position
// at which each was yielded.
func asmFeed(look sim.Time, first bool, evs []asmEv) ([]Task, []sim.Time, *assembler) {
	a := newAssembler(look, first, map[string]int64{})
	var out []Task
	var at []sim.Time
	drain := func() {
		for {
			t, ok := a.pop()
			if !ok {
				return
			}
			out = append(out, t)
			at = append(at, a.pos)
		}
	}
	for _, e := range evs {
		a.advance(e.t)
		id := []byte(e.id)
		switch e.kind {
		case "SUBMIT":
			if tk := a.submit(e.t, id); tk != nil {
				tk.job = "j"
			}
		case "SCHEDULE":
			if tk := a.schedule(e.t, id); tk != nil {
				tk.job = "j"
			}
		case "UPDATE":
			if tk := a.update(e.t, id); tk != nil {
				tk.cpu++
			}
		case "AFTER":
			a.end(e.t, id, EndFinish, true)
		default:
			a.end(e.t, id, e.kind, false)
		}
		drain()
	}
	a.finish()
	at0 := len(out)
	drain()
	for i := at0; i < len(out); i++ {
		at[i] = -1 // yielded at EOF
	}
	return out, at, a
}

func asmTask1(submit sim.Time, id string, dur sim.Time, running bool, end string) Task {
	return Task{Submit: submit, Job: "j", ID: id, Priority: -1, SchedClass: -1, Duration: dur, Running: running, End: end}
}

// asmLifecycles are the events of TestAssemblerLifecycles (first runs
// only) and TestAssemblerEveryRun (every run); the comments say what
// first runs only makes of them.
func asmLifecycles() []asmEv {
	s := sim.Second
	return []asmEv{
		{0, "run0", "SUBMIT"}, {0, "run0", "SCHEDULE"}, // running at time 0
		{0, "pend0", "SUBMIT"}, // pending at time 0
		{10 * s, "b", "SUBMIT"},
		{12 * s, "b", "SCHEDULE"},
		{15 * s, "pend0", "SCHEDULE"},
		{20 * s, "late", "SCHEDULE"}, // its SUBMIT lies before the stream
		{25 * s, "b", EndFinish},
		{26 * s, "kp", "SUBMIT"},
		{27 * s, "kp", EndKill}, // killed while pending: never ran
		{28 * s, "ghost", EndFinish},
		{30 * s, "run0", EndEvict},
		{30 * s, "run0", "SUBMIT"},   // resubmitted: only the first run counts
		{31 * s, "run0", "SCHEDULE"}, // the rerun
		{40 * s, "run0", EndFinish},
		{41 * s, "b", "SUBMIT"}, // a FINISHed task resubmitted
		{42 * s, "late", "SCHEDULE"},
		{50 * s, "pend0", EndFail},
		{60 * s, "kp", "SUBMIT"}, // a fresh task: its first life never ran
		{61 * s, "kp", "SCHEDULE"},
		{62 * s, "up", "SUBMIT"},
		{63 * s, "up", "UPDATE"},
		{64 * s, "up", "SCHEDULE"},
		{65 * s, "up", "UPDATE"}, // ignored once running
		{70 * s, "after", "SUBMIT"},
		{71 * s, "after", "SCHEDULE"},
		{72 * s, "after", "AFTER"},
		{73 * s, "after", EndFinish},
	}
}

// TestAssemblerLifecycles replays first runs only (Options.FirstRunOnly);
// TestAssemblerEveryRun has the same lifecycles with every run.
func TestAssemblerLifecycles(t *testing.T) {
	s := sim.Second
	evs := asmLifecycles()
	got, at, a := asmFeed(sim.Hour, true, evs)
	up := asmTask1(62*s, "up", Unknown, false, "")
	up.CPU = 1
	want := []Task{
		asmTask1(0, "pend0", 35*s, false, EndFail),
		asmTask1(0, "run0", 30*s, true, EndEvict),
		asmTask1(10*s, "b", 13*s, false, EndFinish),
		asmTask1(20*s, "late", Unknown, false, ""),
		asmTask1(60*s, "kp", Unknown, false, ""),
		up,
		asmTask1(70*s, "after", Unknown, false, ""),
	}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("tasks:\n got %+v\nwant %+v", got, want)
	}
	// pend0 and run0 both have Submit 0 and wait for pend0's end at 50 s;
	// b follows at once; the rest are still running at EOF.
	wantAt := []sim.Time{50 * s, 50 * s, 50 * s, -1, -1, -1, -1}
	asmCheck(t, a, at, wantAt, map[string]int64{
		EventResubmit:   2, // run0 after its EVICT, b after its FINISH
		DropRerun:       4, // run0's SUBMIT, SCHEDULE, FINISH; b's SUBMIT
		DropUnscheduled: 2, // kp's SUBMIT and KILL
		DropNoStart:     1, // ghost's FINISH
		DropDuplicate:   2, // late's second SCHEDULE; after's FINISH after its after-window end
	}, 9, Stats{Tasks: 7, Jobs: 1, First: 0, Last: 70 * s})
}

// asmCheck compares what asmFeed's assembler saw with the expected yield
// positions, event counts, dropped rows and Stats (Tasks, Reruns, Jobs,
// First, Last), and checks that nothing is held after EOF.
func asmCheck(t *testing.T, a *assembler, at, wantAt []sim.Time, wantEv map[string]int64, dropped int64, want Stats) {
	t.Helper()
	if !reflect.DeepEqual(at, wantAt) {
		t.Errorf("yielded at %v, want %v", at, wantAt)
	}
	if !reflect.DeepEqual(a.events, wantEv) {
		t.Errorf("events %v, want %v", a.events, wantEv)
	}
	if a.dropped != dropped {
		t.Errorf("dropped %d, want %d", a.dropped, dropped)
	}
	if !reflect.DeepEqual(a.stats, want) {
		t.Errorf("stats %+v, want %+v", a.stats, want)
	}
	if a.inFlight() != 0 {
		t.Errorf("%d tasks held after EOF", a.inFlight())
	}
}

// TestAssemblerEveryRun has TestAssemblerLifecycles' events with every
// run replayed (the default): run0's resubmission at 30 s is run0#2
// (scheduled at 31 s, finished at 40 s), b's at 41 s is b#2, kp's at 60 s
// is kp#2; a run ended while pending (kp, ghost#2) or known only by its
// end (ghost) is not yielded but keeps its number.
func TestAssemblerEveryRun(t *testing.T) {
	s := sim.Second
	evs := append(asmLifecycles(), []asmEv{
		{80 * s, "ghost", "SUBMIT"}, // ghost's second run (its first is only an end)
		{81 * s, "ghost", EndKill},  // killed while pending: not yielded
		{82 * s, "ghost", "SUBMIT"}, // its third run
		{83 * s, "ghost", "SCHEDULE"},
	}...)
	got, at, a := asmFeed(sim.Hour, false, evs)
	up := asmTask1(62*s, "up", Unknown, false, "")
	up.CPU = 1
	want := []Task{
		asmTask1(0, "pend0", 35*s, false, EndFail),
		asmTask1(0, "run0", 30*s, true, EndEvict),
		asmTask1(10*s, "b", 13*s, false, EndFinish),
		asmTask1(20*s, "late", Unknown, false, ""),
		asmTask1(30*s, "run0#2", 9*s, false, EndFinish),
		asmTask1(41*s, "b#2", Unknown, false, ""),
		asmTask1(60*s, "kp#2", Unknown, false, ""),
		up,
		asmTask1(70*s, "after", Unknown, false, ""),
		asmTask1(82*s, "ghost#3", Unknown, false, ""),
	}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("tasks:\n got %+v\nwant %+v", got, want)
	}
	// run0#2 is over at 40 s but waits behind late (running, Submit 20 s).
	wantAt := []sim.Time{50 * s, 50 * s, 50 * s, -1, -1, -1, -1, -1, -1, -1}
	// Reruns: run0#2 and b#2 follow a yielded run; kp#2 and ghost#3 do not.
	asmCheck(t, a, at, wantAt, map[string]int64{
		EventResubmit:   5, // run0, b, kp, ghost twice
		DropUnscheduled: 4, // kp's SUBMIT and KILL; ghost#2's SUBMIT and KILL
		DropNoStart:     1, // ghost's FINISH
		DropDuplicate:   2, // late's second SCHEDULE; after's FINISH after its after-window end
	}, 7, Stats{Tasks: 10, Reruns: 2, Jobs: 1, First: 0, Last: 82 * s})
}

func TestAssemblerTiesByID(t *testing.T) {
	var evs []asmEv
	for _, id := range []string{"c", "a", "b"} {
		evs = append(evs, asmEv{5, id, "SUBMIT"}, asmEv{5, id, "SCHEDULE"})
	}
	evs = append(evs, asmEv{9, "b", EndFinish}, asmEv{9, "c", EndFinish}, asmEv{9, "a", EndFinish})
	got, at, _ := asmFeed(sim.Hour, false, evs)
	var ids []string
	for _, tk := range got {
		ids = append(ids, tk.ID)
	}
	if fmt.Sprint(ids) != "[a b c]" || !reflect.DeepEqual(at, []sim.Time{9, 9, 9}) {
		t.Errorf("order %v at %v, want [a b c] at 9: the smallest ID waits for its end", ids, at)
	}
}

func TestAssemblerLookahead(t *testing.T) {
	m := sim.Minute
	evs := []asmEv{
		{0, "long", "SUBMIT"}, {0, "long", "SCHEDULE"},
		{1 * m, "short", "SUBMIT"}, {1 * m, "short", "SCHEDULE"},
		{2 * m, "short", EndFinish},
		{5 * m, "pend", "SUBMIT"},
		{10 * m, "x", "SUBMIT"},      // position 10 m: not past long's 0 + 10 m
		{10*m + 1, "y", "SUBMIT"},    // past it: long is yielded, Unknown; short follows
		{11 * m, "long", EndFinish},  // too late: dropped
		{16 * m, "pend", "SCHEDULE"}, // pend waited past 5 m + 10 m: too late
		{17 * m, "x", "SCHEDULE"},
		{18 * m, "x", EndKill},
		{18 * m, "y", "SCHEDULE"},
		{40 * m, "long", "SUBMIT"}, // more than a look-ahead after long's last row: a new task
		{40 * m, "long", "SCHEDULE"},
	}
	got, at, a := asmFeed(10*m, true, evs)
	want := []Task{
		asmTask1(0, "long", Unknown, true, ""),
		asmTask1(1*m, "short", 1*m, false, EndFinish),
		asmTask1(5*m, "pend", Unknown, false, ""),
		asmTask1(10*m, "x", 1*m, false, EndKill),
		asmTask1(10*m+1, "y", Unknown, false, ""),
		asmTask1(40*m, "long", Unknown, false, ""),
	}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("tasks:\n got %+v\nwant %+v", got, want)
	}
	wantAt := []sim.Time{10*m + 1, 10*m + 1, 16 * m, 18 * m, 40 * m, -1}
	if !reflect.DeepEqual(at, wantAt) {
		t.Errorf("yielded at %v, want %v", at, wantAt)
	}
	if a.events[DropLate] != 2 || a.events[DropRerun] != 0 || a.dropped != 2 {
		t.Errorf("events %v dropped %d, want 2 late rows", a.events, a.dropped)
	}
}

// TestAssemblerBoundedMemory streams a day of tasks (one a second, each
// running 10 minutes, every 100th never ending) and checks that the tasks
// held stay bounded by the look-ahead, not by the stream's length.
func TestAssemblerBoundedMemory(t *testing.T) {
	look := 30 * sim.Minute
	a := newAssembler(look, false, map[string]int64{})
	type endAt struct {
		t  sim.Time
		id string
	}
	var ends []endAt // in time order
	peak, n := 0, 0
	last := sim.Time(-1)
	pop := func() {
		for {
			tk, ok := a.pop()
			if !ok {
				return
			}
			if tk.Submit < last {
				t.Fatalf("submit order broken: %v after %v", tk.Submit, last)
			}
			last = tk.Submit
			n++
		}
	}
	for i := 0; i < 86400; i++ {
		now := sim.Time(i) * sim.Second
		for len(ends) > 0 && ends[0].t <= now {
			a.advance(ends[0].t)
			a.end(ends[0].t, []byte(ends[0].id), EndFinish, false)
			ends = ends[1:]
			pop()
		}
		a.advance(now)
		id := fmt.Sprint("t", i)
		a.submit(now, []byte(id))
		a.schedule(now, []byte(id))
		if i%100 != 0 {
			ends = append(ends, endAt{now + 10*sim.Minute, id})
		}
		pop()
		if h := a.inFlight(); h > peak {
			peak = h
		}
	}
	a.finish()
	pop()
	if n != 86400 {
		t.Fatalf("yielded %d tasks, want 86400", n)
	}
	// In flight: tasks started within the look-ahead (1,800) plus
	// tombstones of tasks whose last row is within the look-ahead.
	if peak > 4000 || a.peak > 4000 {
		t.Errorf("peak held %d (%d), want <= 4000 for a 30 m look-ahead", peak, a.peak)
	}
}

// TestAssemblerRerunAfterLookahead: a rerun submitted within a look-ahead
// of its previous run's latest row is run 2; one submitted later finds no
// tombstone and is taken for a new task under the plain ID again
// (docs/traces.md, Tombstones and IDs).
func TestAssemblerRerunAfterLookahead(t *testing.T) {
	m := sim.Minute
	evs := []asmEv{
		{0, "x", "SUBMIT"}, {0, "x", "SCHEDULE"},
		{0, "y", "SUBMIT"}, {0, "y", "SCHEDULE"},
		{1 * m, "x", EndKill},
		{1 * m, "y", EndKill},
		{5 * m, "y", "SUBMIT"},  // 4 m after y's end: y#2
		{30 * m, "x", "SUBMIT"}, // 29 m after x's end, past the 10 m look-ahead: x again
	}
	got, _, a := asmFeed(10*m, false, evs)
	want := []Task{
		asmTask1(0, "x", 1*m, true, EndKill),
		asmTask1(0, "y", 1*m, true, EndKill),
		asmTask1(5*m, "y#2", Unknown, false, ""),
		asmTask1(30*m, "x", Unknown, false, ""),
	}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("tasks:\n got %+v\nwant %+v", got, want)
	}
	if a.events[EventResubmit] != 1 || a.stats.Reruns != 1 || a.stats.Tasks != 4 {
		t.Errorf("RESUBMIT %d reruns %d tasks %d, want 1 1 4", a.events[EventResubmit], a.stats.Reruns, a.stats.Tasks)
	}
}
