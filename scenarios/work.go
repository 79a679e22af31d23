package scenarios

import (
	"fmt"
	"math"

	"github.com/mesosim/mesosim/sim"
)

// MaxExpectedTasks bounds the total work of a scenario: the tasks its
// workload frameworks are expected to submit over the horizon. A scenario
// over it is refused by Build before memory or time runs out.
const MaxExpectedTasks = 1e8

// mean is the distribution's expected value, as near as the limit needs:
// an exponential's clamps are applied to its mean.
func (d Dist) mean() float64 {
	switch d.Kind {
	case DistUniform:
		return (d.Min + d.Max) / 2
	case DistExponential:
		m := max(d.Mean, d.Min)
		if d.Max > 0 {
			m = min(m, d.Max)
		}
		return m
	}
	return d.Value
}

// expectedTasks is the number of tasks a workload framework present from
// at is expected to submit before end: its jobs (one per mean
// interarrival time from max(at, start), at most max_jobs) times the mean
// tasks per job.
func (w *WorkloadSpec) expectedTasks(at, end sim.Time) float64 {
	from := max(at, w.Start)
	if from >= end {
		return 0
	}
	jobs := math.Inf(1)
	if ia := w.Interarrival.mean(); ia > 0 {
		jobs = math.Floor(float64(end-from)/1e6/ia) + 1
	}
	if w.MaxJobs > 0 {
		jobs = min(jobs, float64(w.MaxJobs))
	}
	return jobs * max(w.TasksPerJob.mean(), 1)
}

// ExpectedTasks returns the number of tasks the workload frameworks of sc
// (top-level and timeline add_framework) are expected to submit over its
// duration.
func ExpectedTasks(sc *Scenario) float64 {
	total, _ := expectedWork(sc)
	return total
}

// expectedWork is ExpectedTasks and the framework that contributes most.
func expectedWork(sc *Scenario) (float64, *FrameworkSpec) {
	var total, most float64
	var top *FrameworkSpec
	count := func(f *FrameworkSpec, at sim.Time) {
		if f.Workload == nil {
			return
		}
		n := f.Workload.expectedTasks(at, sc.Duration)
		total += n
		if n > most {
			most, top = n, f
		}
	}
	for i := range sc.Frameworks {
		count(&sc.Frameworks[i], 0)
	}
	for _, ev := range sc.Timeline {
		if ev.Kind == KindAddFramework {
			count(ev.Framework, ev.At)
		}
	}
	return total, top
}

// checkWork refuses a scenario whose expected task count is over
// MaxExpectedTasks, naming the figure and the framework that contributes
// most.
func checkWork(sc *Scenario) error {
	total, top := expectedWork(sc)
	if total <= MaxExpectedTasks {
		return nil
	}
	w := top.Workload
	return &Error{File: sc.File, Line: top.Line, Msg: fmt.Sprintf(
		"the workloads would submit about %.3g tasks over the %s run, over the limit of %.0f; framework %q alone about %.3g (a job each %gs on average, %g tasks per job): lengthen its interarrival, lower tasks_per_job, set max_jobs or shorten duration",
		total, sc.Duration, float64(MaxExpectedTasks), top.Name, w.expectedTasks(0, sc.Duration), w.Interarrival.mean(), max(w.TasksPerJob.mean(), 1))}
}
