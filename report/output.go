package report

import (
	"bufio"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"io"
	"strconv"

	"github.com/olekukonko/tablewriter"
	"github.com/olekukonko/tablewriter/tw"
)

// WriteTable writes r for people: a table of roles, a table of frameworks
// and one line for the cluster. Shares are shown with 3 decimals,
// utilisations as percentages, waits in seconds.
func (r *Result) WriteTable(w io.Writer) error {
	bw := bufio.NewWriter(w)
	if err := writeRowTable(bw, "ROLE", r.Roles, false); err != nil {
		return err
	}
	if err := writeRowTable(bw, "FRAMEWORK", r.Frameworks, true); err != nil {
		return err
	}
	c := &r.Cluster
	fmt.Fprintf(bw, "cluster: %s simulated, %d agents (cpus %s, mem %s), cpu util %s, mem util %s, "+
		"%d offers (%d declined, %d rescinded), %d tasks launched, %d finished, %d allocation cycles\n",
		r.Duration, c.Agents, fmtFloat(c.CPUs), fmtFloat(c.Mem), pct(c.CPUUtil), pct(c.MemUtil),
		c.Offers, c.Declined, c.Rescinded, c.TasksLaunched, c.TasksFinished, c.Cycles)
	return bw.Flush()
}

func writeRowTable(w io.Writer, first string, rows []Row, withRole bool) error {
	header := []any{first}
	if withRole {
		header = append(header, "ROLE")
	}
	header = append(header, "MEAN DS", "FINAL DS", "MEAN CPUS", "MEAN MEM", "CPU UTIL", "MEM UTIL",
		"OFFERS", "DECLINED", "RESCINDED", "LAUNCHED", "FINISHED", "WAIT MEAN", "WAIT P99")
	align := make([]tw.Align, len(header))
	for i := range align {
		align[i] = tw.AlignRight
	}
	align[0] = tw.AlignLeft
	if withRole {
		align[1] = tw.AlignLeft
	}
	t := tablewriter.NewTable(w,
		tablewriter.WithRowAlignmentConfig(tw.CellAlignment{PerColumn: align}),
		tablewriter.WithHeaderAutoFormat(tw.Off), // headers are written as shown
	)
	t.Header(header...)
	for i := range rows {
		x := &rows[i]
		cells := []string{x.Name}
		if withRole {
			cells = append(cells, x.Role)
		}
		waitMean, waitP99 := "-", "-"
		if x.WaitCount > 0 {
			waitMean, waitP99 = secs(x.WaitMean), secs(x.WaitP99)
		}
		cells = append(cells,
			strconv.FormatFloat(x.MeanDominantShare, 'f', 3, 64),
			strconv.FormatFloat(x.FinalDominantShare, 'f', 3, 64),
			strconv.FormatFloat(x.MeanCPUs, 'f', 2, 64),
			strconv.FormatFloat(x.MeanMem, 'f', 1, 64),
			pct(x.CPUUtil), pct(x.MemUtil),
			itoa(x.Offers), itoa(x.Declined), itoa(x.Rescinded),
			itoa(x.TasksLaunched), itoa(x.TasksFinished),
			waitMean, waitP99)
		if err := t.Append(cells); err != nil {
			return err
		}
	}
	return t.Render()
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
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(&out)
}

// CSVHeader is the header line of WriteCSV. Columns that do not apply to a
// row's scope are left empty.
var CSVHeader = []string{
	"scope", "name", "role",
	"mean_dominant_share", "final_dominant_share", "mean_cpus", "mean_mem", "cpu_util", "mem_util",
	"offers", "declined", "rescinded", "tasks_launched", "tasks_finished",
	"wait_mean", "wait_p99", "wait_count",
	"agents", "cpus", "mem", "cycles", "duration_us",
}

// WriteCSV writes r as CSV: CSVHeader, then one row per role (scope
// "role"), one per framework (scope "framework") and one for the cluster
// (scope "cluster", name "cluster").
func (r *Result) WriteCSV(w io.Writer) error {
	cw := csv.NewWriter(w)
	if err := cw.Write(CSVHeader); err != nil {
		return err
	}
	dur := itoa(int64(r.Duration))
	row := func(scope string, x *Row) []string {
		return []string{
			scope, x.Name, x.Role,
			fmtFloat(x.MeanDominantShare), fmtFloat(x.FinalDominantShare),
			fmtFloat(x.MeanCPUs), fmtFloat(x.MeanMem), fmtFloat(x.CPUUtil), fmtFloat(x.MemUtil),
			itoa(x.Offers), itoa(x.Declined), itoa(x.Rescinded), itoa(x.TasksLaunched), itoa(x.TasksFinished),
			fmtFloat(x.WaitMean), fmtFloat(x.WaitP99), itoa(x.WaitCount),
			"", "", "", "", dur,
		}
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
	if err := cw.Write([]string{
		"cluster", "cluster", "",
		"", "", "", "", fmtFloat(c.CPUUtil), fmtFloat(c.MemUtil),
		itoa(c.Offers), itoa(c.Declined), itoa(c.Rescinded), itoa(c.TasksLaunched), itoa(c.TasksFinished),
		"", "", "",
		strconv.Itoa(c.Agents), fmtFloat(c.CPUs), fmtFloat(c.Mem), itoa(c.Cycles), dur,
	}); err != nil {
		return err
	}
	cw.Flush()
	return cw.Error()
}
