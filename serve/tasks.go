package serve

import (
	"github.com/mesosim/mesosim/model"
	"github.com/mesosim/mesosim/policies"
	"github.com/mesosim/mesosim/scenarios"
	"github.com/mesosim/mesosim/sim"
)

// launch is one validated TaskInfo of an ACCEPT's LAUNCH operations.
type launch struct {
	id  string
	res model.Resources
	// duration is the mesosim.duration label's value (set: hasDuration).
	duration    sim.Time
	hasDuration bool
}

// launches validates an ACCEPT's operations: LAUNCH only (the model has
// no reservations, volumes or task groups).
func (s *Server) launches(f *extFramework, ops []operation) ([]launch, *httpError) {
	var out []launch
	for i, op := range ops {
		if op.Type != "LAUNCH" {
			return nil, invalid("operations[%d]: mesosim simulates the LAUNCH operation only, not %q", i, op.Type)
		}
		if op.Launch == nil {
			return nil, invalid("operations[%d]: Expecting 'launch' to be present", i)
		}
		for j, ti := range op.Launch.TaskInfos {
			if len(out) >= maxTasksPerCall {
				return nil, invalid("more than %d tasks in one ACCEPT", maxTasksPerCall)
			}
			l := launch{id: ti.TaskID.get()}
			if err := checkID("task_infos.task_id", l.id); err != nil {
				return nil, invalid("operations[%d].launch.task_infos[%d]: %v", i, j, err)
			}
			res, err := modelResources(ti.Resources)
			if err != nil {
				return nil, invalid("task %s: %v", l.id, err)
			}
			l.res = res
			if ti.Labels != nil {
				for _, lb := range ti.Labels.Labels {
					if lb.Key != scenarios.DurationLabel {
						continue
					}
					d, err := sim.ParseDuration(lb.Value)
					if err != nil || d < 0 || d > scenarios.MaxDuration {
						return nil, invalid("task %s: label %s: %q is not a Go duration in [0, 365 days]", l.id, scenarios.DurationLabel, lb.Value)
					}
					l.duration, l.hasDuration = d, true
				}
			}
			out = append(out, l)
		}
	}
	return out, nil
}

// taskInfos draws what the scenario leaves open: how long each task runs
// (its label, else the entry's task_duration, else until killed) and
// whether it fails (task_failure_rate). Draws come from the framework's
// own stream, in the canonical order calls apply in.
func (s *Server) taskInfos(f *extFramework, ls []launch) []model.TaskInfo {
	out := make([]model.TaskInfo, 0, len(ls))
	for _, l := range ls {
		ti := model.TaskInfo{ID: l.id, Resources: l.res, Duration: sim.Never, Submitted: -1}
		var ext *scenarios.ExternalSpec
		if f.spec != nil {
			ext = f.spec.External
		}
		switch {
		case l.hasDuration:
			ti.Duration = l.duration
		case ext != nil && ext.TaskDuration != nil:
			d := ext.TaskDuration
			ti.Duration = sim.FromSeconds(distSample(d, f))
		}
		if ext != nil && ext.TaskFailureRate > 0 && f.rng.Float64() < ext.TaskFailureRate {
			ti.EndState = model.TaskFailed
		}
		out = append(out, ti)
	}
	return out
}

func distSample(d *scenarios.Dist, f *extFramework) float64 {
	return policies.Dist(*d).Sample(f.rng)
}
