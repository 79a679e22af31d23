package report

import (
	"bufio"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"io"
	"strconv"
	"strings"

	"github.com/olekukonko/tablewriter"
	"github.com/olekukonko/tablewriter/tw"
)

// WriteTable writes r for people: for roles, then for frameworks, a table
// of allocation (shares, utilisation, locked share) and a table of activity
// (offers, tasks, waits, jobs, starvation); then a "cluster metrics" table
// and one line for the cluster. Shares are shown with 3 decimals,
// utilisations and locked shares as percentages, times in seconds.
func (r *Result) WriteTable(w io.Writer) error {
	bw := bufio.NewWriter(w)
	if r.Provenance != nil {
		bw.WriteString(r.Provenance.Line() + "\n")
	}
	for _, x := range []struct {
		first    string
		rows     []Row
		withRole bool
	}{{"ROLE", r.Roles, false}, {"FRAMEWORK", r.Frameworks, true}} {
		if err := writeAllocTable(bw, x.first, x.rows, x.withRole); err != nil {
			return err
		}
		if err := writeActivityTable(bw, x.first, x.rows); err != nil {
			return err
		}
	}
	if err := r.writeClusterTable(bw); err != nil {
		return err
	}
	c := &r.Cluster
	fmt.Fprintf(bw, "cluster: %s simulated, %d agents (cpus %s, mem %s), cpu util %s, mem util %s, "+
		"%d offers (%d declined, %d rescinded), %d tasks launched, %d finished, %d allocation cycles\n",
		r.Duration, c.Agents, fmtFloat(c.CPUs), fmtFloat(c.Mem), pct(c.CPUUtil), pct(c.MemUtil),
		c.Offers, c.Declined, c.Rescinded, c.TasksLaunched, c.TasksFinished, c.Cycles)
	return bw.Flush()
}

// writeAllocTable writes the shares, means, utilisations and locked shares
// of rows.
func writeAllocTable(w io.Writer, first string, rows []Row, withRole bool) error {
	header := []any{first}
	if withRole {
		header = append(header, "ROLE")
	}
	header = append(header, "MEAN DS", "FINAL DS", "MEAN CPUS", "MEAN MEM", "CPU UTIL", "MEM UTIL",
		"LOCKED CPUS", "LOCKED MEM")
	t := newTable(w, len(header), len(header)-8)
	t.Header(header...)
	for i := range rows {
		x := &rows[i]
		cells := []string{x.Name}
		if withRole {
			cells = append(cells, x.Role)
		}
		cells = append(cells,
			strconv.FormatFloat(x.MeanDominantShare, 'f', 3, 64),
			strconv.FormatFloat(x.FinalDominantShare, 'f', 3, 64),
			strconv.FormatFloat(x.MeanCPUs, 'f', 2, 64),
			strconv.FormatFloat(x.MeanMem, 'f', 1, 64),
			pct(x.CPUUtil), pct(x.MemUtil), pct(x.LockedCPUs), pct(x.LockedMem))
		if err := t.Append(cells); err != nil {
			return err
		}
	}
	return t.Render()
}

// writeActivityTable writes the offer and task counts, wait quantiles, job
// times and starvation of rows.
func writeActivityTable(w io.Writer, first string, rows []Row) error {
	header := []any{first, "OFFERS", "DECLINED", "RESCINDED", "LAUNCHED", "FINISHED",
		"WAIT MEAN", "WAIT P50", "WAIT P95", "WAIT P99", "JOBS DONE", "JOB P50", "JOB P99", "STARVED"}
	t := newTable(w, len(header), 1)
	t.Header(header...)
	for i := range rows {
		x := &rows[i]
		waitMean := "-"
		if x.WaitCount > 0 {
			waitMean = secs(x.WaitMean)
		}
		cells := []string{x.Name, itoa(x.Offers), itoa(x.Declined), itoa(x.Rescinded),
			itoa(x.TasksLaunched), itoa(x.TasksFinished), waitMean}
		cells = append(cells, waitCells(&x.Waits)...)
		cells = append(cells, jobCells(&x.Jobs)...)
		cells = append(cells, secs(x.Starvation))
		if err := t.Append(cells); err != nil {
			return err
		}
	}
	return t.Render()
}

// waitCells are the p50, p95 and p99 cells, "-" when there are no waits.
func waitCells(x *Waits) []string {
	if x.WaitCount == 0 {
		return []string{"-", "-", "-"}
	}
	return []string{secs(x.WaitP50), secs(x.WaitP95), secs(x.WaitP99)}
}

// jobCells are the completed, p50 and p99 cells, "-" for the times when no
// job completed.
func jobCells(x *Jobs) []string {
	if x.JobsCompleted == 0 {
		return []string{"0", "-", "-"}
	}
	return []string{itoa(x.JobsCompleted), secs(x.JobP50), secs(x.JobP99)}
}

// writeClusterTable writes the cluster-level metrics as a two-column
// table, one metric a line.
func (r *Result) writeClusterTable(w io.Writer) error {
	c := &r.Cluster
	t := newTable(w, 2, 1)
	t.Header("CLUSTER METRIC", "VALUE")
	jain := "-"
	if c.DemandSeconds > 0 || (r.Duration == 0 && c.Jain > 0) {
		jain = strconv.FormatFloat(c.Jain, 'f', 3, 64)
	}
	waits, jobs := waitCells(&c.Waits), jobCells(&c.Jobs)
	rows := [][]string{
		{"cpu util", pct(c.CPUUtil)},
		{"mem util", pct(c.MemUtil)},
		{"locked cpus", pct(c.LockedCPUs)},
		{"locked mem", pct(c.LockedMem)},
		{"jain (roles with demand)", jain},
		{"time with demand", secs(c.DemandSeconds)},
		{"task waits", itoa(c.WaitCount)},
		{"wait p50", waits[0]},
		{"wait p95", waits[1]},
		{"wait p99", waits[2]},
		{"jobs completed", jobs[0]},
		{"job p50", jobs[1]},
		{"job p99", jobs[2]},
		{"starvation max", secs(c.StarvationMax)},
	}
	for _, row := range rows {
		if err := t.Append(row); err != nil {
			return err
		}
	}
	return t.Render()
}

// newTable returns a table of n columns, the first left ones aligned left
// and the rest right, with headers written as given.
func newTable(w io.Writer, n, left int) *tablewriter.Table {
	align := make([]tw.Align, n)
	for i := range align {
		align[i] = tw.AlignRight
		if i < left {
			align[i] = tw.AlignLeft
		}
	}
	return tablewriter.NewTable(w,
		tablewriter.WithRowAlignmentConfig(tw.CellAlignment{PerColumn: align}),
		tablewriter.WithHeaderAutoFormat(tw.Off), // headers are written as shown
	)
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }

func pct(x float64) string { return strconv.FormatFloat(100*x, 'f', 1, 64) + "%" }

func secs(x float64) string { return strconv.FormatFloat(x, 'f', 3, 64) + "s" }

// fmtFloat formats x in the shortest form that reads back exactly, never
// with an exponent.
func fmtFloat(x float64) string { return strconv.FormatFloat(x, 'f', -1, 64) }

// WriteJSON writes r as one indented JSON object (field names in
// docs/summary.md).
func (r *Result) WriteJSON(w io.Writer) error {
	out := *r
	if out.Roles == nil {
		out.Roles = []Row{}
	}
	if out.Frameworks == nil {
		out.Frameworks = []Row{}
	}
	if out.Cluster.Resources == nil {
		out.Cluster.Resources = []ResourceRow{}
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(&out)
}

// CSVHeader is the header line of WriteCSV. Columns that do not apply to a
// row's scope are left empty.
var CSVHeader = []string{
	"scope", "name", "role",
	"mean_dominant_share", "final_dominant_share", "mean_cpus", "mean_mem", "cpu_util", "mem_util",
	"locked_cpus", "locked_mem",
	"offers", "declined", "rescinded", "tasks_launched", "tasks_finished",
	"wait_mean", "wait_p50", "wait_p95", "wait_p99", "wait_count",
	"jobs_completed", "job_p50", "job_p99", "starvation",
	"agents", "cpus", "mem", "cycles", "jain", "demand_seconds",
	"util_by_resource", "locked_by_resource", "duration_us",
}

// WriteCSV writes r as CSV: CSVHeader, then one row per role (scope
// "role"), one per framework (scope "framework") and one for the cluster
// (scope "cluster", name "cluster"), after "# key: value" provenance
// comment lines when r has a Provenance. The cluster row's starvation is the
// longest of all frameworks'; its per-resource utilisation and locked
// shares are one cell each, as NAME:VALUE pairs joined by ";" in name
// order (cpus:0.5;mem:0.25).
func (r *Result) WriteCSV(w io.Writer) error {
	bw := bufio.NewWriter(w)
	if err := r.Provenance.writeComments(bw); err != nil {
		return err
	}
	cw := csv.NewWriter(bw)
	if err := cw.Write(CSVHeader); err != nil {
		return err
	}
	dur := itoa(int64(r.Duration))
	row := func(scope string, x *Row) []string {
		out := []string{
			scope, x.Name, x.Role,
			fmtFloat(x.MeanDominantShare), fmtFloat(x.FinalDominantShare),
			fmtFloat(x.MeanCPUs), fmtFloat(x.MeanMem), fmtFloat(x.CPUUtil), fmtFloat(x.MemUtil),
			fmtFloat(x.LockedCPUs), fmtFloat(x.LockedMem),
			itoa(x.Offers), itoa(x.Declined), itoa(x.Rescinded), itoa(x.TasksLaunched), itoa(x.TasksFinished),
		}
		out = append(out, waitsCSV(&x.Waits)...)
		out = append(out, jobsCSV(&x.Jobs)...)
		return append(out, fmtFloat(x.Starvation),
			"", "", "", "", "", "", "", "", dur)
	}
	for i := range r.Roles {
		if err := cw.Write(row("role", &r.Roles[i])); err != nil {
			return err
		}
	}
	for i := range r.Frameworks {
		if err := cw.Write(row("framework", &r.Frameworks[i])); err != nil {
			return err
		}
	}
	c := &r.Cluster
	cl := []string{
		"cluster", "cluster", "",
		"", "", "", "", fmtFloat(c.CPUUtil), fmtFloat(c.MemUtil),
		fmtFloat(c.LockedCPUs), fmtFloat(c.LockedMem),
		itoa(c.Offers), itoa(c.Declined), itoa(c.Rescinded), itoa(c.TasksLaunched), itoa(c.TasksFinished),
	}
	cl = append(cl, waitsCSV(&c.Waits)...)
	cl = append(cl, jobsCSV(&c.Jobs)...)
	var util, locked []string
	for _, x := range c.Resources {
		util = append(util, x.Name+":"+fmtFloat(x.Util))
		locked = append(locked, x.Name+":"+fmtFloat(x.Locked))
	}
	cl = append(cl, fmtFloat(c.StarvationMax),
		strconv.Itoa(c.Agents), fmtFloat(c.CPUs), fmtFloat(c.Mem), itoa(c.Cycles),
		fmtFloat(c.Jain), fmtFloat(c.DemandSeconds),
		strings.Join(util, ";"), strings.Join(locked, ";"), dur)
	if err := cw.Write(cl); err != nil {
		return err
	}
	cw.Flush()
	if err := cw.Error(); err != nil {
		return err
	}
	return bw.Flush()
}

func waitsCSV(x *Waits) []string {
	return []string{fmtFloat(x.WaitMean), fmtFloat(x.WaitP50), fmtFloat(x.WaitP95), fmtFloat(x.WaitP99), itoa(x.WaitCount)}
}

func jobsCSV(x *Jobs) []string {
	return []string{itoa(x.JobsCompleted), fmtFloat(x.JobP50), fmtFloat(x.JobP99)}
}
