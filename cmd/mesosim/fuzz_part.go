package main

import (
	"errors"

	"github.com/mesosim/mesosim/report"
	"github.com/mesosim/mesosim/sim"
)

// fuzzCell is one seed's outcome as a part holds it: every invariant the
// seed broke, in the order first broken, with its first violation (what
// the report and --shrink need) and how many violations it had; or the
// error that stopped the seed's run.
type fuzzCell struct {
	Hits  []fuzzCellHit `json:"hits,omitempty"`
	Error string        `json:"error,omitempty"`
}

// fuzzCellHit is one invariant broken in one seed.
type fuzzCellHit struct {
	T         sim.Time `json:"t_us"`
	Invariant string   `json:"invariant"`
	Task      string   `json:"task,omitempty"`
	Agent     string   `json:"agent,omitempty"`
	Framework string   `json:"framework,omitempty"`
	Detail    string   `json:"detail"`
	Count     int      `json:"count"`
}

// cell is the outcome as a part holds it.
func (out fuzzOutcome) cell() fuzzCell {
	var c fuzzCell
	if out.err != nil {
		c.Error = out.err.Error()
	}
	for _, h := range out.hits {
		v := h.first
		c.Hits = append(c.Hits, fuzzCellHit{T: v.T, Invariant: v.Invariant, Task: v.Task, Agent: v.Agent,
			Framework: v.Framework, Detail: v.Detail, Count: h.count})
	}
	return c
}

// outcome is the seed's outcome again, as it was when it ran.
func (c fuzzCell) outcome() fuzzOutcome {
	out := fuzzOutcome{ran: true}
	if c.Error != "" {
		out.err = errors.New(c.Error)
	}
	for _, h := range c.Hits {
		out.hits = append(out.hits, fuzzHit{count: h.Count, first: report.Violation{T: h.T, Invariant: h.Invariant,
			Task: h.Task, Agent: h.Agent, Framework: h.Framework, Detail: h.Detail}})
	}
	return out
}
