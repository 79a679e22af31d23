package report

import (
	"slices"
	"strconv"
	"strings"

	"github.com/mesosim/mesosim/model"
	"github.com/mesosim/mesosim/sim"
)

// The invariants a Checker holds the simulation to, by their stable names
// (../shared/reference/mesos-protocol.md, "Invariants a checker can hold
// the system to"; docs/invariants.md says exactly how each is checked).
const (
	InvUpdateOrder     = "update-order"
	InvNoResurrection  = "no-resurrection"
	InvReconciliation  = "reconciliation"
	InvLiveness        = "liveness"
	InvAckBeforeForget = "ack-before-forget"
	InvSingleLeader    = "single-leader"
	InvResources       = "resources"
)

// InvariantNames returns the names of the invariants, in the reference's
// order.
func InvariantNames() []string {
	return []string{InvUpdateOrder, InvNoResurrection, InvReconciliation, InvLiveness,
		InvAckBeforeForget, InvSingleLeader, InvResources}
}

// WorldView is what a Checker reads of the world besides its records:
// read-only views (model.World implements it). The Checker calls the task
// views only at checkpoints (faults, agent removals, one allocation cycle
// per CheckerConfig.Settle, and Finish), and Leaders at every record.
type WorldView interface {
	Now() sim.Time
	MasterTasks() []model.TaskView
	AgentTasks() []model.TaskView
	FrameworkTasks() []model.TaskView
	Leaders() int
	AgentsReregistered() bool
}

var (
	_ WorldView      = (*model.World)(nil)
	_ model.Observer = (*Checker)(nil)
)

// Violation is one broken invariant: which, when, and its subject (a task
// of a framework, or an agent).
type Violation struct {
	T         sim.Time
	Invariant string
	Task      string
	Agent     string
	Framework string
	Detail    string
}

// DefaultSettle is CheckerConfig.Settle when left zero.
const DefaultSettle = sim.Minute

// CheckerConfig configures a Checker.
type CheckerConfig struct {
	// HealAt is when every fault is healed; sim.Never: never, and then
	// only the safety invariants are checked (not convergence nor
	// liveness). Zero means a run without faults.
	HealAt sim.Time
	// ConvergeWithin is the liveness bound: views must have converged
	// ConvergeWithin after HealAt, and a task launched must be settled
	// ConvergeWithin after max(its launch, HealAt).
	ConvergeWithin sim.Time
	// Emit logs a violation as an invariant_violated record (the caller
	// passes World.Emit, which stamps the time). May be nil.
	Emit func(model.Record)
	// Settle is the period of the checkpoints (one allocation record per
	// Settle) and so the gap between the two samples a convergence
	// violation needs; zero is DefaultSettle.
	Settle sim.Time
	// Skip names checks not to make (SkipNames): an invariant, or
	// SkipConvergence, the convergence half of reconciliation. A skipped
	// check reports nothing.
	Skip []string
}

// Checker holds the simulation to the invariants of the reference. It is
// a model.Observer that never changes the simulation: it keeps its own
// bookkeeping from the records and reads the world only through WorldView.
// Each violation is reported once per (invariant, subject), through
// CheckerConfig.Emit and in Violations.
type Checker struct {
	w        WorldView
	cfg      CheckerConfig
	deadline sim.Time // HealAt+ConvergeWithin; Never without healing
	settle   sim.Time

	tasks    map[invKey]*invTask
	streams  map[invStreamKey]*invStream
	launches []*invLaunch // liveness, in launch order
	// resets counts the crashes and reboots of each agent ID: a stream of
	// status updates may be discarded across one (update-order).
	resets map[string]uint32
	// The paths by which the master may forget a task unacknowledged
	// (ack-before-forget, docs/invariants.md): agentGone is when each
	// agent was last removed for good (it unregistered or was marked gone)
	// or pruned from the registry; readmitted when it was last admitted
	// again after being marked unreachable (its unreported unreachable
	// tasks are dropped); unreachable whether its last removal was for
	// unreachability; frameworkRemoved is each framework's last
	// framework_removed.
	agentGone, readmitted map[string]sim.Time
	unreachable           map[string]bool
	frameworkRemoved      map[string]sim.Time
	// expected holds the tasks the leading master must still hold unless
	// one of the excuses of ack-before-forget applies, each to its
	// current record (c.tasks[k], whose expected flag mirrors it).
	expected map[invKey]*invTask

	agents map[string]*invAgent
	offers offerTable[invOffer]
	// slots number the scalar (name, role) pairs of the resources
	// accounts (invariant_vec.go).
	slots interner[invSlot]

	nextCheck sim.Time
	prev      *invSample // the last convergence sample, nil if none or not quiet
	finished  bool
	// faulted: a fault or an agent removal was recorded. A run configured
	// without faults (HealAt 0) samples convergence only once one was.
	faulted bool
	// views counts the reads of the master's view by checkForgotten; a
	// task in the latest one has seen == views.
	views uint32
	// pruneAt is the size of tasks at which the next checkpoint prunes the
	// tasks that ended (invariant_prune.go); pruneMin its floor.
	pruneAt, pruneMin int

	reported   map[string]bool
	violations []Violation
}

type invKey struct{ framework, task string }

// invTask is what the checker keeps of one task (one launch of a task ID).
type invTask struct {
	agent string
	res   model.Resources
	// resources: launched (res is known) and counted on agent while held:
	// while the master holds it live (not terminal nor UNREACHABLE) and
	// the agent has not ended it.
	launched, held, masterLive, agentEnded bool
	// lifeStart is the length of the task's update stream on agent when
	// this life of the task ID began (update-order streams outlive it).
	lifeStart int
	// no-resurrection: the definitive terminal state the framework saw.
	final string
	// reconciliation: the states the master may have held (a bit per
	// model.TaskState).
	hist uint16
	// ack-before-forget: the framework saw a reliable terminal update (so
	// it may have acknowledged it); expAt is when the master was last
	// known to hold the task; disconnectedAt when the master last dropped
	// it as TASK_LOST, REASON_SLAVE_DISCONNECTED (its agent's connection
	// broke and its framework does not checkpoint), -1 if never.
	// expected: in Checker.expected; seen: the last read of the master's
	// view (Checker.views) that held the task.
	acked          bool
	expected       bool
	seen           uint32
	expAt          sim.Time
	disconnectedAt sim.Time
	// convergence: the last record about the task, reconciliation answers
	// aside.
	active sim.Time
	// live is this life's launch (liveness), nil for a task the checker
	// did not see launched; it points at launch, allocated with the task.
	live   *invLaunch
	launch invLaunch
	// stream is the task's update stream on streamAgent, as in
	// Checker.streams, once looked up or created (nil: not yet).
	stream      *invStream
	streamAgent string
}

// invStreamKey names the status update stream of a task on an agent.
type invStreamKey struct{ framework, task, agent string }

// invStream is update-order's record of one stream: the reliable updates
// the agent generated, in order, and the index of the latest one the
// framework saw (-1: none).
type invStream struct {
	seq   []invUUID
	fwIdx int
	// buf holds seq while it is short (as most streams stay), in the
	// stream's own allocation.
	buf [4]invUUID
}

type invUUID struct {
	uuid   uint64
	resets uint32 // the agent's resets when it generated the update
}

type invLaunch struct {
	key     invKey
	at      sim.Time
	reached sim.Time // first RUNNING, terminal or reconciliation answer seen by the framework
}

// NewChecker returns a checker reading w.
func NewChecker(w WorldView, cfg CheckerConfig) *Checker {
	c := &Checker{
		w: w, cfg: cfg, settle: cfg.Settle,
		tasks:            map[invKey]*invTask{},
		streams:          map[invStreamKey]*invStream{},
		resets:           map[string]uint32{},
		agentGone:        map[string]sim.Time{},
		readmitted:       map[string]sim.Time{},
		unreachable:      map[string]bool{},
		frameworkRemoved: map[string]sim.Time{},
		expected:         map[invKey]*invTask{},
		agents:           map[string]*invAgent{},
		reported:         map[string]bool{},
		pruneAt:          invPruneMin,
		pruneMin:         invPruneMin,
	}
	if c.settle <= 0 {
		c.settle = DefaultSettle
	}
	c.deadline = sim.Never
	if cfg.HealAt != sim.Never {
		c.deadline = invAddSat(max(cfg.HealAt, 0), max(cfg.ConvergeWithin, 0))
	}
	if slices.Contains(cfg.Skip, SkipConvergence) {
		c.deadline = sim.Never // no convergence sample is judged
	}
	c.nextCheck = c.settle
	return c
}

// invAddSat adds non-negative times, saturating at sim.Never.
func invAddSat(a, b sim.Time) sim.Time {
	if a > sim.Never-b {
		return sim.Never
	}
	return a + b
}

// Violations returns the violations found so far, in the order found.
func (c *Checker) Violations() []Violation {
	return append([]Violation(nil), c.violations...)
}

// violate reports a violation once per (invariant, subject).
func (c *Checker) violate(v Violation) {
	key := v.Invariant + "\x00agent\x00" + v.Agent
	if v.Task != "" {
		key = v.Invariant + "\x00task\x00" + v.Framework + "\x00" + v.Task
	}
	if c.reported[key] || slices.Contains(c.cfg.Skip, v.Invariant) {
		return
	}
	c.reported[key] = true
	c.violations = append(c.violations, v)
	if c.cfg.Emit != nil {
		detail := v.Detail
		if v.Framework != "" {
			detail = "framework " + v.Framework + ": " + detail
		}
		c.cfg.Emit(model.Record{Kind: model.KindInvariantViolation, Invariant: v.Invariant,
			Detail: detail, Task: v.Task, Agent: v.Agent, Framework: v.Framework})
	}
}

// Observe implements model.Observer.
func (c *Checker) Observe(r *model.Record) {
	if r.Kind == model.KindInvariantViolation {
		return // our own, through Emit
	}
	if n := c.w.Leaders(); n > 1 {
		c.violate(Violation{T: r.T, Invariant: InvSingleLeader,
			Detail: strconv.Itoa(n) + " masters act as leader"})
	}
	switch r.Kind {
	case model.KindTaskLaunched:
		c.launched(r)
	case model.KindTaskStatus:
		c.status(r)
	case model.KindOffer:
		c.offered(r)
	case model.KindOfferAccepted, model.KindOfferDeclined, model.KindOfferRescinded:
		c.offerEnded(r)
	case model.KindAgentAdded:
		if c.unreachable[r.Agent] {
			c.readmitted[r.Agent] = r.T
			delete(c.unreachable, r.Agent)
		}
		c.setTotal(c.acct(r.Agent), r.Resources)
	case model.KindAgentRemoved:
		c.faulted = true
		switch r.Reason {
		case "unregistered", "gone":
			c.agentGone[r.Agent] = r.T
			delete(c.unreachable, r.Agent)
		default: // unreachable, reregister_timeout
			c.unreachable[r.Agent] = true
		}
		c.checkpoint(r.T, false)
	case model.KindAgentPruned:
		c.agentGone[r.Agent] = r.T
	case model.KindFrameworkRemoved:
		c.frameworkRemoved[r.Framework] = r.T
	case model.KindFault:
		c.fault(r)
	case model.KindAllocation:
		// An allocation cycle starts between handlers: no actor is half
		// way through a change, so the views are consistent.
		if r.T >= c.nextCheck {
			c.checkpoint(r.T, true)
		}
	}
}

func (c *Checker) fault(r *model.Record) {
	c.faulted = true
	switch r.Fault {
	case "agent_crash":
		c.resets[r.Agent]++
	case "agent_reboot":
		if old, ok := strings.CutPrefix(r.Detail, "was "); ok {
			c.resets[old]++
		}
	}
	c.checkpoint(r.T, false)
	if r.Fault == "master_failover" {
		// The leader dies with its tasks and offers: the next one knows
		// only the registry and learns tasks from re-registering agents;
		// offers are never reconciled (they end with no record).
		// Its successor's accounting starts from what agents report; the
		// resources invariant counts a task again when the new leader
		// records it (a launch, or a task_status that is not terminal).
		for _, t := range c.expected {
			t.expected = false
		}
		clear(c.expected)
		c.offers.reset()
		for _, a := range c.agents {
			a.offered.reset()
			a.used.reset()
		}
		for _, t := range c.tasks {
			t.held, t.masterLive = false, false
		}
		c.prev = nil
	}
}

// task returns the checker's record of a task, creating it.
func (c *Checker) task(k invKey) *invTask {
	t := c.tasks[k]
	if t == nil {
		t = &invTask{active: -1, expAt: -1, disconnectedAt: -1}
		c.tasks[k] = t
	}
	return t
}

var invStates = func() map[string]model.TaskState {
	m := map[string]model.TaskState{}
	for s := model.TaskStaging; s <= model.TaskUnknown; s++ {
		m[s.String()] = s
	}
	return m
}()

// invReconAnswer reports whether r is a master's reconciliation answer.
func invReconAnswer(r *model.Record) bool {
	return r.Source == model.SourceMaster && r.Reason == model.ReasonReconciliation && r.UUID == 0
}

// invOnlyKnown reports the states a reconciliation answer carries only for a
// task the master knows (the unknown-task cases answer GONE, UNREACHABLE,
// GONE_BY_OPERATOR, UNKNOWN or LOST).
func invOnlyKnown(s model.TaskState) bool {
	switch s {
	case model.TaskLost, model.TaskGone, model.TaskUnreachable, model.TaskGoneByOperator, model.TaskUnknown:
		return false
	}
	return true
}

func (c *Checker) launched(r *model.Record) {
	k := invKey{r.Framework, r.Task}
	old := c.tasks[k]
	if old != nil && old.held {
		old.masterLive = false
		c.syncHeld(old)
	}
	// A launch starts a new life of the task ID.
	t := &invTask{agent: r.Agent, res: r.Resources, launched: true, masterLive: true,
		hist: 1 << model.TaskStaging, active: r.T, expAt: r.T}
	// A task ID has update streams only while it has a record (status
	// creates the record first, prune deletes both).
	if old != nil {
		if s := c.stream(k, old, r.Agent); s != nil {
			t.lifeStart = len(s.seq)
			t.stream, t.streamAgent = s, r.Agent
		}
	}
	c.tasks[k] = t
	c.syncHeld(t)
	c.expect(k, t)
	t.launch = invLaunch{key: k, at: r.T, reached: sim.Never}
	t.live = &t.launch
	c.launches = append(c.launches, t.live)
}

func (c *Checker) status(r *model.Record) {
	k := invKey{r.Framework, r.Task}
	t := c.task(k)
	st, ok := invStates[r.State]
	if !ok {
		t.active = r.T
		return
	}
	switch r.SeenBy {
	case "agent":
		t.active = r.T
		// The master may learn any state the agent held from its
		// re-registration, without a record of its own.
		t.hist |= 1 << st
		if t.agent == "" {
			t.agent = r.Agent
		}
		if r.UUID != 0 {
			s := c.stream(k, t, r.Agent)
			if s == nil {
				s = &invStream{fwIdx: -1}
				s.seq = s.buf[:0]
				c.streams[invStreamKey{r.Framework, r.Task, r.Agent}] = s
				t.stream, t.streamAgent = s, r.Agent
			}
			s.seq = append(s.seq, invUUID{uuid: r.UUID, resets: c.resets[r.Agent]})
		}
		t.agentEnded = st.Terminal()
		c.syncHeld(t)
	case "master":
		t.active = r.T
		if r.Agent == "" || r.Reason == "REASON_TASK_INVALID" {
			// A launch the master refused (invalid or rescinded offers,
			// its agent gone, an invalid task): no task was created.
			return
		}
		t.hist |= 1 << st
		if t.agent == "" {
			t.agent = r.Agent
		}
		t.expAt = r.T
		if st == model.TaskLost && r.Reason == model.ReasonAgentDisconnected {
			t.disconnectedAt = r.T
		}
		if !t.acked {
			c.expect(k, t)
		}
		// The master recovers a task's resources on its first terminal
		// update, and leaves UNREACHABLE ones out when the agent comes
		// back (they stay so only if the agent no longer has them).
		t.masterLive = !st.Terminal() && st != model.TaskUnreachable
		c.syncHeld(t)
	case "framework":
		c.frameworkSaw(r, k, t, st)
	}
}

// frameworkSaw checks an update a framework received.
func (c *Checker) frameworkSaw(r *model.Record, k invKey, t *invTask, st model.TaskState) {
	recon := invReconAnswer(r)
	if !recon {
		t.active = r.T
	}
	subject := Violation{T: r.T, Task: k.task, Framework: k.framework, Agent: r.Agent}
	// stale: an update of an earlier life of a reused task ID (from
	// another agent, or from before the relaunch in the agent's stream).
	stale := r.Agent != "" && t.agent != "" && r.Agent != t.agent
	if r.UUID != 0 {
		idx := c.checkOrder(r, c.stream(k, t, r.Agent), subject)
		stale = stale || (idx >= 0 && idx < t.lifeStart)
		if st.Terminal() {
			// The framework acknowledges it: the master may forget the
			// task (whichever life the master applied it to).
			t.acked = true
			c.unexpect(k, t)
		}
	}
	if stale {
		return
	}
	// Only a return to a live state brings a task back: the master's
	// UNREACHABLE, UNKNOWN (or LOST) answers about a task it no longer
	// knows are not definitive and claim nothing about it running.
	if t.final != "" && st.Live() {
		v := subject
		v.Invariant = InvNoResurrection
		v.Detail = r.State + " after the definitive " + t.final
		c.violate(v)
	}
	// A terminal state the master forwards from a re-registering agent
	// (REASON_SLAVE_REREGISTERED, __reregisterSlave) may be followed by
	// the agent's own stream resending the updates before it, RUNNING
	// included: Mesos allows that, so it is not taken as definitive.
	if t.final == "" && st.Definitive() && r.Reason != model.ReasonReregistered {
		t.final = r.State
	}
	if recon && invOnlyKnown(st) && t.hist&(1<<st) == 0 {
		v := subject
		v.Invariant = InvReconciliation
		v.Detail = "reconciliation answer " + r.State + ", a state the master never held for the task"
		c.violate(v)
	}
	if l := t.live; l != nil && l.reached == sim.Never && (recon || st == model.TaskRunning || st.Terminal()) {
		l.reached = r.T
	}
}

// stream returns the update stream of task k, whose record is t, on
// agent (nil if none), through t's cache.
func (c *Checker) stream(k invKey, t *invTask, agent string) *invStream {
	if t.stream != nil && t.streamAgent == agent {
		return t.stream
	}
	s := c.streams[invStreamKey{k.framework, k.task, agent}]
	if s != nil {
		t.stream, t.streamAgent = s, agent
	}
	return s
}

// checkOrder checks a reliable update a framework received against the
// order its agent generated the task's updates in (s, the task's stream on
// the update's agent, nil if none), and returns the update's index in that
// stream (-1 if the agent never generated it).
func (c *Checker) checkOrder(r *model.Record, s *invStream, subject Violation) int {
	v := subject
	v.Invariant = InvUpdateOrder
	idx := -1
	if s != nil {
		switch i := s.fwIdx; {
		case i >= 0 && i < len(s.seq) && s.seq[i].uuid == r.UUID:
			idx = i
		case i+1 < len(s.seq) && s.seq[i+1].uuid == r.UUID:
			idx = i + 1
		default:
			for j := range s.seq {
				if s.seq[j].uuid == r.UUID {
					idx = j
					break
				}
			}
		}
	}
	switch {
	case idx < 0:
		v.Detail = r.State + " with UUID " + strconv.FormatUint(r.UUID, 10) + ", which the agent never generated for the task"
		c.violate(v)
	case idx <= s.fwIdx:
		if idx < s.fwIdx {
			v.Detail = r.State + " (update " + strconv.Itoa(idx+1) + ") after update " + strconv.Itoa(s.fwIdx+1) + " of the agent's stream"
			c.violate(v)
		}
	case idx == s.fwIdx+1 || s.seq[idx].resets > s.seq[idx-1].resets:
		// The next update, or the first of a stream the agent started
		// afresh after a crash (which may discard unsent updates).
		s.fwIdx = idx
	default:
		v.Detail = r.State + " (update " + strconv.Itoa(idx+1) + ") skipped update " + strconv.Itoa(s.fwIdx+2) +
			" of the agent's stream"
		c.violate(v)
		s.fwIdx = idx
	}
	return idx
}

// checkpoint runs the checks that read the task views: ack-before-forget
// always, and with sample (one allocation record per Settle) the
// convergence sample.
func (c *Checker) checkpoint(now sim.Time, sample bool) {
	if sample {
		c.nextCheck = invAddSat(now, c.settle)
	}
	if c.w.Leaders() == 0 {
		if sample {
			c.prev = nil
		}
		return
	}
	master := c.w.MasterTasks()
	c.checkForgotten(now, master)
	if sample && c.judgesConvergence() && now >= c.deadline-c.settle {
		c.converge(now, master)
	}
	if sample {
		c.prune(now)
	}
}

// judgesConvergence reports whether convergence is a question: the faults
// heal (HealAt is not sim.Never) and the run has faults (HealAt is set, or
// a fault or an agent removal was recorded). In a run without faults every
// message is delivered and no actor restarts, so the views cannot stay
// apart without traffic about the task; the samples would cost three
// whole views a Settle for nothing (docs/invariants.md).
func (c *Checker) judgesConvergence() bool {
	return c.deadline != sim.Never && (c.cfg.HealAt != 0 || c.faulted)
}

// checkForgotten checks ack-before-forget: every task the leading master
// was known to hold (launched by it, in one of its task_status records, or
// in its view at an earlier checkpoint) must still be in its view, unless
// the framework saw a reliable terminal update of it (and so may have
// acknowledged it), its framework was removed, or its agent was removed
// (unreachable or gone) since the master was last known to hold it, or is
// removed now.
func (c *Checker) checkForgotten(now sim.Time, master []model.TaskView) {
	c.views++
	held := 0 // expected tasks in the view
	for i := range master {
		v := &master[i]
		k := invKey{v.Framework, v.Task}
		t := c.task(k)
		first := t.seen != c.views
		t.seen = c.views
		t.agent = v.Agent
		t.hist |= 1 << v.State
		t.expAt = now
		if !t.acked {
			c.expect(k, t)
		}
		if first && t.expected {
			held++
		}
	}
	if held == len(c.expected) {
		return // the master holds every task expected
	}
	var missing []invKey
	for k, t := range c.expected {
		if t.seen != c.views {
			missing = append(missing, k)
		}
	}
	invSortKeys(missing)
	for _, k := range missing {
		t := c.tasks[k]
		c.unexpect(k, t)
		if t.acked {
			continue
		}
		if c.forgetExcused(k, t) {
			continue
		}
		c.violate(Violation{T: now, Invariant: InvAckBeforeForget, Task: k.task, Framework: k.framework, Agent: t.agent,
			Detail: "the master no longer holds the task, but its framework never received a reliable terminal" +
				" update of it to acknowledge (the master last held it at " + t.expAt.String() + ")"})
	}
}

// expect adds k, whose record is t, to the tasks the master must hold.
func (c *Checker) expect(k invKey, t *invTask) {
	if !t.expected {
		t.expected = true
		c.expected[k] = t
	}
}

// unexpect takes k, whose record is t, out of the tasks the master must
// hold.
func (c *Checker) unexpect(k invKey, t *invTask) {
	if t.expected {
		t.expected = false
		delete(c.expected, k)
	}
}

// forgetExcused reports whether the master may have forgotten an
// unacknowledged task by one of Mesos's paths since it was last known to
// hold it: the framework was removed (removeFramework: KILLED recorded,
// nothing sent); the agent's connection broke and the task was dropped
// LOST, REASON_SLAVE_DISCONNECTED (removeFramework(Slave*, Framework*));
// the agent was removed for good or pruned from the registry
// (_removeSlave, __removeSlave, doRegistryGc); or the agent came back from
// unreachable without the task (__reregisterSlave drops the unreachable
// tasks it does not report).
func (c *Checker) forgetExcused(k invKey, t *invTask) bool {
	if at, ok := c.frameworkRemoved[k.framework]; ok && at >= t.expAt {
		return true
	}
	if t.disconnectedAt >= 0 && t.disconnectedAt >= t.expAt {
		return true
	}
	if at, ok := c.agentGone[t.agent]; ok && at >= t.expAt {
		return true
	}
	at, ok := c.readmitted[t.agent]
	return ok && at >= t.expAt
}

// Finish runs the end-of-run checks at time end: ack-before-forget, a last
// convergence sample, and liveness (when HealAt is set).
func (c *Checker) Finish(end sim.Time) {
	if c.finished {
		return
	}
	c.finished = true
	if c.w.Leaders() > 0 {
		master := c.w.MasterTasks()
		c.checkForgotten(end, master)
		if c.judgesConvergence() && end >= c.deadline && (c.prev == nil || c.prev.t < end) {
			c.converge(end, master)
		}
	}
	if c.cfg.HealAt == sim.Never {
		return
	}
	c.checkLiveness(end)
}
