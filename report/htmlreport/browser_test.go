package htmlreport

import (
	"bytes"
	"context"
	"image/png"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"
)

// browserEnv, set to 1 (as .ci/run does), makes a missing chromium fail
// the browser test instead of skipping it.
const browserEnv = "MESOSIM_BROWSER_TEST"

// chromium returns the path of a chromium binary, skipping the test (or
// failing it under MESOSIM_BROWSER_TEST=1) when there is none.
func chromium(t *testing.T) string {
	t.Helper()
	for _, name := range []string{"chromium", "chromium-browser", "google-chrome"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	if os.Getenv(browserEnv) == "1" {
		t.Fatalf("%s=1 but no chromium on PATH (.ci/run installs Debian's chromium with apt-get)", browserEnv)
	}
	t.Skipf("chromium not found on PATH: the real-browser check of the HTML report is skipped (apt-get install chromium, or run .ci/run)")
	return ""
}

// headless runs chromium headless on file with extra flags and returns
// its stdout and stderr.
func headless(t *testing.T, bin, file string, extra ...string) (stdout, stderr string) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 90*time.Second)
	defer cancel()
	args := append([]string{"--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
		"--user-data-dir=" + t.TempDir(), "--enable-logging=stderr", "--v=0"}, extra...)
	args = append(args, "file://"+file)
	cmd := exec.CommandContext(ctx, bin, args...)
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	if err := cmd.Run(); err != nil {
		t.Fatalf("chromium %s: %v\n%s", strings.Join(args, " "), err, errb.String())
	}
	return out.String(), errb.String()
}

// consoleLines are chromium's log lines of the page's console: any
// message at all, since a report has no script (an error, a failed load).
var consoleLine = regexp.MustCompile(`(?m)^.*:CONSOLE(\(\d+\))?:?.*$`)

// inkFraction is the fraction of a PNG's pixels that are not near white.
func inkFraction(t *testing.T, path string) float64 {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	img, err := png.Decode(f)
	if err != nil {
		t.Fatal(err)
	}
	b := img.Bounds()
	ink := 0
	for y := b.Min.Y; y < b.Max.Y; y++ {
		for x := b.Min.X; x < b.Max.X; x++ {
			r, g, bl, _ := img.At(x, y).RGBA()
			if r < 0xe000 || g < 0xe000 || bl < 0xe000 {
				ink++
			}
		}
	}
	return float64(ink) / float64(b.Dx()*b.Dy())
}

// TestReportInBrowser opens a run report in headless chromium: the DOM
// holds every figure as an SVG with drawn paths and the provenance, the
// console stays silent, and a screenshot is neither blank nor a solid
// block. The same checks are first shown to fail on a page that logs an
// error and on a blank page.
func TestReportInBrowser(t *testing.T) {
	bin := chromium(t)
	dir := t.TempDir()

	// The checks can fail: a console error is seen, a blank page is blank.
	bad := filepath.Join(dir, "bad.html")
	os.WriteFile(bad, []byte(`<!DOCTYPE html><html><body><script>console.error("broken")</script></body></html>`), 0o644)
	if _, stderr := headless(t, bin, bad, "--dump-dom"); !consoleLine.MatchString(stderr) {
		t.Fatalf("a console error went unseen; chromium's log:\n%s", stderr)
	}
	blankShot := filepath.Join(dir, "blank.png")
	headless(t, bin, bad, "--window-size=1000,800", "--screenshot="+blankShot)
	if ink := inkFraction(t, blankShot); ink > 0.001 {
		t.Fatalf("a blank page has ink %.4f", ink)
	}

	d, err := RunDoc(smallRun(t))
	if err != nil {
		t.Fatal(err)
	}
	page := filepath.Join(dir, "report.html")
	var buf bytes.Buffer
	if err := d.Write(&buf); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(page, buf.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	dom, stderr := headless(t, bin, page, "--dump-dom")
	if m := consoleLine.FindAllString(stderr, -1); len(m) > 0 {
		t.Errorf("console messages:\n%s", strings.Join(m, "\n"))
	}
	if n := strings.Count(dom, "<svg"); n != 7 {
		t.Errorf("the DOM has %d svg elements, want 7", n)
	}
	if n := strings.Count(dom, "<path"); n < 100 {
		t.Errorf("the DOM has %d paths: the plots are not drawn", n)
	}
	for _, want := range []string{"mesosim run: small", "Dominant share per role", "Fault timeline", "scenario_sha256"} {
		if !strings.Contains(dom, want) {
			t.Errorf("the DOM lacks %q", want)
		}
	}
	shot := filepath.Join(dir, "report.png")
	headless(t, bin, page, "--window-size=1100,5000", "--hide-scrollbars", "--screenshot="+shot)
	// Text, tables and seven figures on white: measured 2.7% of the
	// pixels; a blank or unstyled page is far below, a page that failed
	// to a solid colour far above.
	if ink := inkFraction(t, shot); ink < 0.01 || ink > 0.30 {
		t.Errorf("screenshot ink %.4f outside [0.01, 0.30]: blank or broken", ink)
	} else {
		t.Logf("screenshot ink %.4f", ink)
	}
}
