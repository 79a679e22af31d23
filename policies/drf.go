package policies

import (
	"math/rand/v2"

	"github.com/mesosim/mesosim/model"
	"github.com/mesosim/mesosim/sim"
)

// DRF is Mesos's hierarchical DRF allocator
// (src/master/allocator/mesos/hierarchical.cpp with the DRF sorter), as
// described in ../shared/reference/mesos-allocator.md: a role tree sorted
// by weighted dominant share, a DRF framework sorter per role, offers that
// count toward shares at once, filters per (framework, role, agent), and
// two seeded agent shuffles per cycle.
type DRF struct {
	cfg     model.AllocatorConfig
	clock   model.Clock
	rng     *rand.Rand
	totalQ  quantities // cluster totals by scalar name
	names   names
	agents  map[string]*agentState
	clients map[string]*client
	nextIdx int
	roles   *roleTree
	weights map[string]float64
	buf     bitset
}

// NewDRF returns a hierarchical DRF allocator.
func NewDRF(cfg model.AllocatorConfig) *DRF {
	return &DRF{
		cfg: cfg, clock: cfg.Clock, rng: cfg.Rand,
		agents:  map[string]*agentState{},
		clients: map[string]*client{},
		roles:   newRoleTree(),
		weights: map[string]float64{},
		names:   names{exclude: cfg.FairSharingExcluded},
	}
}

func (d *DRF) share(alloc quantities, weight float64) float64 {
	return d.names.dominantShare(alloc, d.totalQ, weight)
}

func (d *DRF) weight(role string) float64 {
	if w, ok := d.weights[role]; ok {
		return w
	}
	return 1
}

// totalsChanged re-sorts everything on next use: every share's denominator
// moved.
func (d *DRF) totalsChanged() {
	d.roles.invalidate()
	for _, n := range d.roles.nodes {
		if n.leaf != nil {
			n.leaf.frameworks.dirty = true
		}
	}
}

// AddAgent implements model.Allocator.
func (d *DRF) AddAgent(name string, total model.Resources, used []model.Usage) {
	a := &agentState{name: name, total: total}
	d.agents[name] = a
	d.names.add(&d.totalQ, total, 1)
	d.totalsChanged()
	for _, u := range used {
		if c := d.clients[u.Framework]; c != nil {
			d.allocate(c, a, u.Resources, false)
		}
	}
}

// RemoveAgent implements model.Allocator.
func (d *DRF) RemoveAgent(name string) {
	a := d.agents[name]
	if a == nil {
		return
	}
	for _, c := range d.sortedClients() {
		if res, ok := c.byAgent[name]; ok {
			d.unallocate(c, a, res)
		}
	}
	for _, f := range a.filters.items {
		if !f.dead {
			f.dead = true
			d.clock.Cancel(f.timer)
			f.c.filters.died()
		}
	}
	delete(d.agents, name)
	d.names.add(&d.totalQ, a.total, -1)
	d.totalsChanged()
}

// AddFramework implements model.Allocator.
func (d *DRF) AddFramework(name, role string) {
	c := &client{name: name, role: role, idx: d.nextIdx, active: true, byAgent: map[string]model.Resources{}}
	d.nextIdx++
	d.clients[name] = c
	d.roles.leaf(role).frameworks.add(c, d)
}

// RemoveFramework implements model.Allocator.
func (d *DRF) RemoveFramework(name string) {
	c := d.clients[name]
	if c == nil {
		return
	}
	for _, agent := range sortedNames(c.byAgent) {
		d.unallocate(c, d.agents[agent], c.byAgent[agent])
	}
	d.clearFilters(c)
	d.roles.leaf(c.role).frameworks.remove(c, d)
	delete(d.clients, name)
}

// Suppress implements model.Allocator.
func (d *DRF) Suppress(name string) {
	if c := d.clients[name]; c != nil {
		d.roles.leaf(c.role).frameworks.setActive(c, false)
	}
}

// Revive implements model.Allocator.
func (d *DRF) Revive(name string) {
	if c := d.clients[name]; c != nil {
		d.clearFilters(c)
		d.roles.leaf(c.role).frameworks.setActive(c, true)
	}
}

// SetWeight implements model.Allocator.
func (d *DRF) SetWeight(role string, w float64) {
	d.weights[role] = w
	d.roles.invalidate()
}

// Recover implements model.Allocator.
func (d *DRF) Recover(framework, agent string, res model.Resources, refuse sim.Time) {
	c := d.clients[framework]
	a := d.agents[agent]
	if c == nil || a == nil || res.IsEmpty() {
		return
	}
	d.unallocate(c, a, res)
	if refuse <= 0 {
		return
	}
	// The effective filter always outlives the next batch cycle.
	refuse = max(refuse, d.cfg.AllocationInterval)
	f := &filter{c: c, agent: a}
	a.addFilter(f, res)
	c.filters.add(f)
	f.timer = d.clock.After(refuse, func() { d.expire(f) })
}

func (d *DRF) expire(f *filter) {
	if f.dead {
		return
	}
	f.dead = true
	f.agent.dropFilter(f)
	f.agent.filters.died()
	f.c.filters.died()
}

func (d *DRF) clearFilters(c *client) {
	for _, f := range c.filters.items {
		if !f.dead {
			f.dead = true
			d.clock.Cancel(f.timer)
			f.agent.dropFilter(f)
			f.agent.filters.died()
		}
	}
	c.filters = filterList{}
}

func (d *DRF) allocate(c *client, a *agentState, res model.Resources, count bool) {
	a.allocated = a.allocated.Add(res)
	d.names.add(&c.alloc, res, 1)
	c.byAgent[a.name] = c.byAgent[a.name].Add(res)
	if count {
		c.count++
	}
	leaf := d.roles.leaf(c.role)
	d.roles.allocated(d, leaf, res, false)
	leaf.frameworks.update(c, d)
}

func (d *DRF) unallocate(c *client, a *agentState, res model.Resources) {
	a.allocated = a.allocated.Sub(res)
	d.names.add(&c.alloc, res, -1)
	if left := c.byAgent[a.name].Sub(res); left.IsEmpty() {
		delete(c.byAgent, a.name)
	} else {
		c.byAgent[a.name] = left
	}
	leaf := d.roles.leaf(c.role)
	d.roles.allocated(d, leaf, res, true)
	leaf.frameworks.update(c, d)
}

// Allocate implements model.Allocator: one cycle over the candidates.
func (d *DRF) Allocate(candidates []string) []model.Grant {
	agents := make([]*agentState, 0, len(candidates))
	for _, n := range candidates {
		if a := d.agents[n]; a != nil {
			agents = append(agents, a)
		}
	}
	// Stage 1 (quota) shuffles the agents; with no quota set it offers
	// nothing. The shuffle is still drawn so that streams stay aligned.
	d.shuffle(agents)
	// Stage 2: fair share. Shuffle again; for each agent, roles in DRF
	// order, and in each role the first framework that is active, not
	// filtered and for which the resources are allocatable takes all of the
	// agent that its role may use.
	d.shuffle(agents)
	var grants []model.Grant
	for _, a := range agents {
		avail := a.total.Sub(a.allocated)
		if avail.IsEmpty() {
			continue
		}
		for _, leaf := range d.roles.leaves(d) {
			fs := leaf.frameworks
			if fs.nActive == 0 {
				continue
			}
			offer := avail.AllocatableTo(leaf.path)
			if !allocatable(offer, d.cfg.MinAllocatable) {
				continue
			}
			d.buf = a.filtered(offer, d.buf)
			if andCount(d.buf, fs.active) == fs.nActive {
				continue // every active framework of the role filters this
			}
			for _, c := range fs.sorted(d) {
				if !c.active || d.buf.has(c.idx) {
					continue
				}
				grants = append(grants, model.Grant{Framework: c.name, Role: c.role, Agent: a.name, Resources: offer})
				d.allocate(c, a, offer, true)
				avail = avail.Sub(offer)
				break
			}
			if avail.IsEmpty() {
				break
			}
		}
	}
	return grants
}

func (d *DRF) shuffle(agents []*agentState) {
	d.rng.Shuffle(len(agents), func(i, j int) { agents[i], agents[j] = agents[j], agents[i] })
}

func (d *DRF) sortedClients() []*client {
	out := make([]*client, 0, len(d.clients))
	for _, n := range sortedNames(d.clients) {
		out = append(out, d.clients[n])
	}
	return out
}
