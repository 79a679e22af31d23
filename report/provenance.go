package report

import (
	"bufio"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"runtime"
	"runtime/debug"
	"strconv"
	"strings"
)

// Provenance names what made an output: the scenario and its resolved
// text's hash, the seed, the allocator, the overrides, the horizon, and
// the binary's version, VCS revision and Go version. Every output format
// carries it (docs/summary.md, "Provenance").
type Provenance struct {
	Scenario       string   `json:"scenario"`
	ScenarioSHA256 string   `json:"scenario_sha256"`
	Seed           uint64   `json:"seed"`
	Seeds          string   `json:"seeds,omitempty"` // compare and fuzz: the seed range
	Allocator      string   `json:"allocator"`
	Overrides      []string `json:"overrides"`
	Duration       string   `json:"duration"`
	Version        string   `json:"version"`
	Revision       string   `json:"revision"`
	Go             string   `json:"go"`
}

// NewProvenance fills the build fields (Revision from the binary's VCS
// stamp, "-dirty" appended for a modified tree, "unknown" without one; Go
// from the runtime) and the hash of text.
func NewProvenance(text []byte, version string) *Provenance {
	sum := sha256.Sum256(text)
	p := &Provenance{ScenarioSHA256: hex.EncodeToString(sum[:]), Version: version,
		Revision: "unknown", Go: runtime.Version(), Overrides: []string{}}
	if bi, ok := debug.ReadBuildInfo(); ok {
		var rev string
		var dirty bool
		for _, s := range bi.Settings {
			switch s.Key {
			case "vcs.revision":
				rev = s.Value
			case "vcs.modified":
				dirty = s.Value == "true"
			}
		}
		if rev != "" {
			if dirty {
				rev += "-dirty"
			}
			p.Revision = rev
		}
	}
	return p
}

// Line is the provenance as the two lines for people that tables begin
// with: "scenario default, allocator drf, seed 1, horizon 1h0m0s" (and the
// --set values), then "scenario sha256 1a2b3c4d5e6f, mesosim 0.1.0-dev,
// revision abc123def456, go1.26". No final newline.
func (p *Provenance) Line() string {
	if p == nil {
		return ""
	}
	var b strings.Builder
	b.WriteString("scenario " + p.Scenario + ", allocator " + p.Allocator)
	if p.Seeds != "" {
		b.WriteString(", seeds " + p.Seeds)
	} else {
		b.WriteString(", seed " + strconv.FormatUint(p.Seed, 10))
	}
	b.WriteString(", horizon " + p.Duration)
	for _, o := range p.Overrides {
		b.WriteString(", --set " + o)
	}
	sha, rev := p.ScenarioSHA256, p.Revision
	if len(sha) > 12 {
		sha = sha[:12]
	}
	if len(rev) > 12 && !strings.HasSuffix(rev, "-dirty") {
		rev = rev[:12]
	} else if len(rev) > 18 {
		rev = rev[:12] + "-dirty"
	}
	b.WriteString("\nscenario sha256 " + sha + ", mesosim " + p.Version + ", revision " + rev + ", " + p.Go)
	return b.String()
}

// pairs is the provenance as key, value pairs in a fixed order.
func (p *Provenance) pairs() [][2]string {
	pairs := [][2]string{
		{"scenario", p.Scenario}, {"scenario_sha256", p.ScenarioSHA256},
		{"seed", strconv.FormatUint(p.Seed, 10)},
	}
	if p.Seeds != "" {
		pairs = append(pairs, [2]string{"seeds", p.Seeds})
	}
	pairs = append(pairs,
		[2]string{"allocator", p.Allocator}, [2]string{"overrides", strings.Join(p.Overrides, " ")},
		[2]string{"duration", p.Duration}, [2]string{"version", p.Version},
		[2]string{"revision", p.Revision}, [2]string{"go", p.Go})
	return pairs
}

// writeComments writes the provenance as CSV comment lines, "# key: value",
// one a line (pandas: comment="#"; R: comment.char="#"). Nothing for nil.
func (p *Provenance) writeComments(w *bufio.Writer) error {
	if p == nil {
		return nil
	}
	for _, kv := range p.pairs() {
		w.WriteString("# " + kv[0] + ": " + oneLine(kv[1]) + "\n")
	}
	return nil
}

// oneLine replaces line breaks so that a value stays in its comment line.
func oneLine(s string) string { return strings.NewReplacer("\n", " ", "\r", " ").Replace(s) }

// indentJSON is the provenance as indented JSON, the lines after the first
// prefixed with prefix.
func (p *Provenance) indentJSON(prefix string) ([]byte, error) {
	return json.MarshalIndent(p, prefix, "  ")
}
