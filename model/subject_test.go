package model

import (
	"testing"

	"github.com/mesosim/mesosim/sim"
)

func TestMessageSubject(t *testing.T) {
	st := TaskStatus{Task: "t1", Framework: "f", Agent: "a-1#2"}
	cases := []struct {
		name     string
		e        sim.Envelope
		fw, task string
		agent    string
	}{
		{"RunTask", sim.Envelope{From: MasterAddress, To: AgentAddress("a-2"), Msg: RunTask{Framework: "f", Task: TaskInfo{ID: "t2"}}}, "f", "t2", "a-2"},
		{"KillTask", sim.Envelope{From: MasterAddress, To: AgentAddress("a-3"), Msg: KillTask{Framework: "f", Task: "t3"}}, "f", "t3", "a-3"},
		{"StatusUpdate", sim.Envelope{From: AgentAddress("a-1#2"), To: MasterAddress, Msg: StatusUpdate{Status: st}}, "f", "t1", "a-1#2"},
		{"UPDATE", sim.Envelope{From: MasterAddress, To: FrameworkAddress("f"), Msg: Update{Status: st}}, "f", "t1", "a-1#2"},
		{"ack", sim.Envelope{From: MasterAddress, To: AgentAddress("a-4"), Msg: StatusUpdateAcknowledgement{Framework: "f", Task: "t4"}}, "f", "t4", "a-4"},
		{"ACKNOWLEDGE", sim.Envelope{From: FrameworkAddress("f"), To: MasterAddress, Msg: Acknowledge{Framework: "f", Agent: "a-5", Task: "t5"}}, "f", "t5", "a-5"},
		{"KILL", sim.Envelope{From: FrameworkAddress("f"), To: MasterAddress, Msg: Kill{Framework: "f", Task: "t6", Agent: "a-6"}}, "f", "t6", "a-6"},
		{"PingSlave", sim.Envelope{From: MasterAddress, To: AgentAddress("a-7"), Msg: PingSlave{Agent: "a-7"}}, "", "", "a-7"},
		{"OFFERS", sim.Envelope{From: MasterAddress, To: FrameworkAddress("f"), Msg: Offers{}}, "", "", ""},
	}
	for _, c := range cases {
		fw, task, agent := messageSubject(c.e)
		if fw != c.fw || task != c.task || agent != c.agent {
			t.Errorf("%s: got (%q, %q, %q), want (%q, %q, %q)", c.name, fw, task, agent, c.fw, c.task, c.agent)
		}
	}
}
