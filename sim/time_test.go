package sim

import (
	"math"
	"testing"
)

func TestTimeUnits(t *testing.T) {
	if Millisecond != 1000*Microsecond || Second != 1000000 || Minute != 60*Second || Hour != 3600*Second {
		t.Fatalf("units: ms=%d s=%d m=%d h=%d", Millisecond, Second, Minute, Hour)
	}
	if Never != math.MaxInt64 {
		t.Fatalf("Never = %d, want MaxInt64", Never)
	}
}

func TestParseDuration(t *testing.T) {
	tests := []struct {
		in      string
		want    Time
		wantErr bool
	}{
		// Go durations.
		{in: "90s", want: 90 * Second},
		{in: "1h30m", want: 90 * Minute},
		{in: "250ms", want: 250 * Millisecond},
		{in: "1.5ms", want: 1500 * Microsecond},
		{in: "1us", want: 1},
		{in: "1µs", want: 1},
		{in: "1000ns", want: 1},
		{in: "2m3s4ms5us", want: 2*Minute + 3*Second + 4*Millisecond + 5},
		{in: "0s", want: 0},
		{in: "-1s", want: -Second},
		{in: "-1h2m", want: -(Hour + 2*Minute)},
		{in: "+3ms", want: 3 * Millisecond},

		// Bare numbers are seconds.
		{in: "0", want: 0},
		{in: "90", want: 90 * Second},
		{in: "1.5", want: 1500 * Millisecond},
		{in: "0.25", want: 250 * Millisecond},
		{in: "0.000001", want: 1},
		{in: "0.000123", want: 123},
		{in: "1e-3", want: Millisecond},
		{in: "2e3", want: 2000 * Second},
		{in: "-2.5", want: -2500 * Millisecond},
		{in: "-0", want: 0},

		// Sub-microsecond Go durations are rejected, not rounded.
		{in: "1ns", wantErr: true},
		{in: "999ns", wantErr: true},
		{in: "1500ns", wantErr: true},
		{in: "1.0001ms", wantErr: true},
		{in: "-1ns", wantErr: true},

		// Garbage.
		{in: "", wantErr: true},
		{in: "garbage", wantErr: true},
		{in: "s", wantErr: true},
		{in: "10x", wantErr: true},
		{in: "1.5.5", wantErr: true},
		{in: "1 s", wantErr: true},
		{in: " 1s", wantErr: true},
		{in: "1s ", wantErr: true},
		{in: "NaN", wantErr: true},
		{in: "Inf", wantErr: true},
		{in: "+Inf", wantErr: true},
		{in: "-Inf", wantErr: true},
		{in: "infinity", wantErr: true},
		{in: "1e300", wantErr: true},
		{in: "-1e300", wantErr: true},
		{in: "1e13", wantErr: true}, // more seconds than Time can hold
	}
	for _, tc := range tests {
		got, err := ParseDuration(tc.in)
		if tc.wantErr {
			if err == nil {
				t.Errorf("ParseDuration(%q) = %d, nil; want an error", tc.in, got)
			}
			continue
		}
		if err != nil {
			t.Errorf("ParseDuration(%q) error %v; want %d", tc.in, err, tc.want)
			continue
		}
		if got != tc.want {
			t.Errorf("ParseDuration(%q) = %d; want %d", tc.in, got, tc.want)
		}
	}
}

// TestParseDurationBareSubMicrosecond: the doc of ParseDuration says
// "Sub-microsecond precision is an error rather than silently rounded", but a
// bare number of seconds finer than a microsecond is silently rounded.
func TestParseDurationBareSubMicrosecond(t *testing.T) {
	for _, in := range []string{"0.0000001", "1e-7", "1.0000004", "0.0000015"} {
		if got, err := ParseDuration(in); err == nil {
			t.Errorf("ParseDuration(%q) = %d, nil; want an error (finer than a microsecond)", in, got)
		}
	}
}

func TestParseDurationRoundTripsString(t *testing.T) {
	for _, d := range []Time{0, 1, 999, Millisecond, 1500 * Microsecond, Second, 90 * Second,
		Hour + 30*Minute + 1, -Second, -1, 1234567890123} {
		s := d.String()
		got, err := ParseDuration(s)
		if err != nil || got != d {
			t.Errorf("ParseDuration(%d.String() = %q) = %d, %v; want %d", d, s, got, err, d)
		}
	}
}

func TestFromSeconds(t *testing.T) {
	tests := []struct {
		in   float64
		want Time
	}{
		{0, 0},
		{1, Second},
		{1.5, 1500 * Millisecond},
		{-1.5, -1500 * Millisecond},
		{0.001, Millisecond},
		{0.000001, 1},
		{0.0000004, 0},
		{0.0000006, 1},
		{0.0000014, 1},
		{0.0000016, 2},
		{-0.0000016, -2},
		{-0.0000004, 0},
		{1.0000004, Second},
		{1.0000006, Second + 1},
		{3600.25, Hour + 250*Millisecond},
		{9.2e12, 9200000000000000000}, // large but below the limit: no saturation
		{1e13, Never},
		{math.MaxFloat64, Never},
		{math.Inf(1), Never},
		{float64(Never) / float64(Second), Never},
	}
	for _, tc := range tests {
		if got := FromSeconds(tc.in); got != tc.want {
			t.Errorf("FromSeconds(%v) = %d; want %d", tc.in, got, tc.want)
		}
	}
}

func TestTimeSeconds(t *testing.T) {
	for _, tc := range []struct {
		in   Time
		want float64
	}{{0, 0}, {1500 * Millisecond, 1.5}, {-Second, -1}, {1, 1e-6}} {
		if got := tc.in.Seconds(); got != tc.want {
			t.Errorf("%d.Seconds() = %v; want %v", tc.in, got, tc.want)
		}
	}
}

func TestTimeString(t *testing.T) {
	tests := []struct {
		in   Time
		want string
	}{
		{0, "0s"},
		{1, "1µs"},
		{999, "999µs"},
		{Millisecond, "1ms"},
		{1500 * Microsecond, "1.5ms"},
		{Second, "1s"},
		{1500 * Millisecond, "1.5s"},
		{2 * Minute, "2m0s"},
		{90 * Minute, "1h30m0s"},
		{Hour + 1, "1h0m0.000001s"},
		{-1500 * Microsecond, "-1.5ms"},
		{-Second, "-1s"},
		{Never, "never"},
	}
	for _, tc := range tests {
		if got := tc.in.String(); got != tc.want {
			t.Errorf("Time(%d).String() = %q; want %q", int64(tc.in), got, tc.want)
		}
	}
}

// TestTimeStringLarge: String multiplies by 1000 into a time.Duration, which
// overflows for times above about 292 years (MaxInt64/1000 µs), although
// Time itself holds them and they are not Never.
func TestTimeStringLarge(t *testing.T) {
	for _, tc := range []struct {
		in   Time
		want string
	}{
		{Time(math.MaxInt64/1000) + 1, "2562047h47m16.854776s"},
		{Never - 1, "2562047788h0m54.775806s"},
		{-(Never - 1), "-2562047788h0m54.775806s"},
	} {
		if got := tc.in.String(); got != tc.want {
			t.Errorf("Time(%d).String() = %q; want %q", int64(tc.in), got, tc.want)
		}
	}
}
