package scenarios

import (
	"math"
	"testing"

	"github.com/mesosim/mesosim/traces"
)

// A request that overflows the fixed point once scaled (or is not finite)
// is refused, never saturated into a tiny task.
func TestReplayCheckScale(t *testing.T) {
	for _, tc := range []struct {
		units      traces.Units
		cpus, mem  float64 // trace.cpus, trace.mem
		tcpu, tmem float64 // the task's request
		want       string
	}{
		{traces.Units{CPU: "normalised", Mem: "normalised"}, 64, 256 * 1024, 0.5, 0.25, ""},
		{traces.Units{CPU: "normalised", Mem: "normalised"}, 1e9, 1, 1e308, 0.1,
			":0: task t: cpus 1e+308 (normalised) is +Inf once scaled by trace.cpus 1e+09, over the limit of 1e+12 per task"},
		{traces.Units{CPU: "normalised", Mem: "normalised"}, 1, 1e9, 0.1, 1e4,
			":0: task t: mem 10000 (normalised) is 1e+13 once scaled by trace.mem 1e+09, over the limit of 1e+12 per task"},
		{traces.NativeUnits, 1, 1, 1e12, 1, ""},
		{traces.NativeUnits, 1, 1, 1.0000001e12, 1, ":0: task t: cpus 1.0000001e+12 (cores) is 1.0000001e+12, over the limit of 1e+12 per task"},
		{traces.NativeUnits, 1, 1, math.NaN(), 1, ":0: task t: cpus NaN (cores) is NaN, over the limit of 1e+12 per task"},
		{traces.Units{CPU: "percent-core", Mem: "percent"}, 1, 1e9, 400, 2e5,
			":0: task t: mem 200000 (percent) is 2e+12 once scaled by trace.mem 1e+09, over the limit of 1e+12 per task"},
	} {
		rp := &replay{spec: &TraceSpec{CPUs: tc.cpus, Mem: tc.mem}, units: tc.units}
		err := rp.checkScale(traces.Task{ID: "t", CPU: tc.tcpu, Mem: tc.tmem})
		got := ""
		if err != nil {
			got = err.Error()
		}
		if got != tc.want {
			t.Errorf("%+v: %q, want %q", tc, got, tc.want)
		}
	}
}
