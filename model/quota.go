package model

import (
	"fmt"
	"sort"
	"strings"
)

// Quantity is an amount of one scalar resource by name.
type Quantity struct {
	Name  string
	Value Milli
}

// Quantities are scalar amounts by name, sorted by name, zeros kept (a
// quota limit of cpus:0 is a real limit, where Resources would drop it).
type Quantities []Quantity

// ParseQuantities parses "cpus:2;mem:1024" (scalars only, no reservations;
// zero amounts kept). Errors name the bad token.
func ParseQuantities(text string) (Quantities, error) {
	var q Quantities
	for _, tok := range strings.Split(text, ";") {
		tok = strings.TrimSpace(tok)
		if tok == "" {
			continue
		}
		name, val, ok := strings.Cut(tok, ":")
		name = strings.TrimSpace(name)
		if !ok || name == "" || strings.ContainsAny(name, "()[]{}") {
			return nil, fmt.Errorf("bad quantity %q: want NAME:NUMBER (scalars only, no reservations)", tok)
		}
		v, err := ParseScalar(strings.TrimSpace(val))
		if err != nil {
			return nil, fmt.Errorf("bad quantity %q: %v", tok, err)
		}
		q = q.With(name, q.Get(name)+v)
	}
	return q, nil
}

// Get returns the amount of name and whether it is listed.
func (q Quantities) Get(name string) Milli {
	v, _ := q.Lookup(name)
	return v
}

// Lookup returns the amount of name and whether it is listed.
func (q Quantities) Lookup(name string) (Milli, bool) {
	i := sort.Search(len(q), func(i int) bool { return q[i].Name >= name })
	if i < len(q) && q[i].Name == name {
		return q[i].Value, true
	}
	return 0, false
}

// With returns q with name set to v (a new slice).
func (q Quantities) With(name string, v Milli) Quantities {
	out := append(Quantities(nil), q...)
	i := sort.Search(len(out), func(i int) bool { return out[i].Name >= name })
	if i < len(out) && out[i].Name == name {
		out[i].Value = v
		return out
	}
	out = append(out, Quantity{})
	copy(out[i+1:], out[i:])
	out[i] = Quantity{Name: name, Value: v}
	return out
}

// String formats q as "cpus:2;mem:1024".
func (q Quantities) String() string {
	parts := make([]string, len(q))
	for i, x := range q {
		parts[i] = x.Name + ":" + x.Value.String()
	}
	return strings.Join(parts, ";")
}

// Quota is a top-level role's quota: a guarantee served in the quota stage
// and protected by headroom, and a limit capping the unreserved scalars the
// role is offered. A name absent from Limit is unlimited. The role may be
// the default role "*"; a subrole has no quota of its own (see
// ValidateQuotaRole).
type Quota struct {
	Guarantee Quantities
	Limit     Quantities
}

// IsZero reports whether the quota sets nothing.
func (q Quota) IsZero() bool { return len(q.Guarantee) == 0 && len(q.Limit) == 0 }

// Capacity is a YARN-style capacity queue bound to a role: the fraction of
// the cluster guaranteed, and the elastic ceiling (both in [0, 1]).
type Capacity struct {
	Capacity    float64
	MaxCapacity float64
}

// ValidateQuotaRole reports whether a quota may be set on role, as Mesos's
// master decides it: any valid role without '/', the default role "*"
// included (Mesos accepts quota on "*": docs/quota.md, MESOS-3938), and no
// nested role, whatever its ancestors have (Master::QuotaHandler::update in
// src/master/quota_handler.cpp refuses "Updating quota on nested role ...
// is not supported yet", MESOS-7402).
func ValidateQuotaRole(role string) error {
	if err := ValidateRole(role); err != nil {
		return err
	}
	if strings.Contains(role, "/") {
		return &roleError{role: role, reason: fmt.Sprintf("quota is set on top-level roles only (here %q)", TopLevelRole(role))}
	}
	return nil
}
