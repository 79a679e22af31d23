package policies

import "github.com/mesosim/mesosim/model"

// quantities is a vector of scalar quantities indexed by interned resource
// name (see names): the sorters' allocations, updated in place.
type quantities []model.Milli

// names interns scalar resource names for quantities.
type names struct {
	list     []string // by index
	index    map[string]int
	excluded []bool // fair-sharing excluded, by index
	exclude  []string
}

func (n *names) id(name string) int {
	// A cluster has a handful of resource names: a scan of them is cheaper
	// than hashing.
	for i, x := range n.list {
		if x == name {
			return i
		}
	}
	if n.index == nil {
		n.index = map[string]int{}
	}
	i := len(n.list)
	n.list = append(n.list, name)
	n.index[name] = i
	n.excluded = append(n.excluded, excludedName(n.exclude, name))
	return i
}

// add adds (sign 1) or removes (sign -1) the scalars of res to q.
// Entries come sorted by name, and names are mostly interned in that
// order: the index after the last entry's is tried before the scan.
func (n *names) add(q *quantities, res model.Resources, sign model.Milli) {
	items := res.Items()
	next := 0
	for k := range items {
		it := &items[k] // not a copy of the entry
		if !it.IsScalar() {
			continue
		}
		i := next
		if i >= len(n.list) || n.list[i] != it.Name {
			i = n.id(it.Name)
		}
		next = i + 1
		for len(*q) <= i {
			*q = append(*q, 0)
		}
		(*q)[i] += sign * it.Scalar
	}
}

// vector sets *d to the scalars of res by name index, as add would add
// them to an empty vector (as long as the highest index res names), so
// that one resolution of the names serves several vectors (addVector).
func (n *names) vector(d *quantities, res model.Resources) {
	clear(*d)
	*d = (*d)[:0]
	n.add(d, res, 1)
}

// addVector adds (sign 1) or removes (sign -1) d, from vector, to q:
// what add would do with the resources d came from.
func addVector(q *quantities, d quantities, sign model.Milli) {
	for len(*q) < len(d) {
		*q = append(*q, 0)
	}
	for i, x := range d {
		(*q)[i] += sign * x
	}
}

// dominantShare is DRF's share: the maximum over scalar resources r of
// allocation_r / total_r, skipping fair-sharing-excluded names and names
// whose cluster total is zero, divided by the weight. The denominator is the
// whole cluster (reserved and revocable included).
func (n *names) dominantShare(alloc, total quantities, weight float64) float64 {
	share := 0.0
	for i, q := range alloc {
		if q <= 0 || i >= len(total) || total[i] <= 0 || n.excluded[i] {
			continue
		}
		if s := float64(q) / float64(total[i]); s > share {
			share = s
		}
	}
	if weight > 0 && weight != 1 {
		share /= weight
	}
	return share
}

func excludedName(excluded []string, name string) bool {
	for _, e := range excluded {
		if e == name {
			return true
		}
	}
	return false
}

// allocatable reports whether res meets one of the minimum AND-sets,
// compared by scalar quantity whatever the reservation. No sets means any
// non-empty resources are allocatable.
func allocatable(res model.Resources, min []model.Resources) bool {
	if res.IsEmpty() {
		return false
	}
	if len(min) == 0 {
		return true
	}
	for _, set := range min {
		ok := true
		items := set.Items()
		for k := range items {
			if it := &items[k]; it.IsScalar() && res.Scalar(it.Name) < it.Scalar {
				ok = false
				break
			}
		}
		if ok {
			return true
		}
	}
	return false
}
