package policies

import (
	"github.com/mesosim/mesosim/model"
)

// quotaState is the quota bookkeeping of Mesos's allocator that lasts from
// one cycle to the next: guarantees and limits of the roles with a quota
// (top-level roles, "*" included), each top-level role's consumption (its
// subtree's offered or allocated unreserved scalars plus every reservation
// of the role and its subroles, as Role::quotaOfferedOrConsumed in
// src/master/allocator/mesos/hierarchical.hpp counts it), and the cluster's
// unreserved totals the headroom is taken from. What one cycle keeps of it
// is in quotaCycle (quota_cycle.go).
type quotaState struct {
	roles     []string // roles with a quota, sorted
	guarantee map[string]quantities
	limit     map[string]limitVec
	// unreservedAlloc is each top-level role's subtree's allocated
	// unreserved scalars; reserved is every reservation of its subtree
	// (allocated or not).
	unreservedAlloc map[string]quantities
	reserved        map[string]quantities
	// available headroom = unreservedTotal - unreservedAllocated.
	unreservedTotal, unreservedAllocated quantities
	// rebuilds counts rebuild calls: only the first quota set (while no
	// other is in force) needs one.
	rebuilds int
	cycle    quotaCycle
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

// set replaces role's quota (a zero quota removes it). The allocated totals
// are tracked only while some role has a quota, so they are rebuilt when the
// first one is set.
func (q *quotaState) set(h *Hierarchical, role string, quota model.Quota) {
	q.init()
	wasActive := q.active()
	delete(q.guarantee, role)
	delete(q.limit, role)
	q.cycle.forget(role)
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
	q.roles = sortedNames(q.guarantee)
	if !wasActive && q.active() {
		q.rebuild(h)
	}
}

// rebuild recomputes every role's allocated unreserved scalars from the
// frameworks' allocations (when the first quota is set; before, nothing
// needs them).
func (q *quotaState) rebuild(h *Hierarchical) {
	q.rebuilds++
	clear(q.unreservedAlloc)
	q.unreservedAllocated = q.unreservedAllocated[:0]
	for _, c := range h.sortedClients() {
		for _, a := range c.heldAgents() {
			res, _ := a.heldBy(c)
			q.allocated(h, c.role, res, 1)
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

// allocated tracks the unreserved scalars allocated to role, counted to its
// top-level role (RoleTree::trackOfferedOrAllocated applies them to the
// role and its ancestors); only while some role has a quota: setting the
// first one rebuilds the totals.
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

// consumed returns top-level role top's consumption of name index i.
func (q *quotaState) consumed(top string, i int) model.Milli {
	return at(q.unreservedAlloc[top], i) + at(q.reserved[top], i)
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
