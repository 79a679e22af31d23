package sweep

import (
	"fmt"
	"slices"
	"testing"

	"pgregory.net/rapid"
)

func TestParseShard(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want Shard
		err  string
	}{
		{"0/1", Shard{0, 1}, ""},
		{"2/3", Shard{2, 3}, ""},
		{"99999/100000", Shard{99999, 100000}, ""},
		{"3/3", Shard{}, `"3/3": i must be in [0, 2]`},
		{"-1/3", Shard{}, `"-1/3": i must be in [0, 2]`},
		{"0/0", Shard{}, `"0/0": N must be in [1, 100000]`},
		{"0/100001", Shard{}, `"0/100001": N must be in [1, 100000]`},
		{"1", Shard{}, `"1" is not i/N (e.g. 0/4)`},
		{"a/2", Shard{}, `"a/2" is not i/N with whole numbers i and N (e.g. 0/4)`},
		{"1/2/3", Shard{}, `"1/2/3" is not i/N with whole numbers i and N (e.g. 0/4)`},
	} {
		got, err := ParseShard(tc.in)
		if tc.err != "" {
			if err == nil || err.Error() != tc.err {
				t.Errorf("ParseShard(%q): error %v, want %q", tc.in, err, tc.err)
			}
			continue
		}
		if err != nil || got != tc.want || got.String() != tc.in {
			t.Errorf("ParseShard(%q) = %v, %v; want %v", tc.in, got, err, tc.want)
		}
	}
}

func TestShardCells(t *testing.T) {
	for _, tc := range []struct {
		shard Shard
		total int
		want  []int
	}{
		{Shard{0, 1}, 4, []int{0, 1, 2, 3}},
		{Shard{1, 3}, 8, []int{1, 4, 7}},
		{Shard{2, 3}, 8, []int{2, 5}},
		{Shard{4, 6}, 3, nil},
		{Shard{0, 2}, 0, nil},
	} {
		if got := tc.shard.Cells(tc.total); !slices.Equal(got, tc.want) {
			t.Errorf("%v.Cells(%d) = %v, want %v", tc.shard, tc.total, got, tc.want)
		}
	}
}

// The shards of a sweep deal every cell to exactly one shard, the one
// that Owns it, and their sizes differ by at most one.
func TestShardsPartitionCells(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		total := rapid.IntRange(0, 500).Draw(t, "total")
		n := rapid.IntRange(1, 600).Draw(t, "n")
		count := make([]int, total)
		lo, hi := total, 0
		for i := range n {
			sh := Shard{i, n}
			cells := sh.Cells(total)
			lo, hi = min(lo, len(cells)), max(hi, len(cells))
			for _, c := range cells {
				if !sh.Owns(c) {
					t.Fatalf("%v lists cell %d it does not own", sh, c)
				}
				count[c]++
			}
		}
		for c, k := range count {
			if k != 1 {
				t.Fatalf("cell %d dealt %d times", c, k)
			}
		}
		if hi-lo > 1 {
			t.Fatalf("shard sizes from %d to %d", lo, hi)
		}
	})
}

func ExampleShard_Cells() {
	sh, _ := ParseShard("1/3")
	fmt.Println(sh.Cells(10))
	// Output: [1 4 7]
}
