// Package traces reads public cluster workload traces (Google 2011,
// Alibaba 2017 and 2018, SWF) and mesosim's own native JSONL format as
// streams of tasks in submission order, with memory bounded by what is in
// flight rather than by the file's size. Readers yield values; they know
// nothing of the simulation loop.
package traces

import (
	"errors"
	"fmt"

	"github.com/mesosim/mesosim/sim"
)

// Task is one task as a trace describes it, in the trace's own units.
type Task struct {
	// Submit is when the task is wanted, in microseconds from the trace's
	// origin (for tasks already running when the trace starts: 0).
	Submit sim.Time
	// Job and ID name the task; ID is unique in the trace. A later run
	// of a resubmitted task has the ID of its first run plus RunSep and
	// its run number ("JOB/INDEX#2").
	Job, ID string
	// Attributes a replay maps to frameworks: priority, scheduling class,
	// user, queue (each empty or -1 when the trace has none).
	Priority   int
	SchedClass int
	User       string
	Queue      string
	// CPU and Mem are the requests in the units of Units.
	CPU, Mem float64
	// Duration is how long the task ran in the trace, from its start to
	// its end; Unknown when its end was not seen (it runs to the horizon).
	Duration sim.Time
	// Running marks tasks already running when the trace starts.
	Running bool
	// End is how the task ended in the trace: FINISH, FAIL, KILL, EVICT,
	// LOST, or "" when unknown.
	End string
}

// Unknown is the Duration of a task whose end the trace does not give.
const Unknown sim.Time = -1

// Units says what a reader's CPU and Mem numbers mean.
type Units struct {
	// CPU is "normalised" (1.0 = the largest machine), "percent-core"
	// (100 = one core) or "cores".
	CPU string
	// Mem is "normalised" (1.0 = the largest machine), "percent"
	// (100 = the largest machine), or "MB".
	Mem string
}

// Reader streams a trace's tasks in submission order.
type Reader interface {
	// Next returns the next task, or io.EOF at the end.
	Next() (Task, error)
	// Units says what CPU and Mem mean.
	Units() Units
	// Stats reports what was read so far.
	Stats() Stats
	// Close releases the files.
	Close() error
}

// Stats counts what a reader saw.
type Stats struct {
	Rows      int64            // data rows read
	Tasks     int64            // tasks yielded (every run of a task counts: see Reruns)
	Reruns    int64            // tasks yielded that are a later run of a task already yielded (Google resubmissions)
	Jobs      int64            // distinct jobs yielded
	Bad       int64            // malformed rows skipped (with SkipBadRows)
	Reordered int64            // rows out of time order that the reader handled
	Dropped   int64            // rows it could not place (said why in the docs)
	Events    map[string]int64 // rows by event type or status
	First     sim.Time         // earliest submission yielded
	Last      sim.Time         // latest submission yielded
}

// Options tune every reader.
type Options struct {
	// SkipBadRows counts malformed rows (Stats.Bad) instead of failing.
	SkipBadRows bool
	// Lookahead bounds how far past a task's start a reader looks for its
	// end (trace time); a task whose end is further runs to the horizon.
	// Zero means DefaultLookahead.
	Lookahead sim.Time
	// FirstRunOnly replays only the first run of a task that an
	// event-based trace (Google) resubmits; by default every run is
	// yielded as its own task (docs/traces.md).
	FirstRunOnly bool
	// MaxRows stops reading after that many data rows (0: no limit).
	MaxRows int64
	// ReorderWindow is how many rows readers of unsorted formats
	// (Alibaba) hold to sort by time (0: DefaultReorderWindow).
	ReorderWindow int
}

// DefaultLookahead is the default Options.Lookahead.
const DefaultLookahead = 6 * sim.Hour

// RowError is a malformed row: file, line and what is wrong.
type RowError struct {
	File string
	Line int64
	Msg  string
}

// Error formats as FILE:LINE: what is wrong.
func (e *RowError) Error() string { return fmt.Sprintf("%s:%d: %s", e.File, e.Line, e.Msg) }

// IsRowError reports whether err is a malformed-row error.
func IsRowError(err error) bool {
	var re *RowError
	return errors.As(err, &re)
}

// StreamError is a trace file that cannot be read on: a corrupt or
// truncated gzip stream, or a line with no end in sight. Unlike a
// RowError it ends the read even with SkipBadRows. Line is the last line
// read whole.
type StreamError struct {
	File string
	Line int64
	Msg  string
}

// Error formats as FILE:LINE: what is wrong.
func (e *StreamError) Error() string { return fmt.Sprintf("%s:%d: %s", e.File, e.Line, e.Msg) }

// IsInputError reports whether err is the input's fault: a malformed row
// (RowError) or an unreadable stream (StreamError).
func IsInputError(err error) bool {
	var se *StreamError
	return IsRowError(err) || errors.As(err, &se)
}
