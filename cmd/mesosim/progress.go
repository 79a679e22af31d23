package main

import (
	"fmt"
	"io"
	"os"
	"sync"
	"sync/atomic"
	"time"

	"github.com/mattn/go-isatty"
	"github.com/schollz/progressbar/v3"
)

// Progress on standard error: a bar redrawn this often on a terminal, a
// plain line this often otherwise.
const (
	fuzzBarEvery  = 200 * time.Millisecond
	fuzzLineEvery = 5 * time.Second
)

// fuzzBarWidth is the width of the bar itself, in cells, before
// progressbar narrows it to fit a small terminal.
const fuzzBarWidth = 30

// fuzzProgress reports the progress of a fuzz on standard error: a
// progressbar/v3 bar redrawn in place on a terminal, else a plain line
// every few seconds. The workers only bump the counters done and failing;
// a ticker polls them, so the workers never wait on the terminal.
type fuzzProgress struct {
	w             io.Writer
	tty           bool
	total         int
	done, failing *atomic.Int64
	every         time.Duration // how often the ticker shows the progress

	mu          sync.Mutex // serialises every write to w and every call on bar
	t0          time.Time
	bar         *progressbar.ProgressBar // nil unless tty and started
	lastFailing int64                    // the count in bar's description
	stop        chan struct{}
	wg          sync.WaitGroup
}

// newFuzzProgress returns the progress of a fuzz of total seeds, written to
// w: a bar if w is a terminal, else plain lines.
func newFuzzProgress(w io.Writer, total int, done, failing *atomic.Int64) *fuzzProgress {
	return newFuzzProgressTTY(w, isTerminal(w), total, done, failing)
}

// newFuzzProgressTTY is newFuzzProgress with the choice between a bar
// (tty) and plain lines made by the caller.
func newFuzzProgressTTY(w io.Writer, tty bool, total int, done, failing *atomic.Int64) *fuzzProgress {
	every := fuzzLineEvery
	if tty {
		every = fuzzBarEvery
	}
	return &fuzzProgress{w: w, tty: tty, total: total, done: done, failing: failing, every: every}
}

// isTerminal reports whether w is a terminal that understands a carriage
// return and an erase to the end of line.
func isTerminal(w io.Writer) bool {
	if cw, ok := w.(*checkedWriter); ok {
		w = cw.w
	}
	f, ok := w.(*os.File)
	if !ok || os.Getenv("TERM") == "dumb" {
		return false
	}
	return isatty.IsTerminal(f.Fd()) || isatty.IsCygwinTerminal(f.Fd())
}

// start shows the progress from t0 on, until finish.
func (p *fuzzProgress) start(t0 time.Time) {
	p.t0 = t0
	p.stop = make(chan struct{})
	if p.tty {
		p.mu.Lock()
		p.bar = progressbar.NewOptions(p.total,
			progressbar.OptionSetWriter(p.w),
			progressbar.OptionSetDescription(fuzzBarDescription(0)),
			progressbar.OptionSetWidth(fuzzBarWidth),
			progressbar.OptionShowCount(),
			progressbar.OptionShowIts(),
			progressbar.OptionSetItsString("seeds"),
			progressbar.OptionSetPredictTime(true),
			progressbar.OptionUseANSICodes(true),
			// The bar stays, at its final state, on its own line.
			progressbar.OptionOnCompletion(func() { fmt.Fprintln(p.w) }),
		)
		p.bar.RenderBlank()
		p.mu.Unlock()
	}
	tickUntil(&p.wg, p.stop, p.every, func() {
		p.mu.Lock()
		p.draw()
		p.mu.Unlock()
	})
}

// fuzzBarDescription is the bar's description for failing seeds with
// violations.
func fuzzBarDescription(failing int64) string {
	return fmt.Sprintf("fuzz: %d with violations", failing)
}

// line is the progress as text.
func (p *fuzzProgress) line() string {
	done := p.done.Load()
	rate := 0.0
	if s := time.Since(p.t0).Seconds(); s > 0 {
		rate = float64(done) / s
	}
	return fmt.Sprintf("%d/%d seeds, %.1f seeds/s, %d with violations", done, p.total, rate, p.failing.Load())
}

// draw shows the progress once; p.mu is held.
func (p *fuzzProgress) draw() {
	if !p.tty {
		fmt.Fprintf(p.w, "fuzz: %s\n", p.line())
		return
	}
	// done is read first: a worker counts a failing seed before it
	// counts the seed done, so failing covers at least the seeds done.
	done := p.done.Load()
	failing := p.failing.Load()
	if failing != p.lastFailing {
		// The option sets the description without drawing (Describe
		// would draw once more, with the old count): p.mu keeps every
		// call on the bar apart, and a bar of known length runs no
		// goroutine of its own.
		progressbar.OptionSetDescription(fuzzBarDescription(failing))(p.bar)
		p.lastFailing = failing
	}
	// Set64 draws even when done has not moved, keeping the rate and the
	// times current; once done reaches total the bar is finished (later
	// draws do nothing) and OptionOnCompletion ends its line.
	p.bar.Set64(done)
}

// note writes a message line without garbling the bar.
func (p *fuzzProgress) note(msg string) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.bar != nil {
		p.bar.Clear()
	}
	fmt.Fprintf(p.w, "fuzz: %s\n", msg)
	if p.bar != nil {
		p.draw()
	}
}

// finish stops the progress; on a terminal the bar is left at its final
// state on its own line.
func (p *fuzzProgress) finish() {
	close(p.stop)
	p.wg.Wait()
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.bar == nil {
		return
	}
	p.draw()
	if !p.bar.IsFinished() {
		// Stopped short of total (a time budget or an interrupt): Exit
		// keeps the bar as drawn and runs OptionOnCompletion.
		p.bar.Exit()
	}
}
