package scenarios

import (
	"path/filepath"
	"testing"

	"github.com/mesosim/mesosim/sim"
)

// sampleDir is where the real trace samples are when ../shared is beside
// the checkout (relative to this package's directory).
var sampleDir = filepath.Join("..", "..", "shared", "traces", "google-2011")

// BenchmarkReplay replays the Google 2011 sample's first ten minutes on 5%
// of the cell and reports simulated seconds per wall second.
func BenchmarkReplay(b *testing.B) {
	needSample(b)
	src, _ := BuiltinSource("google-2011-sample")
	horizon := 10 * sim.Minute
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		sc, err := ParseWith(filepath.Join(sampleDir, "..", "google-2011-sample.yaml"), src, []Override{
			{Path: "agents.0.scale", Value: "0.05"},
			{Path: "trace.files", Value: "[google-2011/task_events-part-00000-of-00500.csv.gz]"},
		})
		if err != nil {
			b.Fatal(err)
		}
		sc.Duration = horizon
		s, err := Build(sc)
		if err != nil {
			b.Fatal(err)
		}
		s.Run()
	}
	b.ReportMetric(horizon.Seconds()*float64(b.N)/b.Elapsed().Seconds(), "sim-s/s")
}

// TestReplaySample runs the embedded google-2011-sample briefly on a slice
// of the cell: tasks reach both frameworks, and the run is deterministic.
func TestReplaySample(t *testing.T) {
	needSample(t)
	src, _ := BuiltinSource("google-2011-sample")
	run := func() map[string]int64 {
		sc, err := ParseWith(filepath.Join(sampleDir, "..", "google-2011-sample.yaml"), src, []Override{
			{Path: "agents.0.scale", Value: "0.01"},
			{Path: "trace.files", Value: "[google-2011/task_events-part-00000-of-00500.csv.gz]"},
		})
		if err != nil {
			t.Fatal(err)
		}
		sc.Duration = 2 * sim.Minute
		s, err := Build(sc)
		if err != nil {
			t.Fatal(err)
		}
		s.Run()
		counts, st, err := s.ReplayStats()
		if err != nil {
			t.Fatal(err)
		}
		if st.Rows == 0 {
			t.Fatal("no trace rows read")
		}
		return counts
	}
	a, b := run(), run()
	if a["service"] == 0 || a["batch"] == 0 {
		t.Fatalf("tasks per framework %v: want both service (priority >= 9) and batch", a)
	}
	if a["service"] != b["service"] || a["batch"] != b["batch"] {
		t.Fatalf("two runs differ: %v vs %v", a, b)
	}
}
