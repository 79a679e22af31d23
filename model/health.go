package model

// startPings starts the master's health checks of an agent: a PingSlave
// every PingInterval; MaxMissedPings pings in a row without a pong mark the
// agent unreachable.
func (m *Master) startPings(a *masterAgent) {
	m.stopPings(a)
	a.missed, a.awaitPong = 0, false
	var tick func()
	tick = func() {
		if m.agents[a.name] != a || a.status != agentActive {
			a.hasPing = false
			return
		}
		if a.awaitPong {
			a.missed++
			if a.missed >= MaxMissedPings {
				a.hasPing = false
				m.markUnreachable(a, "unreachable")
				return
			}
		}
		a.awaitPong = true
		m.send(AgentAddress(a.name), PingSlave{Agent: a.name})
		a.pingTimer = m.clock.After(PingInterval, tick)
	}
	a.hasPing = true
	a.pingTimer = m.clock.After(PingInterval, tick)
}

func (m *Master) stopPings(a *masterAgent) {
	if a.hasPing {
		m.clock.Cancel(a.pingTimer)
		a.hasPing = false
	}
}

// markUnreachable handles an agent that missed its pings (or its
// re-registration after a failover): its offers are rescinded, it leaves
// allocation, and its tasks become TASK_UNREACHABLE (TASK_LOST for
// frameworks that are not partition-aware), REASON_SLAVE_REMOVED. The
// master keeps the tasks: they come back if the agent re-registers.
func (m *Master) markUnreachable(a *masterAgent, reason string) {
	wasActive := a.status == agentActive
	a.status = agentUnreachable
	m.stopPings(a)
	now := m.clock.Now()
	m.registry.unreachable(a.name, now)
	for _, id := range sortedKeys(a.offers) {
		m.rescind(m.offers[id], "agent_unreachable", true)
	}
	notified := map[string]bool{}
	for _, key := range sortedKeys(a.tasks) {
		t := a.tasks[key]
		if t.state.Terminal() {
			continue
		}
		f := m.frameworks[t.framework]
		state := TaskLost
		if f != nil && f.partitionAware {
			state = TaskUnreachable
		}
		// Master::__removeSlave: one unreachable_time, the marking's, on
		// every update (LOST ones too).
		m.masterStatus(t, TaskStatus{Task: t.id, Framework: t.framework, Agent: t.agent, State: state,
			Reason: ReasonAgentRemoved, Source: SourceMaster, UnreachableTime: now})
		notified[t.framework] = true
	}
	for _, fw := range sortedKeys(notified) {
		if f := m.frameworks[fw]; f != nil && f.connected {
			m.send(FrameworkAddress(fw), Failure{Agent: a.name})
		}
	}
	if wasActive {
		m.deactivateAgent(a)
		m.record(Record{Kind: KindAgentRemoved, Agent: a.name, Reason: reason, Resources: a.total})
	}
}

// reregisterAgent handles ReregisterSlave: an agent back from a partition,
// a restart, or a master failover. Tasks it reports are taken as they are
// (an unreachable task comes back in its current state,
// REASON_SLAVE_REREGISTERED; it is not killed); tasks the master knows on
// it and it did not report are sent back so that the agent reports them
// TASK_DROPPED (TASK_LOST), REASON_RECONCILIATION.
func (m *Master) reregisterAgent(msg ReregisterSlave) {
	if m.registry.Gone[msg.Agent] {
		return
	}
	a := m.agents[msg.Agent]
	if a == nil {
		a = &masterAgent{name: msg.Agent, total: msg.Resources, tasks: map[string]*masterTask{}, offers: map[string]bool{}}
		m.agents[a.name] = a
		a.status = agentRecovered
	}
	reported := map[string]bool{}
	shutdown := map[string]bool{}
	for _, r := range msg.Tasks {
		if m.removed[r.Framework] {
			// A framework this master removed (its shutdown was lost):
			// as Mesos's __reregisterSlave, it is not recovered, and the
			// agent is told to shut it down.
			shutdown[r.Framework] = true
			continue
		}
		key := taskKey(r.Framework, r.Info.ID)
		reported[key] = true
		f := m.frameworks[r.Framework]
		if f == nil {
			// Known only through its tasks until its scheduler
			// re-subscribes (failover timeouts are not persisted).
			f = &masterFramework{name: r.Framework, role: r.Role, partitionAware: r.PartitionAware,
				tasks: map[string]*masterTask{}, offers: map[string]bool{}}
			m.frameworks[f.name] = f
			m.alloc.AddFramework(FrameworkInfo{Name: f.name, Role: f.role})
			m.alloc.Suppress(f.name)
		}
		t := a.tasks[key]
		if t == nil {
			m.nextTask++
			t = &masterTask{seq: m.nextTask, id: r.Info.ID, framework: r.Framework, agent: a.name, res: r.Info.Resources,
				state: r.State, updateState: r.UpdateState}
			a.tasks[key] = t
			f.tasks[t.id] = t
			continue
		}
		t.updateState = r.UpdateState
		if t.state != r.State {
			st := TaskStatus{Task: t.id, Framework: t.framework, Agent: a.name, State: r.UpdateState,
				Reason: ReasonReregistered, Source: SourceMaster}
			wasTerminal := t.state.Terminal()
			m.record(Record{Kind: KindTaskStatus, Task: t.id, Framework: t.framework, Agent: a.name,
				State: r.State.String(), Reason: st.Reason, Source: st.Source, SeenBy: "master"})
			t.state = r.State
			if wasTerminal && !r.State.Terminal() {
				t.terminalUUID = 0
			}
			// A task back alive is announced (REASON_SLAVE_REREGISTERED);
			// a terminal state is left to the agent's own reliable
			// stream, which delivers it after the updates before it.
			if f.connected && r.UpdateState.Live() {
				m.send(FrameworkAddress(f.name), Update{Status: st})
			}
		}
	}
	var missing []MissingTask
	for _, key := range sortedKeys(a.tasks) {
		if reported[key] {
			continue
		}
		// Live tasks, and LOST ones (which may yet come back), that the
		// agent no longer has.
		t := a.tasks[key]
		if !t.state.Terminal() || t.state == TaskLost {
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
		// is gone. Reconciliation now reports the terminal state the master
		// knows (not the stream's last one), and the framework is told once.
		// The task is kept: it was never acknowledged.
		if t.updateState != t.state {
			t.updateState = t.state
			if f := m.frameworks[t.framework]; f != nil && f.connected {
				m.send(FrameworkAddress(f.name), Update{Status: TaskStatus{Task: t.id, Framework: t.framework, Agent: a.name,
					State: t.state, Reason: ReasonReconciliation, Source: SourceMaster}})
			}
		}
	}
	if a.status != agentActive {
		a.total = msg.Resources
		m.admit(a)
	}
	m.send(AgentAddress(a.name), SlaveReregistered{Agent: a.name, Missing: missing})
	for _, fw := range sortedKeys(shutdown) {
		m.send(AgentAddress(a.name), ShutdownFramework{Framework: fw})
	}
}

// FrameworkDisconnected is the master noticing a scheduler's connection
// closed: its offers are rescinded, it gets no more, and it is removed
// (its tasks killed) if it does not re-subscribe within its failover
// timeout (Mesos default 0: at once).
func (m *Master) FrameworkDisconnected(name string) {
	f := m.frameworks[name]
	if f == nil || !f.connected {
		return
	}
	f.connected = false
	for _, id := range sortedKeys(f.offers) {
		m.rescind(m.offers[id], "framework_disconnected", false)
	}
	m.alloc.Suppress(name)
	if f.failoverTimeout <= 0 {
		m.RemoveFramework(name, "failover_timeout")
		return
	}
	f.hasFailover = true
	f.failoverTimer = m.clock.After(f.failoverTimeout, func() {
		f.hasFailover = false
		if m.frameworks[name] == f && !f.connected {
			m.RemoveFramework(name, "failover_timeout")
		}
	})
}
