package policies

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"

	"github.com/mesosim/mesosim/model"
	"github.com/mesosim/mesosim/sim"
)

// behWorld is a DRF world whose records are all kept.
type behWorld struct {
	t    *testing.T
	w    *model.World
	recs []model.Record
}

func newBehWorld(t *testing.T, seed uint64, offerTimeout, delay sim.Time) *behWorld {
	b := &behWorld{t: t}
	b.w = model.NewWorld(model.WorldConfig{Seed: seed, NetworkDelay: delay,
		Master: model.MasterConfig{AllocationInterval: sim.Second, OfferTimeout: offerTimeout}},
		func(clock model.Clock, streams sim.Streams) model.Allocator {
			return NewDRF(model.AllocatorConfig{AllocationInterval: sim.Second, Clock: clock, Rand: streams.Get("allocator"),
				MinAllocatable: []model.Resources{model.MustParseResources("cpus:0.01"), model.MustParseResources("mem:32")}})
		})
	b.w.Observe(model.ObserverFunc(func(r *model.Record) { b.recs = append(b.recs, *r) }))
	b.w.Start()
	return b
}

func (b *behWorld) agentAt(at sim.Time, name, res string) {
	b.w.At(at, func() {
		if err := b.w.AddAgent(name, model.MustParseResources(res)); err != nil {
			b.t.Error(err)
		}
	})
}

func (b *behWorld) removeAgentAt(at sim.Time, name string) {
	b.w.At(at, func() {
		if err := b.w.RemoveAgent(name); err != nil {
			b.t.Error(err)
		}
	})
}

func (b *behWorld) frameworkAt(at sim.Time, name, role string, refuse float64, s model.Scheduler) {
	b.w.At(at, func() {
		if err := b.w.AddFramework(model.FrameworkConfig{Name: name, Role: role, RefuseSeconds: refuse}, s); err != nil {
			b.t.Error(err)
		}
	})
}

// of returns the records of one kind (and framework, if not empty).
func (b *behWorld) of(kind, framework string) []model.Record {
	var out []model.Record
	for _, r := range b.recs {
		if r.Kind == kind && (framework == "" || r.Framework == framework) {
			out = append(out, r)
		}
	}
	return out
}

// offerTime returns when offer id was made.
func (b *behWorld) offerTime(id string) sim.Time {
	b.t.Helper()
	for _, r := range b.recs {
		if r.Kind == model.KindOffer && r.Offer == id {
			return r.T
		}
	}
	b.t.Fatalf("no offer %s", id)
	return 0
}

func constDist(v float64) Dist { return Dist{Kind: "constant", Value: v} }

// behWorkload builds a workload of jobs of n tasks of cpus:1;mem:100.
func behWorkload(t *testing.T, cfg BehaviorConfig, jobs, n int, interarrival, duration float64) *Workload {
	t.Helper()
	cfg.Workload = &WorkloadConfig{
		Interarrival: constDist(interarrival), TasksPerJob: constDist(float64(n)),
		TaskCPUs: constDist(1), TaskMem: constDist(100), TaskDuration: constDist(duration), MaxJobs: jobs,
	}
	s, err := NewBehavior("workload", cfg)
	if err != nil {
		t.Fatal(err)
	}
	return s.(*Workload)
}

// pendingIDs lists the workload's queue, oldest first.
func (w *Workload) pendingIDs() []string {
	var out []string
	for _, p := range w.pending {
		if p != nil {
			out = append(out, p.info.ID)
		}
	}
	return out
}

func TestThinkTimeDelaysAccept(t *testing.T) {
	b := newBehWorld(t, 1, 0, 0)
	think := ThinkTime{Base: 2 * sim.Second, PerTask: 500 * sim.Millisecond}
	wl := behWorkload(t, BehaviorConfig{RefuseSeconds: 5, Think: think}, 1, 3, 1, 1000)
	b.frameworkAt(0, "f", "r", 5, wl)
	b.agentAt(5*sim.Second, "a1", "cpus:4;mem:4096")

	// The job (1 s) is pending when the agent's offer comes (5 s); the
	// accept of 3 tasks goes out 2 s + 3 × 0.5 s later.
	b.w.Run(8*sim.Second + 499*sim.Millisecond)
	if acc := b.of(model.KindOfferAccepted, "f"); len(acc) != 0 {
		t.Fatalf("accepted while thinking: %+v", acc)
	}
	offers := b.of(model.KindOffer, "f")
	if len(offers) != 1 || offers[0].T != 5*sim.Second {
		t.Fatalf("offers: %+v", offers)
	}
	if got := b.w.Master().OutstandingOffers(); !slices.Equal(got, []string{offers[0].Offer}) {
		t.Fatalf("offer not held while thinking: outstanding %v", got)
	}
	if wl.Pending() != 0 {
		t.Fatalf("tasks being thought about still pending: %d", wl.Pending())
	}
	b.w.Run(20 * sim.Second)
	acc := b.of(model.KindOfferAccepted, "f")
	if len(acc) != 1 {
		t.Fatalf("accepts: %+v", acc)
	}
	want := b.offerTime(acc[0].Offer) + think.For(3)
	if acc[0].T != want || acc[0].Tasks != 3 || want != 8500*sim.Millisecond {
		t.Fatalf("accept at %v with %d tasks, want %v with 3", acc[0].T, acc[0].Tasks, want)
	}
	for _, l := range b.of(model.KindTaskLaunched, "f") {
		if l.T != want || l.Submitted != sim.Second {
			t.Fatalf("launch %+v", l)
		}
	}
}

// TestThinkSequentialOffers: the offers of one OFFERS callback are answered
// one after another, each after its own think time, by every behaviour
// that answers offers.
func TestThinkSequentialOffers(t *testing.T) {
	s := sim.Second
	for _, tc := range []struct {
		name  string
		sched func(t *testing.T) model.Scheduler
		kind  string
		gaps  []sim.Time // answer times after the offers, cumulative
	}{
		{"workload", func(t *testing.T) model.Scheduler {
			// 4 tasks of 1 cpu: 2 per offer, 1 s + 2 × 1 s each.
			return behWorkload(t, BehaviorConfig{RefuseSeconds: 5, Think: ThinkTime{Base: s, PerTask: s}}, 1, 4, 1, 1000)
		}, model.KindOfferAccepted, []sim.Time{3 * s, 6 * s}},
		{"hold", func(t *testing.T) model.Scheduler {
			sch, err := NewBehavior("hold", BehaviorConfig{Think: ThinkTime{Base: s, PerTask: 2 * s}})
			if err != nil {
				t.Fatal(err)
			}
			return sch
		}, model.KindOfferAccepted, []sim.Time{3 * s, 6 * s}},
		{"decline", func(t *testing.T) model.Scheduler {
			sch, err := NewBehavior("decline", BehaviorConfig{RefuseSeconds: 100, Think: ThinkTime{Base: 2 * s, PerTask: 7 * s}})
			if err != nil {
				t.Fatal(err)
			}
			return sch
		}, model.KindOfferDeclined, []sim.Time{2 * s, 4 * s}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			b := newBehWorld(t, 1, 0, 0)
			b.frameworkAt(0, "f", "r", 5, tc.sched(t))
			b.agentAt(5*s, "a1", "cpus:2;mem:4096")
			b.agentAt(5*s, "a2", "cpus:2;mem:4096")
			b.w.Run(5*s + tc.gaps[len(tc.gaps)-1])
			offers := b.of(model.KindOffer, "f")
			if len(offers) != 2 || offers[0].T != 5*s || offers[1].T != 5*s {
				t.Fatalf("want two offers at 5s: %+v", offers)
			}
			answers := b.of(tc.kind, "f")
			if len(answers) != 2 {
				t.Fatalf("answers: %+v", answers)
			}
			for i, a := range answers {
				if a.Offer != offers[i].Offer || a.T != 5*s+tc.gaps[i] {
					t.Fatalf("answer %d: %s at %v, want %s at %v", i, a.Offer, a.T, offers[i].Offer, 5*s+tc.gaps[i])
				}
			}
		})
	}
}

// TestThinkLongerThanOfferTimeout: offers rescinded by offer_timeout while
// the framework thinks are never accepted; their tasks go back to the queue
// and launch later from another offer, oldest first.
func TestThinkLongerThanOfferTimeout(t *testing.T) {
	s := sim.Second
	b := newBehWorld(t, 1, 2500*sim.Millisecond, 0)
	// Three tasks take 3 s of thinking, more than the 2.5 s timeout; two
	// take 2 s.
	wl := behWorkload(t, BehaviorConfig{RefuseSeconds: 1, Think: ThinkTime{PerTask: s}}, 1, 3, 1, 2)
	b.frameworkAt(0, "f", "r", 1, wl)
	b.agentAt(5*s, "a1", "cpus:3;mem:4096")
	b.removeAgentAt(12*s, "a1")
	b.agentAt(12*s, "a2", "cpus:2;mem:4096")

	b.w.Run(7*s + 600*sim.Millisecond)
	if got, want := strings.Join(wl.pendingIDs(), ","), "f-j1-t1,f-j1-t2,f-j1-t3"; got != want {
		t.Fatalf("after the rescind: pending %s, want %s", got, want)
	}
	b.w.Run(60 * s)

	resc := b.of(model.KindOfferRescinded, "f")
	if len(resc) == 0 || resc[0].Reason != "offer_timeout" || resc[0].T != 7*s+500*sim.Millisecond {
		t.Fatalf("rescinds: %+v", resc)
	}
	for _, a := range b.of(model.KindOfferAccepted, "f") {
		if a.Agent != "a2" {
			t.Fatalf("accepted an offer on a1: %+v", a)
		}
	}
	var launched []string
	for _, l := range b.of(model.KindTaskLaunched, "f") {
		launched = append(launched, l.Task)
		if l.Submitted != s {
			t.Fatalf("lost its submission time: %+v", l)
		}
	}
	if got, want := strings.Join(launched, ","), "f-j1-t1,f-j1-t2,f-j1-t3"; got != want {
		t.Fatalf("launched %s, want %s", got, want)
	}
	for _, st := range b.of(model.KindTaskStatus, "f") {
		if st.State == "TASK_LOST" || st.State == "TASK_DROPPED" {
			t.Fatalf("an abandoned accept was sent: %+v", st)
		}
	}
	if wl.Pending() != 0 || len(wl.inflight) != 0 {
		t.Fatalf("pending %d, in flight %d", wl.Pending(), len(wl.inflight))
	}
}

// TestWorkloadRequeuesInvalidOfferLaunches: with a network delay, the
// accept crosses the offer_timeout rescind; the master answers TASK_LOST
// with REASON_INVALID_OFFERS and the task goes back to the queue and is
// tried again, with its original submission (it was never launched).
func TestWorkloadRequeuesInvalidOfferLaunches(t *testing.T) {
	s := sim.Second
	// Offer at the master at t0, at the framework at t0+1 s; accept sent at
	// t0+2 s, at the master at t0+3 s; rescinded at t0+2.5 s.
	b := newBehWorld(t, 1, 2500*sim.Millisecond, s)
	wl := behWorkload(t, BehaviorConfig{RefuseSeconds: 1, Think: ThinkTime{Base: 500 * sim.Millisecond, PerTask: 500 * sim.Millisecond}}, 1, 1, 1, 10)
	b.frameworkAt(0, "f", "r", 1, wl)
	b.agentAt(0, "a1", "cpus:1;mem:4096")
	b.w.Run(40 * s)
	var lost []model.Record
	for _, st := range b.of(model.KindTaskStatus, "f") {
		if st.SeenBy == "framework" {
			if st.State != "TASK_LOST" || st.Reason != model.ReasonInvalidOffers || st.Task != "f-j1-t1" {
				t.Fatalf("update %+v", st)
			}
			lost = append(lost, st)
		}
	}
	if len(lost) < 3 {
		t.Fatalf("the task was not tried again: %d attempts", len(lost))
	}
	if n := len(b.of(model.KindTaskSubmitted, "f")); n != 1 {
		t.Fatalf("submitted %d times", n)
	}
	if n := len(b.of(model.KindTaskLaunched, "f")); n != 0 {
		t.Fatalf("launched %d", n)
	}
}

// behDriver is a Driver outside any world: timers on its own loop, calls
// logged.
type behDriver struct {
	loop  *sim.Loop
	rng   *rand.Rand
	calls []string
}

func newBehDriver() *behDriver {
	return &behDriver{loop: sim.NewLoop(), rng: rand.New(rand.NewPCG(1, 2))}
}

func (d *behDriver) log(format string, args ...any) {
	d.calls = append(d.calls, d.loop.Now().String()+" "+fmt.Sprintf(format, args...))
}
func (d *behDriver) Name() string                                  { return "f" }
func (d *behDriver) Role() string                                  { return "r" }
func (d *behDriver) Now() sim.Time                                 { return d.loop.Now() }
func (d *behDriver) After(t sim.Time, fn func()) sim.Timer         { return d.loop.After(t, fn) }
func (d *behDriver) Rand() *rand.Rand                              { return d.rng }
func (d *behDriver) Kill(task string)                              { d.log("kill %s", task) }
func (d *behDriver) Suppress()                                     { d.log("suppress") }
func (d *behDriver) Revive()                                       { d.log("revive") }
func (d *behDriver) Submitted(task, job string, _ model.Resources) {}
func (d *behDriver) Reconcile([]model.TaskRef)                     {}
func (d *behDriver) Acknowledge(model.TaskStatus)                  {}
func (d *behDriver) Tasks() []model.TaskView                       { return nil }
func (d *behDriver) Decline(offers []string, _ float64)            { d.log("decline %v", offers) }
func (d *behDriver) Accept(offers []string, tasks []model.TaskInfo, _ float64) {
	ids := make([]string, len(tasks))
	for i, t := range tasks {
		ids[i] = t.ID
	}
	d.log("accept %v %v", offers, ids)
}

func behOffer(id, res string) model.OfferOut {
	return model.OfferOut{ID: id, Agent: "a", Role: "r", Resources: model.MustParseResources(res)}
}

// TestWorkloadRequeueOrder: tasks taken for an offer that is rescinded, and
// tasks whose launch failed on an invalid offer, go back before the tasks
// submitted after them; other failures are not retried.
func TestWorkloadRequeueOrder(t *testing.T) {
	s := sim.Second
	d := newBehDriver()
	wl := behWorkload(t, BehaviorConfig{Think: ThinkTime{PerTask: 2 * s}}, 3, 2, 3, 100)
	wl.Subscribed(d)
	d.loop.Run(3 * s) // job 1
	wl.Offers(d, []model.OfferOut{behOffer("o1", "cpus:2;mem:1000"), behOffer("o2", "cpus:1;mem:1000")})
	if got := wl.pendingIDs(); len(got) != 0 {
		t.Fatalf("pending while thinking: %v", got)
	}
	d.loop.Run(6 * s) // job 2 arrives while o1 is thought about
	wl.Rescind(d, "o1")
	// j1's tasks came back at the front, and the framework moved on to o2
	// at once: it took the oldest task and thinks 2 s.
	if got, want := strings.Join(wl.pendingIDs(), ","), "f-j1-t2,f-j2-t1,f-j2-t2"; got != want {
		t.Fatalf("after rescind: %s, want %s", got, want)
	}
	d.loop.Run(8 * s)
	if got, want := strings.Join(d.calls, "; "), "8s accept [o2] [f-j1-t1]"; got != want {
		t.Fatalf("calls %q, want %q", got, want)
	}
	wl.Update(d, model.TaskStatus{Task: "f-j1-t1", State: model.TaskDropped, Reason: model.ReasonInvalidOffers})
	if got, want := strings.Join(wl.pendingIDs(), ","), "f-j1-t1,f-j1-t2,f-j2-t1,f-j2-t2"; got != want {
		t.Fatalf("after TASK_DROPPED: %s, want %s", got, want)
	}
	// A launched task that fails is not retried.
	wl.Offers(d, []model.OfferOut{behOffer("o3", "cpus:1;mem:1000")})
	d.loop.Run(10 * s)
	wl.Update(d, model.TaskStatus{Task: "f-j1-t1", State: model.TaskRunning})
	wl.Update(d, model.TaskStatus{Task: "f-j1-t1", State: model.TaskFailed})
	wl.Update(d, model.TaskStatus{Task: "f-j1-t1", State: model.TaskLost, Reason: model.ReasonInvalidOffers})
	if got, want := strings.Join(wl.pendingIDs(), ","), "f-j1-t2,f-j2-t1,f-j2-t2,f-j3-t1,f-j3-t2"; got != want {
		t.Fatalf("after a real launch: %s, want %s", got, want)
	}
	if len(wl.inflight) != 0 {
		t.Fatalf("in flight: %v", wl.inflight)
	}
	// A rescind of an offer still waiting its turn drops it unanswered.
	wl.Offers(d, []model.OfferOut{behOffer("o4", "cpus:1;mem:1000"), behOffer("o5", "cpus:1;mem:1000")})
	wl.Rescind(d, "o5")
	d.loop.Run(20 * s)
	if got, want := d.calls[len(d.calls)-1], "12s accept [o4] [f-j1-t2]"; got != want || strings.Contains(strings.Join(d.calls, ";"), "o5") {
		t.Fatalf("calls %q", d.calls)
	}
}

// suppressRun runs one workload framework for 400 s: three jobs of two
// 10 s tasks, 100 s apart, on an agent with room to spare.
func suppressRun(t *testing.T, suppress bool) (*behWorld, *Workload) {
	b := newBehWorld(t, 3, 0, 0)
	wl := behWorkload(t, BehaviorConfig{RefuseSeconds: 1, SuppressWhenIdle: suppress}, 3, 2, 100, 10)
	b.frameworkAt(0, "f", "r", 1, wl)
	b.agentAt(0, "a1", "cpus:4;mem:4096")
	b.w.Run(400 * sim.Second)
	return b, wl
}

func TestSuppressWhenIdle(t *testing.T) {
	b, _ := suppressRun(t, true)
	var got []string
	for _, r := range b.recs {
		switch r.Kind {
		case model.KindFrameworkSuppress:
			got = append(got, "S@"+r.T.String())
		case model.KindFrameworkRevive:
			got = append(got, "R@"+r.T.String())
		}
	}
	// Idle from the start: one SUPPRESS after declining the first offer;
	// each job revives, and once its tasks are launched the framework is
	// idle again.
	want := "S@0s R@1m40s S@1m40s R@3m20s S@3m20s R@5m0s S@5m0s"
	if strings.Join(got, " ") != want {
		t.Fatalf("suppress/revive: %s, want %s", strings.Join(got, " "), want)
	}
	for _, r := range b.of(model.KindTaskSubmitted, "f") {
		if !slices.Contains(got, "R@"+r.T.String()) {
			t.Fatalf("no REVIVE on the arrival at %v", r.T)
		}
	}

	plain, _ := suppressRun(t, false)
	if n := len(plain.of(model.KindFrameworkSuppress, "")) + len(plain.of(model.KindFrameworkRevive, "")); n != 0 {
		t.Fatalf("suppress/revive without the option: %d", n)
	}
	sup, dec := len(b.of(model.KindOfferDeclined, "f")), len(plain.of(model.KindOfferDeclined, "f"))
	if dec < 100 || sup*20 > dec {
		t.Fatalf("declines: %d with suppress_when_idle, %d with filters only", sup, dec)
	}
	for _, run := range []*behWorld{b, plain} {
		if n := len(run.of(model.KindTaskLaunched, "f")); n != 6 {
			t.Fatalf("launched %d tasks, want 6", n)
		}
	}
}

// legacyWorkload answers offers exactly as the workload did before think
// time, suppression and re-queueing existed: the reference for zero think
// time.
type legacyWorkload struct{ *Workload }

func (l legacyWorkload) Rescind(model.Driver, string)          {}
func (l legacyWorkload) Update(model.Driver, model.TaskStatus) {}
func (l legacyWorkload) Offers(d model.Driver, offers []model.OfferOut) {
	w := l.Workload
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

type legacyDecliner struct {
	nopCallbacks
	refuse float64
}

func (l legacyDecliner) Offers(d model.Driver, offers []model.OfferOut) {
	for _, o := range offers {
		d.Decline([]string{o.ID}, l.refuse)
	}
}

// zeroThinkRun runs three workloads, a decliner and a holder on a small
// cluster with an offer timeout, and returns every record.
func zeroThinkRun(t *testing.T, legacy bool, think ThinkTime) []string {
	return mixedRun(t, legacy, think, 0).strings()
}

func (b *behWorld) strings() []string {
	out := make([]string, len(b.recs))
	for i, r := range b.recs {
		out[i] = fmt.Sprintf("%+v", r)
	}
	return out
}

func mixedRun(t *testing.T, legacy bool, think ThinkTime, delay sim.Time) *behWorld {
	b := newBehWorld(t, 7, 3*sim.Second, delay)
	for i := range 6 {
		b.agentAt(sim.Time(i)*sim.Second, fmt.Sprintf("a%d", i), "cpus:8;mem:16384")
	}
	for i, role := range []string{"r1", "r1", "r2"} {
		cfg := BehaviorConfig{RefuseSeconds: float64(1 + 2*i), Think: think, Workload: &WorkloadConfig{
			Interarrival: Dist{Kind: "exponential", Mean: 3},
			TasksPerJob:  Dist{Kind: "uniform", Min: 1, Max: 12},
			TaskCPUs:     Dist{Kind: "uniform", Min: 0.5, Max: 3},
			TaskMem:      Dist{Kind: "uniform", Min: 256, Max: 4096},
			TaskDuration: Dist{Kind: "exponential", Mean: 20, Min: 1, Max: 120},
		}}
		s, err := NewBehavior("workload", cfg)
		if err != nil {
			t.Fatal(err)
		}
		if legacy {
			s = legacyWorkload{s.(*Workload)}
		}
		b.frameworkAt(sim.Time(i)*sim.Second, fmt.Sprintf("w%d", i), role, cfg.RefuseSeconds, s)
	}
	var dec, hold model.Scheduler = NewDecliner(2, think), &Hold{Think: think}
	if legacy {
		dec, hold = legacyDecliner{refuse: 2}, &Hold{}
	}
	b.frameworkAt(2*sim.Second, "dec", "r3", 2, dec)
	b.frameworkAt(90*sim.Second, "hold", "r3", 2, hold)
	b.w.Run(10 * sim.Minute)
	return b
}

// TestZeroThinkUnchanged: with zero think time the behaviours produce the
// same records, in the same order, as the answer-at-once code they had.
func TestZeroThinkUnchanged(t *testing.T) {
	want := zeroThinkRun(t, true, ThinkTime{})
	got := zeroThinkRun(t, false, ThinkTime{})
	if len(want) < 1000 {
		t.Fatalf("run too small to mean anything: %d records", len(want))
	}
	if !slices.Equal(got, want) {
		i := 0
		for i < len(got) && i < len(want) && got[i] == want[i] {
			i++
		}
		t.Fatalf("records differ at %d (of %d/%d):\n got %s\nwant %s", i, len(got), len(want), behAt(got, i), behAt(want, i))
	}
	if thinking := zeroThinkRun(t, false, ThinkTime{Base: sim.Millisecond}); slices.Equal(thinking, want) {
		t.Fatal("a 1 ms think time changed nothing")
	}
}

func behAt(s []string, i int) string {
	if i < len(s) {
		return s[i]
	}
	return "<end>"
}

// TestWorkloadDuplicatedAccept: a task put back after an INVALID_OFFERS
// failure that then reports RUNNING (the failure came from a duplicated
// accept's copy) leaves the queue instead of being launched twice.
func TestWorkloadDuplicatedAccept(t *testing.T) {
	d := newBehDriver()
	wl := behWorkload(t, BehaviorConfig{}, 1, 2, 1, 100)
	wl.Subscribed(d)
	d.loop.Run(sim.Second)
	wl.Offers(d, []model.OfferOut{behOffer("o1", "cpus:2;mem:1000")})
	wl.Update(d, model.TaskStatus{Task: "f-j1-t1", State: model.TaskLost, Reason: model.ReasonInvalidOffers})
	if got := strings.Join(wl.pendingIDs(), ","); got != "f-j1-t1" {
		t.Fatalf("pending %s", got)
	}
	wl.Update(d, model.TaskStatus{Task: "f-j1-t2", State: model.TaskRunning})
	wl.Update(d, model.TaskStatus{Task: "f-j1-t1", State: model.TaskRunning})
	if got := wl.pendingIDs(); len(got) != 0 || wl.Pending() != 0 || len(wl.retried) != 0 || len(wl.inflight) != 0 {
		t.Fatalf("pending %v (%d), retried %d, in flight %d", got, wl.Pending(), len(wl.retried), len(wl.inflight))
	}
}

// TestThinkRacesLaunchOnce: with think times around the offer timeout and
// a network delay, offers are rescinded while thought about and accepts
// cross rescinds; every task is still launched at most once, only after
// it was submitted, and never refused as a duplicate.
func TestThinkRacesLaunchOnce(t *testing.T) {
	b := mixedRun(t, false, ThinkTime{Base: 300 * sim.Millisecond, PerTask: 400 * sim.Millisecond}, 400*sim.Millisecond)
	submitted := map[string]sim.Time{}
	launched := map[string]bool{}
	var lost, rescinded int
	for _, r := range b.recs {
		switch r.Kind {
		case model.KindTaskSubmitted:
			submitted[r.Task] = r.T
		case model.KindTaskLaunched:
			if r.Framework == "hold" {
				continue
			}
			at, ok := submitted[r.Task]
			if !ok || launched[r.Task] || r.Submitted != at {
				t.Fatalf("launch %+v (submitted %v %v, launched before %v)", r, at, ok, launched[r.Task])
			}
			launched[r.Task] = true
		case model.KindTaskStatus:
			if r.Reason == "REASON_TASK_INVALID" {
				t.Fatalf("refused launch: %+v", r)
			}
			if r.Reason == model.ReasonInvalidOffers && r.SeenBy == "master" {
				lost++
			}
		case model.KindOfferRescinded:
			rescinded++
		}
	}
	if lost == 0 || rescinded == 0 || len(launched) < 100 {
		t.Fatalf("the run did not exercise the races: %d invalid-offer failures, %d rescinds, %d launches", lost, rescinded, len(launched))
	}
}

// TASK_STARTING is a live update, not STAGING: the reconciling behaviour's
// staging timeout (a kill StagingTimeout after a launch with no update but
// STAGING) stops at STARTING as at any other update, while a STAGING
// answer alone leaves it running. (The command executor sends STARTING
// first; RUNNING may come a retry or more later.)
func TestReconcilingStartingEndsStagingTimeout(t *testing.T) {
	s := sim.Second
	for _, tc := range []struct {
		update model.TaskState
		reason string
		kill   bool
	}{
		{model.TaskStarting, "", false},
		{model.TaskRunning, "", false},
		{model.TaskStaging, model.ReasonReconciliation, true},
	} {
		d := newBehDriver()
		cfg := BehaviorConfig{Workload: &WorkloadConfig{Interarrival: constDist(1), TasksPerJob: constDist(1),
			TaskCPUs: constDist(1), TaskMem: constDist(100), TaskDuration: constDist(1000), MaxJobs: 1}}
		sched, err := NewBehavior("reconciling", cfg)
		if err != nil {
			t.Fatal(err)
		}
		wl := sched.(*Workload)
		wl.Subscribed(d)
		d.loop.Run(2 * s) // the job arrives at 1 s
		wl.Offers(d, []model.OfferOut{behOffer("o1", "cpus:1;mem:1000")})
		d.loop.Run(3 * s)
		wl.Update(d, model.TaskStatus{Task: "f-j1-t1", Agent: "a", State: tc.update, Reason: tc.reason})
		d.loop.Run(5 * sim.Minute)
		killed := strings.Contains(strings.Join(d.calls, "; "), "kill f-j1-t1")
		if killed != tc.kill {
			t.Errorf("after %s: killed %v, want %v (calls %q)", tc.update, killed, tc.kill, d.calls)
		}
	}
}
