package main

import (
	"bytes"
	"fmt"
	"strconv"
	"strings"

	"github.com/mesosim/mesosim/report"
	"github.com/mesosim/mesosim/report/htmlreport"
	"github.com/mesosim/mesosim/scenarios"
	"github.com/mesosim/mesosim/shrink"
)

// openReport opens the --report file of compare, fuzz and replay (nil
// when path is empty); a report needs a file name, not stdout.
func openReport(path string, inputs []string) (*streamOut, error) {
	if path == "" {
		return nil, nil
	}
	if path == "-" {
		return nil, badInput("--report: give a file name, not -")
	}
	return openStream("--report", path, nil, inputs)
}

// writeDoc writes an HTML report to out and commits it.
func writeDoc(out *streamOut, doc *htmlreport.Doc, err error) error {
	if err == nil {
		err = doc.Write(out.w)
	}
	if err != nil {
		return fmt.Errorf("%s: %w", out.flag, err)
	}
	if err := out.commit(); err != nil {
		return fmt.Errorf("%s: %w", out.flag, err)
	}
	return nil
}

// replayTimeline runs sc with the invariant checker and returns its fault
// and violation timeline.
func replayTimeline(sc *scenarios.Scenario) (*report.Timeline, error) {
	tl := report.NewTimeline()
	if _, err := shrink.Violations(sc, tl); err != nil {
		return nil, traceErr(err)
	}
	tl.Finish(sc.Duration)
	return tl, nil
}

// provenance names a fuzz: the scenario text with its overrides, the
// seed range, the allocator.
// It hashes the scenario text the sweep holds (s.data), so a merge of
// parts on another machine names the same scenario.
func (s *fuzzSweep) provenance() (*report.Provenance, error) {
	o, ovs, base := s.o, s.ovs, s.base
	text, err := scenarios.ResolvedData(s.file, s.data, ovs)
	if err != nil {
		return nil, err
	}
	prov := report.NewProvenance(text, version)
	prov.Scenario, prov.Seed, prov.Allocator = base.Name, o.seedStart, base.Master.Allocator
	prov.Seeds = fmt.Sprintf("%d-%d", o.seedStart, o.seedStart+uint64(o.seeds)-1)
	for _, ov := range ovs {
		prov.Overrides = append(prov.Overrides, ov.String())
	}
	prov.Duration = base.Duration.String()
	return prov, nil
}

// writeReport writes the fuzz's HTML report: the violations by invariant
// and the timeline of the first failing seed, replayed.
func (s *fuzzSweep) writeReport(out *streamOut, rep *fuzzReport) error {
	base := s.base
	text, err := scenarios.ResolvedData(s.file, s.data, s.ovs)
	if err != nil {
		return err
	}
	prov := rep.Provenance
	var table bytes.Buffer
	if err := rep.writeTable(&table); err != nil {
		return err
	}
	var by []htmlreport.Violations
	for _, inv := range rep.Invariants {
		var first []string
		for _, s := range inv.FirstSeeds {
			first = append(first, strconv.FormatUint(s, 10))
		}
		by = append(by, htmlreport.Violations{Invariant: inv.Invariant, Count: inv.Seeds, First: strings.Join(first, ", ")})
	}
	var tl *report.Timeline
	if rep.FirstFailingSeed != nil {
		sc := *base
		sc.Seed = *rep.FirstFailingSeed
		if tl, err = replayTimeline(&sc); err != nil {
			return err
		}
	}
	doc, err := htmlreport.FuzzDoc("mesosim fuzz: "+base.Name, firstComment(string(text)), prov, table.String(), "seeds that broke it", by, tl, rep.Reproduce)
	return writeDoc(out, doc, err)
}

// writeReport writes the replay's HTML report: the violations by
// invariant, the replay's text and the fault and violation timeline.
func (o *replayOptions) writeReport(out *streamOut, name string, sc *scenarios.Scenario, rep *replayResult, tl *report.Timeline, repro string) error {
	ovs, err := o.run.overrides()
	if err != nil {
		return err
	}
	text, err := scenarios.ResolvedText(name, ovs)
	if err != nil {
		return err
	}
	prov := report.NewProvenance(text, version)
	prov.Scenario, prov.Seed, prov.Allocator = sc.Name, sc.Seed, sc.Master.Allocator
	prov.Overrides = append(prov.Overrides, o.run.sets...)
	prov.Duration = sc.Duration.String()
	counts := map[string]int{}
	var order []string
	for _, v := range rep.violations {
		if counts[v.Invariant] == 0 {
			order = append(order, v.Invariant)
		}
		counts[v.Invariant]++
	}
	var by []htmlreport.Violations
	for _, inv := range order {
		by = append(by, htmlreport.Violations{Invariant: inv, Count: counts[inv], First: strconv.FormatUint(sc.Seed, 10)})
	}
	body := fmt.Sprintf("%s with seed %d: no invariant violated in %s", sc.Name, sc.Seed, sc.Duration)
	if len(rep.violations) > 0 {
		body = rep.text(repro)
	}
	doc, err := htmlreport.FuzzDoc("mesosim replay: "+sc.Name+" seed "+strconv.FormatUint(sc.Seed, 10),
		firstComment(string(text)), prov, body, "violations", by, tl, repro)
	return writeDoc(out, doc, err)
}
