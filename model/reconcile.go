package model

import "github.com/mesosim/mesosim/sim"

// reconcile answers RECONCILE as ../shared/reference/mesos-protocol.md's
// reconciliation table says. Answers are the master's own updates: no
// UUID, never retried, never acknowledged.
//
// Implicit (no tasks): one update per task the master knows for the
// framework (live ones and terminal ones not yet acknowledged), with its
// latest state as the task's status update stream has sent it (Mesos's
// status_update_state: an answer never runs ahead of the agent's reliable
// updates). Explicit, per task, the first matching case: the task is
// known: its latest state; its agent is known from the registry but has
// not re-registered since a failover: no answer (ask again later); the
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
		m.send(FrameworkAddress(f.name), Update{Status: TaskStatus{Task: task, Framework: f.name, Agent: agent,
			State: state, Reason: ReasonReconciliation, Source: SourceMaster, UnreachableTime: unreachable}})
	}
	answer := func(task, agent string, state TaskState) { answerAt(task, agent, state, 0) }
	if len(msg.Tasks) == 0 {
		tasks := make([]*masterTask, 0, len(f.tasks))
		for _, id := range sortedKeys(f.tasks) {
			tasks = append(tasks, f.tasks[id])
		}
		sortTasksBySeq(tasks)
		for _, t := range tasks {
			answer(t.id, t.agent, t.updateState)
		}
		return
	}
	for _, ref := range msg.Tasks {
		if t := f.tasks[ref.Task]; t != nil {
			answer(t.id, t.agent, t.updateState)
			continue
		}
		a := m.agents[ref.Agent]
		var state TaskState
		var unreachable sim.Time // Master::reconcile case (4): with the registry's time
		switch {
		case a != nil && a.status == agentRecovered:
			continue // no answer: the agent may still report the task
		case a != nil && a.status == agentActive:
			state = TaskGone
		case a != nil && a.status == agentUnreachable:
			state = TaskUnreachable
			unreachable = m.registry.Unreachable[ref.Agent]
		case m.registry.Gone[ref.Agent]:
			state = TaskGoneByOperator
		default:
			state = TaskUnknown
		}
		if !f.partitionAware {
			state = TaskLost
		}
		answerAt(ref.Task, ref.Agent, state, unreachable)
	}
}
