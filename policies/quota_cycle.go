package policies

import "github.com/mesosim/mesosim/model"

// quotaCycle is the quota bookkeeping of one allocation cycle, kept as
// HierarchicalAllocatorProcess::__generateOffers keeps it
// (src/master/allocator/mesos/hierarchical.cpp, 1.10 and later; __allocate
// in 1.8-1.9): taken from quotaState when the cycle begins and updated by
// the cycle's own offers only.
//
//   - consumed (rolesConsumedQuota): the consumption of every role with a
//     quota, subroles' allocations included as they stood when the cycle
//     began. Offers to the role itself, in either stage, add to it; offers
//     to its subroles in this cycle do not (they count from the next cycle
//     on, when quotaState's totals are read again).
//   - required (requiredHeadroom): the sum over the roles with a quota of
//     their unmet guarantees, roles with no framework included. Only the
//     guaranteed part of a quota-stage offer lowers it.
//   - available (availableHeadroom): the unallocated unreserved scalars of
//     the cluster; every offer's unreserved scalars lower it.
type quotaCycle struct {
	consumed  map[string]quantities
	required  quantities
	available quantities
}

// beginCycle takes the cycle's bookkeeping from the lasting state.
func (q *quotaState) beginCycle() {
	c := &q.cycle
	if c.consumed == nil {
		c.consumed = map[string]quantities{}
	}
	c.required = c.required[:0]
	c.available = c.available[:0]
	for _, r := range q.roles {
		v := c.consumed[r][:0]
		for i := range max(len(q.unreservedAlloc[r]), len(q.reserved[r])) {
			addAt(&v, i, q.consumed(r, i))
		}
		c.consumed[r] = v
		for i, g := range q.guarantee[r] {
			if short := g - at(v, i); short > 0 {
				addAt(&c.required, i, short)
			}
		}
	}
	for i, t := range q.unreservedTotal {
		addAt(&c.available, i, t-at(q.unreservedAllocated, i))
	}
}

// forget drops a role whose quota changes.
func (c *quotaCycle) forget(role string) { delete(c.consumed, role) }

// unmet returns how much of its guarantee of name index i role still lacks
// in this cycle (0 for a role with no quota: a subrole has none).
func (q *quotaState) unmet(role string, i int) model.Milli {
	return max(0, at(q.guarantee[role], i)-at(q.cycle.consumed[role], i))
}

// quotaStageOffer is what the quota stage offers role on one agent, from
// avail (what of the agent is allocatable to role), after __generateOffers'
// first stage. Only a role with a quota guarantee it is still short of is
// served (never a subrole: getQuota returns a role's own entry, and only
// top-level roles have one), and only on an agent that has some of the
// unreserved scalars the guarantee is still short of (otherwise
// guaranteesOffering is empty and the role is skipped). The offer then
// holds the role's reservations and the non-scalars, the unreserved scalars
// up to the unmet guarantee unconditionally (even when the guarantees of
// all roles together exceed what is free), and beyond the guarantee only
// what the limit (limit - consumption - guaranteed part) and the headroom
// surplus (availableHeadroom - requiredHeadroom, both before this offer)
// allow.
func (q *quotaState) quotaStageOffer(h *Hierarchical, avail model.Resources, role string) model.Resources {
	if q.guarantee[role] == nil || !q.progresses(h, avail, role) {
		return model.Resources{}
	}
	return avail.CapScalars(func(name string) (model.Milli, bool) {
		i, ok := h.names.index[name]
		if !ok {
			return 0, false
		}
		// An amount up to unmet is all guaranteed; above it, the
		// guaranteed part is unmet and the rest is capped.
		unmet := q.unmet(role, i)
		extra, capped := q.beyondGuarantee(role, i, unmet)
		return unmet + extra, capped
	})
}

// progresses reports whether avail has some unreserved scalar that role's
// guarantee is still short of.
func (q *quotaState) progresses(h *Hierarchical, avail model.Resources, role string) bool {
	for _, it := range avail.Items() {
		if it.Role != "" || !it.IsScalar() || it.Scalar <= 0 {
			continue
		}
		if i, ok := h.names.index[it.Name]; ok && q.unmet(role, i) > 0 {
			return true
		}
	}
	return false
}

// fairShareChop trims a fair-share-stage offer to role (__generateOffers'
// second stage): unreserved scalars are capped by the role's own limit
// (a subrole has none, so its parent's limit does not cap it) and by the
// headroom surplus, availableHeadroom - requiredHeadroom, in which every
// role's unmet guarantee counts (a subrole's offers are cut by its parent's
// and every other role's). Reservations and non-scalars are never cut.
func (q *quotaState) fairShareChop(h *Hierarchical, offer model.Resources, role string) model.Resources {
	return offer.CapScalars(func(name string) (model.Milli, bool) {
		i, ok := h.names.index[name]
		if !ok {
			return 0, false
		}
		return q.beyondGuarantee(role, i, 0)
	})
}

// beyondGuarantee returns the cap on the unreserved scalars of name index i
// that role may be offered on top of a guaranteed part: limit - consumption
// - guaranteed where role's own quota limits i, and the headroom surplus
// where some role's unmet guarantee needs i (a headroom of zero need leaves
// the amount as it is, the whole agent's being below the cluster's
// unallocated amount). capped is false when neither applies.
func (q *quotaState) beyondGuarantee(role string, i int, guaranteed model.Milli) (c model.Milli, capped bool) {
	if lim, ok := q.limit[role]; ok && i < len(lim.set) && lim.set[i] {
		capped, c = true, max(0, at(lim.q, i)-at(q.cycle.consumed[role], i)-guaranteed)
	}
	if required := at(q.cycle.required, i); required > 0 {
		surplus := max(0, at(q.cycle.available, i)-required)
		if !capped || surplus < c {
			capped, c = true, surplus
		}
	}
	return c, capped
}

// offered updates the cycle's bookkeeping after offer went to role in a
// stage (the "Update role consumed quota and quota headroom" steps of
// __generateOffers): only the guaranteed part of a quota-stage offer
// lowers requiredHeadroom; the unreserved scalars add to the role's
// consumption if it has a quota of its own (getQuota(role) !=
// DEFAULT_QUOTA: never a subrole's) and lower availableHeadroom.
func (q *quotaState) offered(h *Hierarchical, role string, offer model.Resources, quotaStage bool) {
	c := &q.cycle
	_, hasQuota := q.guarantee[role]
	for _, it := range offer.Items() {
		if it.Role != "" || !it.IsScalar() {
			continue
		}
		i := h.names.id(it.Name)
		if quotaStage {
			addAt(&c.required, i, -min(it.Scalar, q.unmet(role, i)))
		}
		if hasQuota {
			cons := c.consumed[role]
			addAt(&cons, i, it.Scalar)
			c.consumed[role] = cons
		}
		addAt(&c.available, i, -it.Scalar)
	}
}
