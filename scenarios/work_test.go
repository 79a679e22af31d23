package scenarios

import (
	"strings"
	"testing"
)

func TestExpectedTasks(t *testing.T) {
	const head = "name: w\nduration: %s\nagents:\n  - {name: a, resources: \"cpus:4;mem:4096\"}\nframeworks:\n"
	for _, tc := range []struct {
		name, duration, frameworks string
		want                       float64
		err                        string // Build's error, "" for none
	}{
		{"constant", "100s", "  - {name: f, behavior: workload, workload: {interarrival: 10, task_cpus: 1, task_mem: 10, task_duration: 1}}\n", 11, ""},
		{"tasks per job and count", "100s", "  - {name: f, count: 3, behavior: workload, workload: {interarrival: 10, tasks_per_job: {dist: uniform, min: 1, max: 5}, task_cpus: 1, task_mem: 10, task_duration: 1}}\n", 3 * 11 * 3, ""},
		{"max_jobs", "8760h", "  - {name: f, behavior: workload, workload: {interarrival: 0.001, max_jobs: 1000, task_cpus: 1, task_mem: 10, task_duration: 1}}\n", 1000, ""},
		{"start", "100s", "  - {name: f, behavior: workload, workload: {interarrival: 10, start: 50s, task_cpus: 1, task_mem: 10, task_duration: 1}}\n", 6, ""},
		{"exponential clamped", "100s", "  - {name: f, behavior: workload, workload: {interarrival: {dist: exponential, mean: 1, min: 5}, task_cpus: 1, task_mem: 10, task_duration: 1}}\n", 21, ""},
		{"no workload", "100s", "  - {name: f, behavior: hold}\n", 0, ""},
		{"over the limit", "8760h", "  - {name: f, behavior: workload, workload: {interarrival: 0.001, task_cpus: 1, task_mem: 10, task_duration: 1}}\n", 31536000001,
			`w.yaml:6: the workloads would submit about 3.15e+10 tasks over the 8760h0m0s run, over the limit of 100000000; framework "f" alone about 3.15e+10`},
	} {
		sc, err := Parse("w.yaml", []byte(strings.Replace(head, "%s", tc.duration, 1)+tc.frameworks))
		if err != nil {
			t.Fatalf("%s: %v", tc.name, err)
		}
		if got := ExpectedTasks(sc); got != tc.want {
			t.Errorf("%s: ExpectedTasks = %v, want %v", tc.name, got, tc.want)
		}
		_, err = Build(sc)
		switch {
		case tc.err == "" && err != nil:
			t.Errorf("%s: Build: %v", tc.name, err)
		case tc.err != "" && (err == nil || !strings.HasPrefix(err.Error(), tc.err)):
			t.Errorf("%s: Build: %v, want %q", tc.name, err, tc.err)
		}
	}
}
