package model

import (
	"fmt"
	"strings"

	"github.com/mesosim/mesosim/sim"
)

// WorldConfig wires one simulation.
type WorldConfig struct {
	Seed   uint64
	Master MasterConfig
	// NetworkDelay is the one-way delay of every message (default zero).
	NetworkDelay sim.Time
}

// LeaderElectionDelay is how long the cluster is without a leading master
// after the leader dies (the ZooKeeper session timeout, 10 s by default).
const LeaderElectionDelay = 10 * sim.Second

// World is one simulation: the loop, the network, the master, agents and
// frameworks, and the observers of its records. It is the only place that
// hands actors' messages to the network.
type World struct {
	cfg        WorldConfig
	newAlloc   func(clock Clock, streams sim.Streams) Allocator
	loop       *sim.Loop
	net        *sim.Network
	streams    sim.Streams
	master     *Master           // nil while no master leads
	masters    int               // masters elected so far
	agents     map[string]*Agent // by host name
	byID       map[string]*Agent // by current agent ID
	frameworks map[string]*Framework
	observers  []Observer
	// rec hands Emit's records to the observers without a heap copy.
	rec recorder
}

// NewWorld builds a world whose master allocates with the allocator that
// newAlloc returns (given the allocator's clock and the world's streams).
func NewWorld(cfg WorldConfig, newAlloc func(clock Clock, streams sim.Streams) Allocator) *World {
	w := &World{
		cfg:        cfg,
		newAlloc:   newAlloc,
		loop:       sim.NewLoop(),
		streams:    sim.NewStreams(cfg.Seed),
		agents:     map[string]*Agent{},
		byID:       map[string]*Agent{},
		frameworks: map[string]*Framework{},
	}
	w.rec.emit = w.record
	w.net = sim.NewNetwork(w.loop, w.deliver)
	w.net.SetDelay(cfg.NetworkDelay)
	w.net.OnDropReason(func(e sim.Envelope, reason string) {
		fw, task, agent := messageSubject(e)
		w.Emit(Record{Kind: KindMessageDropped, Type: e.Msg.Type(), From: string(e.From), To: string(e.To), Reason: reason,
			Framework: fw, Task: task, Agent: agent})
	})
	w.elect()
	return w
}

// elect makes a new leading master; from the second on it recovers the
// registry of the one before.
func (w *World) elect() {
	w.masters++
	var m *Master
	clock := w.clock(func() []sim.Envelope { return m.Outbox() }, func() bool { return w.master == m })
	m = NewMaster(w.cfg.Master, clock, w.newAlloc(clock, w.streams), w.record)
	if w.master != nil {
		m.Recover(w.master.Registry())
	}
	w.master = m
}

// Observe adds an observer of every record.
func (w *World) Observe(o Observer) { w.observers = append(w.observers, o) }

// Loop returns the world's event loop.
func (w *World) Loop() *sim.Loop { return w.loop }

// Network returns the world's network.
func (w *World) Network() *sim.Network { return w.net }

// Streams returns the world's random streams.
func (w *World) Streams() sim.Streams { return w.streams }

// Master returns the leading master (nil during a leader election).
func (w *World) Master() *Master { return w.master }

// Now returns the simulated time.
func (w *World) Now() sim.Time { return w.loop.Now() }

// Emit sends a record to every observer, stamped with the current time.
func (w *World) Emit(r Record) {
	r.T = w.loop.Now()
	w.rec.record(r)
}

func (w *World) record(r *Record) {
	for _, o := range w.observers {
		o.Observe(r)
	}
}

// worldClock is a Clock whose timer events flush the owner's outbox onto
// the network after they run, and do nothing once the owner is gone.
type worldClock struct {
	w     *World
	drain func() []sim.Envelope
	alive func() bool
}

func (c *worldClock) Now() sim.Time           { return c.w.loop.Now() }
func (c *worldClock) Cancel(t sim.Timer) bool { return c.w.loop.Cancel(t) }
func (c *worldClock) After(d sim.Time, fn func()) sim.Timer {
	return c.w.loop.AfterVia(d, c, fn)
}

// RunEvent implements sim.Runner: it runs one of c's timer events.
func (c *worldClock) RunEvent(fn func()) {
	if c.alive != nil && !c.alive() {
		return
	}
	fn()
	if c.drain != nil {
		c.w.send(c.drain())
	}
}

func (w *World) clock(drain func() []sim.Envelope, alive func() bool) Clock {
	return &worldClock{w: w, drain: drain, alive: alive}
}

// send puts an actor's outbox on the network and clears it: the actor
// reuses its array for its next messages (outbox).
func (w *World) send(out []sim.Envelope) {
	for _, e := range out {
		w.net.Send(e)
	}
	clear(out)
}

func (w *World) deliver(e sim.Envelope) {
	switch {
	case e.To == MasterAddress:
		if w.master == nil {
			fw, task, agent := messageSubject(e)
			w.Emit(Record{Kind: KindMessageDropped, Type: e.Msg.Type(), From: string(e.From), To: string(e.To), Reason: "no_leader",
				Framework: fw, Task: task, Agent: agent})
			return
		}
		w.send(w.master.Handle(e))
	case strings.HasPrefix(string(e.To), "agent/"):
		if a := w.byID[string(e.To)[len("agent/"):]]; a != nil {
			w.send(a.Handle(e))
		}
	case strings.HasPrefix(string(e.To), "framework/"):
		if f := w.frameworks[string(e.To)[len("framework/"):]]; f != nil {
			w.send(f.Handle(e))
		}
	}
}

// Start arms the master's periodic allocation.
func (w *World) Start() { w.master.Start() }

// Run runs the simulation until the given time.
func (w *World) Run(until sim.Time) { w.loop.Run(until) }

// At schedules fn at time t (timeline entries use it, in file order).
func (w *World) At(t sim.Time, fn func()) { w.loop.At(t, fn) }

// AddAgent starts a new agent, which registers with the master.
func (w *World) AddAgent(name string, res Resources) error {
	if _, ok := w.agents[name]; ok {
		return fmt.Errorf("agent %q already exists", name)
	}
	var a *Agent
	a = NewAgent(name, res, w.clock(func() []sim.Envelope { return a.Outbox() }, nil),
		w.streams.Get("agent/"+name), w.record)
	a.noHealthChecks = w.cfg.Master.NoHealthChecks
	w.agents[name] = a
	w.byID[a.ID()] = a
	w.send(a.Start())
	return nil
}

func (w *World) agent(name string) (*Agent, error) {
	a := w.agents[name]
	if a == nil {
		return nil, fmt.Errorf("unknown agent %q", name)
	}
	return a, nil
}

// RemoveAgent shuts an agent down for good.
func (w *World) RemoveAgent(name string) error {
	a, err := w.agent(name)
	if err != nil {
		return err
	}
	w.send(a.Stop())
	return nil
}

// CrashAgent kills an agent process (a fault).
func (w *World) CrashAgent(name string) error {
	a, err := w.agent(name)
	if err != nil {
		return err
	}
	w.Emit(Record{Kind: KindFault, Fault: "agent_crash", Agent: a.ID()})
	alive := !a.Down()
	a.Crash()
	if alive {
		w.agentExited(a.ID())
	}
	return nil
}

// agentExited tells the leading master that an agent's connection broke
// (libprocess's exited event). mesosim delivers it at once and whatever
// the network's faults, since a dead process's socket closes even across
// a partition's loss rules; with no leader there is nobody to tell.
func (w *World) agentExited(id string) {
	if w.master == nil {
		return
	}
	w.master.AgentExited(id)
	w.send(w.master.Outbox())
}

// MarkAgentGone is the operator marking an agent gone (the operator API's
// MARK_AGENT_GONE) at the leading master. A call the master cannot act on
// (no leader, or an agent it does not know) changes nothing; the fault
// record says why in its detail.
func (w *World) MarkAgentGone(name string) error {
	a, err := w.agent(name)
	if err != nil {
		return err
	}
	switch {
	case w.master == nil:
		w.Emit(Record{Kind: KindFault, Fault: "agent_marked_gone", Agent: a.ID(), Detail: "refused: no leading master"})
	case !w.master.KnowsAgent(a.ID()):
		w.Emit(Record{Kind: KindFault, Fault: "agent_marked_gone", Agent: a.ID(), Detail: "refused: unknown to the master"})
	default:
		w.Emit(Record{Kind: KindFault, Fault: "agent_marked_gone", Agent: a.ID()})
		w.master.MarkAgentGone(a.ID())
		w.send(w.master.Outbox())
	}
	return nil
}

// RestartAgent restarts a crashed agent on the same host; with reboot the
// host rebooted and the agent registers as a new agent.
func (w *World) RestartAgent(name string, reboot bool) error {
	a, err := w.agent(name)
	if err != nil {
		return err
	}
	if reboot {
		old := a.ID()
		alive := !a.Down()
		out := a.Reboot()
		if alive {
			w.agentExited(old)
		}
		delete(w.byID, old)
		w.byID[a.ID()] = a
		w.Emit(Record{Kind: KindFault, Fault: "agent_reboot", Agent: a.ID(), Detail: "was " + old})
		w.send(out)
		return nil
	}
	w.Emit(Record{Kind: KindFault, Fault: "agent_restart", Agent: a.ID()})
	w.send(a.Restart())
	return nil
}

// FailMaster kills the leading master: messages to the master are lost
// until a new leader, elected after delay, recovers the registry; agents
// and frameworks then detect it and re-register and re-subscribe.
func (w *World) FailMaster(delay sim.Time) {
	if w.master == nil {
		return
	}
	w.Emit(Record{Kind: KindFault, Fault: "master_failover", Detail: "leader " + itoa(w.masters) + " died"})
	old := w.master
	w.master = nil
	w.loop.After(delay, func() {
		w.master = old // the registry it persisted
		w.elect()
		w.Emit(Record{Kind: KindFault, Fault: "leader_elected", Detail: "leader " + itoa(w.masters)})
		w.master.Start()
		for _, name := range sortedKeys(w.agents) {
			w.send(w.agents[name].NewLeader())
		}
		for _, name := range sortedKeys(w.frameworks) {
			w.send(w.frameworks[name].NewLeader())
		}
	})
}

// Agent returns an agent by host name (nil if unknown).
func (w *World) Agent(name string) *Agent { return w.agents[name] }

// AgentNames returns the names of all agents ever added, sorted.
func (w *World) AgentNames() []string { return sortedKeys(w.agents) }

// FrameworkNames returns the names of all frameworks ever added, sorted.
func (w *World) FrameworkNames() []string { return sortedKeys(w.frameworks) }

// AddFramework starts a framework with scheduler sched; it subscribes.
func (w *World) AddFramework(cfg FrameworkConfig, sched Scheduler) error {
	if _, ok := w.frameworks[cfg.Name]; ok {
		return fmt.Errorf("framework %q already exists", cfg.Name)
	}
	var f *Framework
	f = NewFramework(cfg, sched, w.clock(func() []sim.Envelope { return f.Outbox() }, nil),
		w.streams.Get("framework/"+cfg.Name), w.streams.Get("driver/"+cfg.Name), w.record)
	w.frameworks[cfg.Name] = f
	w.send(f.Start())
	return nil
}

// Framework returns a framework actor by name (nil if unknown).
func (w *World) Framework(name string) *Framework { return w.frameworks[name] }

func (w *World) framework(name string) (*Framework, error) {
	f := w.frameworks[name]
	if f == nil {
		return nil, fmt.Errorf("unknown framework %q", name)
	}
	return f, nil
}

// RemoveFramework tears a framework down.
func (w *World) RemoveFramework(name string) error {
	f, err := w.framework(name)
	if err != nil {
		return err
	}
	w.send(f.Teardown())
	return nil
}

// DisconnectFramework is a framework failover starting: the scheduler
// process fails; the master notices at once.
func (w *World) DisconnectFramework(name string) error {
	f, err := w.framework(name)
	if err != nil {
		return err
	}
	w.Emit(Record{Kind: KindFault, Fault: "framework_disconnect", Framework: name})
	f.Disconnect()
	if w.master != nil {
		w.master.FrameworkDisconnected(name)
		w.send(w.master.Outbox())
	}
	return nil
}

// ReconnectFramework is the failed-over scheduler coming back.
func (w *World) ReconnectFramework(name string) error {
	f, err := w.framework(name)
	if err != nil {
		return err
	}
	w.Emit(Record{Kind: KindFault, Fault: "framework_reconnect", Framework: name})
	w.send(f.Reconnect())
	return nil
}

// ResubscribeFramework is an external framework subscribing again on a
// new connection, with the configuration of its new FrameworkInfo (withID:
// it carried the framework's ID).
func (w *World) ResubscribeFramework(cfg FrameworkConfig, withID bool) error {
	f, err := w.framework(cfg.Name)
	if err != nil {
		return err
	}
	w.send(f.Resubscribe(cfg, withID))
	return nil
}

// DeclineAgent makes a framework decline its offers on an agent.
func (w *World) DeclineAgent(framework, agent string, refuseSeconds float64) error {
	f, err := w.framework(framework)
	if err != nil {
		return err
	}
	id := agent
	if a := w.agents[agent]; a != nil {
		id = a.ID()
	}
	w.send(f.DeclineAgent(id, refuseSeconds))
	return nil
}

// Release makes a framework kill its tasks on an agent.
func (w *World) Release(framework, agent string) error {
	f, err := w.framework(framework)
	if err != nil {
		return err
	}
	id := agent
	if a := w.agents[agent]; a != nil {
		id = a.ID()
	}
	w.send(f.Release(id))
	return nil
}

// CallFramework runs fn on a framework's driver (suppress, revive, ...).
func (w *World) CallFramework(name string, fn func(d Driver)) error {
	f, err := w.framework(name)
	if err != nil {
		return err
	}
	w.send(f.Call(fn))
	return nil
}

// SetQuota is the operator's quota update on the master.
func (w *World) SetQuota(role string, q Quota) {
	if w.master != nil {
		w.master.SetQuota(role, q)
		w.send(w.master.Outbox())
	}
}

// SetWeight is the operator's weight update on the master.
func (w *World) SetWeight(role string, weight float64) {
	if w.master != nil {
		w.master.SetWeight(role, weight)
		w.send(w.master.Outbox())
	}
}

// MasterTasks returns the leading master's view of every task it knows
// (nil during a leader election), sorted by framework and task.
func (w *World) MasterTasks() []TaskView {
	if w.master == nil {
		return nil
	}
	return w.master.Tasks()
}

// AgentTasks returns what the agents actually hold (tasks running, or
// terminal with an update not yet acknowledged), including agents that are
// crashed (their executors run on), sorted by framework and task.
func (w *World) AgentTasks() []TaskView {
	var out []TaskView
	for _, name := range sortedKeys(w.agents) {
		if a := w.agents[name]; !a.stopped {
			out = append(out, a.Tasks()...)
		}
	}
	sortViews(out)
	return out
}

// FrameworkTasks returns each framework's own view of its tasks, sorted by
// framework and task.
func (w *World) FrameworkTasks() []TaskView {
	var out []TaskView
	for _, name := range sortedKeys(w.frameworks) {
		if f := w.frameworks[name]; !f.removed {
			out = append(out, f.Tasks()...)
		}
	}
	return out
}

// Leaders returns how many masters act as leader right now (0 or 1).
func (w *World) Leaders() int {
	if w.master == nil {
		return 0
	}
	return 1
}

// AgentsReregistered reports whether every agent the leading master knows
// is registered and every live agent process is connected (the "quiet"
// condition of the convergence invariant).
func (w *World) AgentsReregistered() bool {
	if w.master == nil {
		return false
	}
	for _, name := range sortedKeys(w.agents) {
		a := w.agents[name]
		if !a.stopped && !a.down && !a.connected {
			return false
		}
	}
	return w.master.allAgentsActive()
}
