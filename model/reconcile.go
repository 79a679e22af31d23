package model

import "github.com/mesosim/mesosim/sim"

// reconcile answers RECONCILE as ../shared/reference/mesos-protocol.md's
// reconciliation table says. Answers are the master's own updates: no
// UUID, never retried, never acknowledged.
//
// Implicit (no tasks): one update per task in the framework's task map
// (live ones and terminal ones not yet acknowledged; not the tasks of
// unreachable agents, which Mesos keeps apart in unreachableTasks), with its
// latest state as the task's status update stream has sent it (Mesos's
// status_update_state: an answer never runs ahead of the agent's reliable
// updates). Explicit, per task, the first matching case: the task is
// known (and its agent not unreachable): its latest state; its agent is
// known from the registry but has not re-registered since a failover (or
// no agent is named and some agent has not): no answer (ask again later); the
// agent is registered and the task unknown: GONE; the agent is
// unreachable: UNREACHABLE; the agent is gone: GONE_BY_OPERATOR; the agent
// is unknown: UNKNOWN. Frameworks that are not partition-aware get LOST
// instead of any of the last four.
func (m *Master) reconcile(msg Reconcile) {
	f := m.frameworks[msg.Framework]
	if f == nil || !f.connected {
		return
	}
	answerAt := func(task, agent string, state TaskState, unreachable sim.Time) {
		m.send(f.addr, Update{Status: TaskStatus{Task: task, Framework: f.name, Agent: agent,
			State: state, Reason: ReasonReconciliation, Source: SourceMaster, UnreachableTime: unreachable}})
	}
	answer := func(task, agent string, state TaskState) { answerAt(task, agent, state, 0) }
	if len(msg.Tasks) == 0 {
		tasks := make([]*masterTask, 0, len(f.tasks))
		for _, id := range sortedKeys(f.tasks) {
			if t := f.tasks[id]; !t.unreachable {
				tasks = append(tasks, t)
			}
		}
		sortTasksBySeq(tasks)
		for _, t := range tasks {
			answer(t.id, t.agent, t.updateState)
		}
		return
	}
	recovered := -1
	anyRecovered := func() bool {
		if recovered < 0 {
			recovered = 0
			if m.anyRecovered() {
				recovered = 1
			}
		}
		return recovered == 1
	}
	for _, ref := range msg.Tasks {
		if t := f.tasks[ref.Task]; t != nil && !t.unreachable {
			answer(t.id, t.agent, t.updateState)
			continue
		}
		a := m.agents[ref.Agent]
		unreachableAt, unreachable := m.registry.Unreachable[ref.Agent]
		_, gone := m.registry.Gone[ref.Agent]
		var state TaskState
		var at sim.Time // Master::reconcile case (4): with the registry's time
		switch {
		case a != nil && a.status == agentRecovered, ref.Agent == "" && anyRecovered():
			continue // no answer: the agent may still report the task
		case a != nil && a.status == agentActive:
			state = TaskGone
		case ref.Agent != "" && unreachable:
			state = TaskUnreachable
			at = unreachableAt
		case ref.Agent != "" && gone:
			state = TaskGoneByOperator
		default:
			state = TaskUnknown
		}
		if !f.partitionAware {
			state = TaskLost
		}
		answerAt(ref.Task, ref.Agent, state, at)
	}
}

// anyRecovered reports whether some agent known from the registry has not
// re-registered since a failover (Mesos's !slaves.recovered.empty()).
func (m *Master) anyRecovered() bool {
	for _, id := range sortedKeys(m.agents) {
		if m.agents[id].status == agentRecovered {
			return true
		}
	}
	return false
}
