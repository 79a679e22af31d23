package policies

import (
	"math/rand/v2"

	"github.com/mesosim/mesosim/model"
	"github.com/mesosim/mesosim/sim"
)

// Hierarchical is the allocator core shared by every policy, after Mesos's
// hierarchical allocator (src/master/allocator/mesos/hierarchical.cpp) as
// described in ../shared/reference/mesos-allocator.md: agents shuffled
// twice per cycle from the allocator's own stream, a quota stage then a
// fair-share stage, one offer per (agent, role) holding everything of the
// agent the role may use (capped by quota limits and by the headroom kept
// for unmet guarantees), offers counting toward shares at once, filters per
// (framework, role, agent), and minimum allocatable resources (per
// framework when it sets its own). What differs between policies is only
// the order in which roles and frameworks are visited (see order.go).
type Hierarchical struct {
	cfg     model.AllocatorConfig
	clock   model.Clock
	rng     *rand.Rand
	order   order
	totalQ  quantities // cluster totals by scalar name
	names   names
	agents  map[string]*agentState
	clients map[string]*client
	// subscribed holds the frameworks in subscription order.
	subscribed []*client
	// clientAt holds every framework by its idx (nil once removed).
	clientAt []*client
	nextIdx  int
	roles    *roleTree
	weights  map[string]float64
	quota    quotaState
	buf      bitset
	// delta is the scratch vector of the allocation being added or
	// removed (names.vector), shared by the framework and its roles.
	delta quantities
	// visit is the agent visit under way, reused (see agentVisit).
	visit agentVisit
	// table numbers the agents (see agentTable); lastGrants is how many
	// grants the last cycle made (a capacity hint).
	table      agentTable
	lastGrants int
	// noSkip turns the idle-agent skip and the skip of other roles'
	// filters (agentState.filtered) off (tests compare both ways).
	noSkip bool
	// epoch grows with every change that may make any agent offerable
	// again (frameworks added, removed, revived from suppression; agents
	// added; under quota or capacity, any allocation, which moves headroom
	// and caps).
	epoch uint64
	// dec collects decision records (AllocatorConfig.Decisions); nil when
	// none are asked for, and then every hook is one nil check.
	dec *decisions
}

// bump records a global change (see epoch).
func (h *Hierarchical) bump() { h.epoch++ }

// NewDRF returns Mesos's hierarchical DRF allocator: roles and frameworks
// in DRF order (weighted dominant share, then allocation count, then name).
func NewDRF(cfg model.AllocatorConfig) *Hierarchical { return newHierarchical(cfg, drfOrder{}) }

func newHierarchical(cfg model.AllocatorConfig, o order) *Hierarchical {
	weights := map[string]float64{}
	h := &Hierarchical{
		cfg: cfg, clock: cfg.Clock, rng: cfg.Rand, order: o,
		agents:  map[string]*agentState{},
		clients: map[string]*client{},
		roles:   newRoleTree(weights),
		weights: weights,
		names:   names{exclude: cfg.FairSharingExcluded},
		dec:     newDecisions(cfg.Decisions),
	}
	for _, role := range sortedNames(cfg.Quota) {
		h.SetQuota(role, cfg.Quota[role])
	}
	return h
}

func (h *Hierarchical) share(alloc quantities, weight float64) float64 {
	return h.names.dominantShare(alloc, h.totalQ, weight)
}

func (h *Hierarchical) weight(role string) float64 { return weightOf(h.weights, role) }

// weightOf is role's weight in weights: 1 unless set.
func weightOf(weights map[string]float64, role string) float64 {
	if w, ok := weights[role]; ok {
		return w
	}
	return 1
}

// totalsChanged re-sorts everything on next use: every share's denominator
// moved.
func (h *Hierarchical) totalsChanged() {
	h.roles.invalidate()
	for _, n := range h.roles.nodes {
		if n.leaf != nil {
			n.leaf.frameworks.dirty = true
		}
	}
}

// AddAgent implements model.Allocator.
func (h *Hierarchical) AddAgent(name string, total model.Resources, used []model.Usage) {
	a := &agentState{name: name, total: total, reserved: !total.Reserved().IsEmpty()}
	h.agents[name] = a
	h.table.add(a)
	h.bump()
	h.names.add(&h.totalQ, total, 1)
	h.quota.agentChanged(h, total, 1)
	h.totalsChanged()
	for _, u := range used {
		if c := h.clients[u.Framework]; c != nil {
			h.allocate(c, a, u.Resources, false)
		}
	}
}

// RemoveAgent implements model.Allocator.
func (h *Hierarchical) RemoveAgent(name string) {
	a := h.agents[name]
	if a == nil {
		return
	}
	for _, c := range a.holders() {
		res, _ := a.heldBy(c)
		h.unallocate(c, a, res)
	}
	for _, f := range a.filters.items {
		if !f.dead {
			f.dead = true
			h.clock.Cancel(f.timer)
			f.c.filters.died()
		}
	}
	delete(h.agents, name)
	h.table.remove(a)
	if h.dec != nil {
		delete(h.dec.cache, name)
	}
	h.bump()
	h.names.add(&h.totalQ, a.total, -1)
	h.quota.agentChanged(h, a.total, -1)
	h.totalsChanged()
}

// AddFramework implements model.Allocator.
func (h *Hierarchical) AddFramework(info model.FrameworkInfo) {
	c := &client{name: info.Name, role: info.Role, idx: h.nextIdx, seq: h.nextIdx, active: true,
		minAlloc: info.MinAllocatable}
	h.nextIdx++
	h.clients[c.name] = c
	h.clientAt = append(h.clientAt, c)
	h.bump()
	h.subscribed = append(h.subscribed, c)
	c.leaf = h.roles.leaf(c.role)
	c.leaf.frameworks.add(c, h)
}

// RemoveFramework implements model.Allocator.
func (h *Hierarchical) RemoveFramework(name string) {
	c := h.clients[name]
	if c == nil {
		return
	}
	for _, a := range c.heldAgents() {
		res, _ := a.heldBy(c)
		h.unallocate(c, a, res)
	}
	h.clearFilters(c)
	h.bump()
	c.leaf.frameworks.remove(c, h)
	delete(h.clients, name)
	h.clientAt[c.idx] = nil
	for i, x := range h.subscribed {
		if x == c {
			h.subscribed = append(h.subscribed[:i], h.subscribed[i+1:]...)
			break
		}
	}
}

// Suppress implements model.Allocator. It leaves the epoch alone: one
// framework fewer to offer to cannot give an idle agent a taker.
func (h *Hierarchical) Suppress(name string) {
	if c := h.clients[name]; c != nil {
		c.leaf.frameworks.setActive(c, false)
	}
}

// Revive implements model.Allocator. Only a framework that was suppressed
// moves the epoch: reviving an active one only clears its filters, and
// that touches each agent it filtered (clearFilters).
func (h *Hierarchical) Revive(name string) {
	if c := h.clients[name]; c != nil {
		if !c.active {
			h.bump()
		}
		h.clearFilters(c)
		c.leaf.frameworks.setActive(c, true)
	}
}

// SetWeight implements model.Allocator.
func (h *Hierarchical) SetWeight(role string, w float64) {
	h.weights[role] = w
	h.roles.setWeight(role, w)
	h.roles.invalidate()
}

// SetQuota implements model.Allocator.
func (h *Hierarchical) SetQuota(role string, q model.Quota) {
	h.bump()
	h.quota.set(h, role, q)
}

// Recover implements model.Allocator.
func (h *Hierarchical) Recover(framework, agent string, res model.Resources, refuse sim.Time) {
	c := h.clients[framework]
	a := h.agents[agent]
	if c == nil || a == nil || res.IsEmpty() {
		return
	}
	h.unallocate(c, a, res)
	if refuse <= 0 {
		return
	}
	// The effective filter always outlives the next batch cycle.
	refuse = max(refuse, h.cfg.AllocationInterval)
	now := h.clock.Now()
	f := &filter{c: c, agent: a, since: now, until: now + refuse}
	a.addFilter(f, res)
	c.filters.add(f)
	f.timer = h.clock.After(refuse, func() { h.expire(f) })
}

func (h *Hierarchical) expire(f *filter) {
	if f.dead {
		return
	}
	f.dead = true
	h.table.touch(f.agent)
	f.agent.dropFilter(f)
	f.agent.filters.died()
	f.c.filters.died()
}

func (h *Hierarchical) clearFilters(c *client) {
	for _, f := range c.filters.items {
		if !f.dead {
			f.dead = true
			h.clock.Cancel(f.timer)
			h.table.touch(f.agent)
			f.agent.dropFilter(f)
			f.agent.filters.died()
		}
	}
	c.filters = filterList{}
}

func (h *Hierarchical) allocate(c *client, a *agentState, res model.Resources, count bool) {
	h.table.touch(a)
	if h.quota.active() || h.order.capped() {
		h.bump()
	}
	a.allocate(res, 1)
	h.names.vector(&h.delta, res)
	addVector(&c.alloc, h.delta, 1)
	a.hold(c, res)
	if count {
		c.count++
	}
	h.quota.allocated(h, c.role, res, 1)
	leaf := c.leaf
	h.roles.allocated(leaf, h.delta, false)
	leaf.frameworks.update(c, h)
}

func (h *Hierarchical) unallocate(c *client, a *agentState, res model.Resources) {
	h.table.touch(a)
	if h.quota.active() || h.order.capped() {
		h.bump()
	}
	a.allocate(res, -1)
	h.names.vector(&h.delta, res)
	addVector(&c.alloc, h.delta, -1)
	a.release(c, res)
	h.quota.allocated(h, c.role, res, -1)
	leaf := c.leaf
	h.roles.allocated(leaf, h.delta, true)
	leaf.frameworks.update(c, h)
}

// Allocate implements model.Allocator: one cycle over the candidates.
func (h *Hierarchical) Allocate(candidates []string) []model.Grant {
	agents := h.table.resolve(candidates, h.agents)
	// As many grants as last cycle made, at most one per agent, are
	// likely: growing the slice to them costs more (BenchmarkDeclineOffers).
	var grants []model.Grant
	if n := min(h.lastGrants, len(agents)); n > 0 {
		grants = make([]model.Grant, 0, n)
	}
	if h.dec != nil {
		h.dec.begin()
	}
	// Stage 1, quota: roles whose guarantee is not met yet, in the policy's
	// order, get their unmet guarantee, their reservations and what the
	// limit and the headroom allow beyond it (quota_cycle.go).
	h.shuffle(agents)
	if h.quota.active() {
		h.quota.beginCycle()
		for _, a := range agents {
			grants = h.offerAgent(a, grants, true)
		}
	}
	// Stage 2, fair share: shuffle again; for each agent, roles and their
	// frameworks in the policy's order; the first framework that is active,
	// not filtered and for which the offer is allocatable takes everything
	// of the agent its role may use.
	h.shuffle(agents)
	if h.dec != nil {
		h.dec.order(h)
	}
	for _, a := range agents {
		grants = h.offerAgent(a, grants, false)
	}
	if h.dec != nil {
		h.dec.end()
	}
	h.lastGrants = len(grants)
	return grants
}

// offerable is what of avail an offer to role may hold in a stage: the
// role's reservations (and its ancestors'), non-scalars, and unreserved
// scalars as quota allows (quotaStageOffer, fairShareChop).
// An agent with no reservations needs no filtering by role: what is
// available of it is all unreserved.
func (h *Hierarchical) offerable(a *agentState, avail model.Resources, role string, quotaStage bool) model.Resources {
	offer := avail
	if a.reserved {
		offer = avail.AllocatableTo(role)
	}
	switch {
	case quotaStage:
		offer = h.quota.quotaStageOffer(h, offer, role)
	case h.quota.active():
		offer = h.quota.fairShareChop(h, offer, role)
	}
	if h.order.capped() {
		offer = h.order.cap(h, offer, role)
	}
	return offer
}

func (h *Hierarchical) minAllocatable(c *client) []model.Resources {
	if c.minAlloc != nil {
		return c.minAlloc
	}
	return h.cfg.MinAllocatable
}

func (h *Hierarchical) shuffle(agents []int32) {
	h.rng.Shuffle(len(agents), func(i, j int) { agents[i], agents[j] = agents[j], agents[i] })
}

func (h *Hierarchical) sortedClients() []*client {
	out := make([]*client, 0, len(h.clients))
	for _, n := range sortedNames(h.clients) {
		out = append(out, h.clients[n])
	}
	return out
}
