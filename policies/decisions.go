package policies

import (
	"slices"

	"github.com/mesosim/mesosim/model"
)

// decisions collects one cycle's decisions for a model.DecisionSink
// (AllocatorConfig.Decisions). The allocator calls it at the points where
// its own code skips an (agent, framework) pair, so that the reasons are
// the allocator's and nothing else's; with no sink the allocator holds a
// nil *decisions and calls nothing.
//
// Reasons are taken in the fair-share stage, which visits every candidate
// agent for every role; a pair offered in either stage has none. Memory is
// one cycle's pairs: the sink gets them at the end of the cycle and the
// buffers are reused.
type decisions struct {
	sink model.DecisionSink
	d    model.Decision
	// visit is the agent being visited in the fair-share stage, and pend
	// its reasons so far (at most one per client).
	visit  *agentState
	pend   []pending
	marked bitset // clients with a reason or an offer on visit
	// offered holds, per agent, the clients offered on it this cycle, and
	// last the latest grant on it.
	offered map[string]bitset
	last    map[string]taker
	// cache holds each agent's reasons from its latest fair-share visit,
	// for the cycles in which the allocator skips the agent as idle
	// (replay); one entry per (agent, framework) at most.
	cache map[string][]pending
}

// pending is one reason not yet written.
type pending struct {
	c    *client
	skip model.Skip
}

// taker is a grant of this cycle with the shares it was made at.
type taker struct {
	c         *client
	roleShare float64 // weighted, before the grant
	share     float64 // the framework's, before the grant
}

func newDecisions(sink model.DecisionSink) *decisions {
	if sink == nil {
		return nil
	}
	return &decisions{sink: sink, offered: map[string]bitset{}, last: map[string]taker{}, cache: map[string][]pending{}}
}

// begin starts a cycle.
func (r *decisions) begin() {
	r.d.Roles = r.d.Roles[:0]
	r.d.Offers = r.d.Offers[:0]
	r.d.Skips = r.d.Skips[:0]
	clear(r.offered)
	clear(r.last)
}

// order records the role and framework order the fair-share stage starts
// from: DRF's sorted leaves, or the roles by name for the other policies.
func (r *decisions) order(h *Hierarchical) {
	_, drf := h.order.(drfOrder)
	r.d.Ordered = drf
	leaves := h.roles.leafList()
	if drf {
		leaves = h.roles.leaves(h)
	}
	for _, leaf := range leaves {
		ro := model.RoleOrder{Role: leaf.path, Weight: h.weight(leaf.path), Share: h.share(leaf.alloc, h.weight(leaf.path))}
		var cs []*client
		if drf {
			leaf.frameworks.sorted(h)
			cs = leaf.frameworks.list(h)
		} else {
			cs = leaf.frameworks.list(h)
			slices.SortFunc(cs, func(a, b *client) int { return a.seq - b.seq })
		}
		for _, c := range cs {
			ro.Frameworks = append(ro.Frameworks, model.FrameworkShare{Framework: c.name, Share: h.share(c.alloc, 1)})
		}
		r.d.Roles = append(r.d.Roles, ro)
	}
}

// granted notes a grant of c on a, in either stage, before the allocator
// books it (so that the shares are the ones that ordered it).
func (r *decisions) granted(h *Hierarchical, c *client, a *agentState, quotaStage bool) {
	r.d.Offers = append(r.d.Offers, model.Pair{Agent: a.name, Framework: c.name, Quota: quotaStage})
	b := r.offered[a.name]
	b.set(c.idx)
	r.offered[a.name] = b
	r.last[a.name] = taker{c: c, roleShare: h.share(c.leaf.alloc, h.weight(c.role)), share: h.share(c.alloc, 1)}
	if a == r.visit {
		r.marked.set(c.idx)
	}
}

// startAgent begins the fair-share visit of a.
func (r *decisions) startAgent(a *agentState) {
	r.visit = a
	r.pend = r.pend[:0]
	clear(r.marked)
}

// skip records why c got no offer on the agent being visited, unless it
// has a reason or an offer there already.
func (r *decisions) skip(c *client, s model.Skip) {
	if r.marked.has(c.idx) {
		return
	}
	r.marked.set(c.idx)
	s.Agent, s.Framework = r.visit.name, c.name
	r.pend = append(r.pend, pending{c: c, skip: s})
}

// nothingLeft is the reason for c when the agent (or what of it c's role
// may use) is gone: taken in this cycle if a grant of this cycle took part
// of it, otherwise exhausted, naming the agent's largest holder.
func (r *decisions) nothingLeft(h *Hierarchical, c *client) model.Skip {
	w := h.weight(c.role)
	s := model.Skip{Reason: model.ReasonExhausted, Share: h.share(c.leaf.alloc, w), Weight: w}
	if t, ok := r.last[r.visit.name]; ok {
		s.Reason, s.By, s.ByRole = model.ReasonTaken, t.c.name, t.c.role
		s.ByShare = t.roleShare
		if t.c.role == c.role { // ordered by the role's framework sorter
			s.ByShare, s.Share = t.share, h.share(c.alloc, 1)
		}
		return s
	}
	if holder := h.largestHolder(r.visit); holder != nil {
		s.By, s.ByRole = holder.name, holder.role
		s.ByShare = h.share(holder.leaf.alloc, h.weight(holder.role))
	}
	return s
}

// endAgent gives every client with no reason and no offer on the agent
// the reason its role was not reached (the agent was used up, the client
// is inactive, or the policy passed its role over), and queues the
// visit's reasons in subscription order.
func (r *decisions) endAgent(h *Hierarchical, avail model.Resources) {
	for _, c := range h.subscribed {
		switch {
		case r.marked.has(c.idx):
		case !c.active:
			r.skip(c, model.Skip{Reason: model.ReasonInactive})
		case avail.IsEmpty():
			r.skip(c, r.nothingLeft(h, c))
		default: // only the capacity policy passes a role over: max_capacity
			r.skip(c, model.Skip{Reason: model.ReasonQuotaLimit, QuotaRole: c.role, Limit: "max_capacity"})
		}
	}
	slices.SortFunc(r.pend, func(a, b pending) int { return a.c.seq - b.c.seq })
	r.flush()
	r.cache[r.visit.name] = append(r.cache[r.visit.name][:0], r.pend...)
	r.visit = nil
}

// flush writes the visit's reasons but those of pairs offered in this
// cycle.
func (r *decisions) flush() {
	offered := r.offered[r.visit.name]
	for _, p := range r.pend {
		if !offered.has(p.c.idx) {
			r.d.Skips = append(r.d.Skips, p.skip)
		}
	}
}

// replay gives the reasons of a's latest fair-share visit to a cycle in
// which the allocator skips a as idle: no taker then and nothing changed
// since (offerAgent), so the same tests fail the same way. Two things may
// have moved without the allocator revisiting: a framework suppressed
// since is inactive, and a "taken" of that earlier cycle is now what the
// agent holds (exhausted).
func (r *decisions) replay(h *Hierarchical, a *agentState) {
	r.startAgent(a)
	cached := r.cache[a.name]
	for _, c := range h.subscribed {
		i := slices.IndexFunc(cached, func(p pending) bool { return p.c == c })
		switch {
		case !c.active:
			r.skip(c, model.Skip{Reason: model.ReasonInactive})
		case i >= 0:
			s := cached[i].skip
			if s.Reason == model.ReasonTaken {
				s.Reason = model.ReasonExhausted
			}
			r.skip(c, s)
		}
	}
	r.endAgent(h, a.available())
}

// end hands the cycle to the sink.
func (r *decisions) end() { r.sink.Decided(&r.d) }

// largestHolder returns the client with the largest dominant share of a's
// allocation (ties: the earliest subscribed), nil if none holds any of it.
func (h *Hierarchical) largestHolder(a *agentState) *client {
	var best *client
	var bestShare float64
	var q quantities
	for _, c := range h.subscribed {
		res, ok := a.heldBy(c)
		if !ok {
			continue
		}
		q = q[:0]
		h.names.add(&q, res, 1)
		if s := h.share(q, 1); best == nil || s > bestShare {
			best, bestShare = c, s
		}
	}
	return best
}

// filterSkip describes the filter of c that hides offer on a: the live one
// set earliest whose refused resources contain the offer.
func filterSkip(c *client, a *agentState, offer model.Resources) model.Skip {
	s := model.Skip{Reason: model.ReasonFiltered}
	for _, f := range a.filters.items {
		if !f.dead && f.c == c && f.group.res.Contains(offer) {
			s.Since, s.Until, s.Refuse = f.since, f.until, f.until-f.since
			break
		}
	}
	return s
}

// minSkip is the reason for an offer below c's minimum allocatable.
func minSkip(c *client) model.Skip {
	s := model.Skip{Reason: model.ReasonMinAllocatable, Min: "master"}
	if c.minAlloc != nil {
		s.Min = "framework"
	}
	return s
}

// cutSkip is the reason why the fair-share stage's cuts (fairShareChop,
// the capacity cap) left of base, what of the agent role may use, nothing
// that meets min: the role's own quota limit, else the headroom kept for
// unmet guarantees, else max_capacity. ok is false when the cuts are not
// to blame (base itself does not meet min).
func (h *Hierarchical) cutSkip(base model.Resources, role string, min []model.Resources) (s model.Skip, ok bool) {
	if !allocatable(base, min) {
		return s, false
	}
	if h.quota.active() {
		q := &h.quota
		limited := base.CapScalars(func(name string) (model.Milli, bool) {
			i, ok := h.names.index[name]
			if lim, has := q.limit[role]; ok && has && i < len(lim.set) && lim.set[i] {
				return max(0, at(lim.q, i)-at(q.cycle.consumed[role], i)), true
			}
			return 0, false
		})
		if !allocatable(limited, min) {
			return model.Skip{Reason: model.ReasonQuotaLimit, QuotaRole: role, Limit: "quota"}, true
		}
		if !allocatable(q.fairShareChop(h, base, role), min) {
			return model.Skip{Reason: model.ReasonHeadroom, QuotaRole: q.mostUnmet()}, true
		}
	}
	return model.Skip{Reason: model.ReasonQuotaLimit, QuotaRole: role, Limit: "max_capacity"}, true
}

// mostUnmet returns the role with the largest unmet guarantee in this
// cycle, summed over resource names (ties: the first by name).
func (q *quotaState) mostUnmet() string {
	best, most := "", model.Milli(0)
	for _, role := range q.roles {
		var sum model.Milli
		for i := range q.guarantee[role] {
			sum += q.unmet(role, i)
		}
		if sum > most {
			best, most = role, sum
		}
	}
	return best
}

// skipAll records s(c) for every client of a visited role that has no
// reason or offer on the agent yet.
func (h *Hierarchical) skipAll(rec *decisions, clients clientBlocks, s func(*client) model.Skip) {
	for c := range clients.all {
		if !rec.marked.has(c.idx) {
			rec.skip(c, s(c))
		}
	}
}

// emptySkip is the reason for c when nothing of avail may be offered to its
// role: the framework is inactive, or nothing of the agent is left for the
// role, or the fair-share stage's cuts took all of it.
func (h *Hierarchical) emptySkip(rec *decisions, c *client, avail model.Resources) model.Skip {
	if !c.active {
		return model.Skip{Reason: model.ReasonInactive}
	}
	base := avail.AllocatableTo(c.role)
	if s, ok := h.cutSkip(base, c.role, nil); ok {
		return s
	}
	return rec.nothingLeft(h, c)
}

// clientSkip is the reason for c when the role had an offer but c did not
// take it, in the order the allocator tests them: inactive, filtered,
// below the minimum (blamed on the cuts when the uncut offer would have
// met it).
func (h *Hierarchical) clientSkip(a *agentState, c *client, avail, offer model.Resources) model.Skip {
	switch {
	case !c.active:
		return model.Skip{Reason: model.ReasonInactive}
	case h.buf.has(c.idx):
		return filterSkip(c, a, offer)
	}
	if s, ok := h.cutSkip(avail.AllocatableTo(c.role), c.role, h.minAllocatable(c)); ok {
		return s
	}
	return minSkip(c)
}
