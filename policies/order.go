package policies

import (
	"math"
	"sort"

	"github.com/mesosim/mesosim/model"
)

// order is what distinguishes one policy from another: the order in which
// an agent's offer is tried by roles and, within a role, by frameworks.
type order interface {
	// visit calls v.try with each role leaf and its frameworks in order,
	// until try returns true (the agent has nothing left).
	// The clients are in blocks, read one after the other; try may change
	// the allocator only as the last thing before it stops reading them.
	visit(h *Hierarchical, v *agentVisit)
	// cap trims an offer to role further (capacity ceilings); most orders
	// return it as it is.
	cap(h *Hierarchical, offer model.Resources, role string) model.Resources
	// capped reports whether cap may change offers.
	capped() bool
	// drawsPerVisit reports whether visit draws random numbers: then
	// every visit must happen (skipping an idle agent would shift the
	// allocator's stream, as Mesos's random sorter shuffles on every sort).
	drawsPerVisit() bool
}

// noDraws is drawsPerVisit for orders that draw nothing.
type noDraws struct{}

func (noDraws) drawsPerVisit() bool { return false }

// uncapped is the cap of orders that do not trim offers.
type uncapped struct{}

func (uncapped) cap(_ *Hierarchical, offer model.Resources, _ string) model.Resources { return offer }
func (uncapped) capped() bool                                                         { return false }

// drfOrder is Mesos's DRF sorter order for roles (weighted, hierarchical)
// and frameworks.
type drfOrder struct {
	uncapped
	noDraws
}

func (drfOrder) visit(h *Hierarchical, v *agentVisit) {
	for _, leaf := range h.roles.leaves(h) {
		if v.try(leaf, leaf.frameworks.sorted(h)) {
			return
		}
	}
}

// randomOrder is Mesos's random sorter (src/master/allocator/sorter/random):
// at each level of the role tree the children are put in a weighted random
// order (a child's chance to come next is proportional to its weight), and a
// role's frameworks in a uniform random order, afresh for every agent.
type randomOrder struct{ uncapped }

func (randomOrder) drawsPerVisit() bool { return true }

func (randomOrder) visit(h *Hierarchical, v *agentVisit) {
	var walk func(n *roleNode) bool
	walk = func(n *roleNode) bool {
		kids := append([]*roleNode(nil), n.children...)
		// Children in a stable order before shuffling, so that the draws
		// alone decide.
		sort.Slice(kids, func(i, j int) bool {
			if kids[i].path != kids[j].path {
				return kids[i].path < kids[j].path
			}
			return kids[i].isLeaf && !kids[j].isLeaf
		})
		weightedShuffle(h, kids)
		for _, k := range kids {
			if !k.isLeaf {
				if walk(k) {
					return true
				}
				continue
			}
			clients := k.frameworks.list(h)
			sort.Slice(clients, func(i, j int) bool { return clients[i].name < clients[j].name })
			h.rng.Shuffle(len(clients), func(i, j int) { clients[i], clients[j] = clients[j], clients[i] })
			if v.try(k, clientBlocks{list: clients}) {
				return true
			}
		}
		return false
	}
	walk(&h.roles.root)
}

// weightedShuffle orders nodes so that each next one is drawn with
// probability proportional to its role's weight.
func weightedShuffle(h *Hierarchical, nodes []*roleNode) {
	total := 0.0
	for _, n := range nodes {
		total += n.weight
	}
	for i := 0; i < len(nodes)-1; i++ {
		x := h.rng.Float64() * total
		j := i
		for ; j < len(nodes)-1; j++ {
			x -= nodes[j].weight
			if x < 0 {
				break
			}
		}
		total -= nodes[j].weight
		nodes[i], nodes[j] = nodes[j], nodes[i]
	}
}

// fifoOrder is mesosim's own policy (Mesos has none by this name):
// frameworks in the order they subscribed, whatever their role; the
// earliest one that can use the agent gets all of it its role may use.
type fifoOrder struct {
	uncapped
	noDraws
}

func (fifoOrder) visit(h *Hierarchical, v *agentVisit) {
	one := make([]*client, 1)
	for _, c := range h.subscribed {
		one[0] = c
		if v.try(c.leaf, clientBlocks{list: one}) {
			return
		}
	}
}

// capacityOrder maps YARN's CapacityScheduler onto roles. Each role has a
// capacity (the fraction of the cluster it is guaranteed) and a
// max_capacity (its elastic ceiling); a role's used fraction is its
// dominant share (unweighted). An agent goes first to the roles below their
// capacity, the one with the lowest used/capacity first; only if none of
// them takes it may a role at or above its capacity have it, lowest
// used/capacity first, and never beyond its max_capacity: offers are
// trimmed so that no resource of the role exceeds max_capacity of the
// cluster. Within a role, frameworks are served in subscription order (YARN's
// default FIFO ordering in a leaf queue). Roles with no capacity set have
// capacity 0 and max_capacity 1.
type capacityOrder struct{ noDraws }

func (capacityOrder) capped() bool { return true }

func (capacityOrder) limits(h *Hierarchical, role string) (capacity, maxCapacity float64) {
	if c, ok := h.cfg.Capacity[role]; ok {
		return c.Capacity, c.MaxCapacity
	}
	return 0, 1
}

func (o capacityOrder) visit(h *Hierarchical, v *agentVisit) {
	type ranked struct {
		leaf  *roleNode
		ratio float64
		used  float64
	}
	var below, elastic []ranked
	for _, leaf := range h.roles.leafList() {
		if leaf.frameworks.nActive == 0 {
			continue
		}
		capacity, maxCapacity := o.limits(h, leaf.path)
		used := h.share(leaf.alloc, 1)
		ratio := math.Inf(1)
		if capacity > 0 {
			ratio = used / capacity
		}
		switch {
		case used < capacity:
			below = append(below, ranked{leaf, ratio, used})
		case used < maxCapacity:
			elastic = append(elastic, ranked{leaf, ratio, used})
		}
	}
	byRatio := func(r []ranked) {
		sort.Slice(r, func(i, j int) bool {
			if r[i].ratio != r[j].ratio {
				return r[i].ratio < r[j].ratio
			}
			if r[i].used != r[j].used {
				return r[i].used < r[j].used
			}
			return r[i].leaf.path < r[j].leaf.path
		})
	}
	byRatio(below)
	byRatio(elastic)
	for _, group := range [][]ranked{below, elastic} {
		for _, r := range group {
			clients := r.leaf.frameworks.list(h)
			sort.Slice(clients, func(i, j int) bool { return clients[i].seq < clients[j].seq })
			if v.try(r.leaf, clientBlocks{list: clients}) {
				return
			}
		}
	}
}

// cap trims unreserved scalars so that the role stays within max_capacity
// of the cluster for every resource.
func (o capacityOrder) cap(h *Hierarchical, offer model.Resources, role string) model.Resources {
	_, maxCapacity := o.limits(h, role)
	if maxCapacity >= 1 {
		return offer
	}
	leaf := h.roles.leaf(role)
	return offer.CapScalars(func(name string) (model.Milli, bool) {
		i, ok := h.names.index[name]
		if !ok || i >= len(h.totalQ) {
			return 0, false
		}
		var used model.Milli
		if i < len(leaf.alloc) {
			used = leaf.alloc[i]
		}
		return model.Milli(math.Floor(maxCapacity*float64(h.totalQ[i]))) - used, true
	})
}
