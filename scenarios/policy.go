package scenarios

import (
	"math"
	"strings"

	"go.yaml.in/yaml/v3"

	"github.com/mesosim/mesosim/model"
	"github.com/mesosim/mesosim/sim"
)

// This file decodes the allocation-policy keys: master.quota and the
// timeline's set_quota, master.capacity, and a framework's think_time and
// suppress_when_idle.

var quotaKeys = []string{"guarantee", "limit"}

// masterQuota decodes master.quota: top-level role -> {guarantee, limit}.
func (d *decoder) masterQuota(n *yaml.Node, ms *MasterSpec) {
	qm := d.mapping(n, "master.quota", nil, true)
	for i := 0; qm.node.Kind == yaml.MappingNode && i+1 < len(qm.node.Content); i += 2 {
		k, v := qm.node.Content[i], qm.node.Content[i+1]
		role := k.Value
		d.quotaRole(role, k.Line, "master.quota")
		bm := d.mapping(v, "master.quota."+role, quotaKeys, false)
		if bm.get("guarantee") == nil && bm.get("limit") == nil {
			d.failf(v.Line, "%s: give a guarantee, a limit or both", pathName(bm.path))
		}
		ms.Quota[role] = d.quota(bm)
	}
}

// quotaRole checks a role quota may be set on: a valid top-level role, "*"
// included, as Mesos requires (model.ValidateQuotaRole).
func (d *decoder) quotaRole(role string, line int, path string) {
	if err := model.ValidateQuotaRole(role); err != nil {
		d.failf(line, "%s: %v", path, err)
	}
}

// quota decodes the optional guarantee and limit keys of m, checking that
// no guarantee is above the limit of the same name.
func (d *decoder) quota(m *mapping) model.Quota {
	var q model.Quota
	if n := m.get("guarantee"); n != nil {
		q.Guarantee = d.quantities(n, m.field("guarantee"))
	}
	if n := m.get("limit"); n != nil {
		q.Limit = d.quantities(n, m.field("limit"))
	}
	for _, g := range q.Guarantee {
		if l, ok := q.Limit.Lookup(g.Name); ok && g.Value > l {
			d.failf(m.vals["guarantee"].Line, "%s: the guarantee of %s (%s) is above its limit (%s)", m.field("guarantee"), g.Name, g.Value, l)
		}
	}
	return q
}

// quantities decodes a non-empty list of scalar quantities ("cpus:2;mem:1024";
// zeros kept, no reservations, ranges or sets).
func (d *decoder) quantities(n *yaml.Node, path string) model.Quantities {
	s := d.str(n, path)
	q, err := model.ParseQuantities(s)
	if err != nil {
		d.failf(n.Line, "%s: %v", path, err)
	}
	for _, x := range q {
		if reason := resourceNameProblem(x.Name); reason != "" {
			d.failf(n.Line, "%s: bad quantity name %q: %s", path, x.Name, reason)
		}
	}
	if len(q) == 0 {
		d.failf(n.Line, "%s: no quantities given", path)
	}
	return q
}

// resourceNameProblem returns what is wrong with a resource name, or "":
// the rule of resource strings (letters, digits, '_', '-' and '.').
func resourceNameProblem(name string) string {
	for i := 0; i < len(name); i++ {
		c := name[i]
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '_' || c == '-' || c == '.') {
			return "only letters, digits, '_', '-' and '.' are allowed"
		}
	}
	return ""
}

var capacityKeys = []string{"capacity", "max_capacity"}

// masterCapacity decodes master.capacity: role -> {capacity, max_capacity},
// with 0 <= capacity <= max_capacity <= 1 and the capacities adding up to
// at most 1.
func (d *decoder) masterCapacity(n *yaml.Node, ms *MasterSpec) {
	cm := d.mapping(n, "master.capacity", nil, true)
	sum := 0.0
	var roles []string
	for i := 0; cm.node.Kind == yaml.MappingNode && i+1 < len(cm.node.Content); i += 2 {
		k, v := cm.node.Content[i], cm.node.Content[i+1]
		role := k.Value
		d.role(role, k.Line, "master.capacity")
		bm := d.mapping(v, "master.capacity."+role, capacityKeys, false)
		cn := d.require(bm, "capacity")
		c := model.Capacity{Capacity: d.fraction(cn, bm.field("capacity")), MaxCapacity: 1}
		if mn := bm.get("max_capacity"); mn != nil {
			c.MaxCapacity = d.fraction(mn, bm.field("max_capacity"))
			if c.MaxCapacity < c.Capacity {
				d.failf(mn.Line, "%s: %v is less than capacity %v", bm.field("max_capacity"), c.MaxCapacity, c.Capacity)
			}
		}
		sum += c.Capacity
		roles = append(roles, role)
		if sum > 1+1e-9 {
			d.failf(cn.Line, "master.capacity: the capacities add up to %v (%s), more than 1 (the whole cluster)", math.Round(sum*1e9)/1e9, strings.Join(roles, " + "))
		}
		ms.Capacity[role] = c
	}
}

// fraction decodes a number in [0, 1].
func (d *decoder) fraction(n *yaml.Node, path string) float64 {
	f := d.number(n, path)
	if f < 0 || f > 1 {
		d.failf(n.Line, "%s: must be between 0 and 1, got %s", path, n.Value)
	}
	return f
}

var thinkKeys = []string{"base", "per_task"}

// thinkTime decodes a think time: a duration (the base), or a mapping with
// base and per_task (each optional, 0 by default).
func (d *decoder) thinkTime(n *yaml.Node, path string) ThinkTime {
	var t ThinkTime
	if n.Kind == yaml.ScalarNode && !isNull(n) {
		t.Base = d.thinkPart(n, path)
		return t
	}
	if n.Kind != yaml.MappingNode {
		d.failf(n.Line, "%s: expected a duration such as 2s, or a mapping with keys %s, got %s", path, strings.Join(thinkKeys, ", "), describe(n))
	}
	m := d.mapping(n, path, thinkKeys, false)
	if v := m.get("base"); v != nil {
		t.Base = d.thinkPart(v, m.field("base"))
	}
	if v := m.get("per_task"); v != nil {
		t.PerTask = d.thinkPart(v, m.field("per_task"))
	}
	return t
}

func (d *decoder) thinkPart(n *yaml.Node, path string) sim.Time {
	t := d.duration(n, path)
	if t > MaxThinkTime {
		d.failf(n.Line, "%s: %s exceeds the limit of %s", path, t, MaxThinkTime)
	}
	return t
}

// boolean decodes true or false.
func (d *decoder) boolean(n *yaml.Node, path string) bool {
	if n.Kind == yaml.ScalarNode && n.ShortTag() == "!!bool" {
		var b bool
		if err := n.Decode(&b); err == nil {
			return b
		}
	}
	d.failf(n.Line, "%s: expected true or false, got %s", path, describe(n))
	return false
}
