package report_test

import (
	"fmt"

	"github.com/mesosim/mesosim/model"
	"github.com/mesosim/mesosim/report"
	"github.com/mesosim/mesosim/sim"
)

// A series cuts the summary's accounting into intervals: here a framework
// offered all of a 4-cpu agent for the second half of a 2-minute run.
func ExampleNewSeries() {
	sum := report.NewSummary(report.SummaryConfig{})
	ser := report.NewSeries(sum, sim.Minute, 2*sim.Minute)
	for _, r := range []model.Record{
		{T: 0, Kind: model.KindAgentAdded, Agent: "a1", Resources: model.MustParseResources("cpus:4;mem:4096")},
		{T: 0, Kind: model.KindFrameworkAdded, Framework: "f1", Role: "web"},
		{T: 90 * sim.Second, Kind: model.KindOffer, Offer: "o1", Framework: "f1", Role: "web", Agent: "a1",
			Resources: model.MustParseResources("cpus:4;mem:4096")},
	} {
		ser.Observe(&r)
	}
	for _, row := range ser.Finish(2 * sim.Minute) {
		if row.Scope == report.ScopeRole && (row.Metric == "allocated_cpus" || row.Metric == "offers") {
			fmt.Printf("%s-%s %s %s %g\n", row.T, row.End, row.Name, row.Metric, row.Value)
		}
	}
	// Output:
	// 0s-1m0s web allocated_cpus 0
	// 0s-1m0s web offers 0
	// 1m0s-2m0s web allocated_cpus 2
	// 1m0s-2m0s web offers 1
}

// The two-sided p-value of the Wilcoxon signed-rank test of paired
// differences, exact for small samples: R's wilcox.test example.
func ExampleWilcoxon() {
	x := []float64{1.83, 0.50, 1.62, 2.48, 1.68, 1.88, 1.55, 3.06, 1.30}
	y := []float64{0.878, 0.647, 0.598, 2.05, 1.06, 1.29, 1.06, 3.14, 1.29}
	d := make([]float64, len(x))
	for i := range x {
		d[i] = x[i] - y[i]
	}
	fmt.Printf("p = %.4f\n", report.Wilcoxon(d))
	// Output:
	// p = 0.0391
}
