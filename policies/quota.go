package policies

import (
	"sort"

	"github.com/mesosim/mesosim/model"
)

// quotaState is the quota bookkeeping of Mesos's allocator: guarantees and
// limits of top-level roles, each role's consumption (its offered or
// allocated unreserved scalars plus every reservation of the role and its
// subroles), and the headroom held back for unmet guarantees.
type quotaState struct {
	roles     []string // top-level roles with a quota, sorted
	guarantee map[string]quantities
	limit     map[string]limitVec
	// unreservedAlloc is each top-level role's allocated unreserved
	// scalars; reserved is every reservation of its subtree (allocated or
	// not).
	unreservedAlloc map[string]quantities
	reserved        map[string]quantities
	// available headroom = unreservedTotal - unreservedAllocated.
	unreservedTotal, unreservedAllocated quantities
}

// limitVec is a limit by name index; set marks the names that are limited.
type limitVec struct {
	q   quantities
	set []bool
}

func (q *quotaState) active() bool { return len(q.roles) > 0 }

func (q *quotaState) init() {
	if q.guarantee == nil {
		q.guarantee = map[string]quantities{}
		q.limit = map[string]limitVec{}
		q.unreservedAlloc = map[string]quantities{}
		q.reserved = map[string]quantities{}
	}
}

func (q *quotaState) set(h *Hierarchical, role string, quota model.Quota) {
	q.init()
	delete(q.guarantee, role)
	delete(q.limit, role)
	q.roles = q.roles[:0:0]
	if !quota.IsZero() {
		var g quantities
		for _, x := range quota.Guarantee {
			addAt(&g, h.names.id(x.Name), x.Value)
		}
		q.guarantee[role] = g
		var l limitVec
		for _, x := range quota.Limit {
			i := h.names.id(x.Name)
			addAt(&l.q, i, x.Value)
			for len(l.set) <= i {
				l.set = append(l.set, false)
			}
			l.set[i] = true
		}
		q.limit[role] = l
	}
	wasActive := len(q.roles) > 0
	for r := range q.guarantee {
		q.roles = append(q.roles, r)
	}
	sort.Strings(q.roles)
	if !wasActive && q.active() {
		q.rebuild(h)
	}
}

// rebuild recomputes every role's allocated unreserved scalars from the
// frameworks' allocations (when the first quota is set; before, nothing
// needs them).
func (q *quotaState) rebuild(h *Hierarchical) {
	clear(q.unreservedAlloc)
	q.unreservedAllocated = q.unreservedAllocated[:0]
	for _, c := range h.sortedClients() {
		for _, agent := range sortedNames(c.byAgent) {
			q.allocated(h, c.role, c.byAgent[agent], 1)
		}
	}
}

// agentChanged adds (sign 1) or removes (sign -1) an agent's resources.
func (q *quotaState) agentChanged(h *Hierarchical, total model.Resources, sign model.Milli) {
	q.init()
	for _, it := range total.Items() {
		if !it.IsScalar() {
			continue
		}
		i := h.names.id(it.Name)
		if it.Role == "" {
			addAt(&q.unreservedTotal, i, sign*it.Scalar)
			continue
		}
		top := model.TopLevelRole(it.Role)
		v := q.reserved[top]
		addAt(&v, i, sign*it.Scalar)
		q.reserved[top] = v
	}
}

// allocated tracks the unreserved scalars allocated to role (only while
// some role has a quota: setting the first one rebuilds the totals).
func (q *quotaState) allocated(h *Hierarchical, role string, res model.Resources, sign model.Milli) {
	if !q.active() {
		return
	}
	q.init()
	top := model.TopLevelRole(role)
	v := q.unreservedAlloc[top]
	for _, it := range res.Items() {
		if it.Role != "" || !it.IsScalar() {
			continue
		}
		i := h.names.id(it.Name)
		addAt(&v, i, sign*it.Scalar)
		addAt(&q.unreservedAllocated, i, sign*it.Scalar)
	}
	q.unreservedAlloc[top] = v
}

// consumed returns role's consumption of name index i.
func (q *quotaState) consumed(top string, i int) model.Milli {
	return at(q.unreservedAlloc[top], i) + at(q.reserved[top], i)
}

// unmet returns how much of its guarantee of name i role still lacks.
func (q *quotaState) unmet(top string, i int) model.Milli {
	return max(0, at(q.guarantee[top], i)-q.consumed(top, i))
}

func (q *quotaState) hasUnmet(top string) bool {
	for i := range q.guarantee[top] {
		if q.unmet(top, i) > 0 {
			return true
		}
	}
	return false
}

// chop trims an offer to role: unreserved scalars are capped by the role's
// limit (limit - consumption) and by the headroom surplus, which is the
// unallocated unreserved resources of the cluster less what the other
// roles' unmet guarantees need. In the quota stage, only roles with an unmet
// guarantee are offered anything.
func (q *quotaState) chop(h *Hierarchical, offer model.Resources, role string, quotaStage bool) model.Resources {
	top := model.TopLevelRole(role)
	if quotaStage && (q.guarantee[top] == nil || !q.hasUnmet(top)) {
		return model.Resources{}
	}
	lim, limited := q.limit[top]
	return offer.CapScalars(func(name string) (model.Milli, bool) {
		i, ok := h.names.index[name]
		if !ok {
			return 0, false
		}
		capped, c := false, model.Milli(0)
		if limited && i < len(lim.set) && lim.set[i] {
			capped, c = true, max(0, at(lim.q, i)-q.consumed(top, i))
		}
		var required model.Milli
		for _, r := range q.roles {
			if r != top {
				required += q.unmet(r, i)
			}
		}
		if required > 0 {
			surplus := max(0, at(q.unreservedTotal, i)-at(q.unreservedAllocated, i)-required)
			if !capped || surplus < c {
				capped, c = true, surplus
			}
		}
		return c, capped
	})
}

func at(q quantities, i int) model.Milli {
	if i < len(q) {
		return q[i]
	}
	return 0
}

func addAt(q *quantities, i int, v model.Milli) {
	for len(*q) <= i {
		*q = append(*q, 0)
	}
	(*q)[i] += v
}
