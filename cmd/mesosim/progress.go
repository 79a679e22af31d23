package main

import (
	"fmt"
	"io"
	"os"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/mattn/go-isatty"
)

// Progress on standard error: a bar redrawn this often on a terminal, a
// plain line this often otherwise.
const (
	fuzzBarEvery  = 200 * time.Millisecond
	fuzzLineEvery = 5 * time.Second
)

// fuzzProgress reports the progress of a fuzz on standard error: a bar
// redrawn in place on a terminal, else a plain line every few seconds.
type fuzzProgress struct {
	w             io.Writer
	tty           bool
	total         int
	done, failing *atomic.Int64

	mu    sync.Mutex
	t0    time.Time
	shown bool // a bar is on the current line
	stop  chan struct{}
	wg    sync.WaitGroup
}

func newFuzzProgress(w io.Writer, total int, done, failing *atomic.Int64) *fuzzProgress {
	return &fuzzProgress{w: w, tty: isTerminal(w), total: total, done: done, failing: failing}
}

// isTerminal reports whether w is a terminal that understands a carriage
// return and an erase to the end of line.
func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	if !ok || os.Getenv("TERM") == "dumb" {
		return false
	}
	return isatty.IsTerminal(f.Fd()) || isatty.IsCygwinTerminal(f.Fd())
}

func (p *fuzzProgress) start(t0 time.Time) {
	p.t0 = t0
	p.stop = make(chan struct{})
	every := fuzzLineEvery
	if p.tty {
		every = fuzzBarEvery
	}
	p.wg.Add(1)
	go func() {
		defer p.wg.Done()
		tick := time.NewTicker(every)
		defer tick.Stop()
		for {
			select {
			case <-p.stop:
				return
			case <-tick.C:
				p.mu.Lock()
				p.draw()
				p.mu.Unlock()
			}
		}
	}()
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
	const width = 30
	filled := int(p.done.Load() * width / int64(p.total))
	bar := strings.Repeat("#", filled) + strings.Repeat("-", width-filled)
	fmt.Fprintf(p.w, "\r[%s] %s\x1b[K", bar, p.line())
	p.shown = true
}

// note writes a message line without garbling the bar.
func (p *fuzzProgress) note(msg string) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.shown {
		fmt.Fprint(p.w, "\r\x1b[K")
		p.shown = false
	}
	fmt.Fprintf(p.w, "fuzz: %s\n", msg)
	if p.tty {
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
	if p.tty {
		p.draw()
		fmt.Fprintln(p.w)
		p.shown = false
	}
}
