package main

import (
	"bufio"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

const serveScenarioFile = "../../serve/testdata/basic.yaml"

func TestServeBadInput(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	r := mustRun(t, 2, "serve", serveScenarioFile, "--listen", ln.Addr().String())
	if !strings.Contains(r.stderr, "cannot listen on "+ln.Addr().String()) {
		t.Errorf("bind failure: %s", r.stderr)
	}
	r = mustRun(t, 2, "serve", serveScenarioFile, "--listen", "0.0.0.0:0")
	if !strings.Contains(r.stderr, "is not a loopback address") {
		t.Errorf("non-loopback: %s", r.stderr)
	}
	r = mustRun(t, 2, "serve", "default")
	if !strings.Contains(r.stderr, "no framework has behavior external") {
		t.Errorf("nothing to serve: %s", r.stderr)
	}
	r = mustRun(t, 2, "serve", serveScenarioFile, "--until", "never")
	if !strings.Contains(r.stderr, "--until") {
		t.Errorf("--until: %s", r.stderr)
	}
	r = mustRun(t, 2, "run", serveScenarioFile)
	if !strings.Contains(r.stderr, "basic.yaml:10: framework ext has behavior external") {
		t.Errorf("run of an external scenario: %s", r.stderr)
	}
	mustRun(t, 0, "validate", serveScenarioFile)
}

// TestServeCommand serves a scenario, plays its framework with a few raw
// HTTP calls (SUBSCRIBE, then TEARDOWN on the stream), and checks the
// summary and the event log.
func TestServeCommand(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	events := filepath.Join(t.TempDir(), "events.jsonl")
	done := make(chan result, 1)
	go func() {
		done <- cli(t, "serve", serveScenarioFile, "--listen", addr, "--events", events, "--format", "json")
	}()
	var resp *http.Response
	for i := 0; ; i++ {
		req, _ := http.NewRequest(http.MethodPost, "http://"+addr+"/api/v1/scheduler",
			strings.NewReader(`{"type":"SUBSCRIBE","subscribe":{"framework_info":{"user":"u","name":"ext"}}}`))
		req.Header.Set("Content-Type", "application/json")
		resp, err = http.DefaultClient.Do(req)
		if err == nil {
			break
		}
		if i > 200 {
			t.Fatal(err)
		}
		time.Sleep(20 * time.Millisecond)
	}
	defer resp.Body.Close()
	line, _ := bufio.NewReader(resp.Body).ReadString('}')
	if resp.StatusCode != 200 || !strings.Contains(line, "SUBSCRIBED") {
		t.Fatalf("SUBSCRIBE: %d %q", resp.StatusCode, line)
	}
	req, _ := http.NewRequest(http.MethodPost, "http://"+addr+"/api/v1/scheduler", strings.NewReader(`{"type":"TEARDOWN","framework_id":{"value":"ext"}}`))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Mesos-Stream-Id", resp.Header.Get("Mesos-Stream-Id"))
	tr, err := http.DefaultClient.Do(req)
	if err != nil || tr.StatusCode != 202 {
		t.Fatalf("TEARDOWN: %v %v", tr, err)
	}
	tr.Body.Close()
	r := <-done
	r.want(t, 0, "serve")
	if !strings.HasPrefix(strings.TrimSpace(r.stdout), "{") {
		t.Errorf("no JSON summary: %s", r.stdout)
	}
	log, err := os.ReadFile(events)
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{`"kind":"framework_call","framework":"ext","type":"SUBSCRIBE"`, `"kind":"framework_removed","framework":"ext"`} {
		if !strings.Contains(string(log), want) {
			t.Errorf("the event log lacks %s", want)
		}
	}
}
