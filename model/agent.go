package model

import (
	"math/rand/v2"

	"github.com/mesosim/mesosim/sim"
)

// Agent protocol constants (../shared/reference/mesos-protocol.md,
// "Timeouts and defaults").
const (
	// PingInterval is how often the master pings an agent.
	PingInterval = 15 * sim.Second
	// MaxMissedPings is how many pongs may go missing before the master
	// marks the agent unreachable (and the agent decides the master is
	// gone).
	MaxMissedPings = 5
	// UpdateRetryMin and UpdateRetryMax bound the status update manager's
	// doubling retry interval.
	UpdateRetryMin = 10 * sim.Second
	UpdateRetryMax = 10 * sim.Minute
	// RegisterBackoffMax caps the agent's (re-)registration backoff.
	RegisterBackoffMax = sim.Minute
)

// Agent is a Mesos agent with its executors folded in: it runs tasks for
// their duration and reports their states through the status update
// manager, one FIFO stream per task, retried until acknowledged.
type Agent struct {
	name  string
	id    string // agent ID: name, or name#N after N-1 host reboots
	res   Resources
	clock Clock
	rng   *rand.Rand
	rec   recorder
	out   outbox
	addr  sim.Address // AgentAddress(id)
	// pong is PongSlave{Agent: id}, boxed once per agent ID.
	pong sim.Message
	// pingTimeoutFn is pingTimeout as a method value, made once.
	pingTimeoutFn func()

	// everRegistered: the agent registered once, so it re-registers (with
	// its tasks) rather than registering anew.
	everRegistered bool
	connected      bool
	down           bool
	stopped        bool
	// epoch grows at every crash: timers of an older epoch do nothing.
	epoch     uint64
	attempts  int
	pingTimer sim.Timer
	hasPing   bool

	tasks    map[string]*agentTask // by framework/task
	nextUUID uint64
	incarn   int
	// noHealthChecks: the master does not ping (see
	// MasterConfig.NoHealthChecks), so the agent does not watch for pings.
	noHealthChecks bool
}

type agentTask struct {
	framework      string
	role           string
	partitionAware bool
	checkpoint     bool
	info           TaskInfo
	state          TaskState
	// endsAt is when the task finishes (sim.Never: until killed).
	endsAt   sim.Time
	timer    sim.Timer
	hasTimer bool
	// stream is the task's status update stream: only its head is in
	// flight; the next is sent when the head is acknowledged.
	stream     []TaskStatus
	retry      sim.Timer
	hasRetry   bool
	retryDelay sim.Time
}

// NewAgent returns an agent that has not registered yet; rng drives its
// registration backoff.
func NewAgent(name string, res Resources, clock Clock, rng *rand.Rand, emit func(*Record)) *Agent {
	a := &Agent{name: name, id: name, addr: AgentAddress(name), pong: PongSlave{Agent: name}, res: res, clock: clock, rng: rng,
		rec: recorder{emit: emit}, tasks: map[string]*agentTask{}, incarn: 1}
	a.pingTimeoutFn = a.pingTimeout
	return a
}

// Name returns the agent's host name (the scenario's name).
func (a *Agent) Name() string { return a.name }

// ID returns the agent's current agent ID.
func (a *Agent) ID() string { return a.id }

// Resources returns the agent's total resources.
func (a *Agent) Resources() Resources { return a.res }

// Down reports whether the agent process is crashed or stopped.
func (a *Agent) Down() bool { return a.down || a.stopped }

// Outbox returns the messages produced by timers and empties it; the
// slice (like those of the other methods returning messages) is valid
// until the agent's next call: its array is reused.
func (a *Agent) Outbox() []sim.Envelope {
	return a.out.take()
}

func (a *Agent) send(msg sim.Message) {
	a.out.add(a.addr, MasterAddress, msg)
}

// after arms a timer that does nothing if the agent crashed since. The
// hot timers (a task's end, an update's retry) check live themselves, in
// their own closure, and save after's.
func (a *Agent) after(d sim.Time, fn func()) sim.Timer {
	epoch := a.epoch
	return a.clock.After(d, func() {
		if a.live(epoch) {
			fn()
		}
	})
}

// live reports whether a timer armed in epoch may run: the agent has not
// crashed since and is up.
func (a *Agent) live(epoch uint64) bool { return a.epoch == epoch && !a.down && !a.stopped }

// Start registers the agent with the master.
func (a *Agent) Start() []sim.Envelope {
	a.attempts = 0
	a.register()
	return a.Outbox()
}

// register sends RegisterSlave (or ReregisterSlave once registered before)
// and retries with the reference's backoff until the master answers:
// random in [0, 1 s], then [0, 2^n s], at most 1 min.
func (a *Agent) register() {
	if a.connected {
		return
	}
	if a.everRegistered {
		a.send(ReregisterSlave{Agent: a.id, Resources: a.res, Tasks: a.report()})
	} else {
		a.send(RegisterSlave{Agent: a.id, Resources: a.res})
	}
	bound := sim.Second << min(a.attempts, 6)
	bound = min(bound, RegisterBackoffMax)
	a.attempts++
	a.after(sim.Time(a.rng.Int64N(int64(bound)+1)), a.register)
}

// report lists every task for ReregisterSlave, sorted.
func (a *Agent) report() []TaskReport {
	var out []TaskReport
	for _, k := range sortedKeys(a.tasks) {
		t := a.tasks[k]
		us := t.state
		if len(t.stream) > 0 {
			us = t.stream[0].State
		}
		out = append(out, TaskReport{Framework: t.framework, Role: t.role, PartitionAware: t.partitionAware, Checkpoint: t.checkpoint, Info: t.info, State: t.state, UpdateState: us})
	}
	return out
}

// Stop shuts the agent down for good: it unregisters and its tasks are gone.
func (a *Agent) Stop() []sim.Envelope {
	if a.stopped {
		return nil
	}
	a.cancelAll()
	clear(a.tasks)
	a.stopped = true
	a.send(UnregisterSlave{Agent: a.id})
	return a.Outbox()
}

// shutdown is Slave::shutdown on the master's ShutdownMessage (the agent
// was marked gone): its executors are killed and it exits for good,
// without unregistering and without sending updates.
func (a *Agent) shutdown() {
	a.cancelAll()
	clear(a.tasks)
	a.stopped = true
	a.connected = false
}

func (a *Agent) cancelAll() {
	for _, k := range sortedKeys(a.tasks) {
		t := a.tasks[k]
		if t.hasTimer {
			a.clock.Cancel(t.timer)
			t.hasTimer = false
		}
		if t.hasRetry {
			a.clock.Cancel(t.retry)
			t.hasRetry = false
		}
	}
	if a.hasPing {
		a.clock.Cancel(a.pingTimer)
		a.hasPing = false
	}
}

// Crash kills the agent process: it stops answering; its executors keep
// running, but nothing is reported until it restarts.
func (a *Agent) Crash() {
	if a.down || a.stopped {
		return
	}
	a.cancelAll()
	a.epoch++
	a.down = true
	a.connected = false
}

// Restart brings a crashed agent back on the same host. Tasks of
// checkpointing frameworks are recovered with their update streams (a
// task whose time ran out while the agent was down finishes now); tasks of
// other frameworks are gone. The agent then re-registers with the same ID,
// and the master reports what it misses.
func (a *Agent) Restart() []sim.Envelope {
	if !a.down || a.stopped {
		return nil
	}
	a.down = false
	now := a.clock.Now()
	for _, k := range sortedKeys(a.tasks) {
		t := a.tasks[k]
		if !t.checkpoint {
			delete(a.tasks, k)
			continue
		}
		t.retryDelay = 0
		if !t.state.Terminal() && t.endsAt != sim.Never {
			a.armFinish(k, t, max(t.endsAt-now, 0))
		}
	}
	a.attempts = 0
	a.register()
	return a.Outbox()
}

// Reboot is a restart after a host reboot: every task is gone and the agent
// registers as a new agent (a new agent ID).
func (a *Agent) Reboot() []sim.Envelope {
	if a.stopped {
		return nil
	}
	a.Crash()
	clear(a.tasks)
	a.down = false
	a.incarn++
	a.id = a.name + "#" + itoa(a.incarn)
	a.addr = AgentAddress(a.id)
	a.pong = PongSlave{Agent: a.id}
	a.everRegistered = false
	a.attempts = 0
	a.register()
	return a.Outbox()
}

// NewLeader tells the agent a new master was elected (ZooKeeper's
// detection): it re-registers.
func (a *Agent) NewLeader() []sim.Envelope {
	if a.down || a.stopped || !a.everRegistered {
		return nil
	}
	a.disconnect()
	a.register()
	return a.Outbox()
}

// disconnect pauses the status update manager until re-registration.
func (a *Agent) disconnect() {
	a.connected = false
	a.attempts = 0
	for _, k := range sortedKeys(a.tasks) {
		if t := a.tasks[k]; t.hasRetry {
			a.clock.Cancel(t.retry)
			t.hasRetry = false
		}
	}
}

// Used returns the resources of the tasks the agent runs now.
func (a *Agent) Used() Resources {
	var used Resources
	for _, k := range sortedKeys(a.tasks) {
		if t := a.tasks[k]; !t.state.Terminal() {
			used = used.Add(t.info.Resources)
		}
	}
	return used
}

// Handle processes one message and returns what the agent sends.
func (a *Agent) Handle(e sim.Envelope) []sim.Envelope {
	if a.stopped || a.down {
		return nil
	}
	switch msg := e.Msg.(type) {
	case SlaveRegistered:
		if msg.Agent == a.id && !a.connected {
			a.everRegistered = true
			a.connected = true
			a.armPingTimeout()
			a.resumeUpdates()
		}
	case SlaveReregistered:
		if msg.Agent == a.id && !a.connected {
			a.connected = true
			a.armPingTimeout()
			a.resumeUpdates()
			// Missing tasks get new streams, whose heads go out as they
			// are created.
			for _, m := range msg.Missing {
				a.reportMissing(m, ReasonReconciliation)
			}
		}
	case PingSlave:
		if a.connected {
			a.armPingTimeout()
		}
		a.send(a.pong)
	case RunTask:
		a.runTask(msg)
	case KillTask:
		t := a.tasks[taskKey(msg.Framework, msg.Task)]
		switch {
		case t == nil:
			// A kill for a task the agent never got (its RunTask was
			// lost): reported TASK_DROPPED (TASK_LOST), reliably.
			a.reportMissing(MissingTask{Framework: msg.Framework, Task: msg.Task, PartitionAware: msg.PartitionAware}, ReasonTaskUnknown)
		case !t.state.Terminal():
			a.finish(t, TaskKilled, "REASON_TASK_KILLED")
		}
	case ShutdownFramework:
		for _, k := range sortedKeys(a.tasks) {
			if t := a.tasks[k]; t.framework == msg.Framework {
				if t.hasTimer {
					a.clock.Cancel(t.timer)
				}
				if t.hasRetry {
					a.clock.Cancel(t.retry)
				}
				delete(a.tasks, k)
			}
		}
	case StatusUpdateAcknowledgement:
		a.acknowledged(msg)
	case ShutdownSlave:
		if msg.Agent == a.id {
			a.shutdown()
		}
	case UpdateFramework:
		// Slave::updateFramework: dropped unless the agent is registered
		// (RUNNING) and knows the framework; then the task status update
		// manager's resume() resends the head of every stream it holds,
		// of every framework, each with a fresh 10 s retry interval.
		if a.connected && a.knows(msg.Framework) {
			a.resumeUpdates()
		}
	}
	return a.Outbox()
}

// armPingTimeout restarts the agent's watch on the master's pings: with no
// ping for MaxMissedPings intervals the agent takes the master for lost
// and re-registers. (Not without health checks.)
func (a *Agent) armPingTimeout() {
	if a.noHealthChecks {
		return
	}
	if a.hasPing {
		a.clock.Cancel(a.pingTimer)
	}
	a.hasPing = true
	a.pingTimer = a.after(PingInterval*MaxMissedPings, a.pingTimeoutFn)
}

// pingTimeout is the agent deciding the master is gone: no ping for
// MaxMissedPings intervals. It registers again.
func (a *Agent) pingTimeout() {
	a.hasPing = false
	a.disconnect()
	a.register()
}

func (a *Agent) runTask(msg RunTask) {
	key := taskKey(msg.Framework, msg.Task.ID)
	if _, ok := a.tasks[key]; ok {
		return
	}
	t := &agentTask{framework: msg.Framework, role: msg.Role, partitionAware: msg.PartitionAware,
		checkpoint: msg.Checkpoint, info: msg.Task, state: TaskStaging, endsAt: sim.Never}
	a.tasks[key] = t
	// The command executor (Mesos's src/launcher/executor.cpp,
	// CommandExecutor::launch) sends TASK_STARTING, forks the task's
	// process, then sends TASK_RUNNING, in one call: both updates are made
	// now, one after the other, and queue in the task's stream, so
	// RUNNING goes out once STARTING is acknowledged.
	a.update(t, TaskStarting, "", SourceExecutor)
	a.update(t, TaskRunning, "", SourceExecutor)
	if d := msg.Task.Duration; d != sim.Never && d >= 0 {
		t.endsAt = a.clock.Now() + d
		a.armFinish(key, t, d)
	}
}

func (a *Agent) armFinish(key string, t *agentTask, d sim.Time) {
	t.hasTimer = true
	epoch := a.epoch
	t.timer = a.clock.After(d, func() {
		if !a.live(epoch) {
			return
		}
		t.hasTimer = false
		if a.tasks[key] == t && !t.state.Terminal() {
			if end := t.info.EndState; end.Terminal() {
				a.finish(t, end, t.info.EndReason)
			} else {
				a.finish(t, TaskFinished, "")
			}
		}
	})
}

func (a *Agent) finish(t *agentTask, state TaskState, reason string) {
	if t.hasTimer {
		a.clock.Cancel(t.timer)
		t.hasTimer = false
	}
	a.update(t, state, reason, SourceExecutor)
}

// reportMissing answers a task the master knows and this agent does not:
// TASK_DROPPED (TASK_LOST if not partition-aware), REASON_RECONCILIATION,
// sent reliably through a stream of its own.
func (a *Agent) reportMissing(m MissingTask, reason string) {
	key := taskKey(m.Framework, m.Task)
	if _, ok := a.tasks[key]; ok {
		return
	}
	state := TaskLost
	if m.PartitionAware {
		state = TaskDropped
	}
	t := &agentTask{framework: m.Framework, partitionAware: m.PartitionAware, checkpoint: true,
		info: TaskInfo{ID: m.Task, Duration: sim.Never, Submitted: -1}, state: state, endsAt: sim.Never}
	a.tasks[key] = t
	a.update(t, state, reason, SourceAgent)
}

// update appends a reliable status update to the task's stream and sends
// it if it is the head (and the agent is connected).
func (a *Agent) update(t *agentTask, state TaskState, reason, source string) {
	t.state = state
	a.nextUUID++
	st := TaskStatus{Task: t.info.ID, Framework: t.framework, Agent: a.id, State: state,
		Reason: reason, Source: source, UUID: updateUUID(a.id, a.nextUUID)}
	a.rec.record(Record{T: a.clock.Now(), Kind: KindTaskStatus, Task: st.Task, Framework: st.Framework, Agent: a.id,
		State: state.String(), Reason: reason, Source: st.Source, SeenBy: "agent", UUID: st.UUID})
	t.stream = append(t.stream, st)
	if len(t.stream) == 1 && a.connected {
		t.retryDelay = 0
		a.sendHead(t)
	}
}

// sendHead sends the head of a stream and arms its retry: 10 s, doubling,
// at most 10 min, with no limit on tries.
func (a *Agent) sendHead(t *agentTask) {
	if len(t.stream) == 0 || !a.connected {
		return
	}
	a.send(StatusUpdate{Status: t.stream[0]})
	if t.retryDelay == 0 {
		t.retryDelay = UpdateRetryMin
	} else {
		t.retryDelay = min(2*t.retryDelay, UpdateRetryMax)
	}
	if t.hasRetry {
		a.clock.Cancel(t.retry)
	}
	t.hasRetry = true
	head := t.stream[0].UUID
	epoch := a.epoch
	t.retry = a.clock.After(t.retryDelay, func() {
		if !a.live(epoch) {
			return
		}
		t.hasRetry = false
		if len(t.stream) > 0 && t.stream[0].UUID == head {
			a.sendHead(t)
		}
	})
}

// knows reports whether the agent holds a task (live, or terminal with
// updates pending) of framework: mesosim's stand-in for the agent's
// Framework object, which lives as long as its executors and streams.
func (a *Agent) knows(framework string) bool {
	for _, t := range a.tasks {
		if t.framework == framework {
			return true
		}
	}
	return false
}

// resumeUpdates resends every stream's head at once, with a fresh retry
// interval (TaskStatusUpdateManagerProcess::resume): after (re-)registering
// and on UpdateFramework.
func (a *Agent) resumeUpdates() {
	for _, k := range sortedKeys(a.tasks) {
		t := a.tasks[k]
		t.retryDelay = 0
		a.sendHead(t)
	}
}

func (a *Agent) acknowledged(msg StatusUpdateAcknowledgement) {
	key := taskKey(msg.Framework, msg.Task)
	t := a.tasks[key]
	if t == nil || len(t.stream) == 0 || t.stream[0].UUID != msg.UUID {
		return // a wrong or duplicate acknowledgement is ignored
	}
	if t.hasRetry {
		a.clock.Cancel(t.retry)
		t.hasRetry = false
	}
	t.stream = t.stream[1:]
	t.retryDelay = 0
	if len(t.stream) > 0 {
		a.sendHead(t)
		return
	}
	if t.state.Terminal() {
		delete(a.tasks, key)
	}
}

// Tasks returns the agent's view of its tasks (what it actually runs or
// still reports), sorted by framework and task.
func (a *Agent) Tasks() []TaskView {
	var out []TaskView
	for _, k := range sortedKeys(a.tasks) {
		t := a.tasks[k]
		out = append(out, TaskView{Framework: t.framework, Task: t.info.ID, Agent: a.id, State: t.state})
	}
	return out
}

// TaskView is one task as some actor sees it.
type TaskView struct {
	Framework, Task, Agent string
	State                  TaskState
}

func itoa(n int) string {
	if n == 0 {
		return "0"
	}
	var b [20]byte
	i := len(b)
	for n > 0 {
		i--
		b[i] = byte('0' + n%10)
		n /= 10
	}
	return string(b[i:])
}

// updateUUID derives an update's UUID from the agent ID and a counter: as
// unique as Mesos's random UUIDs for any practical run, deterministic, and
// never zero (zero marks the master's own updates).
func updateUUID(agent string, n uint64) uint64 {
	h := uint64(14695981039346656037)
	for i := 0; i < len(agent); i++ {
		h ^= uint64(agent[i])
		h *= 1099511628211
	}
	x := h ^ (n * 0x9e3779b97f4a7c15)
	x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9
	x = (x ^ (x >> 27)) * 0x94d049bb133111eb
	x ^= x >> 31
	if x == 0 {
		x = 1
	}
	return x
}
