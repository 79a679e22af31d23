package policies

import (
	"fmt"
	"slices"
	"testing"

	"github.com/mesosim/mesosim/model"
	"pgregory.net/rapid"
)

// The workload's memo of an offer that fit no task of the scan window
// changes no decision: two workloads, one with the memo off, fed the same
// random submissions, offers, unqueued tasks and requeued tasks through a
// small window, launch the same tasks for every offer.
func TestWorkloadNoFitMemoChangesNothing(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		d := newBehDriver()
		window := rapid.IntRange(1, 4).Draw(t, "window")
		ws := [2]*Workload{}
		for i := range ws {
			ws[i] = &Workload{minCPUs: 1, minMem: 1, window: window, noMemo: i == 1,
				inflight: map[string]*pendingTask{}, retried: map[string]*pendingTask{}, launchedIDs: map[string]bool{}}
		}
		sizes := []model.Milli{1, 2, 3, 5, 8}
		next := 0
		// taken holds, per workload, the tasks launched so far (for requeues).
		var taken [2][]*pendingTask
		t.Repeat(map[string]func(*rapid.T){
			"submit": func(t *rapid.T) {
				cpus, mem := rapid.SampledFrom(sizes).Draw(t, "cpus"), rapid.SampledFrom(sizes).Draw(t, "mem")
				res := model.ScalarResource("cpus", cpus).Add(model.ScalarResource("mem", mem))
				next++
				for _, w := range ws {
					w.enqueue(d, model.TaskInfo{ID: fmt.Sprint("t", next), Resources: res})
				}
			},
			"offer": func(t *rapid.T) {
				cpus, mem := rapid.IntRange(0, 12).Draw(t, "cpus"), rapid.IntRange(0, 12).Draw(t, "mem")
				res := model.ScalarResource("cpus", model.Milli(cpus)).Add(model.ScalarResource("mem", model.Milli(mem)))
				var got [2][]string
				for i, w := range ws {
					th := w.decide(d, model.OfferOut{ID: "o", Resources: res})
					for _, ti := range th.launch {
						got[i] = append(got[i], ti.ID)
					}
					taken[i] = append(taken[i], th.taken...)
				}
				if !slices.Equal(got[0], got[1]) {
					t.Fatalf("offer cpus:%d mem:%d launched %v with the memo, %v without", cpus, mem, got[0], got[1])
				}
			},
			"unqueue": func(t *rapid.T) {
				if ws[0].live == 0 {
					t.Skip("nothing pending")
				}
				k := rapid.IntRange(0, ws[0].live-1).Draw(t, "k")
				for _, w := range ws {
					w.unqueue(livePending(w)[k])
				}
			},
			"requeue": func(t *rapid.T) {
				if len(taken[0]) == 0 {
					t.Skip("nothing launched")
				}
				k := rapid.IntRange(0, len(taken[0])-1).Draw(t, "k")
				for i, w := range ws {
					w.requeue(d, []*pendingTask{taken[i][k]})
					taken[i] = slices.Delete(taken[i], k, k+1)
				}
			},
		})
	})
}

// livePending returns the workload's pending tasks, oldest first.
func livePending(w *Workload) []*pendingTask {
	var out []*pendingTask
	for _, p := range w.pending {
		if p != nil {
			out = append(out, p)
		}
	}
	return out
}
