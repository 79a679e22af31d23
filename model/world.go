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

// World is one simulation: the loop, the network, the master, agents and
// frameworks, and the observers of its records. It is the only place that
// hands actors' messages to the network.
type World struct {
	loop       *sim.Loop
	net        *sim.Network
	streams    sim.Streams
	master     *Master
	agents     map[string]*Agent
	frameworks map[string]*Framework
	observers  []Observer
}

// NewWorld builds a world whose master allocates with the allocator that
// newAlloc returns (given the allocator's clock and the world's streams).
func NewWorld(cfg WorldConfig, newAlloc func(clock Clock, streams sim.Streams) Allocator) *World {
	w := &World{
		loop:       sim.NewLoop(),
		streams:    sim.NewStreams(cfg.Seed),
		agents:     map[string]*Agent{},
		frameworks: map[string]*Framework{},
	}
	w.net = sim.NewNetwork(w.loop, w.deliver)
	w.net.SetDelay(cfg.NetworkDelay)
	alloc := newAlloc(w.clock(nil), w.streams)
	var m *Master
	m = NewMaster(cfg.Master, w.clock(func() []sim.Envelope { return m.Outbox() }), alloc, w.record)
	w.master = m
	return w
}

// Observe adds an observer of every record.
func (w *World) Observe(o Observer) { w.observers = append(w.observers, o) }

// Loop returns the world's event loop.
func (w *World) Loop() *sim.Loop { return w.loop }

// Network returns the world's network.
func (w *World) Network() *sim.Network { return w.net }

// Streams returns the world's random streams.
func (w *World) Streams() sim.Streams { return w.streams }

// Master returns the master.
func (w *World) Master() *Master { return w.master }

// Now returns the simulated time.
func (w *World) Now() sim.Time { return w.loop.Now() }

// Emit sends a record to every observer, stamped with the current time.
func (w *World) Emit(r Record) {
	r.T = w.loop.Now()
	w.record(&r)
}

func (w *World) record(r *Record) {
	for _, o := range w.observers {
		o.Observe(r)
	}
}

// worldClock is a Clock whose timer events flush the owner's outbox onto
// the network after they run.
type worldClock struct {
	w     *World
	drain func() []sim.Envelope
}

func (c worldClock) Now() sim.Time           { return c.w.loop.Now() }
func (c worldClock) Cancel(t sim.Timer) bool { return c.w.loop.Cancel(t) }
func (c worldClock) After(d sim.Time, fn func()) sim.Timer {
	return c.w.loop.After(d, func() {
		fn()
		if c.drain != nil {
			c.w.send(c.drain())
		}
	})
}

func (w *World) clock(drain func() []sim.Envelope) Clock { return worldClock{w: w, drain: drain} }

func (w *World) send(out []sim.Envelope) {
	for _, e := range out {
		w.net.Send(e)
	}
}

func (w *World) deliver(e sim.Envelope) {
	switch {
	case e.To == MasterAddress:
		w.send(w.master.Handle(e))
	case strings.HasPrefix(string(e.To), "agent/"):
		if a := w.agents[string(e.To)[len("agent/"):]]; a != nil {
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
	a = NewAgent(name, res, w.clock(func() []sim.Envelope { return a.Outbox() }), w.record)
	w.agents[name] = a
	w.send(a.Start())
	return nil
}

// RemoveAgent shuts an agent down for good.
func (w *World) RemoveAgent(name string) error {
	a := w.agents[name]
	if a == nil {
		return fmt.Errorf("unknown agent %q", name)
	}
	w.send(a.Stop())
	return nil
}

// Agent returns an agent by name (nil if unknown).
func (w *World) Agent(name string) *Agent { return w.agents[name] }

// AgentNames returns the names of all agents ever added, sorted.
func (w *World) AgentNames() []string { return sortedKeys(w.agents) }

// AddFramework starts a framework with scheduler sched; it subscribes.
func (w *World) AddFramework(cfg FrameworkConfig, sched Scheduler) error {
	if _, ok := w.frameworks[cfg.Name]; ok {
		return fmt.Errorf("framework %q already exists", cfg.Name)
	}
	var f *Framework
	f = NewFramework(cfg, sched, w.clock(func() []sim.Envelope { return f.Outbox() }),
		w.streams.Get("framework/"+cfg.Name), w.record)
	w.frameworks[cfg.Name] = f
	w.send(f.Start())
	return nil
}

// Framework returns a framework actor by name (nil if unknown).
func (w *World) Framework(name string) *Framework { return w.frameworks[name] }

// RemoveFramework tears a framework down.
func (w *World) RemoveFramework(name string) error {
	f := w.frameworks[name]
	if f == nil {
		return fmt.Errorf("unknown framework %q", name)
	}
	w.send(f.Teardown())
	return nil
}

// DeclineAgent makes a framework decline its offers on an agent.
func (w *World) DeclineAgent(framework, agent string, refuseSeconds float64) error {
	f := w.frameworks[framework]
	if f == nil {
		return fmt.Errorf("unknown framework %q", framework)
	}
	w.send(f.DeclineAgent(agent, refuseSeconds))
	return nil
}

// Release makes a framework kill its tasks on an agent.
func (w *World) Release(framework, agent string) error {
	f := w.frameworks[framework]
	if f == nil {
		return fmt.Errorf("unknown framework %q", framework)
	}
	w.send(f.Release(agent))
	return nil
}

// CallFramework runs fn on a framework's driver (suppress, revive, ...).
func (w *World) CallFramework(name string, fn func(d Driver)) error {
	f := w.frameworks[name]
	if f == nil {
		return fmt.Errorf("unknown framework %q", name)
	}
	w.send(f.Call(fn))
	return nil
}

// SetQuota is the operator's quota update on the master.
func (w *World) SetQuota(role string, q Quota) {
	w.master.SetQuota(role, q)
	w.send(w.master.Outbox())
}

// SetWeight is the operator's weight update on the master.
func (w *World) SetWeight(role string, weight float64) {
	w.master.SetWeight(role, weight)
	w.send(w.master.Outbox())
}
