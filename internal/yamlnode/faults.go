package yamlnode

import (
	"strconv"

	"go.yaml.in/yaml/v3"

	"github.com/mesosim/mesosim/sim"
)

// Rule writes a network rule as a faults.network entry, a flow mapping.
func Rule(r sim.Rule) *yaml.Node {
	var kv []any
	if len(r.Types) > 0 {
		kv = append(kv, "types", StrSeq(r.Types))
	}
	if len(r.From) > 0 {
		kv = append(kv, "from", Str(r.From))
	}
	if len(r.To) > 0 {
		kv = append(kv, "to", Str(r.To))
	}
	if r.Loss > 0 {
		kv = append(kv, "loss", Scalar("!!float", strconv.FormatFloat(r.Loss, 'f', -1, 64)))
	}
	if r.Duplicate > 0 {
		kv = append(kv, "duplicate", Scalar("!!float", strconv.FormatFloat(r.Duplicate, 'f', -1, 64)))
	}
	if r.Delay.Kind != "" {
		var dist *yaml.Node
		switch r.Delay.Kind {
		case sim.DelayFixed:
			dist = Dur(r.Delay.Value)
		case sim.DelayUniform:
			dist = FlowMap("dist", Str(sim.DelayUniform), "min", Dur(r.Delay.Min), "max", Dur(r.Delay.Max))
		default:
			dist = FlowMap("dist", Str(r.Delay.Kind), "mean", Dur(r.Delay.Mean))
			if r.Delay.Min > 0 {
				dist.Content = append(dist.Content, Str("min"), Dur(r.Delay.Min))
			}
			if r.Delay.Max > 0 {
				dist.Content = append(dist.Content, Str("max"), Dur(r.Delay.Max))
			}
		}
		kv = append(kv, "delay", dist)
	}
	if r.Reorder {
		kv = append(kv, "reorder", True())
	}
	if r.Start > 0 {
		kv = append(kv, "start", Dur(r.Start))
	}
	if r.End > 0 {
		kv = append(kv, "end", Dur(r.End))
	}
	return FlowMap(kv...)
}

// Partition writes a partition as a faults.partitions entry, a flow
// mapping.
func Partition(p sim.Partition) *yaml.Node {
	n := FlowMap("name", Str(p.Name), "a", StrSeq(p.A), "b", StrSeq(p.B))
	if p.OneWay {
		n.Content = append(n.Content, Str("one_way"), True())
	}
	n.Content = append(n.Content, Str("start"), Dur(p.Start))
	if p.Heal != 0 {
		n.Content = append(n.Content, Str("heal"), Dur(p.Heal))
	}
	return n
}
