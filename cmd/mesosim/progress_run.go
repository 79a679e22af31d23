package main

import (
	"fmt"
	"io"
	"sync"
	"sync/atomic"
	"time"

	"github.com/schollz/progressbar/v3"

	"github.com/mesosim/mesosim/model"
)

// workProgress shows how far `run` (simulated time done of the horizon) or
// `compare` (runs done of the total) has got, on standard error only: a
// progressbar/v3 bar on a terminal, else a plain line every few seconds.
// The work bumps done (an atomic); a ticker goroutine reads it, so the
// simulation never waits on the terminal and never sees the clock.
type workProgress struct {
	w     io.Writer
	name  string // "run", "compare"
	unit  string // what done counts
	total int64
	done  atomic.Int64
	text  func(done, total int64) string // the plain line's text

	mu   sync.Mutex
	bar  *progressbar.ProgressBar
	stop chan struct{}
	wg   sync.WaitGroup
}

// workLineEvery is how often the plain line is written (a variable for
// the tests).
var workLineEvery = fuzzLineEvery

// startProgress starts showing progress on w (a bar when tty).
func startProgress(w io.Writer, tty bool, name, unit string, total int64, text func(done, total int64) string) *workProgress {
	p := &workProgress{w: w, name: name, unit: unit, total: max(total, 1), text: text, stop: make(chan struct{})}
	every := workLineEvery
	if tty {
		every = fuzzBarEvery
		p.bar = progressbar.NewOptions64(p.total,
			progressbar.OptionSetWriter(w),
			progressbar.OptionSetDescription(name),
			progressbar.OptionSetWidth(fuzzBarWidth),
			progressbar.OptionShowCount(),
			progressbar.OptionSetItsString(unit),
			progressbar.OptionSetPredictTime(true),
			progressbar.OptionUseANSICodes(true),
			progressbar.OptionClearOnFinish(),
		)
		p.bar.RenderBlank()
	}
	tickUntil(&p.wg, p.stop, every, p.show)
	return p
}

// tickUntil calls f every interval in a goroutine counted in wg, until
// stop is closed.
func tickUntil(wg *sync.WaitGroup, stop <-chan struct{}, every time.Duration, f func()) {
	wg.Add(1)
	go func() {
		defer wg.Done()
		tick := time.NewTicker(every)
		defer tick.Stop()
		for {
			select {
			case <-stop:
				return
			case <-tick.C:
				f()
			}
		}
	}()
}

func (p *workProgress) show() {
	p.mu.Lock()
	defer p.mu.Unlock()
	d := min(p.done.Load(), p.total)
	if p.bar != nil {
		p.bar.Set64(d)
		return
	}
	fmt.Fprintf(p.w, "%s: %s\n", p.name, p.text(d, p.total))
}

// finish stops the progress and clears the bar.
func (p *workProgress) finish() {
	if p == nil {
		return
	}
	close(p.stop)
	p.wg.Wait()
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.bar != nil {
		p.bar.Finish()
	}
}

// Observe implements model.Observer for `run`: simulated time done, in
// whole seconds.
func (p *workProgress) Observe(r *model.Record) { p.done.Store(int64(r.T / 1_000_000)) }

// runProgressText is `run`'s plain progress line.
func runProgressText(done, total int64) string {
	return fmt.Sprintf("%ds of %ds simulated (%.0f%%)", done, total, 100*float64(done)/float64(total))
}

// compareProgressText is `compare`'s plain progress line.
func compareProgressText(done, total int64) string {
	return fmt.Sprintf("%d/%d runs done", done, total)
}
