package sweep

import (
	"fmt"
	"strconv"
	"strings"
)

// MaxShards is the largest shard count a sweep may be split into.
const MaxShards = 100_000

// Shard is shard Index of Count (0 <= Index < Count): the cells c of a
// sweep with c mod Count = Index. Dealing the cells round-robin spreads a
// slow allocator or a slow stretch of seeds evenly over the shards.
type Shard struct {
	Index, Count int
}

// Whole is the shard that is the whole sweep.
var Whole = Shard{Index: 0, Count: 1}

// ParseShard parses "i/N" with 0 <= i < N <= MaxShards.
func ParseShard(s string) (Shard, error) {
	is, ns, ok := strings.Cut(s, "/")
	if !ok {
		return Shard{}, fmt.Errorf("%q is not i/N (e.g. 0/4)", s)
	}
	i, err1 := strconv.Atoi(is)
	n, err2 := strconv.Atoi(ns)
	if err1 != nil || err2 != nil {
		return Shard{}, fmt.Errorf("%q is not i/N with whole numbers i and N (e.g. 0/4)", s)
	}
	if n < 1 || n > MaxShards {
		return Shard{}, fmt.Errorf("%q: N must be in [1, %d]", s, MaxShards)
	}
	if i < 0 || i >= n {
		return Shard{}, fmt.Errorf("%q: i must be in [0, %d]", s, n-1)
	}
	return Shard{Index: i, Count: n}, nil
}

// String is "i/N".
func (s Shard) String() string { return strconv.Itoa(s.Index) + "/" + strconv.Itoa(s.Count) }

// Owns reports whether cell belongs to the shard.
func (s Shard) Owns(cell int) bool { return cell%s.Count == s.Index }

// Cells lists the cells of a sweep of total cells that belong to the
// shard, in increasing order; none when the shard count exceeds total and
// the shard is one of the empty ones.
func (s Shard) Cells(total int) []int {
	var out []int
	for c := s.Index; c < total; c += s.Count {
		out = append(out, c)
	}
	return out
}
