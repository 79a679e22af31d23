package serve

import (
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"
)

// TestErrorCodes checks Master::Http::scheduler's answers (src/master/http.cpp)
// one request at a time.
func TestErrorCodes(t *testing.T) {
	h := start(t, basicScenario, Config{MaxBody: 1 << 20})
	url := h.base + "/api/v1/scheduler"
	c := subscribe(t, h.base, "ext", "")
	c.nextOf("SUBSCRIBED")
	sub := `{"type":"SUBSCRIBE","subscribe":{"framework_info":{"user":"u","name":"ext"}}}`
	revive := `{"type":"REVIVE","framework_id":{"value":"ext"}}`
	cases := []struct {
		name   string
		method string
		body   string
		hdr    []string
		code   int
		want   string
	}{
		{"GET is not allowed", http.MethodGet, "", nil, 405, "Expecting one of { 'POST' }"},
		{"no content type", "", revive, []string{"Content-Type", ""}, 400, "Expecting 'Content-Type' to be present"},
		{"protobuf", "", revive, []string{"Content-Type", "application/x-protobuf"}, 415, "JSON"},
		{"text", "", revive, []string{"Content-Type", "text/plain"}, 415, "Expecting 'Content-Type' of application/json"},
		{"content type in upper case", "", revive, []string{"CONTENT-TYPE", "Application/JSON", "mesos-stream-id", c.stream}, 202, ""},
		{"bad JSON", "", `{"type":`, []string{"Mesos-Stream-Id", c.stream}, 400, "Failed to parse body into JSON"},
		{"a wrong field type", "", `{"type":"REVIVE","framework_id":{"value":7}}`, []string{"Mesos-Stream-Id", c.stream}, 400, "Failed to convert JSON into Call protobuf"},
		{"no type", "", `{"framework_id":{"value":"ext"}}`, []string{"Mesos-Stream-Id", c.stream}, 400, "Expecting 'type' to be present"},
		{"unknown call type", "", `{"type":"FLY","framework_id":{"value":"ext"}}`, []string{"Mesos-Stream-Id", c.stream}, 400, "FLY"},
		{"no framework_id", "", `{"type":"REVIVE"}`, []string{"Mesos-Stream-Id", c.stream}, 400, "Expecting 'framework_id' to be present"},
		{"unknown framework", "", `{"type":"REVIVE","framework_id":{"value":"nobody"}}`, []string{"Mesos-Stream-Id", c.stream}, 400, "Framework cannot be found"},
		{"no stream id", "", revive, nil, 400, "should include the 'Mesos-Stream-Id' header"},
		{"wrong stream id", "", revive, []string{"Mesos-Stream-Id", "x"}, 400, "didn't match the stream ID"},
		{"stream id on SUBSCRIBE", "", sub, []string{"Mesos-Stream-Id", c.stream}, 400, "Subscribe calls should not include the 'Mesos-Stream-Id' header"},
		{"SUBSCRIBE accepting protobuf only", "", sub, []string{"Accept", "application/x-protobuf"}, 406, "JSON only"},
		{"unknown name", "", `{"type":"SUBSCRIBE","subscribe":{"framework_info":{"user":"u","name":"stranger"}}}`, nil, 403, "admit_unknown"},
		{"nulls are absent", "", `{"type":"DECLINE","framework_id":{"value":"ext"},"decline":{"offer_ids":null,"filters":null},"kill":null}`, []string{"Mesos-Stream-Id", c.stream}, 202, ""},
		{"an operation mesosim does not simulate", "", `{"type":"ACCEPT","framework_id":{"value":"ext"},"accept":{"offer_ids":[{"value":"o1"}],"operations":[{"type":"RESERVE"}]}}`, []string{"Mesos-Stream-Id", c.stream}, 400, "LAUNCH operation only"},
		{"a bad uuid", "", `{"type":"ACKNOWLEDGE","framework_id":{"value":"ext"},"acknowledge":{"agent_id":{"value":"a"},"task_id":{"value":"t"},"uuid":"!!"}}`, []string{"Mesos-Stream-Id", c.stream}, 400, "uuid"},
		{"a body over the limit", "", `{"type":"REVIVE","framework_id":{"value":"ext"},"pad":"` + strings.Repeat("x", 2<<20) + `"}`, []string{"Mesos-Stream-Id", c.stream}, 413, "larger than the limit"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			var code int
			var body string
			if tc.method == http.MethodGet {
				resp, err := http.Get(url)
				if err != nil {
					t.Fatal(err)
				}
				resp.Body.Close()
				code = resp.StatusCode
				body = "Expecting one of { 'POST' }"
				if resp.Header.Get("Allow") != "POST" {
					t.Errorf("Allow %q, want POST", resp.Header.Get("Allow"))
				}
			} else {
				code, body, _ = post(t, url, tc.body, tc.hdr...)
			}
			if code != tc.code || !strings.Contains(body, tc.want) {
				t.Errorf("got %d %q, want %d with %q", code, body, tc.code, tc.want)
			}
		})
	}
	// A chunked request body (no Content-Length) is read like any other.
	req, _ := http.NewRequest(http.MethodPost, url, struct{ *strings.Reader }{strings.NewReader(revive)})
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Mesos-Stream-Id", c.stream)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 202 || len(req.TransferEncoding) == 0 && req.ContentLength > 0 {
		t.Errorf("chunked REVIVE: %d", resp.StatusCode)
	}
	// GET /version.
	code, body := get(t, h.base+"/version")
	if code != 200 || !strings.Contains(body, `"version":"1.`) {
		t.Errorf("/version: %d %s", code, body)
	}
	// After the stream closes the framework is known but not subscribed.
	c.close()
	for i := 0; i < 200; i++ {
		code, body, _ = post(t, url, revive, "Mesos-Stream-Id", c.stream)
		if code != 202 {
			break
		}
	}
	if code != 403 || !strings.Contains(body, "Framework is not subscribed") {
		t.Errorf("after the stream closed: %d %q, want 403 Framework is not subscribed", code, body)
	}
	c2 := subscribe(t, h.base, "ext", `"id":{"value":"ext"}`)
	c2.nextOf("SUBSCRIBED")
	c2.call("TEARDOWN", "", "")
	h.wait()
}

func get(t *testing.T, url string) (int, string) {
	t.Helper()
	resp, err := http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var b strings.Builder
	buf := make([]byte, 4096)
	for {
		n, err := resp.Body.Read(buf)
		b.Write(buf[:n])
		if err != nil {
			break
		}
	}
	return resp.StatusCode, b.String()
}

// TestLimits: 429 beyond --max-calls calls in one frozen instant and
// beyond --max-streams open streams; 501 for call type UNKNOWN.
func TestLimits(t *testing.T) {
	h := start(t, basicScenario+"serve: {admit_unknown: true}\n", Config{MaxCalls: 2, MaxStreams: 1, Quiet: 300 * time.Millisecond})
	c := subscribe(t, h.base, "ext", "")
	c.nextOf("SUBSCRIBED")
	// Within one quiet window: both are taken in the same instant.
	codes := []int{}
	for range 3 {
		code, _ := c.call("REVIVE", "", "")
		codes = append(codes, code)
	}
	if fmt.Sprint(codes) != "[202 202 429]" {
		t.Errorf("three REVIVEs in one instant: %v, want [202 202 429]", codes)
	}
	code, body, _ := post(t, h.base+"/api/v1/scheduler", `{"type":"SUBSCRIBE","subscribe":{"framework_info":{"user":"u","name":"other"}}}`)
	if code != 429 || !strings.Contains(body, "event streams are open") {
		t.Errorf("a second stream: %d %q, want 429", code, body)
	}
	if code, _ := c.call("UNKNOWN", "", ""); code != 501 {
		t.Errorf("UNKNOWN: %d, want 501", code)
	}
	// The heartbeat at 15 s is a new instant, with room for calls again.
	for beats := 0; beats < 2; {
		if c.next()["type"] == "HEARTBEAT" {
			beats++
		}
	}
	teardown(t, h, c)
}
