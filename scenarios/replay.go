package scenarios

import (
	"errors"
	"fmt"
	"io"
	"math"
	"strconv"

	"github.com/mesosim/mesosim/model"
	"github.com/mesosim/mesosim/policies"
	"github.com/mesosim/mesosim/sim"
	"github.com/mesosim/mesosim/traces"
)

// TraceSpec is a scenario's `trace:` section: which trace to replay, which
// slice of it, how its tasks map onto frameworks and resources.
type TraceSpec struct {
	// Files are the trace's files (resolved), read as one stream.
	Files []string
	// Start and End bound the replayed slice in trace time (End 0: to the
	// end of the trace); a task submitted at Start is submitted at t=0.
	Start, End sim.Time
	// Lookahead is how far past a task's start a reader looks for its end.
	Lookahead sim.Time
	// SkipBadRows counts malformed rows instead of failing.
	SkipBadRows bool
	// Map sends each task to the first rule it matches.
	Map []MapRule
	// CPUs and Mem say what one unit of the trace's normalised requests
	// is: CPUs cores and Mem MB per 1.0 (per 100 for percent units).
	CPUs, Mem float64
	// Ends is "trace" (tasks end as the trace says: FINISHED, FAILED,
	// KILLED for KILL and EVICT, LOST) or "finish" (every task finishes
	// after its duration; evictions and failures are left to the
	// simulation).
	Ends string
	// Runs is "all" (every run of a task the trace resubmits is replayed
	// as its own task, "JOB/INDEX#N" from the second on) or "first" (only
	// each task's first run: traces.Options.FirstRunOnly).
	Runs string
	// Line is the section's line, for errors found when the replay runs.
	Line int
}

// MapRule routes tasks to a framework. Empty conditions match anything.
type MapRule struct {
	// Priority matches tasks whose priority lies in [PriorityMin,
	// PriorityMax] (HasPriority false: any).
	HasPriority              bool
	PriorityMin, PriorityMax int
	// SchedClass matches when >= 0.
	SchedClass int
	// User and Queue match exactly when set (Queue is the native
	// format's class).
	User, Queue string
	Framework   string
}

func (r MapRule) matches(t traces.Task) bool {
	if r.HasPriority && (t.Priority < r.PriorityMin || t.Priority > r.PriorityMax) {
		return false
	}
	if r.SchedClass >= 0 && t.SchedClass != r.SchedClass {
		return false
	}
	if r.User != "" && t.User != r.User {
		return false
	}
	return r.Queue == "" || t.Queue == r.Queue
}

// replay feeds a trace's tasks to workload frameworks as simulated time
// reaches their submission times: one pending event at a time, reading
// the trace lazily, so memory stays bounded by the reader's own window.
type replay struct {
	spec   *TraceSpec
	sim    *Sim
	r      traces.Reader
	units  traces.Units
	err    error
	counts map[string]int64 // tasks submitted per framework
	// next is the task whose submission is scheduled (there is one at a
	// time), and due the event that submits it: made once, so that
	// scheduling a task allocates nothing.
	next traces.Task
	due  func()
}

// startReplay opens the trace and schedules its first task.
func (s *Sim) startReplay(spec *TraceSpec) error {
	r, _, err := traces.Open(spec.Files, traces.Options{SkipBadRows: spec.SkipBadRows, Lookahead: spec.Lookahead,
		FirstRunOnly: spec.Runs == "first"})
	if err != nil {
		return &Error{File: s.Scenario.File, Line: spec.Line, Msg: "trace: " + err.Error()}
	}
	rp := &replay{spec: spec, sim: s, r: r, units: r.Units(), counts: map[string]int64{}}
	rp.due = func() {
		rp.submit(rp.next)
		rp.advance()
	}
	s.replay = rp
	rp.advance()
	// The first row is read now: a malformed one (or an unreadable
	// file) stops Build, before anything runs.
	return rp.err
}

// advance reads the next task of the slice and schedules its submission.
func (rp *replay) advance() {
	for {
		t, err := rp.r.Next()
		if errors.Is(err, io.EOF) {
			rp.r.Close()
			return
		}
		if err != nil {
			rp.err = err
			rp.r.Close()
			return
		}
		if t.Submit < rp.spec.Start && !t.Running {
			continue
		}
		if rp.spec.End > 0 && t.Submit >= rp.spec.End {
			rp.r.Close()
			return
		}
		if err := rp.checkScale(t); err != nil {
			rp.err = err
			rp.r.Close()
			return
		}
		rp.next = t
		rp.sim.World.At(max(t.Submit-rp.spec.Start, 0), rp.due)
		return
	}
}

// submit hands one task to the framework its rule names.
func (rp *replay) submit(t traces.Task) {
	fw := ""
	for _, rule := range rp.spec.Map {
		if rule.matches(t) {
			fw = rule.Framework
			break
		}
	}
	if fw == "" {
		rp.counts[""]++ // matched no rule: not replayed (counted)
		return
	}
	wl, ok := rp.sim.Schedulers[fw].(*policies.Workload)
	if !ok {
		return
	}
	info := model.TaskInfo{ID: t.ID, Job: t.Job, Resources: rp.resources(t), Duration: sim.Never}
	if t.Duration != traces.Unknown {
		info.Duration = t.Duration
	}
	if rp.spec.Ends == "trace" {
		info.EndState, info.EndReason = endState(t.End)
	}
	rp.counts[fw]++
	_ = rp.sim.World.CallFramework(fw, func(d model.Driver) { wl.Submit(d, info) })
}

// resources scales a task's requests to the scenario's units (at least
// 0.001 cpus and 1 MB: Mesos launches no task without resources).
func (rp *replay) resources(t traces.Task) model.Resources {
	cpus := scaleUnit(t.CPU, rp.units.CPU, rp.spec.CPUs)
	mem := scaleUnit(t.Mem, rp.units.Mem, rp.spec.Mem)
	c := model.Milli(max(1, int64(math.Round(cpus*1000))))
	m := model.Milli(max(1000, int64(math.Round(mem*1000))))
	return model.ScalarResource("cpus", c).Add(model.ScalarResource("mem", m))
}

// positioner is a reader that says where it is in its input (every
// reader of package traces).
type positioner interface{ Position() (string, int64) }

// checkScale refuses a task whose request, once scaled to cores and MB,
// is not finite or over model.MaxScalar: it would overflow the fixed
// point and saturate into a tiny task. The error is a *traces.RowError at
// the reader's position.
func (rp *replay) checkScale(t traces.Task) error {
	for _, x := range []struct {
		name, key, unit string
		v, per          float64
	}{
		{"cpus", "trace.cpus", rp.units.CPU, t.CPU, rp.spec.CPUs},
		{"mem", "trace.mem", rp.units.Mem, t.Mem, rp.spec.Mem},
	} {
		scaled := scaleUnit(x.v, x.unit, x.per)
		if scaled*1000 <= float64(model.MaxScalar) { // false for NaN and +Inf
			continue
		}
		file, line := "", int64(0)
		if p, ok := rp.r.(positioner); ok {
			file, line = p.Position()
		}
		by := ""
		if x.unit == "normalised" || x.unit == "percent" {
			by = fmt.Sprintf(" once scaled by %s %g", x.key, x.per)
		}
		return &traces.RowError{File: file, Line: line, Msg: fmt.Sprintf(
			"task %s: %s %g (%s) is %g%s, over the limit of %g per task",
			t.ID, x.name, x.v, x.unit, scaled, by, float64(model.MaxScalar)/1000)}
	}
	return nil
}

func scaleUnit(v float64, unit string, per float64) float64 {
	switch unit {
	case "normalised":
		return v * per
	case "percent":
		return v / 100 * per
	case "percent-core":
		return v / 100
	}
	return v // cores, MB
}

func endState(end string) (model.TaskState, string) {
	switch end {
	case "FAIL":
		return model.TaskFailed, "REASON_COMMAND_EXECUTOR_FAILED"
	case "KILL":
		return model.TaskKilled, "REASON_TASK_KILLED"
	case "EVICT":
		return model.TaskKilled, "REASON_TASK_PREEMPTED"
	case "LOST":
		return model.TaskLost, "REASON_SLAVE_REMOVED"
	}
	return model.TaskFinished, ""
}

// ReplayStats reports how many trace tasks went to each framework ("" for
// tasks no rule matched), and the reader's statistics.
func (s *Sim) ReplayStats() (map[string]int64, traces.Stats, error) {
	if s.replay == nil {
		return nil, traces.Stats{}, nil
	}
	return s.replay.counts, s.replay.r.Stats(), s.replay.err
}

// formatPriority renders a rule's priority condition for messages.
func (r MapRule) String() string {
	if !r.HasPriority {
		return "any -> " + r.Framework
	}
	return fmt.Sprintf("priority %s-%s -> %s", strconv.Itoa(r.PriorityMin), strconv.Itoa(r.PriorityMax), r.Framework)
}
