package sim

import (
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"
)

// Time is simulated time, or a simulated duration, in integer microseconds.
type Time int64

// Units of simulated time.
const (
	Microsecond Time = 1
	Millisecond Time = 1000 * Microsecond
	Second      Time = 1000 * Millisecond
	Minute      Time = 60 * Second
	Hour        Time = 60 * Minute
	// Never is later than any time a simulation can reach.
	Never Time = math.MaxInt64
)

// Seconds returns t in seconds as a float64 (for reports, never for ordering).
func (t Time) Seconds() float64 { return float64(t) / float64(Second) }

// String formats t the way Go formats a time.Duration ("1.5s", "2m0s").
func (t Time) String() string {
	if t == Never {
		return "never"
	}
	if t > math.MaxInt64/1000 || t < math.MinInt64/1000 {
		return longString(t)
	}
	return time.Duration(t * 1000).String()
}

// longString formats a time beyond time.Duration's range the way
// time.Duration would ("2562047h47m16.854776s").
func longString(t Time) string {
	sign := ""
	u := uint64(t)
	if t < 0 {
		sign, u = "-", uint64(-t)
	}
	h, rem := u/uint64(Hour), u%uint64(Hour)
	m, rem := rem/uint64(Minute), rem%uint64(Minute)
	s, us := rem/uint64(Second), rem%uint64(Second)
	frac := ""
	if us > 0 {
		frac = "." + strings.TrimRight(fmt.Sprintf("%06d", us), "0")
	}
	return fmt.Sprintf("%s%dh%dm%d%ss", sign, h, m, s, frac)
}

// addSat adds two non-negative times, saturating at Never.
func addSat(a, b Time) Time {
	if a > Never-b {
		return Never
	}
	return a + b
}

// FromSeconds converts seconds to Time, rounding to the nearest microsecond
// and saturating at Never.
func FromSeconds(s float64) Time {
	if s >= float64(Never)/float64(Second) {
		return Never
	}
	return Time(math.Round(s * float64(Second)))
}

// ParseDuration parses a Go duration string ("90s", "1h30m", "250ms") into
// Time. A bare number is taken as seconds. Sub-microsecond precision is an
// error rather than silently rounded.
func ParseDuration(s string) (Time, error) {
	if f, err := strconv.ParseFloat(s, 64); err == nil {
		if math.IsNaN(f) || math.IsInf(f, 0) {
			return 0, fmt.Errorf("bad duration %q", s)
		}
		if f > float64(Never)/float64(Second) || f < -float64(Never)/float64(Second) {
			return 0, fmt.Errorf("duration %q out of range", s)
		}
		t := FromSeconds(f)
		if us := f * float64(Second); math.Abs(float64(t)-us) > math.Max(1e-3, math.Abs(us)*1e-15) {
			return 0, fmt.Errorf("duration %q is finer than a microsecond", s)
		}
		return t, nil
	}
	d, err := time.ParseDuration(s)
	if err != nil {
		return 0, fmt.Errorf("bad duration %q: want a Go duration such as 90s, 1h30m or 250ms", s)
	}
	if d%time.Microsecond != 0 {
		return 0, fmt.Errorf("duration %q is finer than a microsecond", s)
	}
	return Time(d / time.Microsecond), nil
}
