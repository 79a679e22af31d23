package shrink

import (
	"errors"
	"fmt"
	"sync"

	"go.yaml.in/yaml/v3"

	"github.com/mesosim/mesosim/internal/yamlnode"
	"github.com/mesosim/mesosim/report"
	"github.com/mesosim/mesosim/scenarios"
)

// DefaultMaxRuns is Config.MaxRuns when left zero.
const DefaultMaxRuns = 400

// MaxRunsLimit bounds Config.MaxRuns.
const MaxRunsLimit = 100_000

// Config configures Shrink.
type Config struct {
	// File is the name the candidates are decoded under (for messages).
	File string
	// MaxRuns bounds the candidate scenarios tried (each one decoded and
	// run in full); 0 means DefaultMaxRuns.
	MaxRuns int
	// Parallel is how many candidates run at once (0 or 1: one). The
	// result does not depend on it.
	Parallel int
	// Progress, when set, is called after each kept reduction, from the
	// goroutine that called Shrink.
	Progress func(Step)
	// Stop, when set, is polled before each batch of candidates: once it
	// returns true the search ends with the smallest reproducer so far.
	Stop func() bool
	// Skip names the checks not made (report.CheckerConfig.Skip), as the
	// fuzz that found the seed skipped them.
	Skip []string
}

// Step is one kept reduction.
type Step struct {
	Pass string // the reduction pass: faults, horizon, heal, windows, types, frameworks, agents, jobs, timeline
	What string // what it did, e.g. "remove network rule {types: [REVIVE], loss: 0.25}"
	Runs int    // candidates tried so far, this one included
	Size Size   // the scenario's size after it
}

// Result is what Shrink found.
type Result struct {
	// YAML is the reproducer: an ordinary scenario file (comments of the
	// input dropped).
	YAML []byte
	// Scenario is YAML decoded.
	Scenario *scenarios.Scenario
	// Violation is the reproducer's first violation: of the target
	// invariant, which was the input's first violation.
	Violation report.Violation
	// First is the input's first violation.
	First         report.Violation
	Before, After Size
	Steps         []Step
	// Runs is how many candidates were tried; Exhausted reports that the
	// search stopped because MaxRuns were, before a round kept nothing.
	Runs      int
	Exhausted bool
	// Stopped reports that Config.Stop ended the search.
	Stopped bool
}

// ErrNoViolation is returned when the input breaks no invariant.
var ErrNoViolation = errors.New("the scenario breaks no invariant: nothing to shrink")

// search is the state of one Shrink.
type search struct {
	cfg     Config
	target  string
	cur     *yaml.Node // the root mapping of the current reproducer
	first   report.Violation
	runs    int
	done    bool // MaxRuns spent, or stopped
	stopped bool // by Config.Stop
}

// Shrink searches for a smaller scenario than explicit (scenario YAML with
// no fault left to draw, see scenarios.Explicit) whose first invariant
// violation is of the same invariant as explicit's first.
func Shrink(explicit []byte, cfg Config) (*Result, error) {
	if cfg.MaxRuns == 0 {
		cfg.MaxRuns = DefaultMaxRuns
	}
	if cfg.MaxRuns < 1 || cfg.MaxRuns > MaxRunsLimit {
		return nil, fmt.Errorf("shrink: MaxRuns %d is out of range [1, %d]", cfg.MaxRuns, MaxRunsLimit)
	}
	cfg.Parallel = max(cfg.Parallel, 1)
	sc, err := scenarios.Parse(cfg.File, explicit)
	if err != nil {
		return nil, err
	}
	if sc.Faults.Swarm {
		return nil, errors.New("shrink: the scenario is in swarm mode; make its faults explicit first (scenarios.Explicit)")
	}
	vs, err := ViolationsSkipping(sc, cfg.Skip)
	if err != nil {
		return nil, err
	}
	if len(vs) == 0 {
		return nil, ErrNoViolation
	}
	var doc yaml.Node
	if err := yaml.Unmarshal(explicit, &doc); err != nil {
		return nil, err
	}
	root := doc.Content[0]
	dropComments(root)
	s := &search{cfg: cfg, target: vs[0].Invariant, cur: root, first: vs[0]}
	res := &Result{First: vs[0], Before: Measure(sc), Violation: vs[0]}

	for changed := true; changed && !s.done; {
		changed = false
		for _, p := range passes {
			for !s.done {
				c, v, ok := s.firstKept(p.gen(s))
				if !ok {
					break
				}
				s.cur, s.first, res.Violation, changed = c.root, v, v, true
				step := Step{Pass: p.name, What: c.what, Runs: s.runs, Size: Measure(c.sc)}
				res.Steps = append(res.Steps, step)
				if cfg.Progress != nil {
					cfg.Progress(step)
				}
			}
		}
	}
	tidy(s.cur)
	text, err := yamlnode.Encode(s.cur)
	if err != nil {
		return nil, err
	}
	final, err := scenarios.Parse(cfg.File, text)
	if err != nil {
		return nil, fmt.Errorf("shrink: the reproducer does not decode (a bug): %w", err)
	}
	res.YAML, res.Scenario, res.After = text, final, Measure(final)
	res.Runs, res.Exhausted, res.Stopped = s.runs, s.done && !s.stopped, s.stopped
	return res, nil
}

// candidate is one reduction of the current reproducer.
type candidate struct {
	what string
	root *yaml.Node
	sc   *scenarios.Scenario // set once decoded
}

// outcome is what running a candidate gave.
type outcome struct {
	sc *scenarios.Scenario
	v  report.Violation
	ok bool
}

// firstKept tries the candidates in order, Parallel at a time, and returns
// the first whose first violation is of the target invariant. Runs are
// counted as if the candidates ran one by one, so that the result and the
// count do not depend on the parallelism.
func (s *search) firstKept(cands []candidate) (candidate, report.Violation, bool) {
	for i := 0; i < len(cands); {
		if s.cfg.Stop != nil && s.cfg.Stop() {
			s.done, s.stopped = true, true
			return candidate{}, report.Violation{}, false
		}
		n := min(s.cfg.Parallel, len(cands)-i, s.cfg.MaxRuns-s.runs)
		if n <= 0 {
			s.done = true
			return candidate{}, report.Violation{}, false
		}
		batch := cands[i : i+n]
		texts := make([][]byte, n)
		for j := range batch {
			texts[j], _ = yamlnode.Encode(batch[j].root)
		}
		outs := make([]outcome, n)
		var wg sync.WaitGroup
		for j := range batch {
			wg.Add(1)
			go func() {
				defer wg.Done()
				outs[j] = s.try(texts[j])
			}()
		}
		wg.Wait()
		for j := range batch {
			if outs[j].ok {
				s.runs += j + 1
				c := batch[j]
				c.sc = outs[j].sc
				return c, outs[j].v, true
			}
		}
		s.runs += n
		i += n
	}
	return candidate{}, report.Violation{}, false
}

// try decodes and runs one candidate text.
func (s *search) try(text []byte) outcome {
	if text == nil {
		return outcome{}
	}
	sc, err := scenarios.Parse(s.cfg.File, text)
	if err != nil {
		return outcome{}
	}
	vs, err := ViolationsSkipping(sc, s.cfg.Skip)
	if err != nil || len(vs) == 0 || vs[0].Invariant != s.target {
		return outcome{}
	}
	return outcome{sc: sc, v: vs[0], ok: true}
}

// dropComments removes every comment of the tree: the input's comments
// describe the scenario before shrinking.
func dropComments(n *yaml.Node) {
	n.HeadComment, n.LineComment, n.FootComment = "", "", ""
	for _, c := range n.Content {
		dropComments(c)
	}
}

// tidy drops the fault lists and the timeline the search emptied.
func tidy(root *yaml.Node) {
	faults := yamlnode.Get(root, "faults")
	for _, key := range []string{secNetwork, secPartitions} {
		if l := yamlnode.Get(faults, key); l != nil && l.Kind == yaml.SequenceNode && len(l.Content) == 0 {
			yamlnode.Delete(faults, key)
		}
	}
	if l := yamlnode.Get(root, secTimeline); l != nil && l.Kind == yaml.SequenceNode && len(l.Content) == 0 {
		yamlnode.Delete(root, secTimeline)
	}
}
