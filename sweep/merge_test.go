package sweep

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"

	"pgregory.net/rapid"
)

func named(name string, shard string, cells ...Cell) Named {
	return Named{Name: name, Part: &Part{Format: FormatVersion, Fingerprint: "f", Shard: shard, Command: "compare",
		Build: Build{GOARCH: "amd64"}, Total: 4, Cells: cells}}
}

func cell(i int, v string) Cell { return Cell{Index: i, Value: json.RawMessage(v)} }

func describe(c int) string { return fmt.Sprintf("c%d", c) }

// Collect puts each cell's value at its index; a retried part's copy,
// even spaced differently, is the same value.
func TestCollect(t *testing.T) {
	parts := []Named{
		named("b", "1/2", cell(1, `{"x": 1}`), cell(3, `{"x":3}`)),
		named("a", "0/2", cell(0, `{"x":0}`), cell(2, `{"x":2}`)),
		named("b2", "1/2", cell(1, `{"x":1}`), cell(3, `{ "x":3 }`)),
	}
	ref, err := Check(parts)
	if err != nil || ref != parts[1].Part {
		t.Fatalf("Check: %v, %v; want the lowest shard's part", ref, err)
	}
	got, err := Collect(parts, describe)
	if err != nil {
		t.Fatal(err)
	}
	for i, v := range got {
		if want := `{"x":` + string(rune('0'+i)) + `}`; string(v) != want {
			t.Errorf("cell %d = %s, want %s", i, v, want)
		}
	}
}

func TestCollectRefuses(t *testing.T) {
	a := named("a", "0/2", cell(0, `{}`), cell(2, `{}`))
	b := named("b", "1/2", cell(1, `{}`), cell(3, `{}`))
	other := named("o", "1/2", cell(1, `{}`), cell(3, `{}`))
	other.Part.Fingerprint = "g"
	arm := named("arm", "1/2", cell(1, `{}`), cell(3, `{}`))
	arm.Part.Build.GOARCH = "arm64"
	short := named("s", "1/2", cell(3, `{}`))
	diff := named("d", "1/2", cell(1, `{"y":1}`), cell(3, `{}`))
	for _, tc := range []struct {
		what  string
		parts []Named
		want  string
	}{
		{"none", nil, "no part given"},
		{"another sweep", []Named{a, other}, "o is from another sweep than a: fingerprint g, not f"},
		{"another arch", []Named{a, arm}, "arm was computed on GOARCH arm64 and a on amd64"},
		{"a missing part", []Named{b}, "1 of 2 parts missing: shard 0/2"},
		{"a missing cell", []Named{a, short}, "1 cells missing from the parts given: cell 1 (c1)"},
		{"both", []Named{short}, "1 of 2 parts missing: shard 0/2; 1 cells missing from the parts given: cell 1 (c1)"},
		{"a conflict", []Named{a, b, diff}, "cell 1 (c1) has different results in b and d"},
	} {
		_, err := Collect(tc.parts, describe)
		if err == nil || !strings.HasPrefix(err.Error(), tc.want) {
			t.Errorf("%s: error %v, want %q", tc.what, err, tc.want)
		}
	}
}

// A long list of missing cells is cut after ten.
func TestCollectListsTen(t *testing.T) {
	p := named("a", "0/1")
	p.Part.Total = 12
	_, err := Collect([]Named{p}, func(c int) string { return "x" })
	if err == nil || !strings.HasSuffix(err.Error(), "cell 0 (x), 1 (x), 2 (x), 3 (x), 4 (x), 5 (x), 6 (x), 7 (x), 8 (x), 9 (x), ...") ||
		!strings.HasPrefix(err.Error(), "12 cells missing") {
		t.Errorf("error %v", err)
	}
}

// Whatever the cell and shard counts, the parts of a sweep, in any order
// and with any of them given twice, collect back into every cell's value.
func TestCollectAnySplit(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		total := rapid.IntRange(0, 200).Draw(t, "total")
		n := rapid.IntRange(1, 50).Draw(t, "n")
		values := make([]string, total)
		for c := range values {
			values[c] = fmt.Sprintf(`{"v":%d}`, rapid.IntRange(-1000, 1000).Draw(t, "v"))
		}
		var parts []Named
		for i := range n {
			sh := Shard{i, n}
			p := named(fmt.Sprintf("p%d", i), sh.String())
			p.Part.Total = total
			for _, c := range sh.Cells(total) {
				p.Part.Cells = append(p.Part.Cells, cell(c, values[c]))
			}
			parts = append(parts, p)
		}
		for _, k := range rapid.SliceOfN(rapid.IntRange(0, n-1), 0, 5).Draw(t, "retried") {
			parts = append(parts, parts[k])
		}
		order := rapid.Permutation(parts).Draw(t, "order")
		got, err := Collect(order, describe)
		if err != nil {
			t.Fatal(err)
		}
		for c, v := range got {
			if string(v) != values[c] {
				t.Fatalf("cell %d = %s, want %s", c, v, values[c])
			}
		}
	})
}
