package model

import (
	"math/rand/v2"

	"github.com/mesosim/mesosim/sim"
)

// Scheduler is a framework's scheduling logic, called by its driver inside
// the simulation with the Mesos v1 scheduler events. Callbacks run on the
// simulation's single thread: no goroutines, no wall clock; to wait, use
// Driver.After.
type Scheduler interface {
	// Subscribed is SUBSCRIBED.
	Subscribed(d Driver)
	// Offers is OFFERS: this cycle's offers for the framework.
	Offers(d Driver, offers []OfferOut)
	// Rescind is RESCIND.
	Rescind(d Driver, offer string)
	// Update is UPDATE. Reliable updates (UUID set) are acknowledged by the
	// driver after Update returns.
	Update(d Driver, status TaskStatus)
	// Failure is FAILURE: an agent the framework had tasks on was lost.
	Failure(d Driver, agent string)
	// Error is ERROR: the master refused the framework for good.
	Error(d Driver, message string)
}

// HeartbeatScheduler is a Scheduler that also wants HEARTBEAT events (Mesos's
// scheduler library surfaces them; a scheduler may take their absence for a
// lost master). The driver calls Heartbeat for each one that arrives while
// the framework is subscribed.
type HeartbeatScheduler interface {
	Scheduler
	// Heartbeat is HEARTBEAT.
	Heartbeat(d Driver)
}

// Driver is what a Scheduler calls: the Mesos v1 scheduler calls, plus the
// simulation's time, timers and the framework's own random stream.
type Driver interface {
	// Name returns the framework's name (its FrameworkID).
	Name() string
	// Role returns the framework's role.
	Role() string
	// Now returns the simulated time.
	Now() sim.Time
	// After runs fn d from now.
	After(d sim.Time, fn func()) sim.Timer
	// Rand returns the framework's own random stream.
	Rand() *rand.Rand
	// Accept launches tasks on offers; unused resources are filtered for
	// refuseSeconds (negative: the 5 s default).
	Accept(offers []string, tasks []TaskInfo, refuseSeconds float64)
	// Decline declines offers, filtering them for refuseSeconds.
	Decline(offers []string, refuseSeconds float64)
	// Kill asks for a task to be killed.
	Kill(task string)
	// Suppress stops offers until Revive.
	Suppress()
	// Revive clears filters and asks for offers again.
	Revive()
	// Submitted records that the framework now wants task of job (for wait
	// and job completion times).
	Submitted(task, job string, res Resources)
	// Reconcile asks the master for the state of tasks (explicit), or of
	// all its tasks when refs is empty (implicit).
	Reconcile(refs []TaskRef)
	// Acknowledge acknowledges a reliable update. The driver already
	// acknowledges every reliable update after Update returns; a second
	// acknowledgement is ignored by the agent.
	Acknowledge(st TaskStatus)
	// Tasks returns the framework's own view: the last state it heard of
	// each task it knows, sorted by task.
	Tasks() []TaskView
}

// FrameworkConfig describes a framework at subscription.
type FrameworkConfig struct {
	Name           string
	Role           string
	PartitionAware bool
	RefuseSeconds  float64
	// MinAllocatable is the framework's offer filter (nil: the master's).
	MinAllocatable []Resources
	// Checkpoint is FrameworkInfo.checkpoint: tasks survive agent restarts.
	Checkpoint bool
	// FailoverTimeout is how long the master waits for the scheduler to
	// come back after it disconnects (Mesos default 0).
	FailoverTimeout sim.Time
	// External marks a framework played by an outside process (mesosim
	// serve): the driver neither acknowledges updates nor (re)subscribes
	// on its own; the process does, through Resubscribe and Acknowledge.
	External bool
}

// Framework is the scheduler-side actor: the driver between the network
// and a Scheduler. It tracks the offers it holds and its tasks' last known
// states (its view, which may differ from the master's).
type Framework struct {
	cfg   FrameworkConfig
	sched Scheduler
	clock Clock
	rng   *rand.Rand
	// backoff is the driver's own stream (subscription backoff), apart
	// from the scheduler's.
	backoff *rand.Rand
	rec     recorder
	out     outbox
	addr    sim.Address // FrameworkAddress(cfg.Name)

	subscribed bool
	// hasID: a SUBSCRIBED arrived once, so the framework has its ID and
	// every later SUBSCRIBE is a re-subscription.
	hasID   bool
	removed bool
	// down: the scheduler process is disconnected (framework failover).
	down     bool
	attempts int
	epoch    uint64
	offers   map[string]OfferOut
	tasks    map[string]*frameworkTask
}

type frameworkTask struct {
	agent string
	state TaskState
}

// NewFramework returns a framework actor that has not subscribed yet.
func NewFramework(cfg FrameworkConfig, sched Scheduler, clock Clock, rng, backoff *rand.Rand, emit func(*Record)) *Framework {
	return &Framework{cfg: cfg, sched: sched, clock: clock, rng: rng, backoff: backoff, rec: recorder{emit: emit},
		addr:   FrameworkAddress(cfg.Name),
		offers: map[string]OfferOut{}, tasks: map[string]*frameworkTask{}}
}

// Config returns the framework's configuration.
func (f *Framework) Config() FrameworkConfig { return f.cfg }

// Outbox returns messages produced by timers and empties it; the slice
// (like those of the other methods returning messages) is valid until the
// framework's next call: its array is reused.
func (f *Framework) Outbox() []sim.Envelope {
	return f.out.take()
}

func (f *Framework) send(msg sim.Message) {
	if f.removed || f.down {
		return
	}
	f.out.add(f.addr, MasterAddress, msg)
}

// Start sends SUBSCRIBE.
func (f *Framework) Start() []sim.Envelope {
	f.attempts = 0
	f.subscribe()
	return f.Outbox()
}

// subscribe sends SUBSCRIBE and retries until SUBSCRIBED, backing off at
// random in [0, 2 s * 2^n], at most min(1 min, failover_timeout / 10) (1 min
// when the failover timeout is 0).
func (f *Framework) subscribe() {
	if f.subscribed || f.removed || f.down {
		return
	}
	f.send(Subscribe{Framework: f.cfg.Name, Role: f.cfg.Role, PartitionAware: f.cfg.PartitionAware,
		MinAllocatable: f.cfg.MinAllocatable, FailoverTimeout: f.cfg.FailoverTimeout, Checkpoint: f.cfg.Checkpoint,
		Resubscribe: f.hasID})
	if f.cfg.External {
		return // the outside process retries on its own
	}
	limit := sim.Minute
	if ft := f.cfg.FailoverTimeout / 10; ft > 0 && ft < limit {
		limit = ft
	}
	bound := min((2*sim.Second)<<min(f.attempts, 6), limit)
	f.attempts++
	epoch := f.epoch
	f.clock.After(sim.Time(f.backoff.Int64N(int64(bound)+1)), func() {
		if f.epoch == epoch {
			f.subscribe()
		}
	})
}

// NewLeader tells the scheduler a new master leads (ZooKeeper's
// detection): its offers are gone and it subscribes again.
func (f *Framework) NewLeader() []sim.Envelope {
	if f.removed || f.down {
		return nil
	}
	f.epoch++
	f.subscribed = false
	for _, id := range sortedKeys(f.offers) {
		delete(f.offers, id)
		f.sched.Rescind(f, id)
	}
	if f.cfg.External {
		return f.Outbox() // the outside process re-subscribes
	}
	f.attempts = 0
	f.subscribe()
	return f.Outbox()
}

// Resubscribe is an external framework's SUBSCRIBE on a new connection:
// the driver forgets its subscription (and, after a disconnect, comes back
// up) and sends SUBSCRIBE once, with the configuration cfg (the new
// FrameworkInfo; its Name must stay the same); withID is whether the
// FrameworkInfo carried the framework's ID.
func (f *Framework) Resubscribe(cfg FrameworkConfig, withID bool) []sim.Envelope {
	if f.removed || cfg.Name != f.cfg.Name {
		return nil
	}
	f.cfg = cfg
	f.hasID = withID
	f.down = false
	f.subscribed = false
	f.epoch++
	f.subscribe()
	return f.Outbox()
}

// Disconnect is the scheduler process failing: it hears nothing until
// Reconnect. The master notices at once (the connection closed).
func (f *Framework) Disconnect() {
	f.down = true
	f.subscribed = false
	f.epoch++
	clear(f.offers)
}

// Reconnect is the failed-over scheduler coming back: it subscribes again
// with the same framework ID.
func (f *Framework) Reconnect() []sim.Envelope {
	if !f.down || f.removed || f.cfg.External {
		return nil
	}
	f.down = false
	f.attempts = 0
	f.subscribe()
	return f.Outbox()
}

// Handle processes one message from the master.
func (f *Framework) Handle(e sim.Envelope) []sim.Envelope {
	if f.removed || f.down {
		return nil
	}
	switch msg := e.Msg.(type) {
	case Subscribed:
		if f.subscribed {
			break
		}
		f.subscribed, f.hasID = true, true
		f.sched.Subscribed(f)
	case Heartbeat:
		f.heartbeat()
	case Failure:
		f.sched.Failure(f, msg.Agent)
	case ErrorEvent:
		f.removed = true
		f.sched.Error(f, msg.Message)
	case Offers:
		for _, o := range msg.Offers {
			f.offers[o.ID] = o
		}
		f.sched.Offers(f, msg.Offers)
	case Rescind:
		if _, ok := f.offers[msg.Offer]; ok {
			delete(f.offers, msg.Offer)
			f.sched.Rescind(f, msg.Offer)
		}
	case Update:
		st := msg.Status
		f.rec.record(Record{T: f.clock.Now(), Kind: KindTaskStatus, Task: st.Task, Framework: st.Framework, Agent: st.Agent,
			State: st.State.String(), Reason: st.Reason, Source: st.Source, SeenBy: "framework", UUID: st.UUID,
			UnreachableTime: st.UnreachableTime})
		t := f.tasks[st.Task]
		if t == nil && st.UUID == 0 && !st.State.Live() {
			// A master's answer about a task this framework no longer
			// tracks (e.g. UNREACHABLE after it saw DROPPED) does not put
			// it back in its view.
			f.sched.Update(f, st)
			break
		}
		if t == nil {
			t = &frameworkTask{agent: st.Agent}
			f.tasks[st.Task] = t
		}
		t.state = st.State
		f.sched.Update(f, st)
		if st.UUID != 0 && !f.cfg.External {
			f.send(Acknowledge{Framework: f.cfg.Name, Agent: st.Agent, Task: st.Task, UUID: st.UUID})
		}
		if st.State.Definitive() {
			// Definitive terminal states end the task; LOST and
			// GONE_BY_OPERATOR may yet be followed by RUNNING.
			delete(f.tasks, st.Task)
		}
	}
	return f.Outbox()
}

// Name implements Driver.
func (f *Framework) Name() string { return f.cfg.Name }

// Role implements Driver.
func (f *Framework) Role() string { return f.cfg.Role }

// Now implements Driver.
func (f *Framework) Now() sim.Time { return f.clock.Now() }

// After implements Driver.
func (f *Framework) After(d sim.Time, fn func()) sim.Timer {
	return f.clock.After(d, func() {
		if !f.removed {
			fn()
		}
	})
}

// Rand implements Driver.
func (f *Framework) Rand() *rand.Rand { return f.rng }

// Accept implements Driver.
func (f *Framework) Accept(offers []string, tasks []TaskInfo, refuseSeconds float64) {
	for _, id := range offers {
		if o, ok := f.offers[id]; ok {
			for _, t := range tasks {
				f.tasks[t.ID] = &frameworkTask{agent: o.Agent, state: TaskStaging}
			}
			delete(f.offers, id)
		}
	}
	f.send(Accept{Framework: f.cfg.Name, Offers: offers, Launch: tasks, RefuseSeconds: refuseSeconds})
}

// Decline implements Driver.
func (f *Framework) Decline(offers []string, refuseSeconds float64) {
	for _, id := range offers {
		delete(f.offers, id)
	}
	f.send(Decline{Framework: f.cfg.Name, Offers: offers, RefuseSeconds: refuseSeconds})
}

// Reconcile implements Driver.
func (f *Framework) Reconcile(refs []TaskRef) {
	f.send(Reconcile{Framework: f.cfg.Name, Tasks: refs})
}

// Acknowledge implements Driver.
func (f *Framework) Acknowledge(st TaskStatus) {
	if st.UUID != 0 {
		f.send(Acknowledge{Framework: f.cfg.Name, Agent: st.Agent, Task: st.Task, UUID: st.UUID})
	}
}

// Tasks implements Driver.
func (f *Framework) Tasks() []TaskView {
	out := make([]TaskView, 0, len(f.tasks))
	for _, id := range sortedKeys(f.tasks) {
		t := f.tasks[id]
		out = append(out, TaskView{Framework: f.cfg.Name, Task: id, Agent: t.agent, State: t.state})
	}
	return out
}

// Kill implements Driver.
func (f *Framework) Kill(task string) {
	agent := ""
	if t := f.tasks[task]; t != nil {
		agent = t.agent
	}
	f.send(Kill{Framework: f.cfg.Name, Task: task, Agent: agent})
}

// Suppress implements Driver.
func (f *Framework) Suppress() { f.send(Suppress{Framework: f.cfg.Name}) }

// Revive implements Driver.
func (f *Framework) Revive() { f.send(Revive{Framework: f.cfg.Name}) }

// Submitted implements Driver.
func (f *Framework) Submitted(task, job string, res Resources) {
	f.rec.record(Record{T: f.clock.Now(), Kind: KindTaskSubmitted, Task: task, Job: job, Framework: f.cfg.Name, Resources: res})
}

// DeclineAgent declines every offer the framework holds on agent (the
// timeline's decline entry). A negative refuseSeconds uses the framework's
// own refuse_seconds.
func (f *Framework) DeclineAgent(agent string, refuseSeconds float64) []sim.Envelope {
	if refuseSeconds < 0 {
		refuseSeconds = f.cfg.RefuseSeconds
	}
	var ids []string
	for _, id := range sortedKeys(f.offers) {
		if f.offers[id].Agent == agent {
			ids = append(ids, id)
		}
	}
	if len(ids) > 0 {
		f.Decline(ids, refuseSeconds)
	}
	return f.Outbox()
}

// Release kills every task the framework believes runs on agent.
func (f *Framework) Release(agent string) []sim.Envelope {
	for _, id := range sortedKeys(f.tasks) {
		if t := f.tasks[id]; t.agent == agent && !t.state.Terminal() {
			f.Kill(id)
		}
	}
	return f.Outbox()
}

// Call runs fn (a timeline action on the driver) and returns the messages
// it produced.
func (f *Framework) Call(fn func(d Driver)) []sim.Envelope {
	if !f.removed {
		fn(f)
	}
	return f.Outbox()
}

// Teardown sends TEARDOWN; the framework stops handling messages.
func (f *Framework) Teardown() []sim.Envelope {
	f.send(Teardown{Framework: f.cfg.Name})
	out := f.Outbox()
	f.removed = true
	return out
}
