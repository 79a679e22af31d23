package policies

import (
	"errors"
	"strconv"

	"github.com/mesosim/mesosim/model"
	"github.com/mesosim/mesosim/sim"
)

// WorkloadConfig is a synthetic job stream: Poisson (or other) job
// arrivals, a number of tasks per job, and per-task size and duration
// distributions. Every draw comes from the framework's own stream.
type WorkloadConfig struct {
	// Interarrival is the time between job arrivals, in seconds.
	Interarrival Dist
	// TasksPerJob is the number of tasks of a job (at least 1).
	TasksPerJob Dist
	// TaskCPUs and TaskMem are a task's cpus and mem (MB).
	TaskCPUs, TaskMem Dist
	// TaskDuration is how long a task runs once launched, in seconds.
	TaskDuration Dist
	// MaxJobs stops arrivals after that many jobs (0: until the horizon).
	MaxJobs int
	// Start delays the first arrival.
	Start sim.Time
}

// ScanWindow is how many pending tasks, oldest first, the workload
// behaviour tries to fit into one offer.
const ScanWindow = 1000

// Workload launches its pending tasks first fit into each offer, oldest
// first among the first ScanWindow pending tasks, using the offer's
// unreserved cpus and mem, and declines what it does not use.
type Workload struct {
	nopCallbacks
	cfg     WorkloadConfig
	refuse  float64
	jobs    int
	started bool
	// pending is the queue of tasks waiting for resources, oldest first;
	// launched entries become nil and are compacted away lazily.
	pending []*pendingTask
	live    int
	// minCPUs and minMem are the smallest task the distributions can draw:
	// an offer with less left cannot take any more.
	minCPUs, minMem model.Milli
}

type pendingTask struct {
	info      model.TaskInfo
	cpus, mem model.Milli
}

// lowest returns the smallest value d can draw, in milli-units (at least 1).
func lowest(d Dist) model.Milli {
	v := d.Value
	switch d.Kind {
	case "uniform", "exponential":
		v = d.Min
	}
	return model.Milli(max(1, int64(v*1000+0.5)))
}

func newWorkloadBehavior(cfg BehaviorConfig) (model.Scheduler, error) {
	if cfg.Workload == nil {
		return nil, errors.New("behavior workload needs a workload section")
	}
	wl := *cfg.Workload
	return &Workload{cfg: wl, refuse: cfg.RefuseSeconds, minCPUs: lowest(wl.TaskCPUs), minMem: lowest(wl.TaskMem)}, nil
}

// Pending returns how many submitted tasks wait for resources.
func (w *Workload) Pending() int { return w.live }

// Subscribed implements model.Scheduler: the job stream starts.
func (w *Workload) Subscribed(d model.Driver) {
	if w.started {
		return
	}
	w.started = true
	first := w.cfg.Start - d.Now()
	d.After(max(first, 0)+w.interarrival(d), func() { w.arrive(d) })
}

func (w *Workload) interarrival(d model.Driver) sim.Time {
	return sim.FromSeconds(w.cfg.Interarrival.Sample(d.Rand()))
}

func (w *Workload) arrive(d model.Driver) {
	w.jobs++
	r := d.Rand()
	n := w.cfg.TasksPerJob.SampleInt(r, 1)
	job := d.Name() + "-j" + strconv.Itoa(w.jobs)
	for i := 1; i <= n; i++ {
		cpus := model.Milli(max(1, int64(w.cfg.TaskCPUs.Sample(r)*1000+0.5)))
		mem := model.Milli(max(1, int64(w.cfg.TaskMem.Sample(r)*1000+0.5)))
		res := model.ScalarResource("cpus", cpus).Add(model.ScalarResource("mem", mem))
		t := model.TaskInfo{
			ID:        job + "-t" + strconv.Itoa(i),
			Job:       job,
			Resources: res,
			Duration:  sim.FromSeconds(w.cfg.TaskDuration.Sample(r)),
			Submitted: d.Now(),
		}
		w.pending = append(w.pending, &pendingTask{info: t, cpus: cpus, mem: mem})
		w.live++
		d.Submitted(t.ID, job, res)
	}
	if w.cfg.MaxJobs == 0 || w.jobs < w.cfg.MaxJobs {
		d.After(w.interarrival(d), func() { w.arrive(d) })
	}
}

// Offers implements model.Scheduler: first fit of the pending tasks,
// oldest first, into each offer; the rest is declined.
func (w *Workload) Offers(d model.Driver, offers []model.OfferOut) {
	for _, o := range offers {
		free := o.Resources.Unreserved()
		cpus, mem := free.Scalar("cpus"), free.Scalar("mem")
		var launch []model.TaskInfo
		seen := 0
		for i, t := range w.pending {
			if seen >= ScanWindow || cpus < w.minCPUs || mem < w.minMem {
				break
			}
			if t == nil {
				continue
			}
			seen++
			if t.cpus <= cpus && t.mem <= mem {
				cpus -= t.cpus
				mem -= t.mem
				launch = append(launch, t.info)
				w.pending[i] = nil
				w.live--
			}
		}
		if len(launch) == 0 {
			d.Decline([]string{o.ID}, w.refuse)
			continue
		}
		w.compact()
		d.Accept([]string{o.ID}, launch, w.refuse)
	}
}

// compact drops launched entries once they are half the queue (amortised
// O(1) per task) and always drops the ones at its head.
func (w *Workload) compact() {
	head := 0
	for head < len(w.pending) && w.pending[head] == nil {
		head++
	}
	w.pending = w.pending[head:]
	if 2*w.live > len(w.pending) {
		return
	}
	out := w.pending[:0]
	for _, t := range w.pending {
		if t != nil {
			out = append(out, t)
		}
	}
	clear(w.pending[len(out):])
	w.pending = out
}
