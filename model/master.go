package model

import (
	"sort"

	"github.com/mesosim/mesosim/sim"
)

// MaxRefuse caps a filter's duration at 365 days, as Mesos does.
const MaxRefuse = 365 * 24 * sim.Hour

// DefaultRefuse is Mesos's default refuse_seconds (5 s).
const DefaultRefuse = 5 * sim.Second

// MasterConfig holds the master's knobs.
type MasterConfig struct {
	// AllocationInterval is the period of the batch allocation cycle.
	AllocationInterval sim.Time
	// OfferTimeout rescinds an offer (with no filter) after that long; 0 is
	// never, Mesos's default.
	OfferTimeout sim.Time
	// NoHealthChecks leaves out the pings between master and agents. Only
	// for worlds where they could never go unanswered (no fault of any
	// kind): there they change nothing but the run's cost.
	NoHealthChecks bool
	// AgentReregisterTimeout is Mesos's agent_reregister_timeout: how long
	// a new leader waits for the agents of its registry, and how long the
	// master waits for an agent whose connection broke, before marking
	// them unreachable. Zero is DefaultAgentReregisterTimeout.
	AgentReregisterTimeout sim.Time
	// RegistryGCInterval, RegistryMaxAgentAge and RegistryMaxAgentCount
	// are Mesos's registry_gc_interval, registry_max_agent_age and
	// registry_max_agent_count (doRegistryGc). Zero is the Mesos default.
	RegistryGCInterval    sim.Time
	RegistryMaxAgentAge   sim.Time
	RegistryMaxAgentCount int
}

// Master is the Mesos master: it admits agents and frameworks, runs the
// allocation cycles, turns grants into offers, launches tasks and forwards
// status updates. Its handlers return the messages it sends.
type Master struct {
	cfg   MasterConfig
	clock Clock
	alloc Allocator
	rec   recorder
	out   outbox

	agents     map[string]*masterAgent
	agentOrder []string
	frameworks map[string]*masterFramework
	// offers holds the outstanding offers by sequence number (the N of
	// their ID "oN"), which restarts at 1 in every new master.
	offers    map[uint64]*masterOffer
	nextOffer uint64
	offerPool offerPool
	nextTask  uint64

	// registry is what survives a master failover (agents admitted,
	// unreachable and gone; weights; quota), shared with the next leader.
	registry *Registry
	// removed holds frameworks removed for good: re-subscribing is refused.
	removed map[string]bool
	// agentLost remembers offers rescinded because their agent was removed
	// or became unreachable, with the reason an accept of them gets.
	agentLost map[string]string

	gcStarted     bool
	cycle         int64
	pending       sim.Timer
	hasPending    bool
	pendingAll    bool
	pendingAgents map[string]bool
	started       bool
	// taskViews caches Tasks between changes of the frameworks' tasks.
	taskViews taskViewCache

	// Scratch of runCycle, reused from cycle to cycle, and the timer
	// events of the cycles as method values made once.
	candidates   []string
	cycleGrants  []cycleGrant
	cycleOrder   []*masterFramework
	tickFn       func()
	runPendingFn func()
}

type masterAgent struct {
	name   string      // the agent ID
	addr   sim.Address // AgentAddress(name)
	ping   sim.Message // PingSlave{Agent: name}, boxed once
	total  Resources
	tasks  map[string]*masterTask // by framework/task
	offers offerSet
	status agentStatus
	// disconnected: registered, but its connection broke (Master::exited
	// -> disconnect: Mesos's !slave->connected); deactivated meanwhile.
	disconnected bool
	// health checks
	missed      int
	awaitPong   bool
	pingTimer   sim.Timer
	hasPing     bool
	reregTimer  sim.Timer
	hasReregTmr bool
}

// agentStatus is what the master knows of an agent.
type agentStatus uint8

const (
	agentActive      agentStatus = iota
	agentUnreachable             // missed its pings or its re-registration
	agentRecovered               // known from the registry after a failover, not re-registered yet
)

type masterFramework struct {
	name           string
	addr           sim.Address // FrameworkAddress(name)
	heartbeat      sim.Message // Heartbeat{Framework: name}, boxed once
	role           string
	partitionAware bool
	tasks          map[string]*masterTask
	offers         offerSet
	// connected is false for a framework known only from re-registering
	// agents after a failover, or one whose scheduler disconnected.
	connected       bool
	subscribed      bool
	checkpoint      bool
	failoverTimeout sim.Time
	failoverTimer   sim.Timer
	hasFailover     bool
	heartbeatTimer  sim.Timer
	hasHeartbeat    bool
	// runCycle's count of the framework's grants in the cycle, and where
	// its offers start and are filled in the cycle's array.
	cycleOffers, cycleStart, cycleFill int
}

type masterTask struct {
	seq                  uint64 // launch order
	id, framework, agent string
	res                  Resources
	state                TaskState
	terminalUUID         uint64
	// updateState is the state of the latest update of the task's stream
	// (Mesos's Task.status_update_state): what reconciliation reports, so
	// that answers never run ahead of the agent's reliable updates.
	updateState TaskState
	// held: the task's resources are allocated in the allocator (from its
	// launch, or its agent's admission, until it ends or its agent leaves
	// allocation), so they are recovered once and only if held.
	held bool
	// unreachable: the task's agent is unreachable, so the task is among
	// the framework's unreachable tasks (Mesos's
	// Framework::unreachableTasks), not its tasks: implicit
	// reconciliation does not answer it, explicit reconciliation answers
	// from the agent's state.
	unreachable bool
}

type masterOffer struct {
	seq                        uint64 // the N of id "oN"
	id, framework, role, agent string
	res                        Resources
	timer                      sim.Timer
	hasTimer                   bool
	// f and a are the offer's framework and agent, whose sets hold it
	// (their records outlive the offer: removing either rescinds it
	// first); pos is where it is in their offerSets, by offerSide.
	f   *masterFramework
	a   *masterAgent
	pos [2]int
}

// newMasterAgent returns a master's agent record with no task and no offer.
func newMasterAgent(name string, total Resources) *masterAgent {
	return &masterAgent{name: name, addr: AgentAddress(name), ping: PingSlave{Agent: name}, total: total, tasks: map[string]*masterTask{}, offers: offerSet{side: agentSide}}
}

// NewMaster returns a master that allocates with alloc and reports records
// through emit.
func NewMaster(cfg MasterConfig, clock Clock, alloc Allocator, emit func(*Record)) *Master {
	if cfg.AllocationInterval <= 0 {
		cfg.AllocationInterval = sim.Second
	}
	if cfg.AgentReregisterTimeout <= 0 {
		cfg.AgentReregisterTimeout = DefaultAgentReregisterTimeout
	}
	if cfg.RegistryGCInterval <= 0 {
		cfg.RegistryGCInterval = DefaultRegistryGCInterval
	}
	if cfg.RegistryMaxAgentAge <= 0 {
		cfg.RegistryMaxAgentAge = DefaultRegistryMaxAgentAge
	}
	if cfg.RegistryMaxAgentCount <= 0 {
		cfg.RegistryMaxAgentCount = DefaultRegistryMaxAgentCount
	}
	m := &Master{
		cfg: cfg, clock: clock, alloc: alloc, rec: recorder{emit: emit},
		agents:        map[string]*masterAgent{},
		frameworks:    map[string]*masterFramework{},
		offers:        map[uint64]*masterOffer{},
		pendingAgents: map[string]bool{},
		registry:      NewRegistry(),
		removed:       map[string]bool{},
		agentLost:     map[string]string{},
	}
	m.tickFn, m.runPendingFn = m.tick, m.runPending
	return m
}

// Start arms the periodic allocation: as in Mesos, the first batch cycle
// runs one allocation_interval after the start.
func (m *Master) Start() {
	if m.started {
		return
	}
	m.started = true
	m.clock.After(m.cfg.AllocationInterval, m.tickFn)
	m.startRegistryGC()
}

// Cycles returns how many allocation cycles ran.
func (m *Master) Cycles() int64 { return m.cycle }

// Outbox returns the messages produced outside Handle (by timers) and
// empties it. The slice (like Handle's) is valid until the master's next
// call: its array is reused.
func (m *Master) Outbox() []sim.Envelope { return m.out.take() }

func (m *Master) send(to sim.Address, msg sim.Message) { m.out.add(MasterAddress, to, msg) }

// record stamps r with the time and hands it to the observers (through a
// scratch Record: observers must not keep the pointer, see Observer).
func (m *Master) record(r Record) {
	r.T = m.clock.Now()
	m.rec.record(r)
}

// Handle processes one message and returns the messages the master sends.
func (m *Master) Handle(e sim.Envelope) []sim.Envelope {
	switch msg := e.Msg.(type) {
	case RegisterSlave:
		m.registerAgent(msg)
	case ReregisterSlave:
		m.reregisterAgent(msg)
	case PongSlave:
		if a := m.agents[msg.Agent]; a != nil {
			a.awaitPong = false
			a.missed = 0
		}
	case Reconcile:
		m.reconcile(msg)
	case UnregisterSlave:
		m.RemoveAgent(msg.Agent, "unregistered")
	case Subscribe:
		m.subscribe(msg)
	case Teardown:
		m.RemoveFramework(msg.Framework, "teardown")
	case Accept:
		m.accept(msg)
	case Decline:
		m.decline(msg)
	case Suppress:
		if f := m.frameworks[msg.Framework]; f != nil {
			m.record(Record{Kind: KindFrameworkSuppress, Framework: f.name})
			m.alloc.Suppress(f.name)
		}
	case Revive:
		if f := m.frameworks[msg.Framework]; f != nil {
			m.record(Record{Kind: KindFrameworkRevive, Framework: f.name})
			m.alloc.Revive(f.name)
			m.trigger("")
		}
	case Kill:
		m.kill(msg)
	case Acknowledge:
		m.acknowledge(msg)
	case StatusUpdate:
		m.statusUpdate(msg.Status)
	}
	return m.Outbox()
}

// SetQuota is the operator's quota update. It does not trigger a cycle.
func (m *Master) SetQuota(role string, q Quota) {
	m.registry.setQuota(role, q)
	m.record(Record{Kind: KindQuotaSet, Role: role, Detail: "guarantee=" + q.Guarantee.String() + " limit=" + q.Limit.String()})
	m.alloc.SetQuota(role, q)
}

// SetWeight is the operator's weight update. It does not trigger a cycle.
func (m *Master) SetWeight(role string, w float64) {
	m.registry.setWeight(role, w)
	m.record(Record{Kind: KindWeightSet, Role: role, Weight: w})
	m.alloc.SetWeight(role, w)
}

func (m *Master) registerAgent(msg RegisterSlave) {
	if _, ok := m.agents[msg.Agent]; ok {
		m.send(AgentAddress(msg.Agent), SlaveRegistered{Agent: msg.Agent})
		return
	}
	if _, gone := m.registry.Gone[msg.Agent]; gone {
		// Master::registerSlave: an agent marked gone is shut down.
		m.send(AgentAddress(msg.Agent), ShutdownSlave{Agent: msg.Agent})
		return
	}
	a := newMasterAgent(msg.Agent, msg.Resources)
	m.agents[a.name] = a
	m.admit(a)
	m.send(a.addr, SlaveRegistered{Agent: a.name})
}

// admit makes a (re-)registered agent active: in the registry, in the
// allocator with what its tasks use, health-checked, and offered at once.
func (m *Master) admit(a *masterAgent) {
	a.status = agentActive
	if a.hasReregTmr {
		m.clock.Cancel(a.reregTimer)
		a.hasReregTmr = false
	}
	m.registry.admit(a.name, a.total)
	m.agentOrder = append(m.agentOrder, a.name)
	m.record(Record{Kind: KindAgentAdded, Agent: a.name, Resources: a.total})
	m.alloc.AddAgent(a.name, a.total, m.usage(a))
	if !m.cfg.NoHealthChecks {
		m.startPings(a)
	}
	m.trigger(a.name)
}

// usage is what an agent's live tasks use, by framework.
func (m *Master) usage(a *masterAgent) []Usage {
	byFw := map[string]Resources{}
	for _, k := range sortedKeys(a.tasks) {
		t := a.tasks[k]
		if !t.state.Terminal() && t.state != TaskUnreachable {
			byFw[t.framework] = byFw[t.framework].Add(t.res)
			t.held = true
		}
	}
	var out []Usage
	for _, fw := range sortedKeys(byFw) {
		out = append(out, Usage{Framework: fw, Resources: byFw[fw]})
	}
	return out
}

// deactivateAgent takes an agent out of allocation.
func (m *Master) deactivateAgent(a *masterAgent) {
	m.alloc.RemoveAgent(a.name)
	for _, t := range a.tasks {
		t.held = false // the allocator forgot the agent's allocations
	}
	m.leaveOrder(a)
}

// leaveOrder stops offering an agent (Mesos's Master::deactivate and the
// allocator's deactivateSlave): it is no longer a candidate of any cycle,
// while the allocator keeps its resources and allocations.
func (m *Master) leaveOrder(a *masterAgent) {
	for i, n := range m.agentOrder {
		if n == a.name {
			m.agentOrder = append(m.agentOrder[:i], m.agentOrder[i+1:]...)
			break
		}
	}
	delete(m.pendingAgents, a.name)
}

func (m *Master) subscribe(msg Subscribe) {
	if m.removed[msg.Framework] {
		m.send(FrameworkAddress(msg.Framework), ErrorEvent{Message: "framework " + msg.Framework + " has been removed"})
		return
	}
	if f, ok := m.frameworks[msg.Framework]; ok {
		if !f.connected || !f.subscribed {
			// A failed-over scheduler (or one known so far only from
			// re-registering agents) comes back: reactivate it.
			if f.hasFailover {
				m.clock.Cancel(f.failoverTimer)
				f.hasFailover = false
			}
			wasSubscribed := f.subscribed
			f.connected, f.subscribed = true, true
			f.partitionAware, f.failoverTimeout, f.checkpoint = msg.PartitionAware, msg.FailoverTimeout, msg.Checkpoint
			if !wasSubscribed {
				m.record(Record{Kind: KindFrameworkAdded, Framework: f.name, Role: f.role})
			}
			m.alloc.Revive(f.name)
			m.trigger("")
		}
		m.sendSubscribed(f)
		m.sendFrameworkUpdates(msg)
		return
	}
	f := &masterFramework{name: msg.Framework, addr: FrameworkAddress(msg.Framework), role: msg.Role, partitionAware: msg.PartitionAware,
		tasks: map[string]*masterTask{}, connected: true, subscribed: true,
		failoverTimeout: msg.FailoverTimeout, checkpoint: msg.Checkpoint}
	m.frameworks[f.name] = f
	m.record(Record{Kind: KindFrameworkAdded, Framework: f.name, Role: f.role})
	m.alloc.AddFramework(FrameworkInfo{Name: f.name, Role: f.role, MinAllocatable: msg.MinAllocatable})
	m.sendSubscribed(f)
	m.sendFrameworkUpdates(msg)
	m.trigger("")
}

// sendFrameworkUpdates ends a subscription that carries a framework ID (a
// re-subscription, also to a new master that does not know the framework
// yet) as Mesos's Master::_subscribe does: UpdateFrameworkMessage to every
// registered agent (Master::sendFrameworkUpdates loops over
// slaves.registered; unreachable agents and agents recovered from the
// registry but not re-registered get none). A first subscription (no ID)
// sends none.
func (m *Master) sendFrameworkUpdates(msg Subscribe) {
	if !msg.Resubscribe {
		return
	}
	for _, id := range sortedKeys(m.agents) {
		if m.agents[id].status == agentActive {
			m.send(AgentAddress(id), UpdateFramework{Framework: msg.Framework})
		}
	}
}

// RemoveFramework removes a framework: its offers are rescinded and its
// tasks marked KILLED with REASON_FRAMEWORK_REMOVED; agents shut them down.
func (m *Master) RemoveFramework(name, reason string) {
	f := m.frameworks[name]
	if f == nil {
		return
	}
	m.rescindAll(&f.offers, "framework_removed", false)
	agents := map[string]bool{}
	tasks := make([]*masterTask, 0, len(f.tasks))
	for _, t := range f.tasks {
		tasks = append(tasks, t)
	}
	sortTasksBySeq(tasks)
	for _, t := range tasks {
		agents[t.agent] = true
		if !t.state.Terminal() {
			m.transition(t, TaskStatus{Task: t.id, Framework: t.framework, Agent: t.agent,
				State: TaskKilled, Reason: ReasonFrameworkRemoved, Source: SourceMaster})
		}
		m.forgetTask(t)
	}
	for _, a := range sortedKeys(agents) {
		if _, ok := m.agents[a]; ok {
			m.send(AgentAddress(a), ShutdownFramework{Framework: name})
		}
	}
	if f.hasFailover {
		m.clock.Cancel(f.failoverTimer)
	}
	m.alloc.RemoveFramework(name)
	delete(m.frameworks, name)
	m.removed[name] = true
	m.record(Record{Kind: KindFrameworkRemoved, Framework: name, Reason: reason})
}

// refuse turns a refuse_seconds value into a filter duration: 0 is no
// filter, negative is the 5 s default, capped at 365 days.
func refuse(seconds float64) sim.Time {
	switch {
	case seconds == 0:
		return 0
	case seconds < 0 || seconds != seconds:
		return DefaultRefuse
	case seconds >= MaxRefuse.Seconds():
		return MaxRefuse
	}
	return sim.FromSeconds(seconds)
}

func (m *Master) decline(msg Decline) {
	for _, id := range msg.Offers {
		o := m.offer(id)
		if o == nil || o.framework != msg.Framework {
			continue
		}
		m.removeOffer(o)
		m.record(Record{Kind: KindOfferDeclined, Offer: o.id, Framework: o.framework, Agent: o.agent,
			RefuseSeconds: refuse(msg.RefuseSeconds).Seconds(), Resources: o.res})
		m.alloc.Recover(o.framework, o.agent, o.res, refuse(msg.RefuseSeconds))
		m.offerPool.put(o)
	}
}

func (m *Master) accept(msg Accept) {
	f := m.frameworks[msg.Framework]
	if f == nil {
		return
	}
	var offers []*masterOffer
	valid := len(msg.Offers) > 0
	reason := ReasonInvalidOffers
	for _, id := range msg.Offers {
		if r, ok := m.agentLost[id]; ok {
			// The offer was valid, but its agent went away before the
			// accept arrived (Mesos's _accept: REASON_SLAVE_REMOVED or
			// REASON_SLAVE_DISCONNECTED).
			reason = r
		}
		o := m.offer(id)
		if o == nil || o.framework != msg.Framework || (len(offers) > 0 && o.agent != offers[0].agent) {
			valid = false
			continue
		}
		offers = append(offers, o)
	}
	if !valid {
		// An accept naming an invalid or rescinded offer fails whole: the
		// valid offers in it are recovered with no filter and every task
		// is DROPPED (LOST for frameworks that are not partition-aware).
		for _, o := range offers {
			m.removeOffer(o)
			m.record(Record{Kind: KindOfferDeclined, Offer: o.id, Framework: o.framework, Agent: o.agent, Resources: o.res})
			m.alloc.Recover(o.framework, o.agent, o.res, 0)
			m.offerPool.put(o)
		}
		state := TaskLost
		if f.partitionAware {
			state = TaskDropped
		}
		for _, ti := range msg.Launch {
			st := TaskStatus{Task: ti.ID, Framework: f.name, State: state, Reason: reason, Source: SourceMaster}
			m.record(Record{Kind: KindTaskStatus, Task: st.Task, Framework: st.Framework, State: st.State.String(),
				Reason: st.Reason, Source: st.Source, SeenBy: "master"})
			m.send(f.addr, Update{Status: st})
		}
		return
	}
	agent := offers[0].agent
	a := m.agents[agent]
	var offered Resources
	for _, o := range offers {
		offered = offered.Add(o.res)
		m.removeOffer(o)
	}
	remaining := offered
	var used Resources
	for _, ti := range msg.Launch {
		if ti.Resources.IsEmpty() || !remaining.Contains(ti.Resources) || f.tasks[ti.ID] != nil {
			st := TaskStatus{Task: ti.ID, Framework: f.name, Agent: agent, State: TaskError, Reason: "REASON_TASK_INVALID", Source: SourceMaster}
			m.record(Record{Kind: KindTaskStatus, Task: st.Task, Framework: st.Framework, Agent: agent, State: st.State.String(),
				Reason: st.Reason, Source: st.Source, SeenBy: "master"})
			m.send(f.addr, Update{Status: st})
			continue
		}
		remaining = remaining.Sub(ti.Resources)
		used = used.Add(ti.Resources)
		m.nextTask++
		t := &masterTask{seq: m.nextTask, id: ti.ID, framework: f.name, agent: agent, res: ti.Resources, state: TaskStaging, updateState: TaskStaging, held: true}
		f.tasks[t.id] = t
		m.taskViews.changed(t.framework, t.id)
		a.tasks[taskKey(f.name, t.id)] = t
		m.record(Record{Kind: KindTaskLaunched, Task: t.id, Job: ti.Job, Framework: f.name, Agent: agent, Resources: t.res, Submitted: ti.Submitted})
		m.send(a.addr, RunTask{Framework: f.name, Role: f.role, PartitionAware: f.partitionAware, Checkpoint: f.checkpoint, Task: ti})
	}
	left := used
	for _, o := range offers {
		part := o.res.Sub(o.res.Sub(left))
		left = left.Sub(part)
		m.record(Record{Kind: KindOfferAccepted, Offer: o.id, Framework: f.name, Agent: agent, Tasks: len(msg.Launch), Resources: part})
		m.offerPool.put(o)
	}
	if !remaining.IsEmpty() {
		m.alloc.Recover(f.name, agent, remaining, refuse(msg.RefuseSeconds))
	}
}

func (m *Master) kill(msg Kill) {
	f := m.frameworks[msg.Framework]
	if f == nil {
		return
	}
	t := f.tasks[msg.Task]
	if t == nil {
		// Mesos's Master::kill: an unknown task is reconciled instead.
		m.reconcile(Reconcile{Framework: f.name, Tasks: []TaskRef{{Task: msg.Task, Agent: msg.Agent}}})
		return
	}
	if t.state.Terminal() {
		return
	}
	m.send(AgentAddress(t.agent), KillTask{Framework: f.name, Task: t.id, PartitionAware: f.partitionAware})
}

func (m *Master) statusUpdate(st TaskStatus) {
	if a := m.agents[st.Agent]; a == nil || a.status != agentActive {
		// Master::statusUpdate: an update from an agent that is not
		// registered (removed, unreachable, not re-registered since a
		// failover) is dropped; the agent retries it once re-registered.
		return
	}
	f := m.frameworks[st.Framework]
	if f == nil {
		if m.removed[st.Framework] {
			// An update from a task of a framework removed while its
			// ShutdownFramework was lost (a partition): an orphan. Shut the
			// framework down on that agent again, so that an orphan lives
			// at most one update retry past the fault.
			m.send(AgentAddress(st.Agent), ShutdownFramework{Framework: st.Framework})
		}
		return
	}
	t := f.tasks[st.Task]
	if t == nil {
		// Master::statusUpdate forwards before it looks the task up: an
		// update of a task the master no longer holds (its terminal
		// update was acknowledged while this retry was under way) still
		// reaches a connected framework.
		if f.connected {
			m.send(f.addr, Update{Status: st})
		}
		return
	}
	t.updateState = st.State
	if t.state.Definitive() && !st.State.Terminal() {
		// An older update of a task the master already holds as
		// definitively terminal (it learned the end from the agent's
		// re-registration, ahead of the agent's stream): as Mesos's
		// updateTask, the master keeps its state, and it forwards the
		// update so that the framework sees the agent's stream in order.
		if f.connected {
			m.send(f.addr, Update{Status: st})
		}
		return
	}
	m.transition(t, st)
	if f.connected {
		m.send(f.addr, Update{Status: st})
	}
}

// transition records a status the master accepted and recovers the task's
// resources when it becomes terminal (Mesos recovers on the terminal
// update, not on its acknowledgement).
func (m *Master) transition(t *masterTask, st TaskStatus) {
	m.record(Record{Kind: KindTaskStatus, Task: t.id, Framework: t.framework, Agent: t.agent,
		State: st.State.String(), Reason: st.Reason, Source: st.Source, SeenBy: "master", UUID: st.UUID,
		UnreachableTime: st.UnreachableTime})
	if t.state != st.State {
		m.taskViews.changed(t.framework, t.id)
	}
	t.state = st.State
	t.updateState = st.State
	if st.State.Terminal() {
		t.terminalUUID = st.UUID
		if t.held {
			t.held = false
			m.alloc.Recover(t.framework, t.agent, t.res, 0)
		}
	}
}

// masterUpdate is an update the master itself generates (no UUID: never
// retried nor acknowledged) and sends to the framework. A task already
// terminal keeps its state (Mesos's updateTask), but the update is still
// recorded and forwarded (Master::forward), as when the master drops the
// task with its agent.
func (m *Master) masterUpdate(t *masterTask, state TaskState, reason string) {
	m.masterStatus(t, TaskStatus{Task: t.id, Framework: t.framework, Agent: t.agent, State: state, Reason: reason, Source: SourceMaster})
}

// masterStatus is masterUpdate with the whole status given (an
// unreachable_time, say).
func (m *Master) masterStatus(t *masterTask, st TaskStatus) {
	if !t.state.Terminal() {
		m.transition(t, st)
	} else {
		m.record(Record{Kind: KindTaskStatus, Task: t.id, Framework: t.framework, Agent: t.agent,
			State: st.State.String(), Reason: st.Reason, Source: SourceMaster, SeenBy: "master",
			UnreachableTime: st.UnreachableTime})
	}
	if f, ok := m.frameworks[t.framework]; ok && f.connected {
		m.send(f.addr, Update{Status: st})
	}
}

func (m *Master) acknowledge(msg Acknowledge) {
	f := m.frameworks[msg.Framework]
	if f == nil {
		return
	}
	// Master::acknowledge: nothing goes to an agent that is not
	// registered or whose connection broke; otherwise the acknowledgement
	// is passed on, whether the master still holds the task or not.
	a := m.agents[msg.Agent]
	if a == nil || a.status != agentActive || a.disconnected {
		return
	}
	if t := f.tasks[msg.Task]; t != nil && t.agent == msg.Agent {
		// The master forgets a task only when its terminal update is acked.
		if t.state.Terminal() && t.terminalUUID == msg.UUID {
			m.forgetTask(t)
		}
	}
	m.send(a.addr, StatusUpdateAcknowledgement{Framework: f.name, Task: msg.Task, UUID: msg.UUID})
}

func (m *Master) forgetTask(t *masterTask) {
	if f := m.frameworks[t.framework]; f != nil && f.tasks[t.id] == t {
		delete(f.tasks, t.id)
		m.taskViews.changed(t.framework, t.id)
	}
	if a := m.agents[t.agent]; a != nil {
		delete(a.tasks, taskKey(t.framework, t.id))
	}
}

func (m *Master) removeOffer(o *masterOffer) {
	delete(m.offers, o.seq)
	o.f.offers.remove(o)
	o.a.offers.remove(o)
	if o.hasTimer {
		m.clock.Cancel(o.timer)
	}
}

// rescind withdraws an offer and recovers it with no filter; notify sends
// RESCIND to the framework.
func (m *Master) rescind(o *masterOffer, reason string, notify bool) {
	if o == nil {
		return
	}
	m.removeOffer(o)
	switch reason {
	case "agent_removed":
		m.agentLost[o.id] = ReasonAgentRemoved
	case "agent_unreachable", "agent_disconnected":
		m.agentLost[o.id] = ReasonAgentDisconnected
	}
	m.record(Record{Kind: KindOfferRescinded, Offer: o.id, Framework: o.framework, Agent: o.agent, Reason: reason, Resources: o.res})
	m.alloc.Recover(o.framework, o.agent, o.res, 0)
	if notify {
		m.send(FrameworkAddress(o.framework), Rescind{Offer: o.id})
	}
	m.offerPool.put(o)
}

// OutstandingOffers returns the ids of the offers not yet answered, sorted.
func (m *Master) OutstandingOffers() []string {
	out := make([]string, 0, len(m.offers))
	for _, o := range m.offers {
		out = append(out, o.id)
	}
	sort.Strings(out)
	return out
}

func taskKey(framework, task string) string { return framework + "/" + task }

// sortTasksBySeq puts tasks in launch order.
func sortTasksBySeq(tasks []*masterTask) {
	sort.Slice(tasks, func(i, j int) bool { return tasks[i].seq < tasks[j].seq })
}

func (m *Master) allAgentsActive() bool {
	for _, id := range sortedKeys(m.agents) {
		if a := m.agents[id]; a.status != agentActive || a.disconnected {
			return false
		}
	}
	return true
}
