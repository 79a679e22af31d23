package serve

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/mesosim/mesosim/model"
)

// Limits on what one call may carry.
const (
	maxOffersPerCall    = 1000
	maxTasksPerCall     = 1000
	maxResourcesPerTask = 128
	maxReconcileTasks   = 100_000
	maxIDLength         = 256
)

// wireResources writes model resources as mesos.proto Resource messages:
// unreserved ones with role "*", reserved ones with the role and a STATIC
// reservation, each allocated to role.
func wireResources(r model.Resources, role string) []resource {
	items := r.Items()
	out := make([]resource, 0, len(items))
	for _, it := range items {
		w := resource{Name: it.Name, Role: "*", AllocationInfo: &allocationInf{Role: role}}
		if it.Role != "" {
			w.Role = it.Role
			w.Reservations = []reservation{{Type: "STATIC", Role: it.Role}}
		}
		switch {
		case it.IsRanges():
			w.Type = "RANGES"
			w.Ranges = &rangesJSON{}
			for _, rg := range it.Ranges {
				w.Ranges.Range = append(w.Ranges.Range, rangeJSON(rg))
			}
		case it.IsSet():
			w.Type = "SET"
			w.Set = &struct {
				Item []string `json:"item"`
			}{Item: it.Set}
		default:
			w.Type = "SCALAR"
			w.Scalar = &struct {
				Value float64 `json:"value"`
			}{Value: it.Scalar.Float()}
		}
		out = append(out, w)
	}
	return out
}

// modelResources reads mesos.proto Resource messages into model resources
// (through the model's text notation, so the same checks apply).
func modelResources(rs []resource) (model.Resources, error) {
	if len(rs) > maxResourcesPerTask {
		return model.Resources{}, fmt.Errorf("%d resources, more than the limit of %d", len(rs), maxResourcesPerTask)
	}
	var parts []string
	for i, r := range rs {
		if r.Name == "" || strings.ContainsAny(r.Name, "();:[]{},") {
			return model.Resources{}, fmt.Errorf("resources[%d]: bad name %q", i, r.Name)
		}
		key := r.Name
		role := r.Role
		if n := len(r.Reservations); n > 0 {
			role = r.Reservations[n-1].Role
		}
		if role != "" && role != "*" {
			if err := model.ValidateRole(role); err != nil {
				return model.Resources{}, fmt.Errorf("resources[%d]: %v", i, err)
			}
			key += "(" + role + ")"
		}
		typ := r.Type
		if typ == "" {
			typ = "SCALAR"
		}
		switch typ {
		case "SCALAR":
			if r.Scalar == nil {
				return model.Resources{}, fmt.Errorf("resources[%d]: type SCALAR without scalar", i)
			}
			parts = append(parts, key+":"+strconv.FormatFloat(r.Scalar.Value, 'f', -1, 64))
		case "RANGES":
			if r.Ranges == nil || len(r.Ranges.Range) == 0 {
				return model.Resources{}, fmt.Errorf("resources[%d]: type RANGES without ranges", i)
			}
			var rg []string
			for _, x := range r.Ranges.Range {
				rg = append(rg, strconv.FormatUint(x.Begin, 10)+"-"+strconv.FormatUint(x.End, 10))
			}
			parts = append(parts, key+":["+strings.Join(rg, ",")+"]")
		case "SET":
			if r.Set == nil || len(r.Set.Item) == 0 {
				return model.Resources{}, fmt.Errorf("resources[%d]: type SET without items", i)
			}
			for _, it := range r.Set.Item {
				if it == "" || strings.ContainsAny(it, ";{},") {
					return model.Resources{}, fmt.Errorf("resources[%d]: bad set item %q", i, it)
				}
			}
			parts = append(parts, key+":{"+strings.Join(r.Set.Item, ",")+"}")
		default:
			return model.Resources{}, fmt.Errorf("resources[%d]: unknown type %q (SCALAR, RANGES or SET)", i, typ)
		}
	}
	res, err := model.ParseResources(strings.Join(parts, ";"))
	if err != nil {
		return model.Resources{}, err
	}
	return res, nil
}

// checkID checks an ID value a call names.
func checkID(what, id string) error {
	switch {
	case id == "":
		return fmt.Errorf("%s is missing", what)
	case len(id) > maxIDLength:
		return fmt.Errorf("%s is longer than %d bytes", what, maxIDLength)
	}
	return nil
}
