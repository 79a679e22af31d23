package scenarios

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"

	"github.com/mesosim/mesosim/model"
	"github.com/mesosim/mesosim/report"
	"github.com/mesosim/mesosim/sim"
)

// dayRun builds an embedded Google scenario on 1% of the cell for horizon,
// with extra overrides, and returns its event log without the header and
// the tasks each framework submitted. The scenario is parsed as an
// embedded one (its trace files resolved from the working directory up).
func dayRun(t *testing.T, name string, horizon sim.Time, extra ...Override) ([]byte, map[string]int) {
	t.Helper()
	src, ok := BuiltinSource(name)
	if !ok {
		t.Fatalf("no embedded scenario %s", name)
	}
	sc, err := ParseWith(name+".yaml", src, append([]Override{{Path: "agents.0.scale", Value: "0.01"}}, extra...))
	if err != nil {
		t.Fatal(err)
	}
	sc.Duration = horizon
	s, err := Build(sc)
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	log := report.NewEventLog(&buf, &report.Header{Seed: sc.Seed, Scenario: "google", Version: "test"})
	s.World.Observe(log)
	submitted := map[string]int{}
	s.World.Observe(model.ObserverFunc(func(r *model.Record) {
		if r.Kind == model.KindTaskSubmitted {
			submitted[r.Framework]++
		}
	}))
	s.Run()
	if err := log.Close(); err != nil {
		t.Fatal(err)
	}
	if _, _, err := s.ReplayStats(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes(), submitted
}

// needSample skips a test or benchmark when the Google 2011 sample is not
// in ../shared/traces.
func needSample(t testing.TB) {
	t.Helper()
	if _, err := os.Stat(filepath.Join(sampleDir, "task_events-part-00000-of-00500.csv.gz")); err != nil {
		t.Skip("the Google 2011 sample is not in ../shared/traces; skipping")
	}
}

// TestGoogleDayStartsAsSample: before its synthetic frameworks subscribe
// (at 3h), google-2011-day is google-2011-sample, record for record.
func TestGoogleDayStartsAsSample(t *testing.T) {
	needSample(t)
	day, _ := dayRun(t, "google-2011-day", 2*sim.Minute)
	sample, _ := dayRun(t, "google-2011-sample", 2*sim.Minute)
	if !bytes.Equal(day, sample) {
		t.Fatal("the day's first two minutes differ from the sample's")
	}
	if n := bytes.Count(day, []byte("\n")); n < 1000 {
		t.Fatalf("only %d records in two minutes", n)
	}
}

// TestGoogleDaySynthetic: the fitted frameworks subscribe at their
// timeline entries and submit work next to the trace's (the entries are
// moved to 1m here to keep the test short).
func TestGoogleDaySynthetic(t *testing.T) {
	needSample(t)
	_, sub := dayRun(t, "google-2011-day", 4*sim.Minute,
		Override{Path: "timeline.0.at", Value: "1m"}, Override{Path: "timeline.1.at", Value: "1m"})
	for _, fw := range []string{"service", "batch", "service-fit", "batch-fit"} {
		if sub[fw] == 0 {
			t.Errorf("framework %s submitted no task in 4 minutes: %v", fw, sub)
		}
	}
}
