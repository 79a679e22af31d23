package model

// The master's failure paths for agents, as Mesos's src/master/master.cpp
// takes them: a broken connection (exited/disconnect), unregistering
// (unregisterSlave/_removeSlave), the operator's markAgentGone
// (markGone/__removeSlave), missed health checks (markUnreachable/
// __removeSlave) and re-registration (reregisterSlave and its
// continuations).

// AgentExited is the master noticing that an agent's connection broke
// because its process died (Master::exited(UPID) -> disconnect(Slave*)).
// The agent stays registered but is deactivated and its offers rescinded;
// every task on it of a framework that does not checkpoint becomes
// TASK_LOST, REASON_SLAVE_DISCONNECTED at once and is forgotten with its
// resources recovered (removeFramework(Slave*, Framework*)); the tasks of
// checkpointing frameworks are left alone. The master keeps pinging the
// agent (5 misses mark it unreachable) and arms agent_reregister_timeout as
// the backstop for an agent that answers pings but never re-registers
// (agentReregisterTimeout, MESOS-6286). A second notice is ignored, as
// Mesos ignores a duplicate exited().
func (m *Master) AgentExited(id string) {
	a := m.agents[id]
	if a == nil || a.status != agentActive || a.disconnected {
		return
	}
	a.disconnected = true
	// Master::deactivate: out of allocation, offers rescinded.
	m.leaveOrder(a)
	m.rescindAll(&a.offers, "agent_disconnected", true)
	m.record(Record{Kind: KindAgentDisconnected, Agent: id})
	for _, t := range a.sortedTasks() {
		f := m.frameworks[t.framework]
		if f != nil && f.checkpoint {
			continue
		}
		m.masterUpdate(t, TaskLost, ReasonAgentDisconnected)
		m.forgetTask(t)
	}
	if a.hasReregTmr {
		m.clock.Cancel(a.reregTimer)
	}
	a.hasReregTmr = true
	a.reregTimer = m.clock.After(m.cfg.AgentReregisterTimeout, func() {
		a.hasReregTmr = false
		if m.agents[id] == a && a.status == agentActive && a.disconnected {
			m.markUnreachable(a, "reregister_timeout")
		}
	})
}

// sortedTasks returns the agent's tasks in framework/task order.
func (a *masterAgent) sortedTasks() []*masterTask {
	out := make([]*masterTask, 0, len(a.tasks))
	for _, key := range sortedKeys(a.tasks) {
		out = append(out, a.tasks[key])
	}
	return out
}

// RemoveAgent is an agent unregistering (Master::unregisterSlave ->
// removeSlave -> _removeSlave): every task on it becomes TASK_LOST,
// REASON_SLAVE_REMOVED, whether its framework is partition-aware or not,
// and is forgotten; its offers are rescinded; every connected framework is
// told the agent was lost (sendSlaveLost); the agent is gone from the
// registry and may not come back.
func (m *Master) RemoveAgent(name, reason string) {
	a := m.agents[name]
	if a == nil || a.status != agentActive {
		return
	}
	for _, t := range a.sortedTasks() {
		m.masterUpdate(t, TaskLost, ReasonAgentRemoved)
		m.forgetTask(t)
	}
	m.dropAgent(a, "agent_removed", reason)
	m.registry.gone(name, m.clock.Now())
}

// dropAgent takes a registered agent out for good or for unreachability:
// its offers are rescinded, it leaves allocation and health checks, the
// removal is recorded and every connected framework gets FAILURE
// (Master::sendSlaveLost, sent to all frameworks, as Mesos does).
func (m *Master) dropAgent(a *masterAgent, rescindReason, reason string) {
	m.rescindAll(&a.offers, rescindReason, true)
	m.stopPings(a)
	if a.hasReregTmr {
		m.clock.Cancel(a.reregTimer)
		a.hasReregTmr = false
	}
	m.deactivateAgent(a)
	a.disconnected = false
	m.record(Record{Kind: KindAgentRemoved, Agent: a.name, Reason: reason, Resources: a.total})
	m.sendAgentLost(a.name)
}

// sendAgentLost is Master::sendSlaveLost: FAILURE to every connected
// framework, whether it had tasks there or not.
func (m *Master) sendAgentLost(agent string) {
	for _, fw := range sortedKeys(m.frameworks) {
		if f := m.frameworks[fw]; f.connected {
			m.send(FrameworkAddress(fw), Failure{Agent: agent})
		}
	}
}

// MarkAgentGone is the operator's markAgentGone (Master::markGone ->
// __removeSlave with no unreachable time). A registered agent's tasks
// become TASK_GONE_BY_OPERATOR, REASON_SLAVE_REMOVED_BY_OPERATOR for
// partition-aware frameworks and TASK_LOST, REASON_SLAVE_REMOVED for the
// others, and are forgotten; the agent is shut down (ShutdownMessage) and
// every connected framework told it was lost. An unreachable agent's
// unreachable tasks get the same updates. An agent known only from the
// registry after a failover is just marked gone (MESOS-9739: the leader
// knows none of its tasks). A gone agent can never register again. An
// agent the master does not know (see KnowsAgent) or already gone is left
// as it is.
func (m *Master) MarkAgentGone(id string) {
	if _, gone := m.registry.Gone[id]; gone {
		return
	}
	a := m.agents[id]
	if a == nil {
		return
	}
	for _, t := range a.sortedTasks() {
		state, reason := TaskLost, ReasonAgentRemoved
		if f := m.frameworks[t.framework]; f != nil && f.partitionAware {
			state, reason = TaskGoneByOperator, ReasonRemovedByOperator
		}
		if a.status != agentRecovered {
			// A live or UNREACHABLE task takes the terminal state; a
			// terminal one keeps its own, the update is still sent
			// (masterStatus).
			m.masterUpdate(t, state, reason)
		}
		m.forgetTask(t)
	}
	switch a.status {
	case agentActive:
		m.send(AgentAddress(id), ShutdownSlave{Agent: id})
		m.dropAgent(a, "agent_removed", "gone")
	default: // unreachable, or recovered and not re-registered yet
		if a.hasReregTmr {
			m.clock.Cancel(a.reregTimer)
			a.hasReregTmr = false
		}
		m.record(Record{Kind: KindAgentRemoved, Agent: id, Reason: "gone"})
	}
	delete(m.agents, id)
	m.registry.gone(id, m.clock.Now())
}

// KnowsAgent reports whether the master knows an agent: registered,
// unreachable, known from the registry, or gone.
func (m *Master) KnowsAgent(id string) bool {
	_, gone := m.registry.Gone[id]
	return gone || m.agents[id] != nil
}

// markUnreachable handles an agent that missed its pings, or its
// re-registration after a failover or a broken connection
// (Master::markUnreachable -> __removeSlave with an unreachable time): its
// tasks become TASK_UNREACHABLE (TASK_LOST for frameworks that are not
// partition-aware), REASON_SLAVE_REMOVED, and move to the framework's
// unreachable tasks (the master keeps them: they come back if the agent
// re-registers); then its offers are rescinded, it leaves allocation, and
// every connected framework is told the agent was lost. The registry
// records the agent as unreachable with the time.
func (m *Master) markUnreachable(a *masterAgent, reason string) {
	wasActive := a.status == agentActive
	a.status = agentUnreachable
	now := m.clock.Now()
	m.registry.unreachable(a.name, now)
	for _, t := range a.sortedTasks() {
		state := TaskLost
		if f := m.frameworks[t.framework]; f != nil && f.partitionAware {
			state = TaskUnreachable
		}
		if !t.unreachable {
			// One unreachable_time, the marking's, on every update (LOST
			// ones too), as __removeSlave sets it.
			m.masterStatus(t, TaskStatus{Task: t.id, Framework: t.framework, Agent: t.agent, State: state,
				Reason: ReasonAgentRemoved, Source: SourceMaster, UnreachableTime: now})
			t.unreachable = true
		}
	}
	if wasActive {
		m.dropAgent(a, "agent_unreachable", reason)
		return
	}
	// A recovered agent that did not re-register in time
	// (recoveredSlavesTimeout): the leader knows no task there, so only
	// the lost-agent notice goes out.
	if a.hasReregTmr {
		m.clock.Cancel(a.reregTimer)
		a.hasReregTmr = false
	}
	m.record(Record{Kind: KindAgentRemoved, Agent: a.name, Reason: reason, Resources: a.total})
	m.sendAgentLost(a.name)
}

// reregisterAgent handles ReregisterSlave (Master::reregisterSlave and its
// continuations), by what the master holds the agent as:
//   - gone: it is shut down (ShutdownMessage);
//   - registered (___reregisterSlave): reconnected if its connection had
//     broken; the master's tasks stay as they are and no update goes to a
//     framework; tasks the master knows there that the agent did not report
//     are sent back so that the agent reports them (reconcileKnownSlave);
//   - recovered from the registry after a failover (__reregisterSlave): the
//     reported tasks are added, no update is sent;
//   - unreachable or unknown (__reregisterSlave): every reported task's
//     state, terminal included, is forwarded to its connected framework
//     with REASON_SLAVE_REREGISTERED before SlaveReregistered; the master's
//     unreachable tasks there are dropped (an unreported one gets no
//     update) and the reported ones added.
//
// Tasks of frameworks this master removed are not added, and the agent is
// told to shut those frameworks down.
func (m *Master) reregisterAgent(msg ReregisterSlave) {
	if _, gone := m.registry.Gone[msg.Agent]; gone {
		m.send(AgentAddress(msg.Agent), ShutdownSlave{Agent: msg.Agent})
		return
	}
	a := m.agents[msg.Agent]
	if a != nil && a.status == agentActive {
		m.reregisterKnown(a, msg)
		return
	}
	announce := a == nil || a.status == agentUnreachable
	if a != nil {
		// The unreachable tasks leave the frameworks' unreachable tasks;
		// the reported ones come back below.
		for _, t := range a.sortedTasks() {
			m.forgetTask(t)
		}
	} else {
		a = newMasterAgent(msg.Agent, Resources{})
		m.agents[a.name] = a
	}
	a.status = agentRecovered
	shutdown := map[string]bool{}
	for _, r := range msg.Tasks {
		if m.removed[r.Framework] {
			// isCompletedFramework: not recovered; shut down below.
			shutdown[r.Framework] = true
			continue
		}
		f := m.reportedFramework(r)
		if announce && f.connected {
			m.send(f.addr, Update{Status: TaskStatus{Task: r.Info.ID, Framework: f.name, Agent: a.name,
				State: r.State, Reason: ReasonReregistered, Source: SourceMaster}})
		}
		if old := f.tasks[r.Info.ID]; old != nil {
			m.forgetTask(old)
		}
		t := m.addReported(a, f, r)
		if announce {
			m.record(Record{Kind: KindTaskStatus, Task: t.id, Framework: t.framework, Agent: a.name,
				State: r.State.String(), Reason: ReasonReregistered, Source: SourceMaster, SeenBy: "master"})
		}
	}
	a.total = msg.Resources
	m.admit(a)
	m.send(a.addr, SlaveReregistered{Agent: a.name})
	for _, fw := range sortedKeys(shutdown) {
		m.send(a.addr, ShutdownFramework{Framework: fw})
	}
}

// reportedFramework returns the master's framework of a reported task,
// creating it if the master does not know it yet: after a failover a
// framework is known only through its tasks until its scheduler
// re-subscribes (failover timeouts are not persisted).
func (m *Master) reportedFramework(r TaskReport) *masterFramework {
	f := m.frameworks[r.Framework]
	if f == nil {
		f = &masterFramework{name: r.Framework, addr: FrameworkAddress(r.Framework), role: r.Role, partitionAware: r.PartitionAware, checkpoint: r.Checkpoint,
			tasks: map[string]*masterTask{}}
		m.frameworks[f.name] = f
		m.alloc.AddFramework(FrameworkInfo{Name: f.name, Role: f.role})
		m.alloc.Suppress(f.name)
	}
	return f
}

// addReported adds a task a re-registering agent reported, in its
// reported state and stream state, to the agent and its framework.
func (m *Master) addReported(a *masterAgent, f *masterFramework, r TaskReport) *masterTask {
	m.nextTask++
	t := &masterTask{seq: m.nextTask, id: r.Info.ID, framework: r.Framework, agent: a.name, res: r.Info.Resources,
		state: r.State, updateState: r.UpdateState}
	a.tasks[taskKey(t.framework, t.id)] = t
	f.tasks[t.id] = t
	m.taskViews.changed(t.framework, t.id)
	return t
}

// reregisterKnown is ___reregisterSlave: an agent the master holds as
// registered re-registers (it restarted, or took a new leader for lost).
// Its connection is re-established if it had broken (the agent is
// reactivated and offered again). The master's view of its tasks does not
// change and frameworks get no update: tasks the agent reports that the
// master does not know are added, and tasks the master knows that the
// agent did not report are sent back in SlaveReregistered so that the
// agent reports them TASK_DROPPED (TASK_LOST), REASON_RECONCILIATION
// (reconcileKnownSlave).
func (m *Master) reregisterKnown(a *masterAgent, msg ReregisterSlave) {
	if a.disconnected {
		a.disconnected = false
		if a.hasReregTmr {
			m.clock.Cancel(a.reregTimer)
			a.hasReregTmr = false
		}
		m.agentOrder = append(m.agentOrder, a.name)
		m.record(Record{Kind: KindAgentReconnected, Agent: a.name})
		if !m.cfg.NoHealthChecks {
			m.startPings(a)
		}
		m.trigger(a.name)
	}
	reported := map[string]bool{}
	shutdown := map[string]bool{}
	for _, r := range msg.Tasks {
		if m.removed[r.Framework] {
			shutdown[r.Framework] = true
			continue
		}
		key := taskKey(r.Framework, r.Info.ID)
		reported[key] = true
		if a.tasks[key] != nil {
			continue
		}
		f := m.reportedFramework(r)
		// Not in the allocator's view of the agent (held stays false),
		// as before the re-registration.
		m.addReported(a, f, r)
	}
	var missing []MissingTask
	for _, t := range a.sortedTasks() {
		key := taskKey(t.framework, t.id)
		if reported[key] {
			continue
		}
		if !t.state.Terminal() || t.state == TaskLost {
			// Live tasks, and LOST ones (which may yet come back), that
			// the agent no longer has.
			pa := false
			if f := m.frameworks[t.framework]; f != nil {
				pa = f.partitionAware
			}
			missing = append(missing, MissingTask{Framework: t.framework, Task: t.id, PartitionAware: pa})
			continue
		}
		// A task the master holds as terminal, unacknowledged, that the
		// agent no longer has (it restarted without checkpointing): the
		// agent's stream, which would have delivered the terminal update,
		// is gone. Reconciliation now reports the terminal state the
		// master knows (not the stream's last one), and the framework is
		// told once. The task is kept: it was never acknowledged.
		if t.updateState != t.state {
			t.updateState = t.state
			if f := m.frameworks[t.framework]; f != nil && f.connected {
				m.send(f.addr, Update{Status: TaskStatus{Task: t.id, Framework: t.framework, Agent: a.name,
					State: t.state, Reason: ReasonReconciliation, Source: SourceMaster}})
			}
		}
	}
	m.send(a.addr, SlaveReregistered{Agent: a.name, Missing: missing})
	for _, fw := range sortedKeys(shutdown) {
		m.send(a.addr, ShutdownFramework{Framework: fw})
	}
}
