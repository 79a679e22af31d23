package report

import (
	"bufio"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"io"
	"math"
	"strconv"
	"strings"
	"time"

	"github.com/olekukonko/tablewriter"
	"github.com/olekukonko/tablewriter/tw"
)

// WriteTable writes r for people in at most about 120 columns: the
// provenance lines (when r has a Provenance), then for roles and for
// frameworks a table of allocation and a table of activity with the
// columns that tell the story, then a "cluster metrics" table and the
// cluster's totals. WriteWideTable writes every column. Shares have 3
// decimals, utilisations and locked shares are percentages, memory is in
// MiB, GiB or TiB, counts have thousands separators and durations are
// written in Go's notation rounded to the millisecond (909ms, 18m51.41s).
func (r *Result) WriteTable(w io.Writer) error { return r.writeTable(w, false) }

// WriteWideTable is WriteTable with every column (`run --wide`).
func (r *Result) WriteWideTable(w io.Writer) error { return r.writeTable(w, true) }

func (r *Result) writeTable(w io.Writer, wide bool) error {
	bw := bufio.NewWriter(w)
	if r.Provenance != nil {
		bw.WriteString(r.Provenance.Line() + "\n")
	}
	for _, x := range []struct {
		first    string
		rows     []Row
		withRole bool
	}{{"ROLE", r.Roles, false}, {"FRAMEWORK", r.Frameworks, true}} {
		if err := writeAllocTable(bw, x.first, x.rows, x.withRole, wide); err != nil {
			return err
		}
		if err := writeActivityTable(bw, x.first, x.rows, wide); err != nil {
			return err
		}
	}
	if err := r.writeClusterTable(bw); err != nil {
		return err
	}
	c := &r.Cluster
	fmt.Fprintf(bw, "cluster: %s simulated, %s agents (cpus %s, mem %s), cpu util %s, mem util %s, %s allocation cycles\n",
		r.Duration, count(int64(c.Agents)), fmtFloat(c.CPUs), memory(c.Mem), pct(c.CPUUtil), pct(c.MemUtil), count(c.Cycles))
	fmt.Fprintf(bw, "         %s offers (%s declined, %s rescinded), %s tasks launched, %s finished\n",
		count(c.Offers), count(c.Declined), count(c.Rescinded), count(c.TasksLaunched), count(c.TasksFinished))
	return bw.Flush()
}

// writeAllocTable writes the shares, means, utilisations and locked shares
// of rows (without wide: not the locked memory).
func writeAllocTable(w io.Writer, first string, rows []Row, withRole, wide bool) error {
	header := []any{first}
	if withRole {
		header = append(header, "ROLE")
	}
	left := len(header)
	header = append(header, "MEAN DS", "FINAL DS", "MEAN CPUS", "MEAN MEM", "CPU UTIL", "MEM UTIL", "LOCKED CPUS")
	if wide {
		header = append(header, "LOCKED MEM")
	}
	t := newTable(w, len(header), left)
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
			thousands(strconv.FormatFloat(x.MeanCPUs, 'f', 2, 64)),
			memory(x.MeanMem),
			pct(x.CPUUtil), pct(x.MemUtil), pct(x.LockedCPUs))
		if wide {
			cells = append(cells, pct(x.LockedMem))
		}
		if err := t.Append(cells); err != nil {
			return err
		}
	}
	return t.Render()
}

// writeActivityTable writes the offer and task counts, wait quantiles, job
// times and starvation of rows (without wide: not the rescinded offers,
// the mean and p99 wait and the p99 job time).
func writeActivityTable(w io.Writer, first string, rows []Row, wide bool) error {
	header := []any{first, "OFFERS", "DECLINED"}
	if wide {
		header = append(header, "RESCINDED")
	}
	header = append(header, "LAUNCHED", "FINISHED")
	if wide {
		header = append(header, "WAIT MEAN")
	}
	header = append(header, "WAIT P50", "WAIT P95")
	if wide {
		header = append(header, "WAIT P99")
	}
	header = append(header, "JOBS DONE", "JOB P50")
	if wide {
		header = append(header, "JOB P99")
	}
	header = append(header, "STARVED")
	t := newTable(w, len(header), 1)
	t.Header(header...)
	for i := range rows {
		x := &rows[i]
		waits, jobs := waitCells(&x.Waits), jobCells(&x.Jobs)
		cells := []string{x.Name, count(x.Offers), count(x.Declined)}
		if wide {
			cells = append(cells, count(x.Rescinded))
		}
		cells = append(cells, count(x.TasksLaunched), count(x.TasksFinished))
		if wide {
			waitMean := "-"
			if x.WaitCount > 0 {
				waitMean = secs(x.WaitMean)
			}
			cells = append(cells, waitMean)
		}
		cells = append(cells, waits[0], waits[1])
		if wide {
			cells = append(cells, waits[2])
		}
		cells = append(cells, jobs[0], jobs[1])
		if wide {
			cells = append(cells, jobs[2])
		}
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
	return []string{count(x.JobsCompleted), secs(x.JobP50), secs(x.JobP99)}
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
		{"task waits", count(c.WaitCount)},
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

// NewTable returns a table of n columns, the first left ones aligned left
// and the rest right, in the style of every mesosim table.
func NewTable(w io.Writer, n, left int) *tablewriter.Table { return newTable(w, n, left) }

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

// secs writes a duration in seconds in Go's notation, rounded to the
// millisecond: 0s, 909ms, 2.5s, 18m51.41s, 1h0m0s.
func secs(x float64) string {
	if math.IsNaN(x) || math.IsInf(x, 0) || math.Abs(x) > 1e9 {
		return strconv.FormatFloat(x, 'g', 6, 64) + "s"
	}
	return time.Duration(math.Round(x*1000) * float64(time.Millisecond)).String()
}

// count writes a count with thousands separators.
func count(n int64) string { return thousands(strconv.FormatInt(n, 10)) }

// memory writes a quantity of memory given in MB (Mesos's mem unit, MiB)
// in MiB below 1 GiB, else GiB, else TiB, with up to 3 significant
// decimals: 512 MiB, 1.5 GiB, 9.57 TiB.
func memory(mb float64) string {
	switch a := math.Abs(mb); {
	case a >= 1<<20:
		return strconv.FormatFloat(mb/(1<<20), 'f', 2, 64) + " TiB"
	case a >= 1<<10:
		return strconv.FormatFloat(mb/(1<<10), 'f', 1, 64) + " GiB"
	}
	return strconv.FormatFloat(mb, 'f', 0, 64) + " MiB"
}

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
