package decisions

import (
	"bytes"
	"fmt"
	"strings"
	"testing"
)

// collect is a Consumer keeping the kinds it was given.
type collect struct{ kinds []string }

func (c *collect) Line(l *Line) error {
	c.kinds = append(c.kinds, l.Kind)
	return nil
}

const (
	hdr   = `{"kind":"header","t":0,"version":1,"scenario":"s","seed":1,"policy":"drf"}` + "\n"
	cycle = `{"kind":"cycle","t":1000000,"cycle":1,"skips":[{"agent":"a","framework":"f","reason":"filtered"}]}` + "\n"
	end   = `{"kind":"end","t":2000000}` + "\n"
)

func TestReadErrors(t *testing.T) {
	for _, c := range []struct {
		name, in, want string
	}{
		{"empty", "", "d.jsonl: empty: not a decision stream"},
		{"no header", cycle + end, `d.jsonl:1: the first line is a "cycle" line, not the header`},
		{"second header", hdr + hdr + end, "d.jsonl:2: a second header"},
		{"version", strings.Replace(hdr, `"version":1`, `"version":2`, 1) + end, "d.jsonl:1: schema version 2, this mesosim reads version 1"},
		{"unknown field", hdr + `{"kind":"end","t":1,"x":1}` + "\n", `d.jsonl:2: not a decision line: json: unknown field "x"`},
		{"not json", hdr + "{\n", "d.jsonl:2: not a decision line"},
		{"unknown kind", hdr + `{"kind":"nap","t":1}` + "\n" + end, `d.jsonl:2: unknown kind "nap"`},
		{"unknown reason", hdr + strings.Replace(cycle, "filtered", "bored", 1) + end, `d.jsonl:2: agent a framework f: unknown reason "bored"`},
		{"cycle 0", hdr + strings.Replace(cycle, `"cycle":1`, `"cycle":0`, 1) + end, "d.jsonl:2: cycle 0: cycles count from 1"},
		{"time backwards", hdr + cycle + `{"kind":"end","t":5}` + "\n", "d.jsonl:3: time 5 before 1000000"},
		{"starve without framework", hdr + `{"kind":"starve","t":1}` + "\n" + end, "d.jsonl:2: a starve line with no framework"},
		{"cut short", hdr + cycle, "d.jsonl:2: no end line: the stream is cut short"},
		{"after end", hdr + end + cycle, "d.jsonl:3: a line after the end line"},
	} {
		t.Run(c.name, func(t *testing.T) {
			err := Read(strings.NewReader(c.in), "d.jsonl", &collect{})
			if err == nil || !strings.HasPrefix(err.Error(), c.want) {
				t.Fatalf("got %v, want %q", err, c.want)
			}
		})
	}
	var got collect
	if err := Read(strings.NewReader(hdr+cycle+end), "d.jsonl", &got); err != nil || strings.Join(got.kinds, " ") != "header cycle end" {
		t.Fatalf("a good stream: %v, kinds %v", err, got.kinds)
	}
}

// Lines written by a Writer read back as they were.
func ExampleRead() {
	var buf bytes.Buffer
	w := NewWriter(&buf)
	for _, l := range []Line{
		{Kind: KindHeader, Version: Version, Scenario: "demo", Seed: 7, Policy: "drf"},
		{Kind: KindCycle, T: 1_000_000, Cycle: 1, Skips: []Skip{{Agent: "a1", Framework: "f", Reason: "min_allocatable", Min: "master"}}},
		{Kind: KindEnd, T: 2_000_000},
	} {
		w.Line(&l)
	}
	w.Flush()
	fmt.Print(buf.String())
	err := Read(&buf, "demo.jsonl", printer{})
	fmt.Println(err)
	// Output:
	// {"kind":"header","t":0,"version":1,"scenario":"demo","seed":7,"policy":"drf"}
	// {"kind":"cycle","t":1000000,"cycle":1,"skips":[{"agent":"a1","framework":"f","reason":"min_allocatable","min":"master"}]}
	// {"kind":"end","t":2000000}
	// header
	// cycle 1: a1 f min_allocatable
	// end
	// <nil>
}

type printer struct{}

func (printer) Line(l *Line) error {
	switch l.Kind {
	case KindCycle:
		for _, s := range l.Skips {
			fmt.Printf("cycle %d: %s %s %s\n", l.Cycle, s.Agent, s.Framework, s.Reason)
		}
	default:
		fmt.Println(l.Kind)
	}
	return nil
}
