package sweep

import (
	"bytes"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
)

// Named is a part and the name (the file) it was read from, for errors.
type Named struct {
	Name string
	Part *Part
}

// listed is how many cells or parts an error lists before "...".
const listed = 10

// Check verifies that parts belong to one sweep: there is at least one,
// and all have the same fingerprint, command, cell count, shard count and
// GOARCH. It returns the reference part, the lowest shard's (the first
// given among equals), whose arguments say how to print the merge.
func Check(parts []Named) (*Part, error) {
	if len(parts) == 0 {
		return nil, fmt.Errorf("no part given")
	}
	ref := parts[0]
	refShard, _ := ref.Part.ParsedShard()
	for _, n := range parts[1:] {
		p := n.Part
		sh, _ := p.ParsedShard()
		switch {
		case p.Fingerprint != ref.Part.Fingerprint:
			return nil, fmt.Errorf("%s is from another sweep than %s: fingerprint %s, not %s (the scenario, --allocators, --set, --vary, --seeds, --seed-start, --duration or the shard count differ)",
				n.Name, ref.Name, short(p.Fingerprint), short(ref.Part.Fingerprint))
		case p.Command != ref.Part.Command || p.Total != ref.Part.Total || sh.Count != refShard.Count:
			// The fingerprint covers these: only a hand-made part gets here.
			return nil, fmt.Errorf("%s and %s have the same fingerprint but differ in command, cell count or shard count", n.Name, ref.Name)
		case p.Build.GOARCH != ref.Part.Build.GOARCH:
			return nil, fmt.Errorf("%s was computed on GOARCH %s and %s on %s: parts of different architectures are not merged (floating-point results may differ)",
				n.Name, p.Build.GOARCH, ref.Name, ref.Part.Build.GOARCH)
		}
		if sh.Index < refShard.Index {
			ref, refShard = n, sh
		}
	}
	return ref.Part, nil
}

func short(fp string) string {
	if len(fp) > 12 {
		return fp[:12]
	}
	return fp
}

// Collect returns every cell's value, by index, from parts that Check
// accepted. A cell given twice must have the same value both times (a
// retried task writes the same part again); different values are an
// error naming the cell (describe gives its name) and both parts. Missing
// parts (shards no part was given for) and cells missing from the parts
// given are an error naming them.
func Collect(parts []Named, describe func(cell int) string) ([]json.RawMessage, error) {
	ref, err := Check(parts)
	if err != nil {
		return nil, err
	}
	shards, _ := ref.ParsedShard()
	values := make([]json.RawMessage, ref.Total)
	from := make([]string, ref.Total)
	seen := make([]bool, shards.Count)
	for _, n := range parts {
		sh, _ := n.Part.ParsedShard()
		seen[sh.Index] = true
		for _, c := range n.Part.Cells {
			var v bytes.Buffer
			if err := json.Compact(&v, c.Value); err != nil {
				return nil, fmt.Errorf("%s: cell %d (%s): %v", n.Name, c.Index, describe(c.Index), err)
			}
			if values[c.Index] != nil {
				if !bytes.Equal(values[c.Index], v.Bytes()) {
					return nil, fmt.Errorf("cell %d (%s) has different results in %s and %s: the parts are not from the same computation",
						c.Index, describe(c.Index), from[c.Index], n.Name)
				}
				continue
			}
			values[c.Index] = v.Bytes()
			from[c.Index] = n.Name
		}
	}
	var missingParts []string
	for i, ok := range seen {
		if !ok {
			missingParts = append(missingParts, Shard{Index: i, Count: shards.Count}.String())
		}
	}
	var missingCells []string
	for c, v := range values {
		if v == nil && seen[c%shards.Count] {
			missingCells = append(missingCells, fmt.Sprintf("%d (%s)", c, describe(c)))
		}
	}
	var msgs []string
	if len(missingParts) > 0 {
		msgs = append(msgs, fmt.Sprintf("%d of %d parts missing: shard %s", len(missingParts), shards.Count, list(missingParts)))
	}
	if len(missingCells) > 0 {
		msgs = append(msgs, fmt.Sprintf("%d cells missing from the parts given: cell %s", len(missingCells), list(missingCells)))
	}
	if len(msgs) > 0 {
		return nil, fmt.Errorf("%s", strings.Join(msgs, "; "))
	}
	return values, nil
}

// list joins the first few of xs with ", ", and "..." when there are more.
func list(xs []string) string {
	if len(xs) > listed {
		return strings.Join(slices.Clip(xs[:listed]), ", ") + ", ..."
	}
	return strings.Join(xs, ", ")
}
