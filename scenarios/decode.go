package scenarios

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"math"
	"os"
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"

	"go.yaml.in/yaml/v3"

	"github.com/mesosim/mesosim/model"
	"github.com/mesosim/mesosim/policies"
	"github.com/mesosim/mesosim/sim"
)

// Load reads and decodes a scenario file. Every error is an *Error naming
// the file and, where there is one, the line.
func Load(path string) (*Scenario, error) { return LoadWith(path, nil) }

// LoadWith is Load with overrides applied to the YAML tree before decoding
// (see ParseWith).
func LoadWith(path string, overrides []Override) (*Scenario, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, &Error{File: path, Msg: openMessage(err)}
	}
	defer f.Close()
	data, err := io.ReadAll(io.LimitReader(f, MaxFileSize+1))
	if err != nil {
		return nil, &Error{File: path, Msg: openMessage(err)}
	}
	return ParseWith(path, data, overrides)
}

func openMessage(err error) string {
	var pe *os.PathError
	if errors.As(err, &pe) {
		return pe.Err.Error() // "is a directory", "permission denied", ...
	}
	return err.Error()
}

// Parse decodes and validates scenario YAML; file is the name used in error
// messages. Every error is an *Error.
func Parse(file string, data []byte) (*Scenario, error) { return ParseWith(file, data, nil) }

// ParseWith decodes and validates scenario YAML with the overrides applied,
// in order, to its YAML tree first (see Override for the path syntax). The
// result is decoded as strictly as the file itself. Every error is an
// *Error; an error in an override, or in a value an override put in the
// tree, has no line and names the override ("--set PATH=VALUE", or the
// flag of Override.Flag: see Override.Source).
func ParseWith(file string, data []byte, overrides []Override) (*Scenario, error) {
	_, sc, err := parseTree(file, data, overrides)
	return sc, err
}

// parseTree is ParseWith that also returns the YAML tree decoded, with the
// overrides applied.
func parseTree(file string, data []byte, overrides []Override) (root *yaml.Node, sc *Scenario, err error) {
	if len(data) > MaxFileSize {
		return nil, nil, &Error{File: file, Msg: fmt.Sprintf("file is larger than the limit of %d bytes (64 MiB)", MaxFileSize)}
	}
	d := &decoder{file: file, overrides: overrides}
	defer func() {
		if r := recover(); r != nil {
			f, ok := r.(failure)
			if !ok {
				panic(r)
			}
			root, sc, err = nil, nil, f.err
		}
	}()
	root = d.document(data)
	if len(overrides) > 0 && root.Kind == yaml.MappingNode {
		for i, o := range overrides {
			d.applyOverride(root, i, o)
		}
		d.checkTree(root)
	}
	sc = d.scenario(root)
	d.validate(sc)
	clearOverrideLines(sc)
	return root, sc, nil
}

// document parses data into a node tree without resolving aliases, and
// returns the root content node. It refuses aliases, anchors, over-large
// trees and multi-document streams.
func (d *decoder) document(data []byte) *yaml.Node {
	// Bytes YAML cannot hold get their line here: go-yaml names none.
	if line, what := badBytes(data); line > 0 {
		d.failf(line, "%s", what)
	}
	// Refuse inputs with too many nodes before go-yaml builds them.
	if n, line := estimateNodes(data, MaxNodes); n > MaxNodes {
		d.failf(line, "the document has more than %d YAML nodes (limit)", MaxNodes)
	}
	dec := yaml.NewDecoder(bytes.NewReader(data))
	var doc yaml.Node
	if err := dec.Decode(&doc); err != nil {
		if err == io.EOF {
			d.failf(0, "empty scenario: want a mapping with at least name and duration")
		}
		panic(failure{syntaxError(d.file, err)})
	}
	d.checkTree(&doc)
	var next yaml.Node
	switch err := dec.Decode(&next); {
	case err == io.EOF:
	case err != nil:
		panic(failure{syntaxError(d.file, err)})
	default:
		d.failf(next.Line, "multiple YAML documents are not supported: a scenario file holds exactly one")
	}
	if doc.Kind != yaml.DocumentNode || len(doc.Content) != 1 || isNull(doc.Content[0]) {
		d.failf(doc.Line, "empty scenario: want a mapping with at least name and duration")
	}
	return doc.Content[0]
}

// checkTree walks the tree iteratively (never following aliases), refusing
// aliases and anchors and counting nodes against MaxNodes.
func (d *decoder) checkTree(root *yaml.Node) {
	var anchor *yaml.Node
	count := 0
	stack := []*yaml.Node{root}
	for len(stack) > 0 {
		n := stack[len(stack)-1]
		stack = stack[:len(stack)-1]
		count++
		if count > MaxNodes {
			d.failf(n.Line, "the document has more than %d YAML nodes (limit)", MaxNodes)
		}
		if n.Kind == yaml.AliasNode {
			d.failf(n.Line, "aliases are not supported (*%s): anchors and aliases are not part of the scenario language", n.Value)
		}
		if n.Anchor != "" && anchor == nil {
			anchor = n
		}
		for i := len(n.Content) - 1; i >= 0; i-- {
			stack = append(stack, n.Content[i])
		}
	}
	if anchor != nil {
		d.failf(anchor.Line, "anchors are not supported (&%s): anchors and aliases are not part of the scenario language", anchor.Anchor)
	}
}

// decoder holds the state of one Parse.
type decoder struct {
	file      string
	overrides []Override // a node from overrides[i] has Line -(i+1)

	horizon     sim.Time
	agentLine   map[string]int // name -> line where first defined
	frameLine   map[string]int
	nAgents     int
	nFrameworks int
	nTimeline   int
	events      []pending

	healAt       sim.Time // faults.heal_at; sim.Never when absent
	healLine     int
	swarm        bool           // faults.swarm
	partLine     map[string]int // partition name -> line where defined
	nPartitions  int
	faultActions int          // timeline fault actions
	patterns     []patternRef // address patterns to check after the timeline
}

// pending is a timeline event with the lines of its name nodes, for error
// messages in the validation pass.
type pending struct {
	ev                          Event
	nameLine, fwLine, agentLine int
	atLine                      int // of the at key
	auxLine                     int // of down, election_delay or heal_after
}

// ---- mappings -------------------------------------------------------------

// mapping is a decoded YAML mapping with its keys checked.
type mapping struct {
	node *yaml.Node
	path string // dotted path of the mapping ("" at top level)
	vals map[string]*yaml.Node
	keys map[string]*yaml.Node
}

func (m *mapping) field(key string) string {
	if m.path == "" {
		return key
	}
	return m.path + "." + key
}

// get returns the value node of key, or nil when absent.
func (m *mapping) get(key string) *yaml.Node { return m.vals[key] }

// where names a mapping in messages.
func where(path string) string {
	if path == "" {
		return "at top level"
	}
	return "in " + path
}

// mapping checks that n is a mapping (null counts as empty when nullOK)
// whose keys are unique and all in allowed.
func (d *decoder) mapping(n *yaml.Node, path string, allowed []string, nullOK bool) *mapping {
	m := &mapping{node: n, path: path, vals: map[string]*yaml.Node{}, keys: map[string]*yaml.Node{}}
	if nullOK && isNull(n) {
		return m
	}
	if n.Kind != yaml.MappingNode {
		if allowed == nil {
			d.failf(n.Line, "%s: expected a mapping, got %s", pathName(path), describe(n))
		}
		d.failf(n.Line, "%s: expected a mapping with keys %s, got %s", pathName(path), strings.Join(allowed, ", "), describe(n))
	}
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, v := n.Content[i], n.Content[i+1]
		key := d.key(k, path)
		if prev, dup := m.keys[key]; dup {
			d.failf(k.Line, "duplicate key %q %s (first at %s)", key, where(path), d.lineRef(prev.Line))
		}
		if allowed != nil && !slices.Contains(allowed, key) {
			d.failf(k.Line, "unknown key %q %s; allowed keys: %s", key, where(path), strings.Join(allowed, ", "))
		}
		m.keys[key] = k
		m.vals[key] = v
	}
	return m
}

func pathName(path string) string {
	if path == "" {
		return "scenario"
	}
	return path
}

// key returns the text of a mapping key, which must be a plain scalar.
func (d *decoder) key(k *yaml.Node, path string) string {
	if k.Kind != yaml.ScalarNode {
		d.failf(k.Line, "%s: keys must be strings, got %s", pathName(path), describe(k))
	}
	switch k.ShortTag() {
	case "!!str", "!!int", "!!float":
		return k.Value
	case "!!merge":
		d.failf(k.Line, "merge keys (<<) are not supported")
	}
	d.failf(k.Line, "%s: keys must be strings, got %s", pathName(path), describe(k))
	return ""
}

// require fails when key is absent.
func (d *decoder) require(m *mapping, key string) *yaml.Node {
	v := m.vals[key]
	if v == nil {
		d.failf(m.node.Line, "%s: missing required key %q", pathName(m.path), key)
	}
	return v
}

// ---- scalars --------------------------------------------------------------

func isNull(n *yaml.Node) bool {
	return n.Kind == yaml.ScalarNode && n.ShortTag() == "!!null"
}

// describe names the YAML type of n for "expected X, got Y" messages.
func describe(n *yaml.Node) string {
	switch n.Kind {
	case yaml.MappingNode:
		return "a mapping"
	case yaml.SequenceNode:
		return "a list"
	case yaml.AliasNode:
		return "an alias"
	case yaml.DocumentNode:
		return "a document"
	}
	switch n.ShortTag() {
	case "!!null":
		return "null"
	case "!!bool":
		return fmt.Sprintf("a boolean (%s)", n.Value)
	case "!!int":
		return fmt.Sprintf("an integer (%s)", n.Value)
	case "!!float":
		return fmt.Sprintf("a number (%s)", n.Value)
	case "!!str":
		return fmt.Sprintf("a string (%q)", truncate(n.Value))
	}
	return fmt.Sprintf("a value tagged %s", n.ShortTag())
}

func truncate(s string) string {
	if len(s) > 40 {
		return s[:40] + "..."
	}
	return s
}

// str decodes a string; plain numbers are taken as their text.
func (d *decoder) str(n *yaml.Node, path string) string {
	if n.Kind == yaml.ScalarNode {
		switch n.ShortTag() {
		case "!!str", "!!int", "!!float", "!!timestamp":
			return n.Value
		}
	}
	d.failf(n.Line, "%s: expected a string, got %s", path, describe(n))
	return ""
}

// name decodes an agent, framework or scenario name.
func (d *decoder) name(n *yaml.Node, path string) string {
	s := d.str(n, path)
	d.checkName(s, n.Line, path)
	return s
}

func (d *decoder) checkName(s string, line int, path string) {
	switch {
	case s == "":
		d.failf(line, "%s: must not be empty", path)
	case len(s) > MaxNameLength:
		d.failf(line, "%s: name is longer than the limit of %d bytes", path, MaxNameLength)
	case !utf8.ValidString(s):
		d.failf(line, "%s: name is not valid UTF-8", path)
	}
	for _, r := range s {
		if unicode.IsControl(r) {
			d.failf(line, "%s: name %q contains a control character", path, s)
		}
	}
}

// duration decodes a non-negative Go duration string (a bare number is
// seconds).
func (d *decoder) duration(n *yaml.Node, path string) sim.Time {
	if n.Kind != yaml.ScalarNode {
		d.failf(n.Line, "%s: expected a duration such as 1s or 250ms, got %s", path, describe(n))
	}
	switch n.ShortTag() {
	case "!!str", "!!int", "!!float":
	default:
		d.failf(n.Line, "%s: expected a duration such as 1s or 250ms, got %s", path, describe(n))
	}
	t, err := sim.ParseDuration(strings.TrimSpace(n.Value))
	if err != nil {
		d.failf(n.Line, "%s: %v", path, err)
	}
	if t < 0 {
		d.failf(n.Line, "%s: negative duration %q", path, n.Value)
	}
	return t
}

// number decodes a finite number.
func (d *decoder) number(n *yaml.Node, path string) float64 {
	if n.Kind == yaml.ScalarNode {
		switch n.ShortTag() {
		case "!!int", "!!float":
			var f float64
			if err := n.Decode(&f); err == nil {
				if math.IsNaN(f) || math.IsInf(f, 0) {
					d.failf(n.Line, "%s: must be a finite number, got %s", path, n.Value)
				}
				return f
			}
		}
	}
	d.failf(n.Line, "%s: expected a number, got %s", path, describe(n))
	return 0
}

// integer decodes a signed integer.
func (d *decoder) integer(n *yaml.Node, path string) int64 {
	if n.Kind == yaml.ScalarNode && n.ShortTag() == "!!int" {
		var i int64
		if err := n.Decode(&i); err == nil {
			return i
		}
		d.failf(n.Line, "%s: integer %s is out of range", path, n.Value)
	}
	d.failf(n.Line, "%s: expected an integer, got %s", path, describe(n))
	return 0
}

// seq decodes a list; null counts as empty.
func (d *decoder) seq(n *yaml.Node, path string, what string) []*yaml.Node {
	if isNull(n) {
		return nil
	}
	if n.Kind != yaml.SequenceNode {
		d.failf(n.Line, "%s: expected a list of %s, got %s", path, what, describe(n))
	}
	return n.Content
}

// ---- the scenario ---------------------------------------------------------

var topKeys = []string{"name", "seed", "duration", "master", "network", "agents", "frameworks", "trace", "faults", "timeline", "serve"}

// scenario decodes the root mapping. Keys are decoded in a fixed order
// (duration before the timeline, agents before frameworks before faults
// before the timeline), whatever their order in the file.
func (d *decoder) scenario(root *yaml.Node) *Scenario {
	if root.Kind != yaml.MappingNode {
		d.failf(root.Line, "a scenario must be a mapping with keys %s, got %s", strings.Join(topKeys, ", "), describe(root))
	}
	m := d.mapping(root, "", topKeys, false)
	sc := &Scenario{File: d.file, Seed: DefaultSeed}
	d.agentLine = map[string]int{}
	d.frameLine = map[string]int{}

	sc.Name = d.name(d.require(m, "name"), "name")
	if n := m.get("seed"); n != nil {
		if n.Kind != yaml.ScalarNode || n.ShortTag() != "!!int" {
			d.failf(n.Line, "seed: expected an unsigned integer, got %s", describe(n))
		}
		if err := n.Decode(&sc.Seed); err != nil {
			d.failf(n.Line, "seed: expected an unsigned 64-bit integer, got %s", n.Value)
		}
	}
	dn := d.require(m, "duration")
	sc.Duration = d.duration(dn, "duration")
	if sc.Duration <= 0 {
		d.failf(dn.Line, "duration: must be greater than 0")
	}
	if sc.Duration > MaxDuration {
		d.failf(dn.Line, "duration: %s exceeds the limit of 365 days", dn.Value)
	}
	d.horizon = sc.Duration

	sc.Master = d.master(m.get("master"))
	if n := m.get("network"); n != nil {
		nm := d.mapping(n, "network", []string{"delay"}, true)
		if v := nm.get("delay"); v != nil {
			sc.Network.Delay = d.duration(v, "network.delay")
		}
	}
	if n := m.get("agents"); n != nil {
		for _, e := range d.seq(n, "agents", "agents") {
			sc.Agents = append(sc.Agents, d.agents(e, "agents")...)
		}
	}
	if n := m.get("frameworks"); n != nil {
		for _, e := range d.seq(n, "frameworks", "frameworks") {
			sc.Frameworks = append(sc.Frameworks, d.frameworks(e, "frameworks")...)
		}
	}
	sc.Serve = d.serve(m.get("serve"))
	d.trace(m.get("trace"), sc)
	d.faults(m.get("faults"), sc)
	if n := m.get("timeline"); n != nil {
		for _, e := range d.seq(n, "timeline", "events") {
			d.timelineEntry(e)
		}
	}
	d.checkPatterns()
	d.finishFaults(sc)
	return sc
}

var masterKeys = []string{"allocator", "allocation_interval", "min_allocatable", "fair_sharing_excluded", "offer_timeout", "weights", "quota", "capacity",
	"agent_reregister_timeout", "registry_gc_interval", "registry_max_agent_age", "registry_max_agent_count"}

func (d *decoder) master(n *yaml.Node) MasterSpec {
	ms := MasterSpec{
		Allocator:              "drf",
		AllocationInterval:     DefaultAllocationInterval,
		AgentReregisterTimeout: model.DefaultAgentReregisterTimeout,
		RegistryGCInterval:     model.DefaultRegistryGCInterval,
		RegistryMaxAgentAge:    model.DefaultRegistryMaxAgentAge,
		RegistryMaxAgentCount:  model.DefaultRegistryMaxAgentCount,
		Weights:                map[string]float64{},
		Quota:                  map[string]model.Quota{},
		Capacity:               map[string]model.Capacity{},
	}
	for _, text := range DefaultMinAllocatable {
		r, err := model.ParseResources(text)
		if err != nil {
			panic(fmt.Sprintf("scenarios: default min_allocatable %q: %v", text, err))
		}
		ms.MinAllocatable = append(ms.MinAllocatable, r)
	}
	if n == nil {
		ms.WeightRoles, ms.QuotaRoles, ms.CapacityRoles = []string{}, []string{}, []string{}
		return ms
	}
	m := d.mapping(n, "master", masterKeys, true)
	if v := m.get("allocator"); v != nil {
		ms.Allocator = d.str(v, "master.allocator")
		known := policies.AllocatorNames()
		if !slices.Contains(known, ms.Allocator) {
			d.failf(v.Line, "master.allocator: unknown allocator %q (known: %s)", ms.Allocator, strings.Join(known, ", "))
		}
	}
	if v := m.get("allocation_interval"); v != nil {
		ms.AllocationInterval = d.duration(v, "master.allocation_interval")
		if ms.AllocationInterval <= 0 {
			d.failf(v.Line, "master.allocation_interval: must be greater than 0")
		}
	}
	if v := m.get("min_allocatable"); v != nil {
		ms.MinAllocatable = d.minAllocatable(v, "master.min_allocatable")
	}
	if v := m.get("fair_sharing_excluded"); v != nil {
		seen := map[string]bool{}
		for _, e := range d.seq(v, "master.fair_sharing_excluded", "resource names") {
			s := d.str(e, "master.fair_sharing_excluded")
			if s == "" || strings.ContainsAny(s, " \t\n;:()[]{}") {
				d.failf(e.Line, "master.fair_sharing_excluded: %q is not a resource name", s)
			}
			if seen[s] {
				d.failf(e.Line, "master.fair_sharing_excluded: duplicate resource name %q", s)
			}
			seen[s] = true
			ms.FairSharingExcluded = append(ms.FairSharingExcluded, s)
		}
	}
	if v := m.get("offer_timeout"); v != nil {
		ms.OfferTimeout = d.duration(v, "master.offer_timeout")
	}
	d.registryKeys(m, &ms)
	if v := m.get("weights"); v != nil {
		wm := d.mapping(v, "master.weights", nil, true)
		for i := 0; wm.node.Kind == yaml.MappingNode && i+1 < len(wm.node.Content); i += 2 {
			k, val := wm.node.Content[i], wm.node.Content[i+1]
			role := k.Value
			d.role(role, k.Line, "master.weights")
			ms.Weights[role] = d.weight(val, "master.weights."+role)
		}
	}
	if v := m.get("quota"); v != nil {
		d.masterQuota(v, &ms)
	}
	if v := m.get("capacity"); v != nil {
		// Read by the capacity allocator only; the others ignore it, so
		// one scenario can be compared under every policy.
		d.masterCapacity(v, &ms)
	}
	ms.WeightRoles = sortedKeys(ms.Weights)
	ms.QuotaRoles = sortedKeys(ms.Quota)
	ms.CapacityRoles = sortedKeys(ms.Capacity)
	return ms
}

// sortedKeys returns the keys of m, sorted (never nil).
func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}

// minAllocatable decodes a list of minimum allocatable AND-sets; [] gives
// an empty, non-nil list (no minimum) and null is an error.
func (d *decoder) minAllocatable(n *yaml.Node, path string) []model.Resources {
	if isNull(n) {
		d.failf(n.Line, "%s: expected a list of resource sets (use [] for no minimum), got null", path)
	}
	out := []model.Resources{}
	for _, e := range d.seq(n, path, "resource sets") {
		out = append(out, d.resources(e, path))
	}
	return out
}

func (d *decoder) role(role string, line int, path string) {
	if err := model.ValidateRole(role); err != nil {
		d.failf(line, "%s: %v", path, err)
	}
}

func (d *decoder) weight(n *yaml.Node, path string) float64 {
	w := d.number(n, path)
	if w <= 0 {
		d.failf(n.Line, "%s: weight must be greater than 0, got %s", path, n.Value)
	}
	return w
}

// resources decodes a Mesos resource string that must not be empty.
func (d *decoder) resources(n *yaml.Node, path string) model.Resources {
	s := d.str(n, path)
	r, err := model.ParseResources(s)
	if err != nil {
		d.failf(n.Line, "%s: %v", path, err)
	}
	if r.IsEmpty() {
		d.failf(n.Line, "%s: no resources given", path)
	}
	return r
}

// count decodes an optional count key and returns the expanded names.
func (d *decoder) expand(m *mapping, base string) []string {
	n := m.get("count")
	if n == nil {
		return []string{base}
	}
	c := d.integer(n, m.field("count"))
	if c < 1 {
		d.failf(n.Line, "%s: must be at least 1, got %d", m.field("count"), c)
	}
	if c > MaxCount {
		d.failf(n.Line, "%s: %d exceeds the limit of %d", m.field("count"), c, MaxCount)
	}
	names := make([]string, c)
	for i := range names {
		names[i] = fmt.Sprintf("%s-%d", base, i+1)
	}
	d.checkName(names[len(names)-1], n.Line, m.field("name"))
	return names
}

var agentKeys = []string{"name", "resources", "count"}

// agents decodes one agents entry (or add_agent body) into its expanded
// agents, checking limits and name uniqueness.
func (d *decoder) agents(n *yaml.Node, path string) []AgentSpec {
	if n.Kind == yaml.MappingNode {
		for i := 0; i+1 < len(n.Content); i += 2 {
			if k := n.Content[i].Value; k == "preset" || k == "machine_meta" {
				return d.presetAgents(n, path)
			}
		}
	}
	m := d.mapping(n, path, agentKeys, false)
	nameNode := d.require(m, "name")
	base := d.name(nameNode, m.field("name"))
	resNode := d.require(m, "resources")
	res := d.resources(resNode, m.field("resources"))
	names := d.expand(m, base)
	if d.nAgents+len(names) > MaxAgents {
		d.failf(n.Line, "too many agents: more than the limit of %d", MaxAgents)
	}
	d.nAgents += len(names)
	out := make([]AgentSpec, len(names))
	for i, nm := range names {
		if prev, dup := d.agentLine[nm]; dup {
			d.failf(nameNode.Line, "%s: duplicate agent name %q (first defined at %s)", m.field("name"), nm, d.lineRef(prev))
		}
		d.agentLine[nm] = n.Line
		out[i] = AgentSpec{Name: nm, Resources: res, Line: n.Line}
	}
	return out
}

var frameworkKeys = []string{"name", "role", "behavior", "refuse_seconds", "capabilities", "workload", "min_allocatable", "think_time", "suppress_when_idle", "checkpoint", "failover_timeout", "count", "task_duration", "task_failure_rate", "pin"}

// frameworks decodes one frameworks entry (or add_framework body).
func (d *decoder) frameworks(n *yaml.Node, path string) []FrameworkSpec {
	m := d.mapping(n, path, frameworkKeys, false)
	nameNode := d.require(m, "name")
	base := d.name(nameNode, m.field("name"))
	fw := FrameworkSpec{Role: DefaultRole, RefuseSeconds: DefaultRefuseSeconds, Line: n.Line}
	if v := m.get("role"); v != nil {
		fw.Role = d.str(v, m.field("role"))
		d.role(fw.Role, v.Line, m.field("role"))
	}
	bn := d.require(m, "behavior")
	fw.Behavior = d.str(bn, m.field("behavior"))
	known := policies.BehaviorNames()
	if !behaviorKnown(known, fw.Behavior) {
		d.failf(bn.Line, "%s: unknown behavior %q (known: %s, %s)", m.field("behavior"), fw.Behavior, strings.Join(known, ", "), BehaviorExternal)
	}
	if fw.Behavior == BehaviorExternal && path != "frameworks" {
		d.failf(bn.Line, "%s: behavior external is only allowed in the frameworks section (an outside process subscribes when it likes)", m.field("behavior"))
	}
	if v := m.get("refuse_seconds"); v != nil {
		fw.RefuseSeconds = refuse(d.number(v, m.field("refuse_seconds")))
	}
	if v := m.get("capabilities"); v != nil {
		fw.Capabilities = []string{}
		for _, e := range d.seq(v, m.field("capabilities"), "capabilities") {
			c := d.str(e, m.field("capabilities"))
			if !slices.Contains(Capabilities, c) {
				d.failf(e.Line, "%s: unknown capability %q (known: %s)", m.field("capabilities"), c, strings.Join(Capabilities, ", "))
			}
			if slices.Contains(fw.Capabilities, c) {
				d.failf(e.Line, "%s: duplicate capability %q", m.field("capabilities"), c)
			}
			fw.Capabilities = append(fw.Capabilities, c)
		}
	}
	wn := m.get("workload")
	runsWorkload := slices.Contains(WorkloadBehaviors, fw.Behavior)
	switch {
	case runsWorkload && wn == nil:
		d.failf(n.Line, "%s: behavior %s needs a workload mapping", pathName(path), fw.Behavior)
	case !runsWorkload && wn != nil:
		d.failf(m.keys["workload"].Line, "%s: a workload is only allowed with behavior %s (this framework's behavior is %s)", m.field("workload"), workloadBehaviorList(), fw.Behavior)
	case wn != nil:
		fw.Workload = d.workload(wn, m.field("workload"))
	}
	if v := m.get("min_allocatable"); v != nil {
		fw.MinAllocatable = d.minAllocatable(v, m.field("min_allocatable"))
	}
	if v := m.get("think_time"); v != nil {
		if fw.Behavior == "keep" {
			d.failf(m.keys["think_time"].Line, "%s: not allowed with behavior keep (it never answers offers)", m.field("think_time"))
		}
		fw.Think = d.thinkTime(v, m.field("think_time"))
	}
	if v := m.get("suppress_when_idle"); v != nil {
		if !runsWorkload {
			d.failf(m.keys["suppress_when_idle"].Line, "%s: only allowed with behavior %s (this framework's behavior is %s)", m.field("suppress_when_idle"), workloadBehaviorList(), fw.Behavior)
		}
		fw.SuppressWhenIdle = d.boolean(v, m.field("suppress_when_idle"))
	}
	if v := m.get("checkpoint"); v != nil {
		fw.Checkpoint = d.boolean(v, m.field("checkpoint"))
	}
	d.external(m, &fw)
	if v := m.get("failover_timeout"); v != nil {
		fw.FailoverTimeout = d.duration(v, m.field("failover_timeout"))
		if fw.FailoverTimeout > MaxDuration {
			d.failf(v.Line, "%s: %s exceeds the limit of 365 days", m.field("failover_timeout"), v.Value)
		}
	}
	names := d.expand(m, base)
	if d.nFrameworks+len(names) > MaxFrameworks {
		d.failf(n.Line, "too many frameworks: more than the limit of %d", MaxFrameworks)
	}
	d.nFrameworks += len(names)
	out := make([]FrameworkSpec, len(names))
	for i, nm := range names {
		if prev, dup := d.frameLine[nm]; dup {
			d.failf(nameNode.Line, "%s: duplicate framework name %q (first defined at %s)", m.field("name"), nm, d.lineRef(prev))
		}
		d.frameLine[nm] = n.Line
		f := fw
		f.Name = nm
		f.Capabilities = slices.Clone(fw.Capabilities)
		f.MinAllocatable = slices.Clone(fw.MinAllocatable)
		if fw.Workload != nil {
			w := *fw.Workload
			f.Workload = &w
		}
		if fw.External != nil {
			e := *fw.External
			e.Pin = slices.Clone(fw.External.Pin)
			f.External = &e
		}
		out[i] = f
	}
	return out
}

// workloadBehaviorList names the workload behaviours for messages:
// "workload, naive or reconciling".
func workloadBehaviorList() string {
	n := len(WorkloadBehaviors)
	return strings.Join(WorkloadBehaviors[:n-1], ", ") + " or " + WorkloadBehaviors[n-1]
}

// refuse normalises a refuse_seconds value as Mesos does: a negative
// filter means the default of 5 seconds.
func refuse(s float64) float64 {
	if s < 0 {
		return DefaultRefuseSeconds
	}
	return s
}

// ---- workloads ------------------------------------------------------------

var workloadKeys = []string{"interarrival", "tasks_per_job", "task_cpus", "task_mem", "task_duration", "max_jobs", "start"}

func (d *decoder) workload(n *yaml.Node, path string) *WorkloadSpec {
	m := d.mapping(n, path, workloadKeys, false)
	w := &WorkloadSpec{TasksPerJob: Dist{Kind: DistConstant, Value: 1}}
	w.Interarrival = d.dist(d.require(m, "interarrival"), m.field("interarrival"), distDuration, true)
	if v := m.get("tasks_per_job"); v != nil {
		w.TasksPerJob = d.dist(v, m.field("tasks_per_job"), distCount, false)
	}
	w.TaskCPUs = d.dist(d.require(m, "task_cpus"), m.field("task_cpus"), distPositive, false)
	w.TaskMem = d.dist(d.require(m, "task_mem"), m.field("task_mem"), distPositive, false)
	w.TaskDuration = d.dist(d.require(m, "task_duration"), m.field("task_duration"), distDuration, false)
	if v := m.get("max_jobs"); v != nil {
		j := d.integer(v, m.field("max_jobs"))
		if j < 0 {
			d.failf(v.Line, "%s: must not be negative, got %d", m.field("max_jobs"), j)
		}
		if j > MaxJobsLimit {
			d.failf(v.Line, "%s: %d exceeds the limit of %d", m.field("max_jobs"), j, MaxJobsLimit)
		}
		w.MaxJobs = int(j)
	}
	if v := m.get("start"); v != nil {
		w.Start = d.duration(v, m.field("start"))
		if w.Start > d.horizon {
			d.failf(v.Line, "%s: %s is beyond the scenario duration %s", m.field("start"), w.Start, d.horizon)
		}
	}
	return w
}

// distDomain says what values a distribution may take.
type distDomain int

const (
	distDuration distDomain = iota // durations, >= 0, in seconds
	distCount                      // integers >= 1
	distPositive                   // numbers > 0
)

var distKeys = []string{"dist", "value", "min", "max", "mean"}

// dist decodes a distribution mapping, or a bare scalar as a constant.
// positive asks that the distribution cannot be identically zero (for
// interarrival times).
func (d *decoder) dist(n *yaml.Node, path string, dom distDomain, positive bool) Dist {
	if n.Kind == yaml.ScalarNode && !isNull(n) {
		v := d.distValue(n, path, dom)
		if positive && v <= 0 {
			d.failf(n.Line, "%s: must be greater than 0", path)
		}
		return Dist{Kind: DistConstant, Value: v}
	}
	m := d.mapping(n, path, distKeys, false)
	kn := d.require(m, "dist")
	ds := Dist{Kind: d.str(kn, m.field("dist"))}
	need := map[string][]string{
		DistConstant:    {"value"},
		DistUniform:     {"min", "max"},
		DistExponential: {"mean"},
	}
	allowed := map[string][]string{
		DistConstant:    {"value"},
		DistUniform:     {"min", "max"},
		DistExponential: {"mean", "min", "max"},
	}
	if _, ok := need[ds.Kind]; !ok {
		d.failf(kn.Line, "%s: unknown distribution %q (known: constant, exponential, uniform)", m.field("dist"), ds.Kind)
	}
	for _, k := range need[ds.Kind] {
		d.require(m, k)
	}
	for _, k := range []string{"value", "min", "max", "mean"} {
		if v := m.get(k); v != nil && !slices.Contains(allowed[ds.Kind], k) {
			d.failf(m.keys[k].Line, "%s: key %q does not apply to a %s distribution (allowed: dist, %s)", pathName(path), k, ds.Kind, strings.Join(allowed[ds.Kind], ", "))
		}
	}
	get := func(k string) float64 {
		if v := m.get(k); v != nil {
			return d.distValue(v, m.field(k), dom)
		}
		return 0
	}
	ds.Value, ds.Min, ds.Max, ds.Mean = get("value"), get("min"), get("max"), get("mean")
	switch ds.Kind {
	case DistConstant:
		if positive && ds.Value <= 0 {
			d.failf(m.vals["value"].Line, "%s: must be greater than 0", m.field("value"))
		}
	case DistUniform:
		if ds.Min > ds.Max {
			d.failf(m.vals["max"].Line, "%s: max %v is less than min %v", pathName(path), ds.Max, ds.Min)
		}
		if positive && ds.Max <= 0 {
			d.failf(m.vals["max"].Line, "%s: must be greater than 0", m.field("max"))
		}
	case DistExponential:
		mn := m.vals["mean"]
		if ds.Mean <= 0 {
			d.failf(mn.Line, "%s: mean must be greater than 0", m.field("mean"))
		}
		if m.get("min") != nil && m.get("max") != nil && ds.Min > ds.Max {
			d.failf(m.vals["max"].Line, "%s: max %v is less than min %v", pathName(path), ds.Max, ds.Min)
		}
		if positive && m.get("max") != nil && ds.Max <= 0 {
			d.failf(m.vals["max"].Line, "%s: must be greater than 0", m.field("max"))
		}
	}
	return ds
}

// distValue decodes one distribution parameter in the given domain.
func (d *decoder) distValue(n *yaml.Node, path string, dom distDomain) float64 {
	switch dom {
	case distDuration:
		return d.duration(n, path).Seconds()
	case distCount:
		v := d.integer(n, path)
		if v < 1 {
			d.failf(n.Line, "%s: must be at least 1, got %d", path, v)
		}
		if v > MaxTasksPerJob {
			d.failf(n.Line, "%s: %d exceeds the limit of %d", path, v, MaxTasksPerJob)
		}
		return float64(v)
	default:
		v := d.number(n, path)
		if v <= 0 {
			d.failf(n.Line, "%s: must be greater than 0, got %s", path, n.Value)
		}
		return v
	}
}

// registryKeys decodes the master's agent re-registration and registry GC
// keys (Mesos's master flags of the same names).
func (d *decoder) registryKeys(m *mapping, ms *MasterSpec) {
	if v := m.get("agent_reregister_timeout"); v != nil {
		ms.AgentReregisterTimeout = d.duration(v, "master.agent_reregister_timeout")
		if ms.AgentReregisterTimeout < model.DefaultAgentReregisterTimeout {
			// Mesos's master refuses a shorter one
			// (MIN_AGENT_REREGISTER_TIMEOUT).
			d.failf(v.Line, "master.agent_reregister_timeout: must be at least %s (Mesos's minimum), got %s",
				model.DefaultAgentReregisterTimeout, ms.AgentReregisterTimeout)
		}
	}
	for _, k := range []struct {
		key string
		to  *sim.Time
	}{{"registry_gc_interval", &ms.RegistryGCInterval}, {"registry_max_agent_age", &ms.RegistryMaxAgentAge}} {
		if v := m.get(k.key); v != nil {
			*k.to = d.duration(v, "master."+k.key)
			if *k.to <= 0 {
				d.failf(v.Line, "master.%s: must be greater than 0", k.key)
			}
		}
	}
	if v := m.get("registry_max_agent_count"); v != nil {
		n := d.integer(v, "master.registry_max_agent_count")
		if n < 1 || n > MaxRegistryAgentCount {
			d.failf(v.Line, "master.registry_max_agent_count: must be between 1 and %d, got %d", MaxRegistryAgentCount, n)
		}
		ms.RegistryMaxAgentCount = int(n)
	}
}

// ---- the timeline ---------------------------------------------------------

var actionKeys = []string{
	KindAddAgent, KindRemoveAgent, KindAddFramework, KindRemoveFramework,
	KindDecline, KindRelease, KindSuppress, KindRevive, KindSetWeight, KindSetQuota, KindMarkAgentGone,
	KindCrashAgent, KindRestartAgent, KindMasterFailover, KindFrameworkFailover, KindPartition, KindHeal,
}

var timelineKeys = append([]string{"at"}, actionKeys...)

// timelineEntry decodes one timeline entry into one or more pending events.
func (d *decoder) timelineEntry(n *yaml.Node) {
	m := d.mapping(n, "timeline", timelineKeys, false)
	var kind string
	for i := 0; i+1 < len(n.Content); i += 2 {
		k := n.Content[i].Value
		if k == "at" {
			continue
		}
		if kind != "" {
			d.failf(n.Content[i].Line, "timeline: an entry has exactly one action, this one has %s and %s; split it into two entries", kind, k)
		}
		kind = k
	}
	if kind == "" {
		d.failf(n.Line, "timeline: entry has no action; want one of: %s", strings.Join(actionKeys, ", "))
	}
	atNode := d.require(m, "at")
	at := d.duration(atNode, "timeline.at")
	if at > d.horizon {
		d.failf(atNode.Line, "timeline.at: %s is beyond the scenario duration %s", at, d.horizon)
	}
	body := m.vals[kind]
	path := "timeline." + kind
	base := Event{At: at, Line: n.Line, Kind: kind}
	add := func(p pending) {
		if d.nTimeline >= MaxTimeline {
			d.failf(n.Line, "too many timeline events: more than the limit of %d", MaxTimeline)
		}
		d.nTimeline++
		p.atLine = atNode.Line
		d.events = append(d.events, p)
	}
	switch kind {
	case KindCrashAgent, KindRestartAgent, KindMasterFailover, KindFrameworkFailover, KindPartition, KindHeal:
		add(d.faultAction(kind, body, base))
	case KindAddAgent:
		agents := d.agents(body, path)
		if d.nTimeline+len(agents) > MaxTimeline {
			d.failf(n.Line, "too many timeline events: more than the limit of %d", MaxTimeline)
		}
		for i := range agents {
			ev := base
			ev.Agent = &agents[i]
			add(pending{ev: ev})
		}
	case KindAddFramework:
		fws := d.frameworks(body, path)
		if d.nTimeline+len(fws) > MaxTimeline {
			d.failf(n.Line, "too many timeline events: more than the limit of %d", MaxTimeline)
		}
		for i := range fws {
			ev := base
			ev.Framework = &fws[i]
			add(pending{ev: ev})
		}
	case KindRemoveAgent, KindRemoveFramework:
		bm := d.mapping(body, path, []string{"name"}, false)
		nn := d.require(bm, "name")
		ev := base
		ev.Name = d.name(nn, bm.field("name"))
		add(pending{ev: ev, nameLine: nn.Line})
	case KindMarkAgentGone:
		bm := d.mapping(body, path, []string{"agent"}, false)
		an := d.require(bm, "agent")
		ev := base
		ev.Name = d.name(an, bm.field("agent"))
		add(pending{ev: ev, nameLine: an.Line})
	case KindSuppress, KindRevive:
		bm := d.mapping(body, path, []string{"framework"}, false)
		fn := d.require(bm, "framework")
		ev := base
		ev.Name = d.name(fn, bm.field("framework"))
		add(pending{ev: ev, nameLine: fn.Line})
	case KindDecline, KindRelease:
		keys := []string{"framework", "agent"}
		if kind == KindDecline {
			keys = append(keys, "refuse_seconds")
		}
		bm := d.mapping(body, path, keys, false)
		fn, an := d.require(bm, "framework"), d.require(bm, "agent")
		ev := base
		ev.FrameworkName = d.name(fn, bm.field("framework"))
		ev.AgentName = d.name(an, bm.field("agent"))
		p := pending{fwLine: fn.Line, agentLine: an.Line}
		if rn := bm.get("refuse_seconds"); rn != nil {
			ev.RefuseSeconds = refuse(d.number(rn, bm.field("refuse_seconds")))
			ev.HasRefuse = true
		}
		p.ev = ev
		add(p)
	case KindSetWeight:
		bm := d.mapping(body, path, []string{"role", "weight"}, false)
		rn, wn := d.require(bm, "role"), d.require(bm, "weight")
		ev := base
		ev.Role = d.str(rn, bm.field("role"))
		d.role(ev.Role, rn.Line, bm.field("role"))
		ev.Weight = d.weight(wn, bm.field("weight"))
		add(pending{ev: ev})
	case KindSetQuota:
		bm := d.mapping(body, path, []string{"role", "guarantee", "limit"}, false)
		rn := d.require(bm, "role")
		ev := base
		ev.Role = d.str(rn, bm.field("role"))
		d.quotaRole(ev.Role, rn.Line, bm.field("role"))
		ev.Quota = d.quota(bm)
		add(pending{ev: ev})
	}
}

// ---- node estimate --------------------------------------------------------

// estimateNodes returns a lower bound on the number of nodes go-yaml builds
// for data (over all its documents), scanning the bytes once without
// building anything, and stopping as soon as the count passes limit; line
// is where it did. Parsing a 64 MiB file of tiny nodes would take gigabytes
// before the node walk could refuse it, so Parse refuses such input here
// first. The scan follows go-yaml's tokenizer closely enough to count
// indicators that each stand for a distinct node: a block sequence entry
// ("- "), an explicit key ("? "), a mapping value (": ", and ':' in flow
// context), and the first node of each flow collection entry. It skips
// comments, quoted scalars, block scalars and the continuation lines of
// multi-line plain scalars. A node the scan cannot attribute (an implicit
// key, an empty value in a flow mapping) is not counted, so the estimate is
// never above the true count and at worst about a third of it.
func estimateNodes(data []byte, limit int) (n, line int) {
	e := &estimator{data: data, line: 1, lastColl: -1, keyCol: -1, skip: skipNone, limit: limit}
	e.run()
	return e.n, e.line
}

const (
	skipNone  = iota
	skipPlain // continuation lines of a multi-line plain scalar
	skipBlock // content lines of a literal or folded block scalar
)

type estimator struct {
	data      []byte
	i, line   int
	n, limit  int
	flow      int  // flow collection depth
	entry     bool // in flow context, at the start of an entry
	lineStart int  // offset of the current line
	lastColl  int  // indentation of the block collection of the last indicator
	keyCol    int  // column where the current node began on this line, or -1
	skip      int  // skipNone, skipPlain or skipBlock
	skipAbove int  // while skipping, lines indented more than this are skipped
}

func (e *estimator) at(i int) byte {
	if i < len(e.data) {
		return e.data[i]
	}
	return 0
}

func blankz(c byte) bool { return c == 0 || c == ' ' || c == '\t' || c == '\r' || c == '\n' }

func isAnchorChar(c byte) bool {
	return c >= '0' && c <= '9' || c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z' || c == '_' || c == '-'
}

func isTagChar(c byte) bool {
	return isAnchorChar(c) || strings.IndexByte(";/?:@&=+$,.!~*'()[]%", c) >= 0
}

func (e *estimator) col() int { return e.i - e.lineStart }

// docMarker reports whether a document marker ("---" or "...") starts at i,
// which must be the start of a line.
func (e *estimator) docMarker(i int) bool {
	c := e.at(i)
	return (c == '-' || c == '.') && e.at(i+1) == c && e.at(i+2) == c && blankz(e.at(i+3))
}

func (e *estimator) run() {
	e.newLine()
	for e.i < len(e.data) && e.n <= e.limit {
		switch c := e.data[e.i]; c {
		case '\n':
			e.i++
			e.line++
			e.lineStart = e.i
			e.newLine()
		case ' ', '\t', '\r':
			e.i++
		case '#':
			e.toEOL()
		default:
			if e.flow > 0 {
				e.flowToken()
			} else {
				e.blockToken()
			}
		}
	}
}

func (e *estimator) toEOL() {
	if j := bytes.IndexByte(e.data[e.i:], '\n'); j >= 0 {
		e.i += j
	} else {
		e.i = len(e.data)
	}
}

// newLine handles the start of a line (e.i == e.lineStart): document
// markers, directives, and the lines a block or plain scalar swallows.
func (e *estimator) newLine() {
	for {
		if e.docMarker(e.i) {
			e.flow, e.skip, e.lastColl, e.keyCol = 0, skipNone, -1, -1
			e.i += 3
			return
		}
		ind := 0
		for e.at(e.i+ind) == ' ' {
			ind++
		}
		j := e.i + ind
		for e.at(j) == ' ' || e.at(j) == '\t' || e.at(j) == '\r' {
			j++
		}
		blank := j >= len(e.data) || e.data[j] == '\n'
		if e.flow > 0 {
			return
		}
		e.keyCol = -1
		if e.skip != skipNone {
			comment := !blank && e.data[j] == '#'
			if blank || (ind > e.skipAbove && !(e.skip == skipPlain && comment)) {
				// Swallowed by the scalar: skip the whole line.
				k := bytes.IndexByte(e.data[e.i:], '\n')
				if k < 0 {
					e.i = len(e.data)
					return
				}
				e.i += k + 1
				e.line++
				e.lineStart = e.i
				continue
			}
			e.skip = skipNone
		}
		if ind == 0 && e.at(e.i) == '%' {
			e.toEOL()
		}
		return
	}
}

// startNode notes the column where a node begins (for the indentation of
// a mapping whose key it may be).
func (e *estimator) startNode() {
	if e.keyCol < 0 {
		e.keyCol = e.col()
	}
}

// blockToken scans one token in block context.
func (e *estimator) blockToken() {
	c, next := e.data[e.i], e.at(e.i+1)
	switch {
	case (c == '-' || c == '?') && blankz(next):
		e.n++ // a sequence entry or an explicit key
		e.lastColl, e.keyCol = e.col(), -1
		e.i++
	case c == ':' && blankz(next):
		e.n++ // a mapping value
		if e.keyCol >= 0 {
			e.lastColl = e.keyCol
		} else {
			e.lastColl = e.col()
		}
		e.keyCol = -1
		e.i++
	case c == '[' || c == '{':
		e.startNode()
		e.flow, e.entry = 1, true
		e.i++
	case c == '&' || c == '!':
		e.startNode()
		e.property()
	case c == '*':
		e.startNode()
		e.i++
		for isAnchorChar(e.at(e.i)) {
			e.i++
		}
	case c == '|' || c == '>':
		e.toEOL()
		e.skip, e.skipAbove = skipBlock, e.lastColl
	case c == '\'' || c == '"':
		e.startNode()
		e.quoted()
	case c == ']' || c == '}' || c == ',' || c == '@' || c == '`' || c == '%':
		e.i++ // not a valid token start here; go-yaml reports an error
	default:
		e.startNode()
		e.blockPlain()
	}
}

// blockPlain skips a plain scalar in block context.
func (e *estimator) blockPlain() {
	for e.i < len(e.data) {
		switch c := e.data[e.i]; {
		case c == ':' && blankz(e.at(e.i+1)):
			return
		case c == '\n':
			// Later lines indented past the collection continue the scalar.
			e.skip, e.skipAbove = skipPlain, e.lastColl
			return
		case c == ' ' || c == '\t' || c == '\r':
			j := e.i
			for e.at(j) == ' ' || e.at(j) == '\t' || e.at(j) == '\r' {
				j++
			}
			if e.at(j) == '#' {
				e.i = j
				return
			}
			e.i = j
		default:
			e.i++
		}
	}
}

// flowToken scans one token in flow context.
func (e *estimator) flowToken() {
	c, next := e.data[e.i], e.at(e.i+1)
	first := e.entry
	switch {
	case c == '[' || c == '{':
		if first {
			e.n++
		}
		e.flow++
		e.entry = true
		e.i++
		return
	case c == ']' || c == '}':
		e.flow--
		e.entry = false
		e.i++
		return
	case c == ',':
		e.entry = true
		e.i++
		return
	case c == ':':
		e.n++ // a mapping value (go-yaml: any ':' at a token start in flow context)
		e.entry = false
		e.i++
		return
	case c == '-' && blankz(next), c == '|', c == '>', c == '@', c == '`', c == '%':
		e.entry = false
		e.i++ // not valid here; go-yaml reports an error
		return
	}
	if first {
		e.n++ // the first node of a flow entry (a key, or the entry itself)
		e.entry = false
	}
	switch {
	case c == '?':
		e.i++
	case c == '&' || c == '!':
		e.property()
		e.entry = false
	case c == '*':
		e.i++
		for isAnchorChar(e.at(e.i)) {
			e.i++
		}
	case c == '\'' || c == '"':
		e.quoted()
	default:
		e.flowPlain()
	}
}

// flowPlain skips a plain scalar in flow context; it may span lines.
func (e *estimator) flowPlain() {
	for e.i < len(e.data) {
		switch c := e.data[e.i]; {
		case c == ':' && blankz(e.at(e.i+1)):
			return
		case c == ',' || c == '[' || c == ']' || c == '{' || c == '}' || c == '?':
			return
		case c == ' ' || c == '\t' || c == '\r' || c == '\n':
			j := e.i
			for {
				b := e.at(j)
				if b == '\n' {
					e.line++
					e.lineStart = j + 1
					if e.docMarker(j + 1) {
						e.i = j + 1
						e.flow = 0
						return
					}
				} else if b != ' ' && b != '\t' && b != '\r' {
					break
				}
				j++
			}
			e.i = j
			if e.at(j) == '#' {
				return
			}
		default:
			e.i++
		}
	}
}

// property skips an anchor (&name) or a tag (!tag, !<verbatim>).
func (e *estimator) property() {
	if e.data[e.i] == '&' {
		e.i++
		for isAnchorChar(e.at(e.i)) {
			e.i++
		}
		return
	}
	if e.at(e.i+1) == '<' {
		if j := bytes.IndexByte(e.data[e.i:], '>'); j >= 0 {
			e.countLines(e.i, e.i+j)
			e.i += j + 1
			return
		}
		e.i = len(e.data)
		return
	}
	e.i++
	for isTagChar(e.at(e.i)) {
		e.i++
	}
}

// quoted skips a single- or double-quoted scalar, which may span lines.
func (e *estimator) quoted() {
	q := e.data[e.i]
	j := e.i + 1
	for j < len(e.data) {
		b := e.data[j]
		switch {
		case b == '\n':
			e.line++
			e.lineStart = j + 1
		case q == '"' && b == '\\':
			if e.at(j+1) == '\n' {
				e.line++
				e.lineStart = j + 2
			}
			j++
		case b == q && q == '\'' && e.at(j+1) == '\'':
			j++
		case b == q:
			e.i = j + 1
			return
		}
		j++
	}
	e.i = len(e.data)
}

func (e *estimator) countLines(from, to int) {
	for k := from; k < to; k++ {
		if e.data[k] == '\n' {
			e.line++
			e.lineStart = k + 1
		}
	}
}
