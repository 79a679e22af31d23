package scenarios

import (
	"math"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"go.yaml.in/yaml/v3"

	"github.com/mesosim/mesosim/internal/fsio"
	"github.com/mesosim/mesosim/model"
	"github.com/mesosim/mesosim/traces"
)

// Limits of the trace section.
const (
	MaxTraceFiles = 1000
	MaxMapRules   = 1000
)

var traceKeys = []string{"files", "start", "end", "lookahead", "skip_bad_rows", "cpus", "mem", "ends", "runs", "map"}
var mapKeys = []string{"priority", "sched_class", "user", "queue", "framework"}

// trace decodes the trace section: files resolved relative to the
// scenario file's directory (the working directory for an embedded
// scenario), the replayed slice, units, ends and the framework map.
func (d *decoder) trace(n *yaml.Node, sc *Scenario) {
	if n == nil {
		return
	}
	m := d.mapping(n, "trace", traceKeys, false)
	ts := &TraceSpec{Line: n.Line, CPUs: 1, Mem: 1, Ends: "trace", Runs: "all", Lookahead: traces.DefaultLookahead}
	fn := d.require(m, "files")
	files := d.seq(fn, "trace.files", "files")
	if len(files) == 0 || len(files) > MaxTraceFiles {
		d.failf(fn.Line, "trace.files: want 1 to %d files", MaxTraceFiles)
	}
	for _, f := range files {
		p := d.str(f, "trace.files")
		found, ok := resolveTraceFile(d.file, p)
		if !ok {
			d.failf(f.Line, "trace.files: %s: no such file (relative to %s)", p, filepath.Dir(d.file))
		} else if err := fsio.Readable(found); err != nil {
			d.failf(f.Line, "trace.files: %v", err)
		}
		ts.Files = append(ts.Files, found)
	}
	if _, err := traces.Detect(ts.Files[0]); err != nil {
		d.failf(fn.Line, "trace.files: %v", err)
	}
	if v := m.get("start"); v != nil {
		ts.Start = d.duration(v, "trace.start")
	}
	if v := m.get("end"); v != nil {
		ts.End = d.duration(v, "trace.end")
		if ts.End <= ts.Start {
			d.failf(v.Line, "trace.end: must be after trace.start")
		}
	}
	if ts.Start < 0 {
		d.failf(m.keys["start"].Line, "trace.start: must not be negative")
	}
	if v := m.get("lookahead"); v != nil {
		ts.Lookahead = d.duration(v, "trace.lookahead")
		if ts.Lookahead <= 0 {
			d.failf(v.Line, "trace.lookahead: must be positive")
		}
	}
	if v := m.get("skip_bad_rows"); v != nil {
		ts.SkipBadRows = d.boolean(v, "trace.skip_bad_rows")
	}
	for _, k := range []string{"cpus", "mem"} {
		if v := m.get(k); v != nil {
			x := d.number(v, "trace."+k)
			if !(x > 0 && x <= 1e9) {
				d.failf(v.Line, "trace.%s: must be in (0, 1e9]", k)
			}
			if k == "cpus" {
				ts.CPUs = x
			} else {
				ts.Mem = x
			}
		}
	}
	if v := m.get("ends"); v != nil {
		ts.Ends = d.str(v, "trace.ends")
		if ts.Ends != "trace" && ts.Ends != "finish" {
			d.failf(v.Line, "trace.ends: %q is not one of trace, finish", ts.Ends)
		}
	}
	if v := m.get("runs"); v != nil {
		ts.Runs = d.str(v, "trace.runs")
		if ts.Runs != "all" && ts.Runs != "first" {
			d.failf(v.Line, "trace.runs: %q is not one of all, first", ts.Runs)
		}
	}
	mn := d.require(m, "map")
	rules := d.seq(mn, "trace.map", "rules")
	if len(rules) == 0 || len(rules) > MaxMapRules {
		d.failf(mn.Line, "trace.map: want 1 to %d rules", MaxMapRules)
	}
	for _, rn := range rules {
		ts.Map = append(ts.Map, d.mapRule(rn, sc))
	}
	sc.Trace = ts
}

// mapRule decodes one trace.map rule; its framework must have behavior
// replay.
func (d *decoder) mapRule(n *yaml.Node, sc *Scenario) MapRule {
	m := d.mapping(n, "trace.map", mapKeys, false)
	r := MapRule{SchedClass: -1}
	fn := d.require(m, "framework")
	r.Framework = d.str(fn, "trace.map.framework")
	found := false
	for _, f := range sc.Frameworks {
		if f.Name == r.Framework {
			found = true
			if f.Behavior != "replay" {
				d.failf(fn.Line, "trace.map.framework: %q has behavior %s; trace tasks go to frameworks with behavior replay", r.Framework, f.Behavior)
			}
		}
	}
	if !found {
		d.failf(fn.Line, "trace.map.framework: no framework %q among the frameworks", r.Framework)
	}
	if v := m.get("priority"); v != nil {
		r.HasPriority = true
		r.PriorityMin, r.PriorityMax = d.priorityRange(v)
	}
	if v := m.get("sched_class"); v != nil {
		r.SchedClass = int(d.integer(v, "trace.map.sched_class"))
		if r.SchedClass < 0 {
			d.failf(v.Line, "trace.map.sched_class: must not be negative")
		}
	}
	if v := m.get("user"); v != nil {
		r.User = d.str(v, "trace.map.user")
	}
	if v := m.get("queue"); v != nil {
		r.Queue = d.str(v, "trace.map.queue")
	}
	return r
}

// priorityRange reads 9, "9-11", ">=9" or "<=8".
func (d *decoder) priorityRange(n *yaml.Node) (int, int) {
	s := strings.TrimSpace(n.Value)
	bad := func() (int, int) {
		d.failf(n.Line, "trace.map.priority: %q: want N, A-B, >=N or <=N", s)
		return 0, 0
	}
	atoi := func(x string) (int, bool) {
		v, err := strconv.Atoi(strings.TrimSpace(x))
		return v, err == nil
	}
	switch {
	case strings.HasPrefix(s, ">="):
		if v, ok := atoi(s[2:]); ok {
			return v, math.MaxInt32
		}
	case strings.HasPrefix(s, "<="):
		if v, ok := atoi(s[2:]); ok {
			return math.MinInt32, v
		}
	case strings.Contains(s, "-"):
		a, b, _ := strings.Cut(s, "-")
		x, ok1 := atoi(a)
		y, ok2 := atoi(b)
		if ok1 && ok2 && x <= y {
			return x, y
		}
	default:
		if v, ok := atoi(s); ok {
			return v, v
		}
	}
	return bad()
}

var presetKeys = []string{"name", "preset", "scale", "cpus", "mem", "machine_meta"}

// presetAgents decodes an agents entry that names an embedded cluster
// (preset: google-2011-cell) or an Alibaba machine_meta file: machines in
// normalised units, scaled by cpus and mem (cores and MB per 1.0, or per
// 100 for machine_meta's percent memory).
func (d *decoder) presetAgents(n *yaml.Node, path string) []AgentSpec {
	m := d.mapping(n, path, presetKeys, false)
	cpus, mem, scale := 1.0, 1.0, 1.0
	for _, k := range []string{"cpus", "mem", "scale"} {
		if v := m.get(k); v != nil {
			x := d.number(v, m.field(k))
			if !(x > 0 && x <= 1e9) || (k == "scale" && x > 1) {
				d.failf(v.Line, "%s: out of range", m.field(k))
			}
			switch k {
			case "cpus":
				cpus = x
			case "mem":
				mem = x
			default:
				scale = x
			}
		}
	}
	var shapes []traces.MachineShape
	base := ""
	switch {
	case m.get("preset") != nil && m.get("machine_meta") != nil:
		d.failf(n.Line, "%s: preset and machine_meta are exclusive", pathName(path))
	case m.get("preset") != nil:
		p := m.get("preset")
		base = d.str(p, m.field("preset"))
		var err error
		if shapes, err = traces.Preset(base, scale); err != nil {
			d.failf(p.Line, "%s: %v", m.field("preset"), err)
		}
	default:
		p := m.get("machine_meta")
		file := d.str(p, m.field("machine_meta"))
		if !filepath.IsAbs(file) {
			file = filepath.Join(filepath.Dir(d.file), file)
		}
		ms, err := traces.OpenMachineMeta(file)
		if err != nil {
			d.failf(p.Line, "%s: %v", m.field("machine_meta"), err)
		}
		base = "alibaba"
		keep := int(math.Round(float64(len(ms)) * scale))
		for i, x := range ms {
			if i >= max(keep, 1) {
				break
			}
			shapes = append(shapes, traces.MachineShape{CPU: x.CPUs, Mem: x.Mem / 100, Count: 1})
		}
	}
	if v := m.get("name"); v != nil {
		base = d.name(v, m.field("name"))
	}
	var out []AgentSpec
	i := 0
	for _, s := range shapes {
		c := model.Milli(math.Round(s.CPU * cpus * 1000))
		r := model.ScalarResource("cpus", c).Add(model.ScalarResource("mem", model.Milli(math.Round(s.Mem*mem*1000))))
		for k := 0; k < s.Count; k++ {
			i++
			nm := base + "-" + strconv.Itoa(i)
			if d.nAgents+1 > MaxAgents {
				d.failf(n.Line, "too many agents: more than the limit of %d", MaxAgents)
			}
			d.nAgents++
			if prev, dup := d.agentLine[nm]; dup {
				d.failf(n.Line, "%s: duplicate agent name %q (first defined at %s)", pathName(path), nm, d.lineRef(prev))
			}
			d.agentLine[nm] = n.Line
			out = append(out, AgentSpec{Name: nm, Resources: r, Line: n.Line})
		}
	}
	return out
}

// resolveTraceFile finds a trace file named in scenario file: absolute, or
// relative to the scenario's directory. A scenario read from the working
// directory (or embedded) also looks in the directories above it, so that
// an embedded scenario naming ../shared/traces works from the repository's
// root and from its subdirectories alike.
func resolveTraceFile(scenario, p string) (string, bool) {
	exists := func(x string) bool {
		_, err := os.Lstat(x) // a directory or a symlink loop is found, then refused in its own words
		return err == nil
	}
	if filepath.IsAbs(p) {
		return p, exists(p)
	}
	dir := filepath.Dir(scenario)
	if c := filepath.Join(dir, p); exists(c) || dir != "." {
		return c, exists(c)
	}
	wd, err := os.Getwd()
	if err != nil {
		return p, false
	}
	for {
		if c := filepath.Join(wd, p); exists(c) {
			return c, true
		}
		parent := filepath.Dir(wd)
		if parent == wd {
			return p, false
		}
		wd = parent
	}
}
