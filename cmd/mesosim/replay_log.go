package main

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"

	"github.com/spf13/cobra"

	"github.com/mesosim/mesosim/model"
	"github.com/mesosim/mesosim/report"
	"github.com/mesosim/mesosim/scenarios"
	"github.com/mesosim/mesosim/sim"
	"github.com/mesosim/mesosim/timeline"
)

// Limits on an event log replay --log reads.
const (
	maxLogLine    = 1 << 20
	maxLogRecords = 100_000_000
)

// logRecord is what replay --log reads of an event log line.
type logRecord struct {
	T         *int64 `json:"t"`
	Kind      string `json:"kind"`
	Seed      uint64 `json:"seed"`
	Scenario  string `json:"scenario"`
	Task      string `json:"task"`
	Agent     string `json:"agent"`
	Invariant string `json:"invariant"`
	Detail    string `json:"detail"`
}

// replayLog is replay --log FILE: the records that led to each violation
// an event log holds (from run, or from serve, whose external frameworks
// cannot be re-run), read from the log instead of re-running. Tasks are
// matched by ID across frameworks (a violation line names no framework).
func replayLog(cmd *cobra.Command, o *replayOptions, path string) error {
	if o.context < 1 || o.context > maxContext {
		return badInput("--context: %d is out of range [1, %d]", o.context, maxContext)
	}
	f, err := openInput(path)
	if err != nil {
		return badInput("--log: %v", err)
	}
	defer f.Close()
	rec := timeline.NewRecorder(o.context, o.all)
	var vs []report.Violation
	sc := &scenarios.Scenario{}
	scan := bufio.NewScanner(f)
	scan.Buffer(make([]byte, 64<<10), maxLogLine)
	line := 0
	for scan.Scan() {
		line++
		if line > maxLogRecords {
			return badInput("%s: more than %d records", path, maxLogRecords)
		}
		var r logRecord
		if err := json.Unmarshal(scan.Bytes(), &r); err != nil || r.Kind == "" || r.T == nil {
			return badInput("%s:%d: not an event log record (want a JSON object with t and kind)", path, line)
		}
		if r.Kind == "header" {
			sc.Name, sc.Seed = r.Scenario, r.Seed
			continue
		}
		rec.ObserveLine(r.Kind, r.Task, r.Agent, "", scan.Text())
		if r.Kind == model.KindInvariantViolation {
			vs = append(vs, report.Violation{T: sim.Time(*r.T), Invariant: r.Invariant, Task: r.Task, Agent: r.Agent, Detail: r.Detail})
		}
	}
	if err := scan.Err(); err != nil {
		return badInput("%s:%d: %v", path, line+1, err)
	}
	w := cmd.OutOrStdout()
	if len(vs) == 0 {
		_, err := fmt.Fprintf(w, "%s with seed %d: no invariant violated in %s\n", sc.Name, sc.Seed, path)
		return err
	}
	rep := &replayResult{sc: sc, context: o.context, all: o.all, violations: vs, rec: rec}
	repro := "mesosim replay --log " + shellQuote(path)
	if _, err := io.WriteString(w, rep.text(repro)); err != nil {
		return err
	}
	return fmt.Errorf("%d invariant violation(s); the first: %s at %s", len(vs), vs[0].Invariant, vs[0].T)
}
