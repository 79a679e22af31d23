package report

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"math"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"testing"
)

func clusterResult(c ClusterRow) *Result { return &Result{Cluster: c} }

func threeSeeds() []*Result {
	return []*Result{
		clusterResult(ClusterRow{CPUUtil: 0.5, Offers: 10, Jain: 1, DemandSeconds: 1, Waits: Waits{WaitP50: 2, WaitCount: 1}}),
		clusterResult(ClusterRow{CPUUtil: 0.6, Offers: 20, Jain: 1, DemandSeconds: 1, Waits: Waits{WaitP50: 4, WaitCount: 1}}),
		clusterResult(ClusterRow{CPUUtil: 0.7, Offers: 60, Jain: 1, DemandSeconds: 1, Waits: Waits{WaitP50: 9, WaitCount: 1}}),
	}
}

// Mean and 95% CI by hand: for n = 3, t(0.975, 2) = 4.303 and the half
// width is 4.303 · s / √3 with s the sample standard deviation.
func TestSummarizeByHand(t *testing.T) {
	row := Summarize("drf", "x=1", threeSeeds())
	if row.Allocator != "drf" || row.Variant != "x=1" || row.Seeds != 3 {
		t.Fatalf("row = %+v", row)
	}
	var names []string
	for _, m := range row.Metrics {
		names = append(names, m.Name)
	}
	if !slices.Equal(names, CompareMetricNames()) {
		t.Fatalf("metrics = %v", names)
	}
	const tq = 4.303 // Student's t, 0.975 quantile, 2 degrees of freedom
	cases := []struct {
		name    string
		mean, s float64
	}{
		{"cpu_util", 0.6, 0.1},         // deviations -0.1, 0, 0.1: s² = 0.02/2
		{"offers", 30, math.Sqrt(700)}, // deviations -20, -10, 30: s² = 1400/2
		{"wait_p50", 5, math.Sqrt(13)}, // deviations -3, -1, 4: s² = 26/2
		{"jain", 1, 0},                 // no spread
		{"mem_util", 0, 0},             // all zero
		{"tasks_launched", 0, 0},       // all zero
		{"starvation_max", 0, 0},       // all zero
		{"locked_cpus", 0, 0},          // all zero
		{"job_p99", 0, 0},              // all zero
		{"cycles", 0, 0},               // all zero
		{"rescinded", 0, 0},            // all zero
		{"declined", 0, 0},             // all zero
		{"wait_p99", 0, 0},             // all zero
		{"locked_mem", 0, 0},           // all zero
		{"job_p50", 0, 0},              // all zero
		{"wait_p95", 0, 0},             // all zero
	}
	for _, c := range cases {
		st, ok := row.Metric(c.name)
		if !ok {
			t.Fatalf("no metric %s", c.name)
		}
		half := tq * c.s / math.Sqrt(3)
		tol := 1e-9 + 1e-4*half // 4.303 is rounded
		if math.Abs(st.Mean-c.mean) > 1e-12 || math.Abs(st.Low-(c.mean-half)) > tol || math.Abs(st.High-(c.mean+half)) > tol {
			t.Errorf("%s = %+v, want mean %v ± %v", c.name, st, c.mean, half)
		}
	}
	// The exact quantile: half-width of cpu_util over s/√n.
	st, _ := row.Metric("cpu_util")
	if q := st.HalfWidth() / (0.1 / math.Sqrt(3)); math.Abs(q-4.302652729749464) > 1e-9 {
		t.Errorf("t quantile = %v", q)
	}
}

func TestSummarizeOneAndNoSeeds(t *testing.T) {
	row := Summarize("fifo", "", threeSeeds()[1:2])
	for _, m := range row.Metrics {
		if m.Low != m.Mean || m.High != m.Mean {
			t.Errorf("one seed: %+v", m)
		}
	}
	if st, _ := row.Metric("offers"); st.Mean != 20 {
		t.Errorf("offers = %+v", st)
	}
	row = Summarize("fifo", "", nil)
	if row.Seeds != 0 || len(row.Metrics) != len(CompareMetricNames()) {
		t.Fatalf("no seeds: %+v", row)
	}
	for _, m := range row.Metrics {
		if m.Mean != 0 || m.Low != 0 || m.High != 0 || m.N != 0 || m.HasData() || len(m.Values) != 0 {
			t.Errorf("no seeds: %+v", m)
		}
	}
}

func sampleComparison() *Comparison {
	return &Comparison{Rows: []CompareRow{
		Summarize("drf", "frameworks.service.think_time=1s", threeSeeds()),
		Summarize("random", "frameworks.service.think_time=1s", threeSeeds()[:1]),
		Summarize("fifo", "", threeSeeds()[:2]),
	}}
}

func TestComparisonJSON(t *testing.T) {
	c := sampleComparison()
	var buf bytes.Buffer
	if err := c.WriteJSON(&buf); err != nil {
		t.Fatal(err)
	}
	var back Comparison
	if err := json.Unmarshal(buf.Bytes(), &back); err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(&back, c) {
		t.Errorf("round trip:\n%+v\n%+v", back, *c)
	}
	for _, s := range []string{`"allocator": "drf"`, `"variant": "frameworks.service.think_time=1s"`, `"seeds": 3`, `"name": "cpu_util"`} {
		if !strings.Contains(buf.String(), s) {
			t.Errorf("JSON lacks %s:\n%s", s, buf.String())
		}
	}
	buf.Reset()
	if err := (&Comparison{}).WriteJSON(&buf); err != nil || !strings.Contains(buf.String(), `"rows": []`) {
		t.Errorf("empty: %v %s", err, buf.String())
	}
}

func TestComparisonCSV(t *testing.T) {
	c := sampleComparison()
	var buf bytes.Buffer
	if err := c.WriteCSV(&buf); err != nil {
		t.Fatal(err)
	}
	rows, err := csv.NewReader(&buf).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(rows[0], CompareCSVHeader) {
		t.Fatalf("header = %v", rows[0])
	}
	names := CompareMetricNames()
	if len(rows) != 1+3*len(names) {
		t.Fatalf("%d lines, want %d", len(rows), 1+3*len(names))
	}
	col := map[string]int{}
	for i, h := range CompareCSVHeader {
		col[h] = i
	}
	for i, line := range rows[1:] {
		r := &c.Rows[i/len(names)]
		m := r.Metrics[i%len(names)]
		if line[col["allocator"]] != r.Allocator || line[col["variant"]] != r.Variant || line[col["seeds"]] != strconv.Itoa(r.Seeds) ||
			line[col["metric"]] != names[i%len(names)] || line[col["role"]] != "" {
			t.Fatalf("line %d = %v", i+1, line)
		}
		for k, want := range []float64{m.Mean, m.Low, m.High} {
			cell := line[col["mean"]+k]
			if !m.HasData() {
				if cell != "" {
					t.Errorf("line %d: no data but %q", i+1, cell)
				}
				continue
			}
			if got, err := strconv.ParseFloat(cell, 64); err != nil || got != want {
				t.Errorf("line %d col %d = %q, want %v", i+1, col["mean"]+k, cell, want)
			}
		}
		// The per-seed values, in seed order.
		vals := strings.Split(line[col["values"]], ";")
		if len(vals) != r.Seeds {
			t.Errorf("line %d: %d values for %d seeds", i+1, len(vals), r.Seeds)
		}
		for k, v := range m.Values {
			if want := fmtFloat(v.V); v.OK && vals[k] != want {
				t.Errorf("line %d value %d = %q, want %s", i+1, k, vals[k], want)
			}
		}
	}
}

func TestComparisonTable(t *testing.T) {
	var buf bytes.Buffer
	if err := sampleComparison().WriteTable(&buf); err != nil {
		t.Fatal(err)
	}
	out := buf.String()
	// cpu_util over three seeds: 60.0% ± 24.8; wait_p50 5.00s ± 8.96;
	// offers 30 ± 65.7; one seed: the mean alone.
	for _, s := range []string{"POLICY", "VARIANT", "SEEDS", "CPU UTIL", "LOCKED CPUS", "JAIN", "WAIT P95",
		"STARVATION MAX", "TASKS LAUNCHED", "frameworks.service.think_time=1s",
		"60.0% ± 24.8", "5.00s ± 8.96", "30 ± 65.7", "1.000 ± 0.000", " 50.0% │", " 10 │", "15 ± 63.5",
		" - │"} { // job_p50: no seed completed a job
		if !strings.Contains(out, s) {
			t.Errorf("table lacks %q:\n%s", s, out)
		}
	}
	buf.Reset()
	c := &Comparison{Rows: []CompareRow{Summarize("drf", "", threeSeeds())}}
	if err := c.WriteTable(&buf); err != nil {
		t.Fatal(err)
	}
	if strings.Contains(buf.String(), "VARIANT") {
		t.Errorf("a VARIANT column with no variants:\n%s", buf.String())
	}
}

// The same rows give the same bytes.
func TestComparisonDeterministic(t *testing.T) {
	out := func() string {
		var buf bytes.Buffer
		c := sampleComparison()
		_ = c.WriteTable(&buf)
		_ = c.WriteJSON(&buf)
		_ = c.WriteCSV(&buf)
		return buf.String()
	}
	if a, b := out(), out(); a != b {
		t.Fatalf("outputs differ")
	}
}
