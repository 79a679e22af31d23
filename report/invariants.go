package report

import (
	"sort"
	"strconv"

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

	tasks    map[taskKey]*taskInfo
	launches []*launch // liveness, in launch order
	// resets counts the crashes and reboots of each agent ID: a stream of
	// status updates may be discarded across one (update-order).
	resets map[string]uint32
	// agentUp and agentDown are the times of each agent's last
	// agent_added and agent_removed; frameworkRemoved of each framework's
	// last framework_removed (ack-before-forget, liveness).
	agentUp, agentDown map[string]sim.Time
	frameworkRemoved   map[string]sim.Time
	// expected holds the tasks the leading master must still hold unless
	// one of the excuses of ack-before-forget applies.
	expected map[taskKey]struct{}

	agents map[string]*agentAcct
	offers map[string]offerInfo

	nextCheck sim.Time
	prev      *sample // the last convergence sample, nil if none or not quiet
	finished  bool

	reported   map[string]bool
	violations []Violation
}

type taskKey struct{ framework, task string }

// taskInfo is what the checker keeps of one task (one launch of a task ID).
type taskInfo struct {
	agent string
	res   model.Resources
	// launched: res is known and accounted to agent while held.
	launched, held bool
	// update-order: the reliable updates the agent generated, in order,
	// and the index of the latest one the framework saw (-1: none).
	seq   []uuidAt
	fwIdx int
	// no-resurrection: the definitive terminal state the framework saw.
	final string
	// reconciliation: the states the master may have held (a bit per
	// model.TaskState).
	hist uint16
	// ack-before-forget: the framework saw a reliable terminal update (so
	// it may have acknowledged it); expAt is when the master was last
	// known to hold the task.
	acked bool
	expAt sim.Time
	// convergence: the last record about the task, reconciliation answers
	// aside.
	active sim.Time
	live   *launch
}

type uuidAt struct {
	uuid   uint64
	resets uint32 // the agent's resets when it generated the update
}

type launch struct {
	key     taskKey
	at      sim.Time
	reached sim.Time // first RUNNING, terminal or reconciliation answer seen by the framework
}

// NewChecker returns a checker reading w.
func NewChecker(w WorldView, cfg CheckerConfig) *Checker {
	c := &Checker{
		w: w, cfg: cfg, settle: cfg.Settle,
		tasks:            map[taskKey]*taskInfo{},
		resets:           map[string]uint32{},
		agentUp:          map[string]sim.Time{},
		agentDown:        map[string]sim.Time{},
		frameworkRemoved: map[string]sim.Time{},
		expected:         map[taskKey]struct{}{},
		agents:           map[string]*agentAcct{},
		offers:           map[string]offerInfo{},
		reported:         map[string]bool{},
	}
	if c.settle <= 0 {
		c.settle = DefaultSettle
	}
	c.deadline = sim.Never
	if cfg.HealAt != sim.Never {
		c.deadline = addSat(max(cfg.HealAt, 0), max(cfg.ConvergeWithin, 0))
	}
	c.nextCheck = c.settle
	return c
}

// addSat adds non-negative times, saturating at sim.Never.
func addSat(a, b sim.Time) sim.Time {
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
	key := v.Invariant + "\x00" + v.Framework + "\x00" + v.Task + "\x00" + v.Agent
	if c.reported[key] {
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
			Detail: detail, Task: v.Task, Agent: v.Agent})
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
		c.agentUp[r.Agent] = r.T
		a := c.acct(r.Agent)
		a.total, a.known = r.Resources, true
	case model.KindAgentRemoved:
		c.agentDown[r.Agent] = r.T
		c.checkpoint(r.T, false)
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
	switch r.Fault {
	case "agent_crash":
		c.resets[r.Agent]++
	case "agent_reboot":
		if old, ok := cutPrefix(r.Detail, "was "); ok {
			c.resets[old]++
		}
	}
	c.checkpoint(r.T, false)
	if r.Fault == "master_failover" {
		// The leader dies with its tasks and offers: the next one knows
		// only the registry and learns tasks from re-registering agents;
		// offers are never reconciled (they end with no record).
		clear(c.expected)
		clear(c.offers)
		for _, a := range c.agents {
			a.offered = model.Resources{}
		}
		c.prev = nil
	}
}

func cutPrefix(s, prefix string) (string, bool) {
	if len(s) >= len(prefix) && s[:len(prefix)] == prefix {
		return s[len(prefix):], true
	}
	return "", false
}

// task returns the checker's record of a task, creating it.
func (c *Checker) task(k taskKey) *taskInfo {
	t := c.tasks[k]
	if t == nil {
		t = &taskInfo{fwIdx: -1, active: -1, expAt: -1}
		c.tasks[k] = t
	}
	return t
}

var stateByName = func() map[string]model.TaskState {
	m := map[string]model.TaskState{}
	for s := model.TaskStaging; s <= model.TaskUnknown; s++ {
		m[s.String()] = s
	}
	return m
}()

// definitive reports the terminal states no update may undo (all terminal
// states but LOST and GONE_BY_OPERATOR).
func definitive(s model.TaskState) bool {
	return s.Terminal() && s != model.TaskLost && s != model.TaskGoneByOperator
}

// reconAnswer reports whether r is a master's reconciliation answer.
func reconAnswer(r *model.Record) bool {
	return r.Source == model.SourceMaster && r.Reason == model.ReasonReconciliation && r.UUID == 0
}

// onlyKnown reports the states a reconciliation answer carries only for a
// task the master knows (the unknown-task cases answer GONE, UNREACHABLE,
// GONE_BY_OPERATOR, UNKNOWN or LOST).
func onlyKnown(s model.TaskState) bool {
	switch s {
	case model.TaskLost, model.TaskGone, model.TaskUnreachable, model.TaskGoneByOperator, model.TaskUnknown:
		return false
	}
	return true
}

func (c *Checker) launched(r *model.Record) {
	k := taskKey{r.Framework, r.Task}
	if old := c.tasks[k]; old != nil && old.held {
		c.release(old)
	}
	// A launch starts a new life of the task ID.
	t := &taskInfo{agent: r.Agent, res: r.Resources, launched: true, fwIdx: -1,
		hist: 1 << model.TaskStaging, active: r.T, expAt: r.T}
	c.tasks[k] = t
	c.hold(r.T, t, false)
	c.expected[k] = struct{}{}
	t.live = &launch{key: k, at: r.T, reached: sim.Never}
	c.launches = append(c.launches, t.live)
}

func (c *Checker) status(r *model.Record) {
	k := taskKey{r.Framework, r.Task}
	t := c.task(k)
	st, ok := stateByName[r.State]
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
			t.seq = append(t.seq, uuidAt{uuid: r.UUID, resets: c.resets[r.Agent]})
		}
		if st.Terminal() && t.held {
			c.release(t)
		}
	case "master":
		t.active = r.T
		if r.Reason == model.ReasonInvalidOffers || r.Reason == "REASON_TASK_INVALID" {
			return // a launch the master refused: no task was created
		}
		t.hist |= 1 << st
		if t.agent == "" {
			t.agent = r.Agent
		}
		t.expAt = r.T
		if !t.acked {
			c.expected[k] = struct{}{}
		}
		switch {
		case st.Terminal() && t.held:
			c.release(t)
		case !st.Terminal() && !t.held && t.launched:
			c.hold(r.T, t, true) // back from LOST (or a late update)
		}
	case "framework":
		c.frameworkSaw(r, k, t, st)
	}
}

// frameworkSaw checks an update a framework received.
func (c *Checker) frameworkSaw(r *model.Record, k taskKey, t *taskInfo, st model.TaskState) {
	recon := reconAnswer(r)
	if !recon {
		t.active = r.T
	}
	subject := Violation{T: r.T, Task: k.task, Framework: k.framework, Agent: r.Agent}
	if r.UUID != 0 {
		c.checkOrder(r, t, subject)
		if st.Terminal() {
			t.acked = true
			delete(c.expected, k)
		}
	}
	if t.final != "" && !st.Terminal() {
		v := subject
		v.Invariant = InvNoResurrection
		v.Detail = r.State + " after the definitive " + t.final
		c.violate(v)
	}
	if t.final == "" && definitive(st) {
		t.final = r.State
	}
	if recon && onlyKnown(st) && t.hist&(1<<st) == 0 {
		v := subject
		v.Invariant = InvReconciliation
		v.Detail = "reconciliation answer " + r.State + ", a state the master never held for the task"
		c.violate(v)
	}
	if l := t.live; l != nil && l.reached == sim.Never && (recon || st == model.TaskRunning || st.Terminal()) {
		l.reached = r.T
	}
}

// checkOrder checks a reliable update a framework received against the
// order its agent generated them in.
func (c *Checker) checkOrder(r *model.Record, t *taskInfo, subject Violation) {
	idx := -1
	switch i := t.fwIdx; {
	case i >= 0 && i < len(t.seq) && t.seq[i].uuid == r.UUID:
		idx = i
	case i+1 < len(t.seq) && t.seq[i+1].uuid == r.UUID:
		idx = i + 1
	default:
		for j := range t.seq {
			if t.seq[j].uuid == r.UUID {
				idx = j
				break
			}
		}
	}
	v := subject
	v.Invariant = InvUpdateOrder
	switch {
	case idx < 0:
		v.Detail = r.State + " with UUID " + strconv.FormatUint(r.UUID, 10) + ", which the agent never generated for the task"
		c.violate(v)
	case idx <= t.fwIdx:
		if idx < t.fwIdx {
			v.Detail = r.State + " (update " + strconv.Itoa(idx+1) + ") after update " + strconv.Itoa(t.fwIdx+1) + " of the agent's stream"
			c.violate(v)
		}
	case idx == t.fwIdx+1 || t.seq[idx].resets > t.seq[idx-1].resets:
		// The next update, or the first of a stream the agent started
		// afresh after a crash (which may discard unsent updates).
		t.fwIdx = idx
	default:
		v.Detail = r.State + " (update " + strconv.Itoa(idx+1) + ") skipped update " + strconv.Itoa(t.fwIdx+2) +
			" of the agent's stream"
		c.violate(v)
		t.fwIdx = idx
	}
}

// checkpoint runs the checks that read the task views: ack-before-forget
// always, and with sample (one allocation record per Settle) the
// convergence sample.
func (c *Checker) checkpoint(now sim.Time, sample bool) {
	if sample {
		c.nextCheck = addSat(now, c.settle)
	}
	if c.w.Leaders() == 0 {
		if sample {
			c.prev = nil
		}
		return
	}
	master := c.w.MasterTasks()
	c.checkForgotten(now, master)
	if sample && c.deadline != sim.Never && now >= c.deadline-c.settle {
		c.converge(now, master)
	}
}

// checkForgotten checks ack-before-forget: every task the leading master
// was known to hold (launched by it, in one of its task_status records, or
// in its view at an earlier checkpoint) must still be in its view, unless
// the framework saw a reliable terminal update of it (and so may have
// acknowledged it), its framework was removed, or its agent was removed
// (unreachable or gone) since the master was last known to hold it, or is
// removed now.
func (c *Checker) checkForgotten(now sim.Time, master []model.TaskView) {
	present := make(map[taskKey]struct{}, len(master))
	for _, v := range master {
		k := taskKey{v.Framework, v.Task}
		present[k] = struct{}{}
		t := c.task(k)
		t.agent = v.Agent
		t.expAt = now
		if !t.acked {
			c.expected[k] = struct{}{}
		}
	}
	var missing []taskKey
	for k := range c.expected {
		if _, ok := present[k]; !ok {
			missing = append(missing, k)
		}
	}
	sort.Slice(missing, func(i, j int) bool {
		if missing[i].framework != missing[j].framework {
			return missing[i].framework < missing[j].framework
		}
		return missing[i].task < missing[j].task
	})
	for _, k := range missing {
		delete(c.expected, k)
		t := c.tasks[k]
		if t.acked {
			continue
		}
		if at, ok := c.frameworkRemoved[k.framework]; ok && at >= t.expAt {
			continue
		}
		if down, ok := c.agentDown[t.agent]; ok && (down >= t.expAt || down > c.agentUp[t.agent]) {
			continue
		}
		c.violate(Violation{T: now, Invariant: InvAckBeforeForget, Task: k.task, Framework: k.framework, Agent: t.agent,
			Detail: "the master no longer knows the task, whose terminal update the framework never saw acknowledged" +
				" (last known held at " + t.expAt.String() + ")"})
	}
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
		if c.deadline != sim.Never && end >= c.deadline && (c.prev == nil || c.prev.t < end) {
			c.converge(end, master)
		}
	}
	if c.cfg.HealAt == sim.Never {
		return
	}
	c.checkLiveness(end)
}
