package report

// internLinear is how many keys an interner finds by a linear search
// before it indexes them in a map: the resource names and (name, role)
// pairs of a scenario are a handful, which compare faster than they hash.
const internLinear = 8

// internGuesses is how many entry positions an interner remembers the
// last key number of.
const internGuesses = 8

// interner numbers keys densely, in the order first seen. Keys are looked
// up as the entries of resources, in canonical order, and resources of one
// scenario mostly hold the same names: so the number found last for the
// entry at the same position is tried first.
type interner[K comparable] struct {
	keys  []K       // by number
	idx   map[K]int // key -> number, once there are more than internLinear
	guess [internGuesses]int
}

// index returns k's number, numbering it if new; pos is k's position in
// its resources (any value will do: it only picks the first guess).
func (x *interner[K]) index(k K, pos int) int {
	if pos < 0 || pos >= internGuesses {
		return x.find(k)
	}
	if g := x.guess[pos]; g < len(x.keys) && x.keys[g] == k {
		return g
	}
	i := x.find(k)
	x.guess[pos] = i
	return i
}

// find returns k's number, numbering it if new.
func (x *interner[K]) find(k K) int {
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
