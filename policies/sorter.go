package policies

import (
	"sort"

	"github.com/mesosim/mesosim/model"
)

// client is a framework in the framework sorter of its role.
type client struct {
	name   string
	role   string
	idx    int       // dense index for bitsets
	seq    int       // subscription order
	leaf   *roleNode // its role's leaf in the role tree
	active bool
	// minAlloc is the framework's own minimum allocatable (nil: the
	// master's).
	minAlloc []model.Resources

	alloc   quantities
	byAgent map[string]model.Resources
	count   uint64 // times allocated to; never goes down
	filters filterList

	// share and count as of the client's current place in the sorter.
	sortedShare float64
	sortedCount uint64
}

// before is the DRF sorter's order: lower share first, then lower
// allocation count, then name as a plain string (framework10 before
// framework2). Shares are compared as float64 with no epsilon.
func before(aShare float64, aCount uint64, aName string, bShare float64, bCount uint64, bName string) bool {
	if aShare != bShare {
		return aShare < bShare
	}
	if aCount != bCount {
		return aCount < bCount
	}
	return aName < bName
}

// frameworkSorter keeps one role's frameworks in DRF order. An allocation
// moves one client: two binary searches and a block copy. A change of
// cluster totals re-sorts all on the next use. Shares are unweighted
// (weights apply in the role sorter only).
type frameworkSorter struct {
	clients []*client
	dirty   bool
	active  bitset
	nActive int
}

// search returns where a client with this key sits (or would sit).
func (s *frameworkSorter) search(share float64, count uint64, name string) int {
	return sort.Search(len(s.clients), func(i int) bool {
		c := s.clients[i]
		return !before(c.sortedShare, c.sortedCount, c.name, share, count, name)
	})
}

func (s *frameworkSorter) insert(c *client, d *Hierarchical) {
	c.sortedShare, c.sortedCount = d.share(c.alloc, 1), c.count
	i := s.search(c.sortedShare, c.sortedCount, c.name)
	s.clients = append(s.clients, nil)
	copy(s.clients[i+1:], s.clients[i:])
	s.clients[i] = c
}

func (s *frameworkSorter) take(c *client) {
	i := s.search(c.sortedShare, c.sortedCount, c.name)
	if i >= len(s.clients) || s.clients[i] != c {
		panic("policies: framework sorter out of order")
	}
	copy(s.clients[i:], s.clients[i+1:])
	s.clients[len(s.clients)-1] = nil
	s.clients = s.clients[:len(s.clients)-1]
}

func (s *frameworkSorter) add(c *client, d *Hierarchical) {
	s.sorted(d)
	s.insert(c, d)
	if c.active {
		s.active.set(c.idx)
		s.nActive++
	}
}

func (s *frameworkSorter) remove(c *client, d *Hierarchical) {
	s.sorted(d)
	s.take(c)
	if c.active {
		s.active.clear(c.idx)
		s.nActive--
	}
}

func (s *frameworkSorter) setActive(c *client, on bool) {
	if c.active == on {
		return
	}
	c.active = on
	if on {
		s.active.set(c.idx)
		s.nActive++
	} else {
		s.active.clear(c.idx)
		s.nActive--
	}
}

// update moves c after its allocation changed.
func (s *frameworkSorter) update(c *client, d *Hierarchical) {
	if s.dirty {
		return // re-sorted wholesale on next use
	}
	share := d.share(c.alloc, 1)
	if share == c.sortedShare && c.count == c.sortedCount {
		return
	}
	s.take(c)
	s.insert(c, d)
}

// sorted returns the clients in DRF order.
func (s *frameworkSorter) sorted(d *Hierarchical) []*client {
	if s.dirty {
		for _, c := range s.clients {
			c.sortedShare, c.sortedCount = d.share(c.alloc, 1), c.count
		}
		sort.Slice(s.clients, func(i, j int) bool {
			a, b := s.clients[i], s.clients[j]
			return before(a.sortedShare, a.sortedCount, a.name, b.sortedShare, b.sortedCount, b.name)
		})
		s.dirty = false
	}
	return s.clients
}

// roleNode is a node of the role tree. A role that has frameworks has a
// leaf (its "virtual leaf", as Mesos's sorter calls it) under its own tree
// node, so a role can have frameworks and subroles at once.
type roleNode struct {
	path     string
	parent   *roleNode
	children []*roleNode
	leaf     *roleNode // this node's own virtual leaf, if any
	isLeaf   bool
	alloc    quantities
	count    uint64
	share    float64
	unsorted bool
	// frameworks is the framework sorter of the role (leaves only).
	frameworks *frameworkSorter
}

func (n *roleNode) less(o *roleNode) bool {
	return before(n.share, n.count, n.path, o.share, o.count, o.path)
}

// roleTree is the hierarchical role sorter.
type roleTree struct {
	root  roleNode
	nodes map[string]*roleNode // tree nodes by path
	order []*roleNode          // cached leaf order
	stale bool
}

func newRoleTree() *roleTree {
	return &roleTree{nodes: map[string]*roleNode{}, stale: true}
}

// node returns the tree node of path, creating it and its ancestors.
func (t *roleTree) node(path string) *roleNode {
	if n := t.nodes[path]; n != nil {
		return n
	}
	parent := &t.root
	if p := model.ParentRole(path); p != "" {
		parent = t.node(p)
	}
	n := &roleNode{path: path, parent: parent}
	parent.children = append(parent.children, n)
	parent.unsorted = true
	t.nodes[path] = n
	t.stale = true
	return n
}

// leaf returns the role's virtual leaf, creating it.
func (t *roleTree) leaf(role string) *roleNode {
	n := t.node(role)
	if n.leaf == nil {
		n.leaf = &roleNode{path: role, parent: n, isLeaf: true, frameworks: &frameworkSorter{}}
		n.children = append(n.children, n.leaf)
		n.unsorted = true
		t.stale = true
	}
	return n.leaf
}

// allocated adds (or with sub, removes) res along the leaf's path; count
// grows only on additions.
func (t *roleTree) allocated(d *Hierarchical, leaf *roleNode, res model.Resources, sub bool) {
	for n := leaf; n != nil && n != &t.root; n = n.parent {
		if sub {
			d.names.add(&n.alloc, res, -1)
		} else {
			d.names.add(&n.alloc, res, 1)
			n.count++
		}
		n.parent.unsorted = true
	}
	t.stale = true
}

// invalidate marks every level for re-sorting (totals or weights changed).
func (t *roleTree) invalidate() {
	t.root.unsorted = true
	for _, n := range t.nodes {
		n.unsorted = true
	}
	t.stale = true
}

// leaves returns the role leaves in hierarchical DRF order: siblings sorted
// at each level, the tree walked depth first.
func (t *roleTree) leaves(d *Hierarchical) []*roleNode {
	if !t.stale {
		return t.order
	}
	t.order = t.order[:0]
	var walk func(n *roleNode)
	walk = func(n *roleNode) {
		if n.unsorted {
			for _, c := range n.children {
				c.share = d.share(c.alloc, d.weight(c.path))
			}
			sort.Slice(n.children, func(i, j int) bool { return n.children[i].less(n.children[j]) })
			n.unsorted = false
		}
		for _, c := range n.children {
			if c.isLeaf {
				t.order = append(t.order, c)
			} else {
				walk(c)
			}
		}
	}
	walk(&t.root)
	t.stale = false
	return t.order
}

// leafList returns every role leaf, sorted by path.
func (t *roleTree) leafList() []*roleNode {
	var out []*roleNode
	for _, p := range sortedNames(t.nodes) {
		if l := t.nodes[p].leaf; l != nil {
			out = append(out, l)
		}
	}
	return out
}
