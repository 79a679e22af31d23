package timeline

import (
	"fmt"
	"strings"

	"github.com/mesosim/mesosim/report"
)

// Write writes the readable timeline of a run with violations vs (as
// report.Checker found them) to b: a title line ("NAME with seed N: K
// invariant violation(s)"), then for each snapshot of rec the violation
// and the records that led to it. rec must have observed the run that
// found vs.
func Write(b *strings.Builder, name string, seed uint64, vs []report.Violation, rec *Recorder) {
	fmt.Fprintf(b, "%s with seed %d: %d invariant violation(s)", name, seed, len(vs))
	if !rec.all && len(vs) > 1 {
		fmt.Fprint(b, "; the first below (--all for every one)")
	}
	fmt.Fprintln(b)
	for i, shot := range rec.shots {
		if i >= len(vs) {
			break
		}
		v := vs[i]
		subject := "task " + v.Task
		if v.Task == "" {
			subject = "agent " + v.Agent
		} else if v.Agent != "" {
			subject += " on agent " + v.Agent
		}
		if v.Framework != "" {
			subject += " of framework " + v.Framework
		}
		fmt.Fprintf(b, "\nviolation %d of %d: %s at %s, %s\n", i+1, len(vs), v.Invariant, v.T, subject)
		fmt.Fprintf(b, "the last %d records about it, and the faults before it:\n", rec.n)
		for _, e := range shot.records {
			fmt.Fprintf(b, "  %s\n", Readable(e.line))
		}
		fmt.Fprintf(b, "> %s\n", Readable(shot.violation.line))
	}
}

// Excerpt returns the event log lines (JSON Lines, as `mesosim run
// --events` writes them) of the first snapshot: the records that led to
// the first violation, then the violation's own record. It is empty when
// no violation was recorded.
func (p *Recorder) Excerpt() string {
	if len(p.shots) == 0 {
		return ""
	}
	var b strings.Builder
	for _, e := range p.shots[0].records {
		b.WriteString(e.line + "\n")
	}
	b.WriteString(p.shots[0].violation.line + "\n")
	return b.String()
}
