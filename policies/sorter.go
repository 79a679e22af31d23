package policies

import (
	"slices"
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
	held    []*agentState // the agents it holds on (see holding)
	count   uint64        // times allocated to; never goes down
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

// sorterBlock is the most clients a block of the framework sorter holds
// before it is split in two (BenchmarkDeclineOffers measures the choice).
const sorterBlock = 128

// frameworkSorter keeps one role's frameworks in DRF order, as a list of
// blocks: the blocks concatenated are the order, and each holds between 1
// and sorterBlock clients. An allocation moves one client: a binary search
// over the blocks' last clients, one within a block, and a copy of at most
// sorterBlock entries, where one flat slice would shift O(frameworks)
// entries twice per allocation and recovery. The blocks hold client
// indices (Hierarchical.clientAt), not pointers: a copy of pointers pays a
// write barrier per pointer while the collector runs, most of the cost of
// a move in BenchmarkDeclineOffers. A change of cluster totals re-sorts
// all on the next use. Shares are unweighted (weights apply in the role
// sorter only).
type frameworkSorter struct {
	blocks  [][]int32
	n       int // clients in all blocks
	dirty   bool
	active  bitset
	nActive int
}

// clientBlocks is a role's frameworks in the order an agent is offered to
// them: the DRF sorter's blocks of client indices into table, read one
// after the other, or (other orders) the clients in list.
type clientBlocks struct {
	blocks [][]int32
	table  []*client
	list   []*client
}

// all yields the clients in order (for range).
func (cb *clientBlocks) all(yield func(*client) bool) {
	for _, c := range cb.list {
		if !yield(c) {
			return
		}
	}
	for _, blk := range cb.blocks {
		for _, i := range blk {
			if !yield(cb.table[i]) {
				return
			}
		}
	}
}

// afterKey reports whether c is not before the key (share, count, name).
func afterKey(c *client, share float64, count uint64, name string) bool {
	return !before(c.sortedShare, c.sortedCount, c.name, share, count, name)
}

// search returns the block, and the position in it, where a client with
// this key sits (or would sit): the first client not before the key, or
// the end of the last block.
func (s *frameworkSorter) search(d *Hierarchical, share float64, count uint64, name string) (int, int) {
	at := d.clientAt
	b := sort.Search(len(s.blocks), func(i int) bool {
		blk := s.blocks[i]
		return afterKey(at[blk[len(blk)-1]], share, count, name)
	})
	if b == len(s.blocks) {
		if b == 0 {
			return 0, 0
		}
		return b - 1, len(s.blocks[b-1])
	}
	blk := s.blocks[b]
	return b, sort.Search(len(blk), func(i int) bool { return afterKey(at[blk[i]], share, count, name) })
}

func (s *frameworkSorter) insert(c *client, d *Hierarchical) {
	c.sortedShare, c.sortedCount = d.share(c.alloc, 1), c.count
	s.n++
	if len(s.blocks) == 0 {
		s.blocks = append(s.blocks, []int32{int32(c.idx)})
		return
	}
	b, i := s.search(d, c.sortedShare, c.sortedCount, c.name)
	blk := slices.Insert(s.blocks[b], i, int32(c.idx))
	if len(blk) <= sorterBlock {
		s.blocks[b] = blk
		return
	}
	// Split: the upper half moves to a new block of its own.
	half := len(blk) / 2
	upper := slices.Clone(blk[half:])
	s.blocks[b] = blk[:half]
	s.blocks = slices.Insert(s.blocks, b+1, upper)
}

func (s *frameworkSorter) take(c *client, d *Hierarchical) {
	b, i := s.search(d, c.sortedShare, c.sortedCount, c.name)
	if b >= len(s.blocks) || i >= len(s.blocks[b]) || s.blocks[b][i] != int32(c.idx) {
		panic("policies: framework sorter out of order")
	}
	s.n--
	if blk := slices.Delete(s.blocks[b], i, i+1); len(blk) > 0 {
		s.blocks[b] = blk
	} else {
		s.blocks = slices.Delete(s.blocks, b, b+1)
	}
}

// list returns a copy of the clients in the sorter's order.
func (s *frameworkSorter) list(d *Hierarchical) []*client {
	out := make([]*client, 0, s.n)
	for _, blk := range s.blocks {
		for _, i := range blk {
			out = append(out, d.clientAt[i])
		}
	}
	return out
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
	s.take(c, d)
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
	s.take(c, d)
	s.insert(c, d)
}

// sorted returns the clients in DRF order. A change to the sorter
// invalidates them.
func (s *frameworkSorter) sorted(d *Hierarchical) clientBlocks {
	if s.dirty {
		flat := s.list(d)
		for _, c := range flat {
			c.sortedShare, c.sortedCount = d.share(c.alloc, 1), c.count
		}
		sort.Slice(flat, func(i, j int) bool {
			a, b := flat[i], flat[j]
			return before(a.sortedShare, a.sortedCount, a.name, b.sortedShare, b.sortedCount, b.name)
		})
		ids := make([]int32, len(flat))
		for i, c := range flat {
			ids[i] = int32(c.idx)
		}
		s.blocks = s.blocks[:0]
		for len(ids) > 0 {
			k := min(len(ids), sorterBlock/2)
			s.blocks = append(s.blocks, slices.Clip(ids[:k]))
			ids = ids[k:]
		}
		s.dirty = false
	}
	return clientBlocks{blocks: s.blocks, table: d.clientAt}
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
	// weight is the role's weight (weightOf), kept by setWeight.
	weight   float64
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
	// weights is the allocator's map of role weights (read only here).
	weights map[string]float64
	order   []*roleNode // cached leaf order
	stale   bool
}

func newRoleTree(weights map[string]float64) *roleTree {
	return &roleTree{nodes: map[string]*roleNode{}, weights: weights, stale: true}
}

// setWeight keeps the weight of role's node and leaf, if any, in step
// with the allocator's weights.
func (t *roleTree) setWeight(role string, w float64) {
	if n := t.nodes[role]; n != nil {
		n.weight = w
		if n.leaf != nil {
			n.leaf.weight = w
		}
	}
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
	n := &roleNode{path: path, parent: parent, weight: weightOf(t.weights, path)}
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
		n.leaf = &roleNode{path: role, parent: n, isLeaf: true, weight: n.weight, frameworks: &frameworkSorter{}}
		n.children = append(n.children, n.leaf)
		n.unsorted = true
		t.stale = true
	}
	return n.leaf
}

// allocated adds (or with sub, removes) res along the leaf's path; count
// grows only on additions.
func (t *roleTree) allocated(leaf *roleNode, delta quantities, sub bool) {
	for n := leaf; n != nil && n != &t.root; n = n.parent {
		if sub {
			addVector(&n.alloc, delta, -1)
		} else {
			addVector(&n.alloc, delta, 1)
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
	t.walk(d, &t.root)
	t.stale = false
	return t.order
}

// walk appends the leaves under n to t.order in DRF order, sorting the
// children of each level that needs it.
func (t *roleTree) walk(d *Hierarchical, n *roleNode) {
	// A single child needs no sorting, nor its share (read only here, and
	// recomputed for every child whenever a level is sorted). The order
	// is total (paths differ between siblings), so any sort gives the
	// same result.
	if n.unsorted && len(n.children) > 1 {
		for _, c := range n.children {
			c.share = d.share(c.alloc, c.weight)
		}
		slices.SortFunc(n.children, compareNodes)
	}
	n.unsorted = false
	for _, c := range n.children {
		if c.isLeaf {
			t.order = append(t.order, c)
		} else {
			t.walk(d, c)
		}
	}
}

// compareNodes orders siblings for slices.SortFunc (see roleNode.less).
func compareNodes(a, b *roleNode) int {
	switch {
	case a.less(b):
		return -1
	case b.less(a):
		return 1
	}
	return 0
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
