package traces

import (
	"cmp"
	"container/heap"
	"slices"
	"strconv"
	"strings"

	"github.com/mesosim/mesosim/sim"
)

// How a task ended in the trace (Task.End).
const (
	EndFinish = "FINISH"
	EndFail   = "FAIL"
	EndKill   = "KILL"
	EndEvict  = "EVICT"
	EndLost   = "LOST"
)

// Keys the assembler adds to Stats.Events besides the readers' own event
// names. Every row it could not attach to a yielded task is counted under
// exactly one "drop:" key, and Stats.Dropped is their sum.
const (
	// EventResubmit counts SUBMIT rows of a task whose previous run had
	// already ended: each starts a later run (replayed as its own task,
	// or, with Options.FirstRunOnly, dropped under DropRerun).
	EventResubmit = "RESUBMIT"
	// DropRerun counts the rows of later runs (SUBMIT, SCHEDULE, end)
	// when only first runs are replayed (Options.FirstRunOnly).
	DropRerun = "drop:rerun"
	// DropLate counts start and end rows that arrive after the task's
	// look-ahead ran out (the task was, or will be, yielded with Duration
	// Unknown).
	DropLate = "drop:late"
	// DropUnscheduled counts the rows of tasks that ended before they were
	// ever scheduled (killed or evicted while pending): they never ran, so
	// there is nothing to replay.
	DropUnscheduled = "drop:unscheduled"
	// DropNoStart counts end rows of tasks whose SUBMIT and SCHEDULE both
	// lie before the stream (they started before the first part read), or
	// were forgotten (see the tombstones in the assembler's doc). A SUBMIT
	// of the same task within a look-ahead is then a resubmission.
	DropNoStart = "drop:no-start"
	// DropDuplicate counts a SUBMIT or SCHEDULE repeated without an end in
	// between, and an end repeated without a resubmission in between.
	DropDuplicate = "drop:duplicate"
	// DropAfterWindow counts SUBMIT and SCHEDULE rows stamped "after the
	// window" (Google: time 2^63-1).
	DropAfterWindow = "drop:after-window"
)

type asmPhase uint8

const (
	asmPending asmPhase = iota // submitted, not yet scheduled
	asmRunning                 // scheduled, end not yet seen
	asmDone                    // run over (or look-ahead ran out): Task is final
	asmRerun                   // done, and resubmitted since: its rows are ignored (first runs only)
)

// RunSep separates a task's ID from its run number in the ID of a later
// run: the trace's task "JOB/INDEX" is yielded as "JOB/INDEX" for its
// first run and "JOB/INDEX#2", "JOB/INDEX#3", ... for its resubmissions.
const RunSep = "#"

// assembler turns a stream of per-task events (SUBMIT, SCHEDULE, an end),
// fed in non-decreasing time order, into tasks yielded in order of Submit
// (ties by ID). It is shared by the event-based readers.
//
// A task is yielded once its end is seen, once the read position has
// passed its start (SCHEDULE, or Submit while pending) plus the look-ahead
// (then Duration = Unknown), or at EOF (Unknown). Since every task still
// waiting has Submit >= the smallest Submit among those not yet ended (the
// watermark, the heap's top), memory is bounded by the tasks in flight
// within the look-ahead, plus tombstones kept for a look-ahead after each
// yielded task's latest row (or its yield, if later).
//
// Every run of a task is yielded as its own task (ID suffixed "#N" from
// the second run on, see RunSep), unless first is set: then a task's
// later runs are dropped (DropRerun).
type assembler struct {
	look   sim.Time
	first  bool // replay first runs only
	pos    sim.Time
	eof    bool
	tasks  map[string]*asmTask
	wait   indexedHeap[asmTask] // by (Submit, ID)
	rest   []*asmTask           // after EOF: the tasks still waiting, sorted by (Submit, ID)
	graves indexedHeap[asmTask] // tombstones by their latest row, ties by ID
	peak   int

	events  map[string]int64 // shared with the reader's Stats
	dropped int64
	jobs    map[string]struct{}
	stats   Stats // Tasks, Reruns, Jobs, First, Last

	users   []string          // user names by asmTask.user; users[0] is ""
	userIdx map[string]uint32 // index of each name in users
}

func newAssembler(lookahead sim.Time, firstRunOnly bool, events map[string]int64) *assembler {
	if lookahead <= 0 {
		lookahead = DefaultLookahead
	}
	a := &assembler{
		look:    lookahead,
		first:   firstRunOnly,
		tasks:   make(map[string]*asmTask),
		events:  events,
		jobs:    make(map[string]struct{}),
		users:   []string{""},
		userIdx: map[string]uint32{"": 0},
	}
	a.wait = indexedHeap[asmTask]{
		less: func(x, y *asmTask) bool { return waitOrder(x, y) < 0 },
		pos:  func(t *asmTask) *int32 { return &t.idx },
	}
	a.graves = indexedHeap[asmTask]{
		less: func(x, y *asmTask) bool {
			if x.last != y.last {
				return x.last < y.last
			}
			return x.id < y.id
		},
		pos: func(t *asmTask) *int32 { return &t.gidx },
	}
	return a
}

// waitOrder is the order tasks are yielded in: by Submit, ties by ID.
func waitOrder(x, y *asmTask) int {
	if c := cmp.Compare(x.submit, y.submit); c != 0 {
		return c
	}
	return strings.Compare(x.id, y.id)
}

func asmAdd(a, b sim.Time) sim.Time {
	if a > sim.Never-b {
		return sim.Never
	}
	return a + b
}

func (a *assembler) drop(reason string, n int64) {
	a.events[reason] += n
	a.dropped += n
}

// advance moves the read position to t (never backwards) and forgets
// tombstones whose latest row is more than a look-ahead behind.
func (a *assembler) advance(t sim.Time) {
	if t > a.pos {
		a.pos = t
	}
	for a.graves.Len() > 0 {
		g := a.graves.items[0]
		if asmAdd(g.last, a.look) >= a.pos {
			break
		}
		heap.Pop(&a.graves)
		a.forget(g)
	}
}

// forget removes s from the task map, unless a later run replaced it.
func (a *assembler) forget(s *asmTask) {
	if k := s.key(); a.tasks[k] == s {
		delete(a.tasks, k)
	}
}

// hold records one more task held, for the peak.
func (a *assembler) hold() {
	if n := a.inFlight(); n > a.peak {
		a.peak = n
	}
}

// bury keeps s as a tombstone.
func (a *assembler) bury(s *asmTask) {
	heap.Push(&a.graves, s)
	a.hold()
}

// touch records a row at t for task s, first expiring it if its look-ahead
// ran out before t.
func (a *assembler) touch(s *asmTask, t sim.Time) {
	if (s.phase == asmPending || s.phase == asmRunning) && t > s.deadline {
		s.expire()
	}
	s.rows++
	if t > s.last {
		s.last = t
		if s.gidx >= 0 {
			heap.Fix(&a.graves, int(s.gidx))
		}
	}
}

func (s *asmTask) expire() {
	s.duration = Unknown
	s.end = 0
	s.phase = asmDone
}

func (a *assembler) create(t sim.Time, id []byte) *asmTask {
	s := &asmTask{
		id: string(id), keyLen: int32(len(id)), submit: t, priority: -1, schedClass: -1, duration: Unknown,
		start: -1, last: t, gidx: -1, rows: 1, run: 1,
	}
	a.tasks[s.id] = s
	heap.Push(&a.wait, s)
	a.hold()
	return s
}

// rerun starts the next run of prev's task, submitted at t: a new pending
// task with prev's attributes (the SUBMIT row then sets its own), ID
// "KEY#N". prev stops being a tombstone; if it still waits to be yielded,
// it is yielded in its turn and then forgotten.
func (a *assembler) rerun(prev *asmTask, t sim.Time) *asmTask {
	s := &asmTask{
		job: prev.job, priority: prev.priority, schedClass: prev.schedClass, user: prev.user, cpu: prev.cpu, mem: prev.mem,
		keyLen: prev.keyLen, run: prev.run + 1, submit: t, duration: Unknown,
		start: -1, deadline: asmAdd(t, a.look), last: t, gidx: -1, rows: 1,
		prior: prev.prior || !prev.void,
	}
	s.id = prev.key() + RunSep + strconv.Itoa(int(s.run))
	if prev.gidx >= 0 {
		heap.Remove(&a.graves, int(prev.gidx))
	}
	if prev.idx >= 0 {
		prev.superseded = true
	}
	a.tasks[s.key()] = s
	heap.Push(&a.wait, s)
	a.hold()
	return s
}

// submit records a SUBMIT at t. It returns the task whose attributes the
// row should set (a new or still pending task), or nil.
func (a *assembler) submit(t sim.Time, id []byte) *asmTask {
	s := a.tasks[string(id)]
	if s == nil {
		s = a.create(t, id)
		s.deadline = asmAdd(t, a.look)
		return s
	}
	a.touch(s, t)
	switch {
	case s.phase == asmRerun:
		a.events[EventResubmit]++
		a.drop(DropRerun, 1)
	case s.phase == asmDone && s.endSeen && a.first:
		a.events[EventResubmit]++
		a.drop(DropRerun, 1)
		s.phase = asmRerun
	case s.phase == asmDone && s.endSeen:
		a.events[EventResubmit]++
		return a.rerun(s, t)
	default: // pending, running, or expired without an end
		a.drop(DropDuplicate, 1)
	}
	return nil
}

// schedule records a SCHEDULE at t and returns the task whose attributes
// the row should set (new or just scheduled), or nil.
func (a *assembler) schedule(t sim.Time, id []byte) *asmTask {
	s := a.tasks[string(id)]
	if s == nil {
		// Submitted before the stream: replayed from its SCHEDULE.
		s = a.create(t, id)
		s.start, s.deadline, s.phase = t, asmAdd(t, a.look), asmRunning
		s.running = t == 0
		return s
	}
	a.touch(s, t)
	switch s.phase {
	case asmPending:
		s.start, s.deadline, s.phase = t, asmAdd(t, a.look), asmRunning
		s.running = t == 0
		return s
	case asmRerun:
		a.drop(DropRerun, 1)
	case asmDone:
		if s.endSeen {
			a.drop(DropDuplicate, 1)
		} else {
			a.drop(DropLate, 1)
		}
	default:
		a.drop(DropDuplicate, 1)
	}
	return nil
}

// update records an update of a task's request (e.g. UPDATE_PENDING): it
// returns the task to update while it is still pending, else nil. Update
// rows are never counted as dropped.
func (a *assembler) update(t sim.Time, id []byte) *asmTask {
	s := a.tasks[string(id)]
	if s == nil {
		return nil
	}
	a.touch(s, t)
	if s.phase == asmPending {
		return s
	}
	return nil
}

// end records an end of kind (EndFinish, ...) at t. afterWindow says the
// trace puts the end after its window: the task runs to the horizon.
func (a *assembler) end(t sim.Time, id []byte, kind string, afterWindow bool) {
	s := a.tasks[string(id)]
	if s == nil {
		// Its run started before the stream (or was forgotten): remember
		// the ID for a look-ahead, so that a resubmission is recognised as
		// a later run, not taken for a new task.
		a.drop(DropNoStart, 1)
		if !afterWindow {
			s = &asmTask{id: string(id), keyLen: int32(len(id)), priority: -1, schedClass: -1, start: -1, last: t, idx: -1,
				phase: asmDone, endSeen: true, run: 1, void: true}
			a.tasks[s.id] = s
			a.bury(s)
		}
		return
	}
	if afterWindow {
		t = a.pos // an end after the window expires nothing
	}
	a.touch(s, t)
	switch s.phase {
	case asmPending:
		if afterWindow {
			s.expire()
			s.endSeen = true
			return
		}
		// Never ran: nothing to replay.
		a.drop(DropUnscheduled, int64(s.rows))
		heap.Remove(&a.wait, int(s.idx))
		if a.first {
			a.forget(s)
			return
		}
		// Every run replayed: kept as a tombstone, so that the task's
		// next run takes the next number.
		s.phase, s.endSeen, s.void = asmDone, true, true
		a.bury(s)
	case asmRunning:
		if afterWindow {
			s.expire()
		} else {
			s.duration, s.end, s.phase = t-s.start, endOf(kind), asmDone
		}
		s.endSeen = true
	case asmRerun:
		a.drop(DropRerun, 1)
	case asmDone:
		if s.endSeen {
			a.drop(DropDuplicate, 1)
		} else {
			a.drop(DropLate, 1)
			s.endSeen = true
		}
	}
}

// finish marks the end of the stream: every waiting task becomes ready,
// and neither tombstones nor the task map are needed any more (no row
// follows). The waiting tasks are sorted once, in the order the heap
// would pop them ((Submit, ID) is unique among them), and yielded from
// the sorted slice: with the sample's snapshot holding the watermark at 0
// until EOF, that is every task of the two parts, and one sort costs
// about half of one heap pop each.
func (a *assembler) finish() {
	a.eof = true
	for _, g := range a.graves.items {
		g.gidx = -1
	}
	a.graves.items = nil
	a.tasks = nil
	a.rest = a.wait.items
	a.wait.items = nil
	slices.SortFunc(a.rest, waitOrder)
}

// pop returns the next task in Submit order if it is ready.
func (a *assembler) pop() (Task, bool) {
	if a.eof {
		if len(a.rest) == 0 {
			return Task{}, false
		}
		s := a.rest[0]
		a.rest[0], a.rest = nil, a.rest[1:]
		s.idx = -1
		if s.phase == asmPending || s.phase == asmRunning {
			s.expire()
		}
		return a.yield(s), true
	}
	if a.wait.Len() == 0 {
		return Task{}, false
	}
	s := a.wait.items[0]
	if s.phase == asmPending || s.phase == asmRunning {
		if a.pos <= s.deadline {
			return Task{}, false
		}
		s.expire()
	}
	heap.Pop(&a.wait)
	if s.superseded {
		a.forget(s)
	} else {
		// Remembered for a look-ahead after its latest row or its yield,
		// whichever is later, so that late rows are recognised as such.
		s.last = max(s.last, a.pos)
		heap.Push(&a.graves, s)
	}
	return a.yield(s), true
}

// yield counts s as yielded and returns it as a Task.
func (a *assembler) yield(s *asmTask) Task {
	t := a.task(s)
	a.stats.Tasks++
	if s.prior {
		a.stats.Reruns++
	}
	if _, ok := a.jobs[t.Job]; !ok {
		a.jobs[t.Job] = struct{}{}
		a.stats.Jobs++
	}
	if a.stats.Tasks == 1 || t.Submit < a.stats.First {
		a.stats.First = t.Submit
	}
	if t.Submit > a.stats.Last {
		a.stats.Last = t.Submit
	}
	return t
}

// inFlight is the number of tasks held (waiting or tombstones; runs of
// one task count one each).
func (a *assembler) inFlight() int { return a.wait.Len() + a.graves.Len() + len(a.rest) }
