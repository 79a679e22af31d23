package policies

import (
	"cmp"
	"errors"
	"slices"
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
	// External means no generator: tasks come through Submit (a trace
	// replay); the distributions are unused.
	External bool
}

// ScanWindow is how many pending tasks, oldest first, the workload
// behaviour tries to fit into one offer.
const ScanWindow = 1000

// Workload launches its pending tasks first fit into each offer, oldest
// first among the first ScanWindow pending tasks, using the offer's
// unreserved cpus and mem, and declines what it does not use.
//
// Think time: the framework thinks about its offers one at a time (see
// BehaviorConfig.Think). It picks an offer's tasks when it starts thinking
// about it and takes them off its queue; it sends the accept
// Think.For(len(tasks)) later. If the offer is rescinded meanwhile (RESCIND arrives), the accept
// is not sent and the tasks go back to the queue where they were: the
// queue is always in submission order, so they come before every task
// submitted after them.
//
// Launches that never happened: a task the master answers with
// TASK_LOST, TASK_DROPPED or TASK_ERROR and REASON_INVALID_OFFERS (the
// accept named an offer that was rescinded while the accept was on its
// way) goes back to the queue the same way, as the same task with its
// original submission time, so that its wait counts from then. Every other
// failure (FAILED, KILLED, LOST for other reasons, ...) is final: the
// workload does not retry tasks that were launched. Only a network that
// duplicates messages (a fault beyond Mesos) can fail an accept that also
// launched: the copy names an offer already used. If such a task then
// reports any other state while it waits in the queue, it leaves the queue
// (it runs); if it was sent again meanwhile, the master refuses the second
// launch of the same task id with TASK_ERROR (REASON_TASK_INVALID).
//
// SuppressWhenIdle: see BehaviorConfig.
type Workload struct {
	nopCallbacks
	cfg     WorkloadConfig
	refuse  float64
	think   ThinkTime
	jobs    int
	started bool
	// pending is the queue of tasks waiting for resources, in submission
	// order (oldest first); launched entries become nil and are compacted
	// away lazily.
	pending []*pendingTask
	live    int
	seq     uint64
	// minCPUs and minMem are the smallest task the distributions can draw:
	// an offer with less left cannot take any more.
	minCPUs, minMem model.Milli
	// window is how many pending tasks an offer is tried with
	// (ScanWindow; tests make it small).
	window int
	// noFit, when noFitOK, is an offer's (cpus, mem) that fit none of the
	// tasks in the window, which has not changed since: an offer with no
	// more of either fits none either, and decide declines it without
	// scanning the window again. In the Google replay most offers fit
	// nothing and each scanned ~660 tasks. noMemo turns this off (tests).
	noFitCPUs, noFitMem model.Milli
	noFitOK, noMemo     bool
	desk                desk
	// inflight holds the tasks of accepts sent, until their first update.
	inflight map[string]*pendingTask
	// retried holds the tasks put back after an INVALID_OFFERS failure,
	// until they are sent again.
	retried map[string]*pendingTask
	// suppressIdle is the SuppressWhenIdle option; suppressed is whether
	// the workload sent SUPPRESS and has not revived since.
	suppressIdle, suppressed bool
	// rec runs reconciliation (the reconciling behaviour); nil for the
	// workload and naive behaviours, which trust what they last heard.
	rec *reconciler
	// launchedIDs holds every task the framework launched (for adopting
	// or killing tasks that implicit reconciliation reports).
	launchedIDs map[string]bool
}

type pendingTask struct {
	info      model.TaskInfo
	cpus, mem model.Milli
	seq       uint64 // submission order
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
	return newWorkload(cfg, false)
}

// newReconcilingBehavior is the workload behaviour that also runs the
// reference's reconciliation algorithm (see reconciler).
func newReconcilingBehavior(cfg BehaviorConfig) (model.Scheduler, error) {
	return newWorkload(cfg, true)
}

func newWorkload(cfg BehaviorConfig, reconciling bool) (*Workload, error) {
	if cfg.Workload == nil {
		return nil, errors.New("this behavior needs a workload section")
	}
	wl := *cfg.Workload
	w := &Workload{cfg: wl, refuse: cfg.RefuseSeconds, think: cfg.Think, suppressIdle: cfg.SuppressWhenIdle,
		minCPUs: lowest(wl.TaskCPUs), minMem: lowest(wl.TaskMem), window: ScanWindow,
		inflight: map[string]*pendingTask{}, retried: map[string]*pendingTask{}, launchedIDs: map[string]bool{}}
	if reconciling {
		w.rec = newReconciler(func(task string) bool { return w.launchedIDs[task] })
	}
	return w, nil
}

// Pending returns how many submitted tasks wait for resources (not
// counting those it is thinking about launching).
func (w *Workload) Pending() int { return w.live }

// Subscribed implements model.Scheduler: the job stream starts; a
// reconciling workload reconciles after every (re-)subscription.
func (w *Workload) Subscribed(d model.Driver) {
	if w.rec != nil {
		w.rec.subscribed(d)
	}
	if w.started || w.cfg.External {
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
		w.enqueue(d, model.TaskInfo{
			ID:        job + "-t" + strconv.Itoa(i),
			Job:       job,
			Resources: res,
			Duration:  sim.FromSeconds(w.cfg.TaskDuration.Sample(r)),
		})
	}
	w.wake(d)
	if w.cfg.MaxJobs == 0 || w.jobs < w.cfg.MaxJobs {
		d.After(w.interarrival(d), func() { w.arrive(d) })
	}
}

// enqueue adds a task submitted now to the pending queue.
func (w *Workload) enqueue(d model.Driver, t model.TaskInfo) {
	t.Submitted = d.Now()
	w.seq++
	p := &pendingTask{info: t, cpus: t.Resources.Scalar("cpus"), mem: t.Resources.Scalar("mem"), seq: w.seq}
	if w.live < w.window {
		w.joins(p)
	}
	w.pending = append(w.pending, p)
	w.live++
	d.Submitted(t.ID, t.Job, t.Resources)
}

// Submit hands the workload a task from outside (a trace replay): it is
// submitted now and waits for resources like a generated one. A workload
// fed this way is configured with WorkloadConfig.External.
func (w *Workload) Submit(d model.Driver, t model.TaskInfo) {
	w.enqueue(d, t)
	w.wake(d)
}

// Offers implements model.Scheduler: first fit of the pending tasks,
// oldest first, into each offer; the rest is declined. With a think time
// the answers go out one offer after another.
func (w *Workload) Offers(d model.Driver, offers []model.OfferOut) {
	w.desk.offers(d, w, w.think, offers)
}

// Rescind implements model.Scheduler: an offer being thought about is
// abandoned and its tasks go back to the queue.
func (w *Workload) Rescind(d model.Driver, offer string) {
	w.desk.rescind(d, w, w.think, offer)
}

// Update implements model.Scheduler: tasks whose launch failed because
// their offer was no longer valid go back to the queue.
func (w *Workload) Update(d model.Driver, st model.TaskStatus) {
	if w.rec != nil {
		w.rec.update(d, st)
	}
	if st.State.Definitive() {
		delete(w.launchedIDs, st.Task) // definitive: it cannot come back
	}
	failed := st.Reason == model.ReasonInvalidOffers &&
		(st.State == model.TaskLost || st.State == model.TaskDropped || st.State == model.TaskError)
	t, ok := w.inflight[st.Task]
	if !ok {
		if t, ok := w.retried[st.Task]; ok && !failed {
			// It launched after all (a duplicated accept).
			delete(w.retried, st.Task)
			w.unqueue(t)
		}
		return
	}
	delete(w.inflight, st.Task)
	if failed {
		w.retried[st.Task] = t
		w.requeue(d, []*pendingTask{t})
	}
}

// unqueue removes t from the pending queue, if it waits there.
func (w *Workload) unqueue(t *pendingTask) {
	if i := slices.Index(w.pending, t); i >= 0 {
		w.pending[i] = nil
		w.live--
		if w.live >= w.window {
			w.noFitOK = false // the first task beyond the window joins it
		}
		w.compact()
	}
}

func (w *Workload) decide(_ model.Driver, o model.OfferOut) thought {
	free := o.Resources.Unreserved()
	cpus, mem := free.Scalar("cpus"), free.Scalar("mem")
	th := thought{offer: o}
	if w.noFitOK && !w.noMemo && cpus <= w.noFitCPUs && mem <= w.noFitMem {
		return th // every task of the window needs more of one of them
	}
	seen, before := 0, w.live
	for i, t := range w.pending {
		if seen >= w.window || cpus < w.minCPUs || mem < w.minMem {
			break
		}
		if t == nil {
			continue
		}
		seen++
		if t.cpus <= cpus && t.mem <= mem {
			cpus -= t.cpus
			mem -= t.mem
			th.launch = append(th.launch, t.info)
			th.taken = append(th.taken, t)
			w.pending[i] = nil
			w.live--
		}
	}
	switch {
	case len(th.launch) > 0:
		if before > w.window {
			w.noFitOK = false // tasks beyond the window join it
		}
		w.compact()
	case !w.noFitOK || cpus >= w.noFitCPUs && mem >= w.noFitMem:
		w.noFitCPUs, w.noFitMem, w.noFitOK = cpus, mem, true
	}
	return th
}

func (w *Workload) answer(d model.Driver, th *thought) {
	if len(th.launch) == 0 {
		d.Decline([]string{th.offer.ID}, w.refuse)
		return
	}
	for _, t := range th.taken {
		w.inflight[t.info.ID] = t
		if len(w.retried) > 0 {
			delete(w.retried, t.info.ID)
		}
	}
	d.Accept([]string{th.offer.ID}, th.launch, w.refuse)
	for _, t := range th.launch {
		w.launchedIDs[t.ID] = true
		if w.rec != nil {
			w.rec.launchedTask(d, t.ID)
		}
	}
}

func (w *Workload) abandon(d model.Driver, th *thought) {
	if len(th.taken) > 0 {
		w.requeue(d, th.taken)
	}
}

// idle suppresses offers, once, when SuppressWhenIdle is set and nothing
// is pending.
func (w *Workload) idle(d model.Driver) {
	if w.suppressIdle && !w.suppressed && w.live == 0 {
		w.suppressed = true
		d.Suppress()
	}
}

// wake revives offers if the workload suppressed them.
func (w *Workload) wake(d model.Driver) {
	if w.suppressed && w.live > 0 {
		w.suppressed = false
		d.Revive()
	}
}

// requeue puts tasks back into the pending queue at their place in
// submission order (before every task submitted after them).
func (w *Workload) requeue(d model.Driver, ts []*pendingTask) {
	slices.SortFunc(ts, func(a, b *pendingTask) int { return cmp.Compare(a.seq, b.seq) })
	out := make([]*pendingTask, 0, w.live+len(ts))
	i := 0
	for _, p := range w.pending {
		if p == nil {
			continue
		}
		for i < len(ts) && ts[i].seq < p.seq {
			out = append(out, ts[i])
			i++
		}
		out = append(out, p)
	}
	out = append(out, ts[i:]...)
	w.pending = out
	w.live += len(ts)
	for _, t := range ts {
		w.joins(t) // it may join the window (pushing others out)
	}
	w.wake(d)
}

// joins notes that t joins the scan window: the no-fit memo stays true
// only if t too needs more cpus or mem than the memo's offer had.
func (w *Workload) joins(t *pendingTask) {
	if t.cpus <= w.noFitCPUs && t.mem <= w.noFitMem {
		w.noFitOK = false
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
