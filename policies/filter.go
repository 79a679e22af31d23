package policies

import (
	"github.com/mesosim/mesosim/model"
	"github.com/mesosim/mesosim/sim"
)

// filter is one refused-offer filter of a (framework, role, agent): it
// hides an offer of that agent to that framework only if the refused
// resources contain the new offer.
type filter struct {
	c     *client
	agent *agentState
	group *filterGroup
	timer sim.Timer
	dead  bool
	// since and until are when the filter was set and when it expires
	// (for decision records).
	since, until sim.Time
}

// filterGroup gathers an agent's filters with identical refused resources,
// so that one containment test per group and cycle decides for all its
// frameworks at once.
type filterGroup struct {
	res     model.Resources
	members bitset
	size    int         // live filters in the group
	extra   map[int]int // client idx -> live filters beyond the first (rare)
}

// agentState is the allocator's view of one agent.
type agentState struct {
	name  string
	total model.Resources
	// reserved: total has entries reserved to some role.
	reserved bool
	// allocated is owned by the agent's state and updated in place.
	allocated model.Tally
	// avail is total.Sub(availFor): what was available when the
	// allocation was last availFor (see available). availOK: the
	// allocation has not changed since; availSet: avail was computed once.
	avail    model.Resources
	availFor model.Tally
	availOK  bool
	availSet bool
	// holdings is what each framework holds on the agent.
	holdings []holding
	groups   []*filterGroup
	filters  filterList
	// num is the agent's number in the allocator's agentTable.
	num int32
}

// allocate adds res to what of the agent is allocated (sign 1), or takes
// it away (sign -1).
func (a *agentState) allocate(res model.Resources, sign int) {
	if sign > 0 {
		a.allocated.Add(res)
	} else {
		a.allocated.Sub(res)
	}
	a.availOK = false
}

// available returns what of the agent is not allocated, computed once per
// change of its allocation rather than on every visit, and not even then
// if the allocation came back to what it was (an offer declined, a task
// ended that had been launched since): avail is a function of the
// allocation's content, which availFor keeps. BenchmarkDeclineOffers
// visits every agent after a decline.
func (a *agentState) available() model.Resources {
	if a.availOK {
		return a.avail
	}
	if !a.availSet || !a.allocated.View().Equal(a.availFor.View()) {
		a.avail = a.total.Sub(a.allocated.View())
		a.availFor.Set(a.allocated.View())
		a.availSet = true
	}
	a.availOK = true
	return a.avail
}

func (a *agentState) addFilter(f *filter, res model.Resources) {
	var g *filterGroup
	for _, x := range a.groups {
		if x.res.Equal(res) {
			g = x
			break
		}
	}
	if g == nil {
		g = &filterGroup{res: res}
		a.groups = append(a.groups, g)
	}
	f.group = g
	g.size++
	if g.members.has(f.c.idx) {
		if g.extra == nil {
			g.extra = map[int]int{}
		}
		g.extra[f.c.idx]++
	} else {
		g.members.set(f.c.idx)
	}
	a.filters.add(f)
}

// dropFilter removes f from its group; the caller touches the agent.
func (a *agentState) dropFilter(f *filter) {
	g := f.group
	g.size--
	if n := g.extra[f.c.idx]; n > 0 {
		if n == 1 {
			delete(g.extra, f.c.idx)
		} else {
			g.extra[f.c.idx] = n - 1
		}
	} else {
		g.members.clear(f.c.idx)
	}
	if g.size == 0 {
		for i, x := range a.groups {
			if x == g {
				a.groups = append(a.groups[:i], a.groups[i+1:]...)
				break
			}
		}
	}
}

// filtered returns the clients whose filters on this agent hide an offer of
// res, reusing buf, as far as the clients in mask go: a group of filters
// with no member in mask is not looked at (its resources not compared), so
// the result may lack clients outside mask. The allocator asks about one
// role's active frameworks at a time (fs.active), and a filter of a
// framework outside them cannot change that role's outcome: Mesos too asks
// only the frameworks of the role being offered to
// (HierarchicalAllocatorProcess::__allocate calls isFiltered(framework,
// role, slave, toOffer) for each of them, src/master/allocator/mesos/
// hierarchical.cpp). A nil mask looks at every group.
func (a *agentState) filtered(res model.Resources, mask, buf bitset) bitset {
	buf = buf[:0]
	for _, g := range a.groups {
		if (mask == nil || intersects(g.members, mask)) && g.res.Contains(res) {
			g.members.orInto(&buf)
		}
	}
	return buf
}

// filterList is a list of filters with lazy removal: dead entries are
// dropped once they make up half of it.
type filterList struct {
	items []*filter
	dead  int
}

func (l *filterList) add(f *filter) { l.items = append(l.items, f) }

// died notes that one of the list's filters is now dead.
func (l *filterList) died() {
	l.dead++
	if l.dead*2 < len(l.items) {
		return
	}
	out := l.items[:0]
	for _, f := range l.items {
		if !f.dead {
			out = append(out, f)
		}
	}
	clear(l.items[len(out):])
	l.items = out
	l.dead = 0
}
