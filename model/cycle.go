package model

// The master's allocation cycles: event-driven ones (trigger) and the
// periodic batch (tick), and turning a cycle's grants into offers.

// cycleGrant is one grant of a cycle whose framework and agent the master
// knows, with both looked up once.
type cycleGrant struct {
	g *Grant
	f *masterFramework
	a *masterAgent
}

// trigger asks for an event-driven cycle over one agent ("" for all),
// batched with any cycle already pending at this instant.
func (m *Master) trigger(agent string) {
	if agent == "" {
		m.pendingAll = true
	} else {
		m.pendingAgents[agent] = true
	}
	if !m.hasPending {
		m.hasPending = true
		m.pending = m.clock.After(0, m.runPendingFn)
	}
}

// runPending is the event of a triggered cycle.
func (m *Master) runPending() {
	m.hasPending = false
	m.runCycle()
}

// tick is the periodic batch allocation. It runs the cycle within its own
// timer event (so a filter expiring at the same instant but armed later
// still hides this cycle) and merges a pending event-driven cycle; the next
// tick is armed after the cycle, as Mesos's batch() does.
func (m *Master) tick() {
	if m.hasPending {
		m.clock.Cancel(m.pending)
		m.hasPending = false
	}
	m.pendingAll = true
	m.runCycle()
	m.clock.After(m.cfg.AllocationInterval, m.tickFn)
}

func (m *Master) runCycle() {
	candidates := m.candidates[:0]
	if m.pendingAll {
		candidates = append(candidates, m.agentOrder...)
	} else {
		for _, n := range m.agentOrder {
			if m.pendingAgents[n] {
				candidates = append(candidates, n)
			}
		}
	}
	m.candidates = candidates
	m.pendingAll = false
	clear(m.pendingAgents)
	m.cycle++
	m.record(Record{Kind: KindAllocation, Cycle: m.cycle, Agents: len(candidates)})
	grants := m.alloc.Allocate(candidates)
	if len(grants) == 0 {
		return
	}
	// One OFFERS callback per framework per cycle, in the order frameworks
	// first received a grant. Each framework's grants are counted first,
	// so that the cycle's offers share one array, grouped by framework.
	valid := m.cycleGrants[:0]
	order := m.cycleOrder[:0]
	for i := range grants {
		g := &grants[i]
		f := m.frameworks[g.Framework]
		a := m.agents[g.Agent]
		if f == nil || a == nil {
			continue
		}
		if f.cycleOffers == 0 {
			order = append(order, f)
		}
		f.cycleOffers++
		valid = append(valid, cycleGrant{g: g, f: f, a: a})
	}
	start := 0
	for _, f := range order {
		f.cycleStart, f.cycleFill = start, start
		start += f.cycleOffers
	}
	all := make([]OfferOut, len(valid))
	for _, v := range valid {
		g, f := v.g, v.f
		m.nextOffer++
		o := m.offerPool.get()
		*o = masterOffer{seq: m.nextOffer, id: offerID(m.nextOffer), framework: g.Framework, role: g.Role, agent: g.Agent, res: g.Resources,
			f: f, a: v.a}
		m.offers[o.seq] = o
		f.offers.add(o)
		v.a.offers.add(o)
		if m.cfg.OfferTimeout > 0 {
			o.hasTimer = true
			o.timer = m.clock.After(m.cfg.OfferTimeout, func() {
				if m.offers[o.seq] == o {
					o.hasTimer = false
					m.rescind(o, "offer_timeout", true)
				}
			})
		}
		m.record(Record{Kind: KindOffer, Offer: o.id, Framework: o.framework, Role: o.role, Agent: o.agent, Resources: o.res})
		all[f.cycleFill] = OfferOut{ID: o.id, Agent: o.agent, Role: o.role, Resources: o.res}
		f.cycleFill++
	}
	clear(valid)
	m.cycleGrants = valid[:0]
	for _, f := range order {
		end := f.cycleStart + f.cycleOffers
		m.send(f.addr, Offers{Offers: all[f.cycleStart:end:end]})
		f.cycleOffers = 0
	}
	clear(order)
	m.cycleOrder = order[:0]
}
