package model

import (
	"strings"

	"github.com/mesosim/mesosim/sim"
)

// messageSubject returns the framework, task and agent a message is
// about, for the record of its drop: the task messages name their task,
// and the agent is the message's own or its agent end's (empty where
// there is none).
func messageSubject(e sim.Envelope) (framework, task, agent string) {
	switch m := e.Msg.(type) {
	case RunTask:
		framework, task = m.Framework, m.Task.ID
	case KillTask:
		framework, task = m.Framework, m.Task
	case StatusUpdate:
		framework, task, agent = m.Status.Framework, m.Status.Task, m.Status.Agent
	case Update:
		framework, task, agent = m.Status.Framework, m.Status.Task, m.Status.Agent
	case StatusUpdateAcknowledgement:
		framework, task = m.Framework, m.Task
	case Acknowledge:
		framework, task, agent = m.Framework, m.Task, m.Agent
	case Kill:
		framework, task, agent = m.Framework, m.Task, m.Agent
	}
	if agent == "" {
		for _, a := range []sim.Address{e.To, e.From} {
			if name, ok := strings.CutPrefix(string(a), "agent/"); ok {
				agent = name
				break
			}
		}
	}
	return framework, task, agent
}
