package sweep

import (
	"encoding/json"
	"strings"
	"testing"
)

// Every field of a Spec changes the fingerprint.
func TestFingerprintCoversSpec(t *testing.T) {
	base := Spec{Command: "compare", Scenario: "name: x\n", Allocators: []string{"drf"}, Sets: []string{"a=1"},
		Varies: []string{"b=1,2"}, Seeds: 3, SeedStart: 1, Duration: "1m", Shards: 2}
	fp := base.Fingerprint()
	if len(fp) != 64 {
		t.Fatalf("fingerprint %q is not a hex sha256", fp)
	}
	for name, edit := range map[string]func(s *Spec){
		"command":    func(s *Spec) { s.Command = "fuzz" },
		"scenario":   func(s *Spec) { s.Scenario = "name: y\n" },
		"allocators": func(s *Spec) { s.Allocators = []string{"drf", "fifo"} },
		"sets":       func(s *Spec) { s.Sets = nil },
		"varies":     func(s *Spec) { s.Varies = []string{"b=1"} },
		"skip":       func(s *Spec) { s.Skip = []string{"liveness"} },
		"seeds":      func(s *Spec) { s.Seeds = 4 },
		"seed start": func(s *Spec) { s.SeedStart = 2 },
		"duration":   func(s *Spec) { s.Duration = "" },
		"shards":     func(s *Spec) { s.Shards = 3 },
	} {
		s := base
		edit(&s)
		if s.Fingerprint() == fp {
			t.Errorf("changing the %s leaves the fingerprint", name)
		}
	}
	empty := Spec{Command: "fuzz"}
	lists := Spec{Command: "fuzz", Allocators: []string{}, Sets: []string{}, Varies: []string{}, Skip: []string{}}
	if empty.Fingerprint() != lists.Fingerprint() {
		t.Errorf("nil and empty lists give different fingerprints")
	}
}

func testPart() *Part {
	return &Part{Format: FormatVersion, Fingerprint: "f", Shard: "1/2", Command: "fuzz", Args: []string{"x"}, Total: 5,
		Cells: []Cell{{1, json.RawMessage(`{"a":0.1}`)}, {3, json.RawMessage(`{"a":1e-300}`)}}}
}

// A part reads back as it was written, a cell to a line.
func TestPartRoundTrip(t *testing.T) {
	p := testPart()
	b, err := p.Encode()
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(b), "\n    {\"cell\":3,\"value\":{\"a\":1e-300}}\n  ]\n}\n") {
		t.Errorf("cells are not one to a line:\n%s", b)
	}
	q, err := Decode("p.json", b)
	if err != nil {
		t.Fatal(err)
	}
	b2, _ := q.Encode()
	if string(b2) != string(b) {
		t.Errorf("round trip changed the part:\n%s\n---\n%s", b2, b)
	}
	empty := testPart()
	empty.Cells = nil
	b, _ = empty.Encode()
	if q, err := Decode("p.json", b); err != nil || len(q.Cells) != 0 {
		t.Errorf("an empty part: %v, %+v", err, q)
	}
}

// A bad part is refused with its name, the line where it can, and what
// is wrong.
func TestDecodeRefuses(t *testing.T) {
	good, _ := testPart().Encode()
	for _, tc := range []struct {
		what, from, to, want string
	}{
		{"bad JSON", `"shard": "1/2"`, `"shard": 1/2`, `p.json:11: not a mesosim part: invalid character`},
		{"a wrong type", `"total_cells": 5`, `"total_cells": "5"`, `p.json:18: not a mesosim part: json: cannot unmarshal string`},
		{"an unknown key", `"format": 1,`, `"format": 1, "extra": 2,`, `p.json: not a mesosim part: json: unknown field "extra"`},
		{"truncated", "]\n}\n", "", `p.json: not a mesosim part: the file ends before the part does`},
		{"another format", `"format": 1,`, `"format": 2,`, `p.json: part format 2; this mesosim reads format 1`},
		{"a bad shard", `"shard": "1/2"`, `"shard": "2/2"`, `p.json: shard "2/2": i must be in [0, 1]`},
		{"too many cells", `"total_cells": 5`, `"total_cells": 1000000000000`, `p.json: total_cells 1000000000000: must be in [0, 1000000]`},
		{"another command", `"command": "fuzz"`, `"command": "run"`, `p.json: command "run" is not compare or fuzz`},
		{"a cell past the end", `{"cell":3,`, `{"cell":5,`, `p.json: cell 5 is outside the sweep's 5 cells`},
		{"a cell of another shard", `{"cell":3,`, `{"cell":2,`, `p.json: cell 2 does not belong to shard 1/2`},
		{"cells out of order", `{"cell":1,`, `{"cell":3,`, `p.json: cell 3 listed after cell 3`},
		{"data after", "]\n}\n", "]\n}\n{}", `p.json:25: not a mesosim part: data after the part`},
	} {
		data := strings.Replace(string(good), tc.from, tc.to, 1)
		if data == string(good) {
			t.Fatalf("%s: %q not in the part", tc.what, tc.from)
		}
		_, err := Decode("p.json", []byte(data))
		if err == nil || !strings.HasPrefix(err.Error(), tc.want) {
			t.Errorf("%s: error %v, want %q", tc.what, err, tc.want)
		}
	}
}
