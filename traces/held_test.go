package traces

import (
	"bytes"
	"fmt"
	"io"
	"runtime"
	"testing"

	"github.com/mesosim/mesosim/sim"
)

// googleStream writes task_events rows for hours of trace time: a task
// submitted and scheduled every gap, each running run, except every
// 100th that never ends (its end lies past the stream). Task i is job
// i/10, index i%10; the rows come in time order.
func googleStream(hours int, gap, run sim.Time) []byte {
	var b bytes.Buffer
	type end struct {
		t      sim.Time
		job, i int
	}
	var ends []end
	row := func(t sim.Time, job, i, ev int) {
		fmt.Fprintf(&b, "%d,,%d,%d,,%d,user%d,1,%d,0.0625,0.03125,0,0\n", t, job, i, ev, job%7, job%12)
	}
	n := 0
	for t := sim.Time(600 * sim.Second); t < sim.Time(hours)*sim.Hour; t += gap {
		for len(ends) > 0 && ends[0].t <= t {
			row(ends[0].t, ends[0].job, ends[0].i, 4) // FINISH
			ends = ends[1:]
		}
		row(t, n/10, n%10, 0) // SUBMIT
		row(t, n/10, n%10, 1) // SCHEDULE
		if n%100 != 0 {
			ends = append(ends, end{t + run, n / 10, n % 10})
		}
		n++
	}
	return b.Bytes()
}

// drainGoogle reads every task and returns how many, checking the order.
func drainGoogle(t *testing.T, r *GoogleReader) int {
	t.Helper()
	n, last := 0, sim.Time(-1)
	for {
		tk, err := r.Next()
		if err == io.EOF {
			return n
		}
		if err != nil {
			t.Fatal(err)
		}
		if tk.Submit < last {
			t.Fatalf("task %s submitted at %v after one at %v", tk.ID, tk.Submit, last)
		}
		last = tk.Submit
		n++
	}
}

// TestGoogleHeldBoundedByLookahead: what the Google reader holds (tasks
// waiting to be yielded and tombstones) is bounded by the look-ahead, not
// by the trace's length: 12 and 48 hours of the same stream (a task every
// 2 s running 10 minutes, every 100th never ending) peak alike, within
// the rows of three look-aheads.
func TestGoogleHeldBoundedByLookahead(t *testing.T) {
	look := 30 * sim.Minute
	peak := map[int]int{}
	for _, hours := range []int{12, 48} {
		r := newGoogleReader([]partSource{partBytes("task_events", googleStream(hours, 2*sim.Second, 10*sim.Minute))}, nil, Options{Lookahead: look})
		n := drainGoogle(t, r)
		if want := (hours*3600 - 600) / 2; n != want {
			t.Fatalf("%d h: %d tasks, want %d", hours, n, want)
		}
		peak[hours] = r.PeakInFlight()
		t.Logf("%d h: %d tasks, peak held %d", hours, n, peak[hours])
	}
	if bound := 3 * int(look/(2*sim.Second)); peak[48] > bound {
		t.Errorf("peak held %d over 48 h, want <= %d (three look-aheads of tasks)", peak[48], bound)
	}
	if peak[48] > peak[12]+peak[12]/20 {
		t.Errorf("peak held grows with the trace: %d over 12 h, %d over 48 h", peak[12], peak[48])
	}
}

// TestGoogleHeldCompact measures the heap a held task costs the Google
// reader while it reads: a stream whose first task never ends holds every
// later task until the look-ahead (1 h here) runs out, as the sample's
// snapshot does; the first Next returns then, with the tasks of that hour
// held (the stream goes on for two hours more).
func TestGoogleHeldCompact(t *testing.T) {
	data := googleStream(3, 200*sim.Millisecond, 10*sim.Minute)
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	r := newGoogleReader([]partSource{partBytes("task_events", data)}, nil, Options{Lookahead: sim.Hour})
	tk, err := r.Next() // the first task never ends: returned when the look-ahead runs out
	if err != nil {
		t.Fatal(err)
	}
	held := r.InFlight()
	runtime.GC()
	runtime.ReadMemStats(&after)
	per := float64(after.HeapAlloc-before.HeapAlloc) / float64(held)
	t.Logf("%d tasks held, %.0f bytes of heap each (first %s)", held, per, tk.ID)
	if held < 15000 {
		t.Fatalf("only %d tasks held", held)
	}
	if per > 240 {
		t.Errorf("%.0f bytes per held task, want <= 240 (302 with the Task held whole)", per)
	}
	runtime.KeepAlive(r)
}
