package traces

import (
	"fmt"
	"math"
	"sort"
	"strings"
)

// MachineShape is a group of identical machines: CPU and memory in
// normalised units (1.0 = the largest machine of the cell) and how many.
type MachineShape struct {
	CPU, Mem float64
	Count    int
}

// googleCell2011 is the Google clusterdata-2011-2 cell at the start of the
// trace: 12,583 machines (../shared/reference/trace-formats.md).
var googleCell2011 = []MachineShape{
	{0.50, 0.50, 6732}, {0.50, 0.25, 3863}, {0.50, 0.75, 1001}, {1.00, 1.00, 795},
	{0.25, 0.25, 126}, {0.50, 0.12, 52}, {0.50, 0.03, 5}, {0.50, 0.97, 5},
	{1.00, 0.50, 3}, {0.50, 0.06, 1},
}

// presets are the embedded cluster definitions by name.
var presets = map[string][]MachineShape{
	"google-2011-cell": googleCell2011,
}

// PresetNames returns the embedded cluster definitions, sorted.
func PresetNames() []string {
	var out []string
	for k := range presets {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// Preset returns an embedded cluster scaled by scale (0 < scale <= 1): each
// shape keeps round(count x scale) machines, at least one per shape that
// had any, so the mix survives scaling down.
func Preset(name string, scale float64) ([]MachineShape, error) {
	shapes, ok := presets[name]
	if !ok {
		return nil, fmt.Errorf("unknown cluster preset %q (known: %s)", name, strings.Join(PresetNames(), ", "))
	}
	if !(scale > 0 && scale <= 1) {
		return nil, fmt.Errorf("preset scale %v: want 0 < scale <= 1", scale)
	}
	out := make([]MachineShape, 0, len(shapes))
	for _, s := range shapes {
		n := int(math.Round(float64(s.Count) * scale))
		out = append(out, MachineShape{CPU: s.CPU, Mem: s.Mem, Count: max(n, 1)})
	}
	return out, nil
}
