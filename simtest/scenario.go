package simtest

import (
	"fmt"
	"slices"
	"strconv"
	"strings"

	"go.yaml.in/yaml/v3"

	"github.com/mesosim/mesosim/internal/yamlnode"
	"github.com/mesosim/mesosim/model"
	"github.com/mesosim/mesosim/scenarios"
	"github.com/mesosim/mesosim/sim"
)

// Scenario writes c as scenario YAML that `mesosim replay` (and `mesosim
// run`) runs: the same agents, frameworks, explicit faults (network rules,
// partitions, crash_agent/restart_agent and master_failover timeline
// entries), heal time, horizon, allocator, one-second allocation interval
// and seed. name is the scenario's name; comment, when not empty, is put
// at the top as comment lines.
//
// mesosim cannot run the user's Go scheduler, so each framework runs the
// stand-in: standIn is a YAML flow mapping of framework keys (behavior,
// workload, refuse_seconds, ...; see docs/scenarios.md) merged into every
// framework entry, DefaultStandIn when empty. The cluster's own framework
// keys (capabilities, checkpoint, failover_timeout) win. The replay is the
// cluster's bad day with a mesosim behaviour: the same violations when the
// stand-in behaves as the user's scheduler does, which is the case for
// StandIn(name) and the scheduler Behavior(name).
//
// The result is checked by decoding it; an error means the cluster or the
// stand-in cannot be written as a valid scenario.
func (c Cluster) Scenario(name, comment, standIn string) ([]byte, error) {
	if err := c.check(); err != nil {
		return nil, err
	}
	if standIn == "" {
		standIn = DefaultStandIn
	}
	var doc yaml.Node
	if err := yaml.Unmarshal([]byte(standIn), &doc); err != nil || len(doc.Content) != 1 || doc.Content[0].Kind != yaml.MappingNode {
		return nil, fmt.Errorf("simtest: the stand-in framework %q is not a YAML mapping", standIn)
	}
	stand := doc.Content[0]

	root := &yaml.Node{Kind: yaml.MappingNode, Tag: "!!map"}
	set := func(m *yaml.Node, key string, v *yaml.Node) { m.Content = append(m.Content, yamlnode.Str(key), v) }
	set(root, "name", yamlnode.Str(name))
	set(root, "seed", yamlnode.Scalar("!!int", strconv.FormatUint(c.Seed, 10)))
	set(root, "duration", yamlnode.Dur(c.Horizon))
	alloc := c.Allocator
	if alloc == "" {
		alloc = "drf"
	}
	set(root, "master", yamlnode.FlowMap("allocator", yamlnode.Str(alloc), "allocation_interval", yamlnode.Dur(AllocationInterval)))

	agents := &yaml.Node{Kind: yaml.SequenceNode, Tag: "!!seq"}
	for _, a := range c.Agents {
		agents.Content = append(agents.Content, yamlnode.FlowMap("name", yamlnode.Str(a.Name), "resources", yamlnode.Str(a.Resources)))
	}
	set(root, "agents", agents)

	fws := &yaml.Node{Kind: yaml.SequenceNode, Tag: "!!seq"}
	for _, f := range c.Frameworks {
		own := map[string]bool{"name": true, "capabilities": true, "checkpoint": true, "failover_timeout": true}
		fw := &yaml.Node{Kind: yaml.MappingNode, Tag: "!!map"}
		set(fw, "name", yamlnode.Str(f.Name))
		for i := 0; i+1 < len(stand.Content); i += 2 {
			if !own[stand.Content[i].Value] {
				fw.Content = append(fw.Content, yamlnode.Clone(stand.Content[i]), yamlnode.Clone(stand.Content[i+1]))
			}
		}
		if f.PartitionAware {
			set(fw, "capabilities", yamlnode.StrSeq([]string{"partition_aware"}))
		}
		if f.Checkpoint {
			set(fw, "checkpoint", yamlnode.True())
		}
		if f.FailoverTimeout > 0 {
			set(fw, "failover_timeout", yamlnode.Dur(f.FailoverTimeout))
		}
		fws.Content = append(fws.Content, fw)
	}
	set(root, "frameworks", fws)

	faults := &yaml.Node{Kind: yaml.MappingNode, Tag: "!!map"}
	if c.HealAt > 0 && c.HealAt < c.Horizon {
		set(faults, "heal_at", yamlnode.Dur(c.HealAt))
	}
	if c.ConvergeWithin > 0 {
		set(faults, "converge_within", yamlnode.Dur(c.ConvergeWithin))
	}
	if len(c.Faults.Loss) > 0 {
		rules := &yaml.Node{Kind: yaml.SequenceNode, Tag: "!!seq"}
		for _, r := range c.Faults.Loss {
			rules.Content = append(rules.Content, yamlnode.Rule(r))
		}
		set(faults, "network", rules)
	}
	if len(c.Faults.Partitions) > 0 {
		parts := &yaml.Node{Kind: yaml.SequenceNode, Tag: "!!seq"}
		for _, p := range c.Faults.Partitions {
			parts.Content = append(parts.Content, yamlnode.Partition(p))
		}
		set(faults, "partitions", parts)
	}
	if len(faults.Content) > 0 {
		set(root, "faults", faults)
	}

	// Timeline entries in Run's order of scheduling: crashes and restarts,
	// then master failovers.
	tl := &yaml.Node{Kind: yaml.SequenceNode, Tag: "!!seq"}
	for _, cr := range c.Faults.Crashes {
		tl.Content = append(tl.Content,
			yamlnode.FlowMap("at", yamlnode.Dur(cr.At), scenarios.KindCrashAgent, yamlnode.FlowMap("agent", yamlnode.Str(cr.Agent))),
			yamlnode.FlowMap("at", yamlnode.Dur(cr.Restart), scenarios.KindRestartAgent, yamlnode.FlowMap("agent", yamlnode.Str(cr.Agent))))
	}
	// A failover while no master leads does nothing in Run, and the
	// scenario language refuses it: it is left out. One at the very
	// instant of the election is such a one too: Run's timeline event
	// was armed before the election's timer, so it fires first.
	failovers := slices.Sorted(slices.Values(c.Faults.MasterFailovers))
	elected := sim.Time(-1) // when the last failover's new leader is elected
	for _, t := range failovers {
		if t <= elected {
			continue
		}
		elected = t + model.LeaderElectionDelay
		tl.Content = append(tl.Content, yamlnode.FlowMap("at", yamlnode.Dur(t), scenarios.KindMasterFailover,
			yamlnode.FlowMap("election_delay", yamlnode.Dur(model.LeaderElectionDelay))))
	}
	if len(tl.Content) > 0 {
		set(root, "timeline", tl)
	}

	out, err := yamlnode.Encode(root)
	if err != nil {
		return nil, fmt.Errorf("simtest: writing the scenario: %v", err)
	}
	if comment != "" {
		out = append([]byte("# "+strings.ReplaceAll(strings.TrimRight(comment, "\n"), "\n", "\n# ")+"\n"), out...)
	}
	if _, err := scenarios.Parse(name+".yaml", out); err != nil {
		return nil, fmt.Errorf("simtest: the cluster's scenario does not decode: %w", err)
	}
	return out, nil
}
