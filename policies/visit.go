package policies

import "github.com/mesosim/mesosim/model"

// agentVisit is one agent's visit in one stage of a cycle: the agent, what
// of it is left, and the grants so far. The allocator keeps one and reuses
// it for every visit, and the policy's order calls its try method for each
// role, so that a visit allocates nothing of its own (closures over its
// state cost an allocation or more per visit: BenchmarkDeclineOffers).
type agentVisit struct {
	h          *Hierarchical
	a          *agentState
	avail      model.Resources
	quotaStage bool
	// rec collects why pairs get no offer: in the fair-share stage only,
	// which visits every role on every agent (nil otherwise).
	rec    *decisions
	grants []model.Grant
}

// offerAgent offers one agent in one stage, appending its grants.
func (h *Hierarchical) offerAgent(num int32, grants []model.Grant, quotaStage bool) []model.Grant {
	stage := 0
	if quotaStage {
		stage = 1
	}
	// Not under quota: the headroom an offer is cut to depends on
	// allocations on every other agent, which the agent's own idle marks
	// do not see (a random scenario with a guarantee diverged with the
	// skip on).
	idle := &h.table.idle[num]
	if idle[stage] == h.epoch+1 && !h.order.drawsPerVisit() && !h.noSkip && !h.quota.active() {
		if h.dec != nil && !quotaStage {
			h.dec.replay(h, h.table.at[num])
		}
		return grants // no taker last time, and nothing changed since
	}
	a := h.table.at[num]
	v := &h.visit
	*v = agentVisit{h: h, a: a, quotaStage: quotaStage, grants: grants}
	if h.dec != nil && !quotaStage {
		v.rec = h.dec
		v.rec.startAgent(a)
	}
	v.avail = a.available()
	if !v.avail.IsEmpty() {
		h.order.visit(h, v)
	}
	if v.rec != nil {
		v.rec.endAgent(h, v.avail)
	}
	idle = &h.table.idle[num]
	if len(v.grants) == len(grants) {
		idle[stage] = h.epoch + 1
	} else {
		idle[stage] = 0
	}
	grants = v.grants
	*v = agentVisit{}
	return grants
}

// try offers the agent to one role's frameworks, read block after block,
// and reports whether nothing of the agent is left.
func (v *agentVisit) try(leaf *roleNode, clients clientBlocks) bool {
	h, a, rec := v.h, v.a, v.rec
	fs := leaf.frameworks
	if fs.nActive == 0 {
		if rec != nil {
			h.skipAll(rec, clients, func(*client) model.Skip { return model.Skip{Reason: model.ReasonInactive} })
		}
		return false
	}
	offer := h.offerable(a, v.avail, leaf.path, v.quotaStage)
	if offer.IsEmpty() {
		if rec != nil {
			h.skipAll(rec, clients, func(c *client) model.Skip { return h.emptySkip(rec, c, v.avail) })
		}
		return false
	}
	mask := fs.active
	if h.noSkip {
		mask = nil
	}
	h.buf = a.filtered(offer, mask, h.buf)
	if andCount(h.buf, fs.active) == fs.nActive {
		if rec != nil {
			h.skipAll(rec, clients, func(c *client) model.Skip { return h.clientSkip(a, c, v.avail, offer) })
		}
		return false // every active framework of the role filters this
	}
	for c := range clients.all {
		if !c.active || h.buf.has(c.idx) || !allocatable(offer, h.minAllocatable(c)) {
			if rec != nil {
				rec.skip(c, h.clientSkip(a, c, v.avail, offer))
			}
			continue
		}
		v.grant(c, offer, clients)
		return v.avail.IsEmpty()
	}
	return false
}

// grant offers offer to c, books it, and gives the rest of the role's
// frameworks their reason (taken by c).
func (v *agentVisit) grant(c *client, offer model.Resources, clients clientBlocks) {
	h, a, rec := v.h, v.a, v.rec
	if h.dec != nil {
		h.dec.granted(h, c, a, v.quotaStage)
	}
	v.grants = append(v.grants, model.Grant{Framework: c.name, Role: c.role, Agent: a.name, Resources: offer})
	if h.quota.active() {
		h.quota.offered(h, c.role, offer, v.quotaStage)
	}
	h.allocate(c, a, offer, true)
	v.avail = v.avail.Sub(offer)
	if rec != nil {
		h.skipAll(rec, clients, func(c *client) model.Skip { return rec.nothingLeft(h, c) })
	}
}
