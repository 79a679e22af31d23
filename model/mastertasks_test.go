package model

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"testing"
)

// TestTaskViewsPatched checks that the views Tasks patches between calls
// are those a rebuild gives, through random additions, removals and state
// changes (a task forgotten and added again between two calls included).
func TestTaskViewsPatched(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	m := &Master{frameworks: map[string]*masterFramework{}}
	for _, name := range []string{"f1", "f2", "f10"} {
		m.frameworks[name] = &masterFramework{name: name, tasks: map[string]*masterTask{}}
	}
	names := []string{"f1", "f2", "f10"}
	for round := range 300 {
		for range rng.IntN(20) {
			f := m.frameworks[names[rng.IntN(len(names))]]
			id := fmt.Sprintf("t%d", rng.IntN(60))
			switch task := f.tasks[id]; {
			case task == nil:
				f.tasks[id] = &masterTask{id: id, framework: f.name, agent: fmt.Sprintf("a%d", rng.IntN(5)), state: TaskStaging}
			case rng.IntN(2) == 0:
				delete(f.tasks, id)
			default:
				task.state = TaskState(rng.IntN(int(TaskRunning) + 1))
			}
			m.taskViews.changed(f.name, id)
		}
		got, want := m.Tasks(), m.buildTaskViews(nil)
		if len(want) == 0 {
			want = nil
		}
		if !slices.Equal(got, want) || (got == nil) != (want == nil) {
			t.Fatalf("round %d: patched views\n%v\nrebuilt\n%v", round, got, want)
		}
	}
}
