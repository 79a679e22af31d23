package serve

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/mesosim/mesosim/report"
	"github.com/mesosim/mesosim/scenarios"
	"github.com/mesosim/mesosim/sim"
)

// The project's own v1 scheduler HTTP client, for the tests: it speaks the
// wire protocol directly (net/http, RecordIO), so that each edge case is
// one request.

// harness is a Server under test with its event log.
type harness struct {
	t    testing.TB
	srv  *Server
	log  *bytes.Buffer
	elog *report.EventLog
	chk  *report.Checker
	done chan sim.Time
	base string
}

// start builds and serves scenario text src.
func start(t testing.TB, src string, cfg Config) *harness {
	t.Helper()
	sc, err := scenarios.Parse("test.yaml", []byte(src))
	if err != nil {
		t.Fatal(err)
	}
	s, err := scenarios.BuildServed(sc)
	if err != nil {
		t.Fatal(err)
	}
	h := &harness{t: t, log: &bytes.Buffer{}, done: make(chan sim.Time, 1)}
	h.elog = report.NewEventLog(h.log, &report.Header{Seed: sc.Seed, Scenario: sc.Name, Version: "test"})
	s.World.Observe(h.elog)
	h.chk = report.NewChecker(s.World, report.CheckerConfig{HealAt: sc.Faults.HealAt, ConvergeWithin: sc.Faults.ConvergeWithin, Emit: s.World.Emit})
	s.World.Observe(h.chk)
	if cfg.Listen == "" {
		cfg.Listen = "127.0.0.1:0"
	}
	if cfg.Quiet == 0 {
		cfg.Quiet = 30 * time.Millisecond
	}
	if cfg.Wait == 0 {
		cfg.Wait = 5 * time.Second
	}
	if cfg.FirstWait == 0 {
		cfg.FirstWait = 5 * time.Second
	}
	h.srv, err = New(s, cfg)
	if err != nil {
		t.Fatal(err)
	}
	h.base = "http://" + h.srv.Addr()
	go func() {
		end := h.srv.Run()
		h.chk.Finish(end)
		h.elog.Close()
		h.done <- end
	}()
	return h
}

// wait waits for the run to end and returns its end time.
func (h *harness) wait() sim.Time {
	h.t.Helper()
	select {
	case end := <-h.done:
		return end
	case <-time.After(60 * time.Second):
		h.t.Fatal("the run did not end")
	}
	return 0
}

// records returns the event log's records of a kind.
func (h *harness) records(kind string) []map[string]any {
	var out []map[string]any
	for _, line := range strings.Split(h.log.String(), "\n") {
		var m map[string]any
		if json.Unmarshal([]byte(line), &m) == nil && m["kind"] == kind {
			out = append(out, m)
		}
	}
	return out
}

// post sends a call; hdr adds headers. It returns the status and body.
func post(t testing.TB, url, body string, hdr ...string) (int, string, http.Header) {
	t.Helper()
	req, err := http.NewRequest(http.MethodPost, url, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/json")
	for i := 0; i+1 < len(hdr); i += 2 {
		if hdr[i+1] == "" {
			req.Header.Del(hdr[i])
		} else {
			req.Header.Set(hdr[i], hdr[i+1])
		}
	}
	cl := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	resp, err := cl.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b), resp.Header
}

// conn is an open SUBSCRIBE stream.
type conn struct {
	t      testing.TB
	base   string
	id     string // framework ID
	stream string
	resp   *http.Response
	events chan map[string]any
	mu     sync.Mutex
	raw    []string
}

// subscribe opens a stream for framework name; info adds FrameworkInfo
// fields (JSON text without braces).
func subscribe(t testing.TB, base, name, info string) *conn {
	t.Helper()
	fi := `"user":"test","name":"` + name + `"`
	if info != "" {
		fi += "," + info
	}
	body := `{"type":"SUBSCRIBE","subscribe":{"framework_info":{` + fi + `}}}`
	req, _ := http.NewRequest(http.MethodPost, base+"/api/v1/scheduler", strings.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Accept", "application/json")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	if resp.StatusCode != http.StatusOK {
		b, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		t.Fatalf("SUBSCRIBE %s: %d %s", name, resp.StatusCode, b)
	}
	c := &conn{t: t, base: base, id: name, stream: resp.Header.Get("Mesos-Stream-Id"), resp: resp, events: make(chan map[string]any, 1024)}
	go c.read()
	return c
}

// read parses the RecordIO stream ("<length>\n<json>").
func (c *conn) read() {
	defer close(c.events)
	br := bufio.NewReader(c.resp.Body)
	for {
		line, err := br.ReadString('\n')
		if err != nil {
			return
		}
		n, err := strconv.Atoi(strings.TrimSpace(line))
		if err != nil {
			return
		}
		buf := make([]byte, n)
		if _, err := io.ReadFull(br, buf); err != nil {
			return
		}
		var ev map[string]any
		if json.Unmarshal(buf, &ev) != nil {
			return
		}
		c.mu.Lock()
		c.raw = append(c.raw, string(buf))
		c.mu.Unlock()
		c.events <- ev
	}
}

// next returns the next event, or nil when the stream closed.
func (c *conn) next() map[string]any {
	c.t.Helper()
	select {
	case ev := <-c.events:
		return ev
	case <-time.After(20 * time.Second):
		c.t.Fatal("no event for 20 s")
	}
	return nil
}

// nextOf skips to the next event of type typ (nil when the stream closed).
func (c *conn) nextOf(typ string) map[string]any {
	for {
		ev := c.next()
		if ev == nil || ev["type"] == typ {
			return ev
		}
	}
}

// call sends a call on the framework's stream and returns the status.
func (c *conn) call(typ, field, body string) (int, string) {
	c.t.Helper()
	js := fmt.Sprintf(`{"type":%q,"framework_id":{"value":%q}`, typ, c.id)
	if field != "" {
		js += fmt.Sprintf(`,%q:%s`, field, body)
	}
	js += "}"
	code, b, _ := post(c.t, c.base+"/api/v1/scheduler", js, "Mesos-Stream-Id", c.stream)
	return code, b
}

func (c *conn) close() { c.resp.Body.Close() }

// path reads a nested field of an event: path("update", "status", "state").
func path(m map[string]any, keys ...string) any {
	var v any = m
	for _, k := range keys {
		mm, ok := v.(map[string]any)
		if !ok {
			return nil
		}
		v = mm[k]
	}
	return v
}
