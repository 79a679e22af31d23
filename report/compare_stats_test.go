package report

import (
	"math"
	"slices"
	"testing"
)

func TestWilcoxon(t *testing.T) {
	x := []float64{1.83, 0.50, 1.62, 2.48, 1.68, 1.88, 1.55, 3.06, 1.30}
	y := []float64{0.878, 0.647, 0.598, 2.05, 1.06, 1.29, 1.06, 3.14, 1.29}
	depression := make([]float64, len(x))
	for i := range x {
		depression[i] = x[i] - y[i]
	}
	for _, tc := range []struct {
		name string
		d    []float64
		want float64
	}{
		// R's ?wilcox.test example (Hollander & Wolfe): V = 40, two-sided
		// p = 2 · 10/512.
		{"depression", depression, 0.0390625},
		{"five positive", []float64{1, 2, 3, 4, 5}, 2.0 / 32},
		{"ten positive", []float64{3, 1, 4, 1.5, 5, 9, 2, 6, 5.5, 3.5}, 2.0 / 1024},
		{"ten negative", []float64{-3, -1, -4, -1.5, -5, -9, -2, -6, -5.5, -3.5}, 2.0 / 1024},
		{"zeros dropped", []float64{0, 1, 2, 0, 3, 4, 5}, 2.0 / 32},
		{"all zero", []float64{0, 0, 0}, 1},
		{"none", nil, 1},
		{"one", []float64{2}, 1},
		{"symmetric", []float64{1, -1, 2, -2}, 1},
		// Ties: four |d| = 1, average rank 2.5; W+ = 7.5 of 10; 2W+ takes
		// 0, 5, 10, 15, 20 with weights 1, 4, 6, 4, 1: p = 2 · 5/16.
		{"ties", []float64{1, 1, 1, -1}, 0.625},
	} {
		if got := Wilcoxon(tc.d); math.Abs(got-tc.want) > 1e-12 {
			t.Errorf("%s: p = %v, want %v", tc.name, got, tc.want)
		}
	}
	// Past 50 differences, the normal approximation: 60 positive
	// differences give W+ = 1830 against a mean of 915 and a variance of
	// 60·61·121/24, z = 914.5/135.84 = 6.732, p = 1.67e-11.
	var many []float64
	for i := 1; i <= 60; i++ {
		many = append(many, float64(i))
	}
	if p := Wilcoxon(many); math.Abs(p-1.673e-11)/1.673e-11 > 0.01 {
		t.Errorf("60 positive: p = %v, want 1.67e-11", p)
	}
	// At the boundary the exact and the approximate p-values agree
	// roughly: 50 (exact) and 51 (normal) alternating-sign differences.
	alt := func(n int) []float64 {
		var d []float64
		for i := 1; i <= n; i++ {
			d = append(d, float64(i)*float64(1-2*(i%3/2)))
		}
		return d
	}
	if a, b := Wilcoxon(alt(50)), Wilcoxon(alt(51)); math.Abs(a-b) > 0.1 {
		t.Errorf("exact %v at 50, normal %v at 51", a, b)
	}
}

// results returns one result per seed with the given cluster cpu
// utilisations, and a role "batch" with the given waits.
func results(util []float64, waits []float64) []*Result {
	var out []*Result
	for i, u := range util {
		r := &Result{Cluster: ClusterRow{CPUUtil: u}}
		if waits != nil {
			r.Roles = []Row{{Name: "batch", Role: "batch", Waits: Waits{WaitP95: waits[i], WaitCount: 1}}}
		}
		out = append(out, r)
	}
	return out
}

// A policy that adds a known amount on every seed shows that amount as
// its paired difference, with a CI around it and a small p; the same
// values give a difference of 0 and p = 1.
func TestPairedDifference(t *testing.T) {
	base := []float64{0.40, 0.55, 0.47, 0.61, 0.52, 0.45}
	plus := make([]float64, len(base))
	noisy := make([]float64, len(base))
	noise := []float64{0.01, -0.02, 0.015, -0.005, 0.02, -0.01}
	for i := range base {
		plus[i] = base[i] + 0.1
		noisy[i] = base[i] + 0.1 + noise[i]
	}
	c := &Comparison{Rows: []CompareRow{
		Summarize("drf", "", results(base, nil)),
		Summarize("same", "", results(base, nil)),
		Summarize("plus", "", results(plus, nil)),
		Summarize("noisy", "", results(noisy, nil)),
	}}
	if err := c.Pair("drf"); err != nil {
		t.Fatal(err)
	}
	get := func(row int) *Paired {
		st, _ := c.Rows[row].Metric("cpu_util")
		return st.Paired
	}
	if st, _ := c.Rows[0].Metric("cpu_util"); st.Paired != nil {
		t.Errorf("the baseline's own row has a paired difference: %+v", st.Paired)
	}
	if p := get(1); p.N != 6 || p.Mean != 0 || p.Low != 0 || p.High != 0 || p.P != 1 {
		t.Errorf("no effect: %+v", p)
	}
	if p := get(2); p.N != 6 || math.Abs(p.Mean-0.1) > 1e-12 || math.Abs(p.Low-0.1) > 1e-9 || math.Abs(p.High-0.1) > 1e-9 || math.Abs(p.P-2.0/64) > 1e-12 {
		t.Errorf("+0.1 on every seed: %+v", p)
	}
	// Mean of the noise is 0.001 6̅; t(0.975, 5) = 2.5706.
	p := get(3)
	if math.Abs(p.Mean-(0.1+0.01/6)) > 1e-12 || p.Low <= 0.08 || p.High >= 0.13 || p.Low >= p.Mean || p.High <= p.Mean || math.Abs(p.P-2.0/64) > 1e-12 {
		t.Errorf("+0.1 with noise: %+v", p)
	}
	if err := c.Pair("nope"); err == nil {
		t.Error("an unknown baseline is accepted")
	}
}

// Per-role metrics, missing data and the user's --metrics order.
func TestCompareRolesAndKeep(t *testing.T) {
	rs := results([]float64{0.5, 0.6}, []float64{10, 20})
	rs[1].Roles[0].WaitCount = 0 // seed 2: no task of batch waited
	rs[0].Roles = append(rs[0].Roles, Row{Name: "web", Role: "web", MeanDominantShare: 0.25})
	row := Summarize("drf", "", rs)
	st, ok := row.RoleMetric("wait_p95", "batch")
	if !ok || st.N != 1 || st.Mean != 10 || !st.Values[0].OK || st.Values[1].OK {
		t.Errorf("batch wait_p95 = %+v", st)
	}
	st, _ = row.RoleMetric("mean_dominant_share", "web")
	if st.N != 1 || st.Mean != 0.25 || st.Values[1].OK {
		t.Errorf("web, absent in seed 2: %+v", st)
	}
	st, _ = row.RoleMetric("wait_p50", "web")
	if st.HasData() || statCell(kindOf(&st), st) != "-" {
		t.Errorf("web wait_p50 has data: %+v", st)
	}
	c := &Comparison{Rows: []CompareRow{row}}
	if err := c.Keep([]string{"offers", "role.wait_p95", "cpu_util", "role.mean_dominant_share@web", "offers"}); err != nil {
		t.Fatal(err)
	}
	var keys []string
	for i := range c.Rows[0].Metrics {
		keys = append(keys, c.Rows[0].Metrics[i].Key())
	}
	want := []string{"offers", "role.wait_p95@batch", "role.wait_p95@web", "cpu_util", "role.mean_dominant_share@web"}
	if !slices.Equal(keys, want) {
		t.Errorf("kept %v, want %v", keys, want)
	}
	for _, bad := range []string{"role.nope", "nope", "role."} {
		if err := c.Keep([]string{bad}); err == nil {
			t.Errorf("--metrics %s accepted", bad)
		}
	}
}

func TestThousands(t *testing.T) {
	for in, want := range map[string]string{
		"0": "0", "999": "999", "1000": "1,000", "-1234567": "-1,234,567", "123456.7": "123,456.7",
		"-999.5": "-999.5", "1000000000": "1,000,000,000",
	} {
		if got := thousands(in); got != want {
			t.Errorf("thousands(%s) = %s, want %s", in, got, want)
		}
	}
}

func TestTerminalFormats(t *testing.T) {
	for _, tc := range []struct {
		got, want string
	}{
		{secs(0), "0s"}, {secs(0.909), "909ms"}, {secs(2.5), "2.5s"}, {secs(1131.41), "18m51.41s"},
		{secs(3600), "1h0m0s"}, {secs(0.0004), "0s"}, {secs(12.9514), "12.951s"},
		{memory(512), "512 MiB"}, {memory(1536), "1.5 GiB"}, {memory(10035330), "9.57 TiB"}, {memory(0), "0 MiB"},
		{count(0), "0"}, {count(667894), "667,894"}, {count(-1234), "-1,234"},
	} {
		if tc.got != tc.want {
			t.Errorf("got %q, want %q", tc.got, tc.want)
		}
	}
}
