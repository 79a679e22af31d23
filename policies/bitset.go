package policies

import "math/bits"

// bitset is a set of small non-negative integers (client indices).
type bitset []uint64

func (b bitset) has(i int) bool {
	w := i >> 6
	return w < len(b) && b[w]&(1<<(uint(i)&63)) != 0
}

func (b *bitset) set(i int) {
	w := i >> 6
	for len(*b) <= w {
		*b = append(*b, 0)
	}
	(*b)[w] |= 1 << (uint(i) & 63)
}

func (b bitset) clear(i int) {
	if w := i >> 6; w < len(b) {
		b[w] &^= 1 << (uint(i) & 63)
	}
}

// orInto ORs b into dst, growing dst as needed.
func (b bitset) orInto(dst *bitset) {
	for len(*dst) < len(b) {
		*dst = append(*dst, 0)
	}
	for i, w := range b {
		(*dst)[i] |= w
	}
}

// andCount returns |a ∩ b|.
func andCount(a, b bitset) int {
	n := min(len(a), len(b))
	c := 0
	for i := 0; i < n; i++ {
		c += bits.OnesCount64(a[i] & b[i])
	}
	return c
}

// intersects reports whether a and b share a member.
func intersects(a, b bitset) bool {
	for i := range min(len(a), len(b)) {
		if a[i]&b[i] != 0 {
			return true
		}
	}
	return false
}
