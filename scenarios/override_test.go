package scenarios

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/mesosim/mesosim/sim"
)

// base is the scenario the override tests change (lines matter).
const base = `name: base
duration: 1m
master:
  allocator: drf
agents:
  - {name: a1, resources: "cpus:2;mem:1024"}
  - {name: big, count: 2, resources: "cpus:8;mem:8192"}
frameworks:
  - {name: f1, role: r1, behavior: hold}
  - name: web
    count: 2
    role: r2
    behavior: decline
timeline:
  - {at: 10s, decline: {framework: f1, agent: a1}}
  - {at: 20s, remove_agent: {name: big-2}}
`

func TestParseOverride(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want Override
		err  string
	}{
		{"seed=7", Override{Path: "seed", Value: "7"}, ""},
		{"frameworks.web.think_time={base: 2s, per_task: 10ms}", Override{Path: "frameworks.web.think_time", Value: "{base: 2s, per_task: 10ms}"}, ""},
		{"a=b=c", Override{Path: "a", Value: "b=c"}, ""},
		{" seed = 7", Override{Path: "seed", Value: " 7"}, ""},
		{"network.delay=", Override{Path: "network.delay", Value: ""}, ""},
		{"seed", Override{}, `override "seed": want KEY=VALUE, such as frameworks.web.think_time=2s`},
		{"=7", Override{}, `override "=7": empty path`},
		{"a..b=1", Override{}, `override "a..b=1": path "a..b" has an empty segment`},
		{"a.=1", Override{}, `override "a.=1": path "a." has an empty segment`},
	} {
		got, err := ParseOverride(tc.in)
		switch {
		case tc.err != "" && (err == nil || err.Error() != tc.err):
			t.Errorf("ParseOverride(%q): error %v, want %s", tc.in, err, tc.err)
		case tc.err == "" && (err != nil || got != tc.want):
			t.Errorf("ParseOverride(%q) = %+v, %v; want %+v", tc.in, got, err, tc.want)
		}
	}
	if s := (Override{Path: "seed", Value: "7"}).String(); s != "seed=7" {
		t.Errorf("String() = %q", s)
	}
}

func overrides(t *testing.T, texts ...string) []Override {
	t.Helper()
	var out []Override
	for _, s := range texts {
		o, err := ParseOverride(s)
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, o)
	}
	return out
}

func TestParseWith(t *testing.T) {
	for _, tc := range []struct {
		name  string
		in    string // the scenario; base when empty
		set   []string
		check func(t *testing.T, sc *Scenario)
	}{
		{"no overrides", "", nil, func(t *testing.T, sc *Scenario) {
			if sc.Seed != 1 || len(sc.Frameworks) != 3 {
				t.Errorf("%+v", sc)
			}
		}},
		{"a scalar at top level", "", []string{"seed=7"}, func(t *testing.T, sc *Scenario) {
			if sc.Seed != 7 {
				t.Errorf("seed %d", sc.Seed)
			}
		}},
		{"a nested key", "", []string{"master.allocator=fifo"}, func(t *testing.T, sc *Scenario) {
			if sc.Master.Allocator != "fifo" {
				t.Errorf("allocator %q", sc.Master.Allocator)
			}
		}},
		{"a mapping value in an element by name, before count expansion", "", []string{"frameworks.web.think_time={base: 2s, per_task: 10ms}"}, func(t *testing.T, sc *Scenario) {
			want := ThinkTime{Base: 2 * sim.Second, PerTask: 10 * sim.Millisecond}
			if sc.Frameworks[1].Think != want || sc.Frameworks[2].Think != want || sc.Frameworks[0].Think != (ThinkTime{}) {
				t.Errorf("%+v", sc.Frameworks)
			}
		}},
		{"an element by index", "", []string{"frameworks.0.role=r9", "agents.1.resources=cpus:1;mem:1"}, func(t *testing.T, sc *Scenario) {
			if sc.Frameworks[0].Role != "r9" || !sc.Agents[1].Resources.Equal(res(t, "cpus:1;mem:1")) || !sc.Agents[2].Resources.Equal(res(t, "cpus:1;mem:1")) {
				t.Errorf("%+v %+v", sc.Frameworks[0], sc.Agents)
			}
		}},
		{"an agent by name", "", []string{`agents.big.resources="cpus:3;mem:3"`}, func(t *testing.T, sc *Scenario) {
			if !sc.Agents[1].Resources.Equal(res(t, "cpus:3;mem:3")) {
				t.Errorf("%+v", sc.Agents)
			}
		}},
		{"absent keys are created", "", []string{"master.quota.qr.guarantee=cpus:1", "network.delay=1ms"}, func(t *testing.T, sc *Scenario) {
			if q := sc.Master.Quota["qr"]; q.Guarantee.Get("cpus") != 1000 || sc.Network.Delay != sim.Millisecond {
				t.Errorf("%+v %+v", sc.Master.Quota, sc.Network)
			}
		}},
		{"a null on the way is an empty mapping", "name: n\nduration: 1s\nmaster:\n", []string{"master.allocator=random"}, func(t *testing.T, sc *Scenario) {
			if sc.Master.Allocator != "random" {
				t.Errorf("allocator %q", sc.Master.Allocator)
			}
		}},
		{"an empty value is null", "", []string{"timeline="}, func(t *testing.T, sc *Scenario) {
			if len(sc.Timeline) != 0 {
				t.Errorf("timeline %+v", sc.Timeline)
			}
		}},
		{"a list value", "", []string{`frameworks.f1.min_allocatable=["cpus:1", "mem:1"]`}, func(t *testing.T, sc *Scenario) {
			if len(sc.Frameworks[0].MinAllocatable) != 2 {
				t.Errorf("%+v", sc.Frameworks[0])
			}
		}},
		{"in order: the last wins", "", []string{"seed=3", "seed=4"}, func(t *testing.T, sc *Scenario) {
			if sc.Seed != 4 {
				t.Errorf("seed %d", sc.Seed)
			}
		}},
		{"a later override walks into an earlier one", "", []string{"master.capacity={}", "master.allocator=capacity", "master.capacity.r1={capacity: 0.5}"}, func(t *testing.T, sc *Scenario) {
			if sc.Master.Capacity["r1"].Capacity != 0.5 {
				t.Errorf("%+v", sc.Master.Capacity)
			}
		}},
		{"a timeline entry", "", []string{"timeline.0.at=30s"}, func(t *testing.T, sc *Scenario) {
			if sc.Timeline[0].Kind != KindRemoveAgent || sc.Timeline[1].At != 30*sim.Second {
				t.Errorf("%+v", sc.Timeline)
			}
		}},
		{"a whole element; its spec has no line", "", []string{"frameworks.1={name: w, behavior: keep}"}, func(t *testing.T, sc *Scenario) {
			if f := sc.Frameworks[1]; f.Name != "w" || f.Line != 0 || sc.Frameworks[0].Line != 9 || len(sc.Frameworks) != 2 {
				t.Errorf("%+v", sc.Frameworks)
			}
		}},
		{"an added timeline entry has no line", "", []string{"timeline.1={at: 5s, add_agent: {name: x, count: 2, resources: \"cpus:1\"}}"}, func(t *testing.T, sc *Scenario) {
			n := 0
			for _, e := range sc.Timeline {
				if e.Kind == KindAddAgent {
					n++
					if e.Line != 0 || e.Agent.Line != 0 {
						t.Errorf("%+v", e)
					}
				} else if e.Line == 0 {
					t.Errorf("%+v", e)
				}
			}
			if n != 2 {
				t.Errorf("timeline %+v", sc.Timeline)
			}
		}},
		{"an element named by a number is reached by index", "name: n\nduration: 1s\nagents:\n  - {name: \"1\", resources: \"cpus:1\"}\n  - {name: \"0\", resources: \"cpus:1\"}\n", []string{"agents.1.resources=cpus:5"}, func(t *testing.T, sc *Scenario) {
			if sc.Agents[1].Name != "0" || !sc.Agents[1].Resources.Equal(res(t, "cpus:5")) {
				t.Errorf("%+v", sc.Agents)
			}
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			in := tc.in
			if in == "" {
				in = base
			}
			sc, err := ParseWith("s.yaml", []byte(in), overrides(t, tc.set...))
			if err != nil {
				t.Fatal(err)
			}
			checkInvariants(t, sc)
			tc.check(t, sc)
		})
	}
	// Overrides change the tree of one parse only.
	sc, err := ParseWith("s.yaml", []byte(base), nil)
	if err != nil || sc.Seed != 1 {
		t.Fatalf("%v %v", sc, err)
	}
}

func TestParseWithErrors(t *testing.T) {
	for _, tc := range []struct {
		name string
		set  []Override
		want string
	}{
		// Errors in the path.
		{"no element of that name", []Override{{Path: "frameworks.nope.think_time", Value: "1s"}},
			`s.yaml: --set frameworks.nope.think_time=1s: no element of frameworks named "nope"`},
		{"an expanded name is not an element's name", []Override{{Path: "frameworks.web-1.role", Value: "r"}},
			`s.yaml: --set frameworks.web-1.role=r: no element of frameworks named "web-1"`},
		{"index out of range", []Override{{Path: "agents.2.name", Value: "x"}},
			`s.yaml: --set agents.2.name=x: agents has 2 elements: no element 2 (indices count from 0)`},
		{"through a scalar", []Override{{Path: "name.first", Value: "x"}},
			`s.yaml: --set name.first=x: name is a string ("base"), not a mapping or a list`},
		{"through a nested scalar", []Override{{Path: "timeline.0.at.x", Value: "1"}},
			`s.yaml: --set timeline.0.at.x=1: timeline.0.at is a string ("10s"), not a mapping or a list`},
		{"empty segment", []Override{{Path: "a..b", Value: "1"}},
			`s.yaml: --set a..b=1: path "a..b" has an empty segment`},
		{"empty path", []Override{{Path: "", Value: "1"}},
			`s.yaml: --set =1: empty path`},
		{"bad YAML", []Override{{Path: "seed", Value: "[1"}},
			`s.yaml: --set seed=[1: the value is not valid YAML: line 1: did not find expected ',' or ']'`},
		{"two documents", []Override{{Path: "seed", Value: "1\n---\n2"}},
			"s.yaml: --set seed=1\n---\n2: the value holds more than one YAML document"},
		{"the second override is named", []Override{{Path: "seed", Value: "2"}, {Path: "frameworks.x.role", Value: "r"}},
			`s.yaml: --set frameworks.x.role=r: no element of frameworks named "x"`},

		// Errors in the values, found by the decoder: no line, the
		// override named.
		{"a bad value", []Override{{Path: "frameworks.web.think_time", Value: "abc"}},
			`s.yaml: frameworks.think_time: bad duration "abc": want a Go duration such as 90s, 1h30m or 250ms (--set frameworks.web.think_time=abc)`},
		{"a bad value inside a mapping value", []Override{{Path: "frameworks.web.think_time", Value: "{base: 2h}"}},
			`s.yaml: frameworks.think_time.base: 2h0m0s exceeds the limit of 1h0m0s (--set frameworks.web.think_time={base: 2h})`},
		{"the right override of several is named", []Override{{Path: "seed", Value: "3"}, {Path: "master.allocator", Value: "lottery"}},
			`s.yaml: master.allocator: unknown allocator "lottery" (known: capacity, drf, fifo, random) (--set master.allocator=lottery)`},
		{"an unknown key created", []Override{{Path: "colour", Value: "red"}},
			`s.yaml: unknown key "colour" at top level; allowed keys: name, seed, duration, master, network, agents, frameworks, trace, faults, timeline, serve (--set colour=red)`},
		{"an unknown nested key created", []Override{{Path: "master.quota.qr.guarantee", Value: "cpus:1"}, {Path: "master.quota.qr.floor", Value: "1"}},
			`s.yaml: unknown key "floor" in master.quota.qr; allowed keys: guarantee, limit (--set master.quota.qr.floor=1)`},
		{"a required key missing from a created mapping", []Override{{Path: "master.capacity.r1.max_capacity", Value: "0.5"}, {Path: "master.allocator", Value: "capacity"}},
			`s.yaml: master.capacity.r1: missing required key "capacity" (--set master.capacity.r1.max_capacity=0.5)`},
		{"an empty value", []Override{{Path: "seed", Value: ""}},
			`s.yaml: seed: expected an unsigned integer, got null (--set seed=)`},
		{"a duplicate name points at the file's line", []Override{{Path: "frameworks.web", Value: "{name: f1, behavior: keep}"}},
			`s.yaml: frameworks.name: duplicate framework name "f1" (first defined at line 9) (--set frameworks.web={name: f1, behavior: keep})`},
		{"a duplicate of an override's name", []Override{{Path: "frameworks.0", Value: "{name: web-1, behavior: keep}"}},
			`s.yaml:10: frameworks.name: duplicate framework name "web-1" (first defined at --set frameworks.0={name: web-1, behavior: keep})`},
		{"a timeline reference", []Override{{Path: "timeline.0.decline.agent", Value: "ghost"}},
			`s.yaml: timeline.decline.agent: unknown agent "ghost" (--set timeline.0.decline.agent=ghost)`},
		{"timeline entries have no names", []Override{{Path: "timeline.big-2", Value: "x"}},
			`s.yaml: --set timeline.big-2=x: no element of timeline named "big-2"`},
		{"a reference to a removal an override made", []Override{{Path: "timeline.1.at", Value: "5s"}, {Path: "timeline.0.decline.agent", Value: "big-2"}},
			`s.yaml: timeline.decline.agent: agent "big-2" was removed at 5s (line 16) (--set timeline.0.decline.agent=big-2)`},
		{"an anchor", []Override{{Path: "seed", Value: "&a 1"}},
			`s.yaml: anchors are not supported (&a): anchors and aliases are not part of the scenario language (--set seed=&a 1)`},
		{"an alias", []Override{{Path: "agents", Value: "[&a {name: x, resources: \"cpus:1\"}, *a]"}},
			`s.yaml: aliases are not supported (*a): anchors and aliases are not part of the scenario language (--set agents=[&a {name: x, resources: "cpus:1"}, *a])`},
		{"a bad capacity", []Override{{Path: "master.capacity.r1.capacity", Value: "1.5"}},
			`s.yaml: master.capacity.r1.capacity: must be between 0 and 1, got 1.5 (--set master.capacity.r1.capacity=1.5)`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := ParseWith("s.yaml", []byte(base), tc.set)
			if err == nil {
				t.Fatalf("no error; want %s", tc.want)
			}
			var se *Error
			if !errors.As(err, &se) {
				t.Fatalf("error %T is not *Error: %v", err, err)
			}
			if err.Error() != tc.want {
				t.Errorf("\n got %s\nwant %s", err, tc.want)
			}
		})
	}
}

// The file's own errors keep their lines when overrides are given.
func TestParseWithFileErrors(t *testing.T) {
	_, err := ParseWith("s.yaml", []byte(base+"bogus: 1\n"), []Override{{Path: "seed", Value: "2"}})
	if err == nil || err.Error() != `s.yaml:17: unknown key "bogus" at top level; allowed keys: name, seed, duration, master, network, agents, frameworks, trace, faults, timeline, serve` {
		t.Fatalf("err = %v", err)
	}
	// An override cannot rescue a file that is not a mapping.
	_, err = ParseWith("s.yaml", []byte("- a\n"), []Override{{Path: "seed", Value: "2"}})
	if err == nil || !strings.HasPrefix(err.Error(), "s.yaml:1: a scenario must be a mapping") {
		t.Fatalf("err = %v", err)
	}
}

func TestOpenWith(t *testing.T) {
	sc, err := OpenWith("drf-unreserved", []Override{{Path: "seed", Value: "9"}, {Path: "master.allocator", Value: "random"}})
	if err != nil {
		t.Fatal(err)
	}
	if sc.Seed != 9 || sc.Master.Allocator != "random" || sc.File != "drf-unreserved.yaml" {
		t.Errorf("%+v", sc)
	}
	path := filepath.Join(t.TempDir(), "s.yaml")
	if err := os.WriteFile(path, []byte(base), 0o644); err != nil {
		t.Fatal(err)
	}
	sc, err = OpenWith(path, []Override{{Path: "frameworks.f1.behavior", Value: "keep"}})
	if err != nil {
		t.Fatal(err)
	}
	if sc.Frameworks[0].Behavior != "keep" || sc.File != path {
		t.Errorf("%+v", sc.Frameworks[0])
	}
	_, err = OpenWith(path, []Override{{Path: "frameworks.f1.behavior", Value: "greedy"}})
	if err == nil || !strings.HasPrefix(err.Error(), path+": frameworks.behavior: unknown behavior \"greedy\"") || !strings.HasSuffix(err.Error(), "(--set frameworks.f1.behavior=greedy)") {
		t.Errorf("err = %v", err)
	}
	// Overrides do not stick to the embedded scenario.
	sc, err = OpenWith("drf-unreserved", nil)
	if err != nil || sc.Seed == 9 || sc.Master.Allocator != "drf" {
		t.Fatalf("%+v %v", sc, err)
	}
}

// FuzzParseWith checks that no override makes ParseWith panic, that every
// error is an *Error for the file, and that what it accepts is consistent.
func FuzzParseWith(f *testing.F) {
	f.Add("seed", "7", "frameworks.web.think_time", "{base: 2s, per_task: 10ms}")
	f.Add("master.quota.qr", "{guarantee: \"cpus:1\"}", "timeline.0", "{at: 1s, set_quota: {role: qr}}")
	f.Add("agents.9.name", "x", "frameworks..a", "")
	f.Add("name.x", "[&a 1, *a]", "master.capacity.r1.capacity", "0.5")
	f.Fuzz(func(t *testing.T, p1, v1, p2, v2 string) {
		sc, err := ParseWith("fuzz.yaml", []byte(base), []Override{{Path: p1, Value: v1}, {Path: p2, Value: v2}})
		if err != nil {
			var se *Error
			if !errors.As(err, &se) || se.File != "fuzz.yaml" || se.Line < 0 || se.Msg == "" {
				t.Fatalf("bad error %#v", err)
			}
			return
		}
		checkInvariants(t, sc)
	})
}

// An override names itself with the flag it came from.
func TestOverrideSource(t *testing.T) {
	for _, tc := range []struct {
		o    Override
		want string
	}{
		{Override{Path: "seed", Value: "7"}, "--set seed=7"},
		{Override{Path: "seed", Value: "7", Flag: "--set"}, "--set seed=7"},
		{Override{Path: "frameworks.f1.role", Value: "a", Flag: "--vary"}, "--vary frameworks.f1.role=a"},
		{Override{Path: "duration", Value: "12m", Flag: "--duration"}, "--duration 12m"},
	} {
		if got := tc.o.Source(); got != tc.want {
			t.Errorf("%#v.Source() = %q, want %q", tc.o, got, tc.want)
		}
	}
	_, err := ParseWith("s.yaml", []byte("name: s\nduration: 10s\nagents: [{name: a, resources: \"cpus:1\"}]\nframeworks: [{name: f1, behavior: keep}]\n"),
		[]Override{{Path: "duration", Value: "abc", Flag: "--duration"}})
	if err == nil || !strings.HasSuffix(err.Error(), "(--duration abc)") {
		t.Errorf("a bad --duration: %v, want an error ending (--duration abc)", err)
	}
}
