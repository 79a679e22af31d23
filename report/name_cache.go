package report

import "math/bits"

// nameCache sits in front of a map from names (agent IDs, framework
// names) to records that are never removed from it, and finds the names
// looked up again and again without hashing them as the map does: a
// direct-mapped table of the latest names found, indexed by a cheap mix of
// the name's length and first and last three bytes, each slot checked by
// comparing the name. A miss (a slot holding another name) falls back to
// the map and takes the slot. The table has 2 to 8 slots per name in the
// map, so it stays within a small multiple of the map.
type nameCache[T any] struct {
	slots []nameSlot[T] // len is a power of two
	shift uint8         // 64 - log2(len(slots))
}

type nameSlot[T any] struct {
	name string
	v    *T // nil: empty
}

// nameCacheMin is the table's smallest size.
const nameCacheMin = 16

// nameMix mixes name's length and first and last three bytes into 64 bits
// whose high bits index the table (Fibonacci hashing).
func nameMix(name string) uint64 {
	h := uint64(len(name))
	if len(name) > 0 {
		h = h<<8 | uint64(name[0])
		for i := max(len(name)-3, 1); i < len(name); i++ {
			h = h<<8 | uint64(name[i])
		}
	}
	return h * 0x9E3779B97F4A7C15
}

// find returns m[name], nil if absent, through the table. m must only
// grow, and never map a name to another record.
func (c *nameCache[T]) find(m map[string]*T, name string) *T {
	if len(c.slots) > 0 {
		if s := &c.slots[nameMix(name)>>c.shift]; s.v != nil && s.name == name {
			return s.v
		}
	}
	v := m[name]
	if v != nil {
		c.put(len(m), name, v)
	}
	return v
}

// put records that name maps to v in a map of n names.
func (c *nameCache[T]) put(n int, name string, v *T) {
	if len(c.slots) < 2*n || len(c.slots) == 0 {
		size := max(nameCacheMin, 1<<bits.Len(uint(4*n-1)))
		c.slots = make([]nameSlot[T], size)
		c.shift = uint8(64 - bits.TrailingZeros(uint(size)))
	}
	c.slots[nameMix(name)>>c.shift] = nameSlot[T]{name, v}
}
