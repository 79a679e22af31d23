package scenarios

import (
	"fmt"
	"os"
	"path/filepath"
	"strconv"

	"go.yaml.in/yaml/v3"

	"github.com/mesosim/mesosim/internal/yamlnode"
	"github.com/mesosim/mesosim/model"
	"github.com/mesosim/mesosim/sim"
)

// Source returns the file name and YAML text of the scenario arg names, as
// Open finds it: an existing file, else an embedded scenario ("NAME.yaml").
func Source(arg string) (file string, data []byte, err error) {
	if _, err := os.Stat(arg); err == nil {
		data, err := os.ReadFile(arg)
		if err != nil {
			return arg, nil, &Error{File: arg, Msg: openMessage(err)}
		}
		if len(data) > MaxFileSize {
			return arg, nil, &Error{File: arg, Msg: fmt.Sprintf("file is larger than the limit of %d bytes (64 MiB)", MaxFileSize)}
		}
		return arg, data, nil
	}
	if data, ok := BuiltinSource(arg); ok {
		return arg + ".yaml", data, nil
	}
	_, err = open(arg, nil)
	return arg, nil, err
}

// Explicit returns scenario YAML that runs exactly as data does with the
// overrides applied and the given seed, with no fault left to draw: the
// overrides are written into the tree, the seed is set, and in swarm mode
// the faults swarm mode draws for that seed become ordinary entries
// (faults.network rules, faults.partitions under the names swarm mode
// gives them, and crash_agent/restart_agent, master_failover and
// framework_failover timeline entries, written after the file's own so
// that ties keep the order the builder gives them) and faults.swarm is
// dropped. Relative trace paths become absolute, so the text may be
// written anywhere. Comments of the original are kept; the result is
// checked by decoding it. Errors are *Error, as Parse's.
func Explicit(file string, data []byte, overrides []Override, seed uint64) ([]byte, error) {
	root, sc, err := parseTree(file, data, overrides)
	if err != nil {
		return nil, err
	}
	sc.Seed = seed

	yamlnode.Set(root, "seed", yamlnode.Scalar("!!int", strconv.FormatUint(seed, 10)), "name")
	absTracePaths(root, sc, file)
	if sc.Faults.Swarm {
		h := sc.Duration
		if sc.Faults.HealAt != sim.Never && sc.Faults.HealAt < sc.Duration {
			h = sc.Faults.HealAt
		}
		plan := drawSwarm(sc, sim.NewStreams(seed).Get("faults"), h)
		writeSwarm(root, sc, plan)
	}
	out, err := yamlnode.Encode(root)
	if err != nil {
		return nil, &Error{File: file, Msg: "writing the explicit scenario: " + err.Error()}
	}
	if _, err := Parse(file, out); err != nil {
		return nil, fmt.Errorf("the explicit scenario does not decode (a bug): %w", err)
	}
	return out, nil
}

// writeSwarm writes what swarm mode drew into the tree as ordinary
// entries, and drops faults.swarm.
func writeSwarm(root *yaml.Node, sc *Scenario, plan *swarmPlan) {
	faults := yamlnode.Get(root, "faults")
	faults.Style = 0 // block style, for what is added
	yamlnode.Delete(faults, "swarm")
	if len(plan.rules) > 0 {
		rules := yamlnode.EnsureSeq(faults, "network")
		for _, r := range plan.rules {
			rules.Content = append(rules.Content, yamlnode.Rule(r))
		}
	}
	if len(plan.partitions) > 0 {
		// They keep their names: out of swarm mode no other partition
		// may draw a name starting with SwarmPrefix.
		parts := yamlnode.EnsureSeq(faults, "partitions")
		for _, p := range plan.partitions {
			parts.Content = append(parts.Content, yamlnode.Partition(p))
		}
	}
	var entries []*yaml.Node
	for _, c := range plan.crashes {
		entries = append(entries,
			yamlnode.FlowMap("at", yamlnode.Dur(c.at), KindCrashAgent, yamlnode.FlowMap("agent", yamlnode.Str(c.agent))))
		restart := yamlnode.FlowMap("agent", yamlnode.Str(c.agent))
		if c.reboot {
			restart.Content = append(restart.Content, yamlnode.Str("reboot"), yamlnode.True())
		}
		entries = append(entries, yamlnode.FlowMap("at", yamlnode.Dur(c.restart), KindRestartAgent, restart))
	}
	if plan.failover >= 0 {
		entries = append(entries, yamlnode.FlowMap("at", yamlnode.Dur(plan.failover), KindMasterFailover,
			yamlnode.FlowMap("election_delay", yamlnode.Dur(model.LeaderElectionDelay))))
	}
	for _, f := range plan.fwDowns {
		entries = append(entries, yamlnode.FlowMap("at", yamlnode.Dur(f.at), KindFrameworkFailover,
			yamlnode.FlowMap("framework", yamlnode.Str(f.framework), "down", yamlnode.Dur(f.down))))
	}
	if len(entries) > 0 {
		tl := yamlnode.EnsureSeq(root, "timeline")
		tl.Content = append(tl.Content, entries...)
	}
}

// absTracePaths makes the trace section's relative paths absolute, as the
// decoder resolved them.
func absTracePaths(root *yaml.Node, sc *Scenario, file string) {
	tr := yamlnode.Get(root, "trace")
	if tr == nil || sc.Trace == nil {
		return
	}
	if files := yamlnode.Get(tr, "files"); files != nil && files.Kind == yaml.SequenceNode {
		for i, f := range files.Content {
			if i < len(sc.Trace.Files) {
				if abs, err := filepath.Abs(sc.Trace.Files[i]); err == nil {
					f.Value, f.Style = abs, 0
				}
			}
		}
	}
	if mm := yamlnode.Get(tr, "machine_meta"); mm != nil && mm.Kind == yaml.ScalarNode && !filepath.IsAbs(mm.Value) {
		if abs, err := filepath.Abs(filepath.Join(filepath.Dir(file), mm.Value)); err == nil {
			mm.Value, mm.Style = abs, 0
		}
	}
}
