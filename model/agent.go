package model

import "github.com/mesosim/mesosim/sim"

// Agent is a Mesos agent with its executors folded in: it runs tasks for
// their duration and reports their states through the status update
// manager, one FIFO stream per task.
type Agent struct {
	name  string
	res   Resources
	clock Clock
	emit  func(*Record)
	out   []sim.Envelope

	registered bool
	stopped    bool
	tasks      map[string]*agentTask // by framework/task
	nextUUID   uint64
}

type agentTask struct {
	framework string
	info      TaskInfo
	state     TaskState
	timer     sim.Timer
	hasTimer  bool
	// stream is the task's status update stream: only its head is in
	// flight; the next is sent when the head is acknowledged.
	stream []TaskStatus
}

// NewAgent returns an agent that has not registered yet.
func NewAgent(name string, res Resources, clock Clock, emit func(*Record)) *Agent {
	return &Agent{name: name, res: res, clock: clock, emit: emit, tasks: map[string]*agentTask{}}
}

// Name returns the agent's name.
func (a *Agent) Name() string { return a.name }

// Resources returns the agent's total resources.
func (a *Agent) Resources() Resources { return a.res }

// Outbox returns the messages produced by timers and clears it.
func (a *Agent) Outbox() []sim.Envelope {
	out := a.out
	a.out = nil
	return out
}

func (a *Agent) send(msg sim.Message) {
	a.out = append(a.out, sim.Envelope{From: AgentAddress(a.name), To: MasterAddress, Msg: msg})
}

// Start sends RegisterSlave.
func (a *Agent) Start() []sim.Envelope {
	a.send(RegisterSlave{Agent: a.name, Resources: a.res})
	return a.Outbox()
}

// Stop shuts the agent down for good: it unregisters and its tasks are gone.
func (a *Agent) Stop() []sim.Envelope {
	if a.stopped {
		return nil
	}
	for _, k := range sortedKeys(a.tasks) {
		if t := a.tasks[k]; t.hasTimer {
			a.clock.Cancel(t.timer)
		}
	}
	clear(a.tasks)
	a.stopped = true
	a.send(UnregisterSlave{Agent: a.name})
	return a.Outbox()
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
	if a.stopped {
		return nil
	}
	switch msg := e.Msg.(type) {
	case SlaveRegistered:
		a.registered = true
	case RunTask:
		a.runTask(msg)
	case KillTask:
		if t := a.tasks[taskKey(msg.Framework, msg.Task)]; t != nil && !t.state.Terminal() {
			a.finish(t, TaskKilled, "REASON_TASK_KILLED")
		}
	case ShutdownFramework:
		for _, k := range sortedKeys(a.tasks) {
			if t := a.tasks[k]; t.framework == msg.Framework {
				if t.hasTimer {
					a.clock.Cancel(t.timer)
				}
				delete(a.tasks, k)
			}
		}
	case StatusUpdateAcknowledgement:
		a.acknowledged(msg)
	}
	return a.Outbox()
}

func (a *Agent) runTask(msg RunTask) {
	key := taskKey(msg.Framework, msg.Task.ID)
	if _, ok := a.tasks[key]; ok {
		return
	}
	t := &agentTask{framework: msg.Framework, info: msg.Task, state: TaskStaging}
	a.tasks[key] = t
	a.update(t, TaskRunning, "")
	if d := msg.Task.Duration; d != sim.Never && d >= 0 {
		t.hasTimer = true
		t.timer = a.clock.After(d, func() {
			t.hasTimer = false
			if a.tasks[key] == t && !t.state.Terminal() {
				a.finish(t, TaskFinished, "")
			}
		})
	}
}

func (a *Agent) finish(t *agentTask, state TaskState, reason string) {
	if t.hasTimer {
		a.clock.Cancel(t.timer)
		t.hasTimer = false
	}
	a.update(t, state, reason)
}

// update appends a reliable status update to the task's stream and sends
// it if it is the head.
func (a *Agent) update(t *agentTask, state TaskState, reason string) {
	t.state = state
	a.nextUUID++
	st := TaskStatus{Task: t.info.ID, Framework: t.framework, Agent: a.name, State: state,
		Reason: reason, Source: SourceExecutor, UUID: a.nextUUID}
	a.emit(&Record{T: a.clock.Now(), Kind: KindTaskStatus, Task: st.Task, Framework: st.Framework, Agent: a.name,
		State: state.String(), Reason: reason, Source: st.Source, SeenBy: "agent"})
	t.stream = append(t.stream, st)
	if len(t.stream) == 1 {
		a.send(StatusUpdate{Status: st})
	}
}

func (a *Agent) acknowledged(msg StatusUpdateAcknowledgement) {
	key := taskKey(msg.Framework, msg.Task)
	t := a.tasks[key]
	if t == nil || len(t.stream) == 0 || t.stream[0].UUID != msg.UUID {
		return // a wrong or duplicate acknowledgement is ignored
	}
	t.stream = t.stream[1:]
	if len(t.stream) > 0 {
		a.send(StatusUpdate{Status: t.stream[0]})
		return
	}
	if t.state.Terminal() {
		delete(a.tasks, key)
	}
}
