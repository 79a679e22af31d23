package report

// internLinear is how many keys an interner finds by a linear search
// before it indexes them in a map: the resource names and (name, role)
// pairs of a scenario are a handful, which compare faster than they hash.
const internLinear = 8

// interner numbers keys densely, in the order first seen.
type interner[K comparable] struct {
	keys []K       // by number
	idx  map[K]int // key -> number, once there are more than internLinear
}

// index returns k's number, numbering it if new.
func (x *interner[K]) index(k K) int {
	if len(x.keys) <= internLinear {
		for i := range x.keys {
			if x.keys[i] == k {
				return i
			}
		}
	} else if i, ok := x.idx[k]; ok {
		return i
	}
	x.keys = append(x.keys, k)
	if len(x.keys) > internLinear {
		if x.idx == nil {
			x.idx = make(map[K]int, 2*len(x.keys))
			for i, k := range x.keys {
				x.idx[k] = i
			}
		}
		x.idx[k] = len(x.keys) - 1
	}
	return len(x.keys) - 1
}
