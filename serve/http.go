package serve

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime"
	"net"
	"net/http"
	"strings"
)

// The media types of the v1 API (src/common/http.hpp).
const (
	mediaJSON     = "application/json"
	mediaProtobuf = "application/x-protobuf"
	streamHeader  = "Mesos-Stream-Id"
)

func (s *Server) leaderMux() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("/api/v1/scheduler", s.handleScheduler)
	mux.HandleFunc("/version", s.handleVersion)
	mux.HandleFunc("/master/state", s.handleState)
	mux.HandleFunc("/state", s.handleState)
	mux.HandleFunc("/api/v1", s.handleOperator)
	return mux
}

// standbyMux is a master that does not lead: Master::Http::scheduler's
// redirect() answers 307 to the leader, or 503 "No leader elected".
func (s *Server) standbyMux() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s.mu.Lock()
		leading := s.w.Master() != nil && !s.ended
		s.mu.Unlock()
		if !leading {
			http.Error(w, "No leader elected", http.StatusServiceUnavailable)
			return
		}
		host, port, _ := net.SplitHostPort(s.Addr())
		w.Header().Set("Location", "//"+host+":"+port+r.URL.Path)
		w.WriteHeader(http.StatusTemporaryRedirect)
	})
}

func (s *Server) handleVersion(w http.ResponseWriter, r *http.Request) {
	writeJSON(w, http.StatusOK, map[string]string{"version": MesosVersion})
}

func writeJSON(w http.ResponseWriter, code int, v any) {
	b, err := json.Marshal(v)
	if err != nil {
		http.Error(w, err.Error(), http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", mediaJSON)
	w.WriteHeader(code)
	w.Write(b)
}

// httpError is an HTTP answer other than success.
type httpError struct {
	code int
	msg  string
}

func (e *httpError) Error() string { return e.msg }

func fail(code int, format string, args ...any) *httpError {
	return &httpError{code: code, msg: fmt.Sprintf(format, args...)}
}

// readCall checks a POST's headers and reads its JSON body as
// Master::Http::scheduler does: method, Content-Type, then the body.
func (s *Server) readCall(r *http.Request, w http.ResponseWriter, into any) *httpError {
	if r.Method != http.MethodPost {
		w.Header().Set("Allow", "POST")
		return fail(http.StatusMethodNotAllowed, "Expecting one of { 'POST' }, but received '%s'", r.Method)
	}
	ct := r.Header.Get("Content-Type")
	if ct == "" {
		return fail(http.StatusBadRequest, "Expecting 'Content-Type' to be present")
	}
	mt, _, err := mime.ParseMediaType(ct)
	switch {
	case err != nil:
		return fail(http.StatusUnsupportedMediaType, "Expecting 'Content-Type' of %s or %s", mediaJSON, mediaProtobuf)
	case mt == mediaProtobuf:
		return fail(http.StatusUnsupportedMediaType, "mesosim serves the JSON encoding only: send 'Content-Type: %s' (and accept %s)", mediaJSON, mediaJSON)
	case mt != mediaJSON:
		return fail(http.StatusUnsupportedMediaType, "Expecting 'Content-Type' of %s or %s", mediaJSON, mediaProtobuf)
	}
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, s.cfg.MaxBody))
	if err != nil {
		var mbe *http.MaxBytesError
		if errors.As(err, &mbe) {
			return fail(http.StatusRequestEntityTooLarge, "Request body is larger than the limit of %d bytes", s.cfg.MaxBody)
		}
		return fail(http.StatusBadRequest, "Failed to read the request body: %v", err)
	}
	if !json.Valid(body) {
		var v any
		err := json.Unmarshal(body, &v)
		return fail(http.StatusBadRequest, "Failed to parse body into JSON: %v", err)
	}
	dec := json.NewDecoder(bytes.NewReader(body))
	if err := dec.Decode(into); err != nil {
		return fail(http.StatusBadRequest, "Failed to convert JSON into Call protobuf: %v", err)
	}
	return nil
}

// acceptsJSON reports whether an Accept header allows application/json
// (an absent header allows everything).
func acceptsJSON(h string) bool {
	if strings.TrimSpace(h) == "" {
		return true
	}
	for _, part := range strings.Split(h, ",") {
		mt, params, err := mime.ParseMediaType(strings.TrimSpace(part))
		if err != nil {
			continue
		}
		if q, ok := params["q"]; ok && strings.TrimLeft(q, "0.") == "" {
			continue // q=0: not acceptable
		}
		if mt == mediaJSON || mt == "application/*" || mt == "*/*" {
			return true
		}
	}
	return false
}

// handleScheduler is POST /api/v1/scheduler.
func (s *Server) handleScheduler(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	s.flying++
	s.activity()
	s.mu.Unlock()
	landed := false
	land := func() { // the request is answered (a stream's is, once it is open)
		if !landed {
			landed = true
			s.mu.Lock()
			s.flying--
			s.activity()
			s.mu.Unlock()
		}
	}
	defer land()
	// A master that does not lead: during an election there is none.
	s.mu.Lock()
	noLeader := s.w.Master() == nil || s.ended
	s.mu.Unlock()
	if noLeader {
		http.Error(w, "No leader elected", http.StatusServiceUnavailable)
		return
	}
	var c wireCall
	if e := s.readCall(r, w, &c); e != nil {
		http.Error(w, e.msg, e.code)
		return
	}
	if c.Type == "SUBSCRIBE" {
		s.subscribe(w, r, &c, land)
		return
	}
	s.mu.Lock()
	e := s.call(r, &c)
	s.mu.Unlock()
	if e != nil {
		http.Error(w, e.msg, e.code)
		return
	}
	w.WriteHeader(http.StatusAccepted)
}

// subscribe is SUBSCRIBE: it answers 200 with a Mesos-Stream-Id and keeps
// the connection as the framework's event stream.
func (s *Server) subscribe(w http.ResponseWriter, r *http.Request, c *wireCall, land func()) {
	if !acceptsJSON(r.Header.Get("Accept")) {
		http.Error(w, "Expecting 'Accept' to allow '"+mediaJSON+"' (mesosim serves JSON only, not '"+mediaProtobuf+"')", http.StatusNotAcceptable)
		return
	}
	if _, ok := r.Header[http.CanonicalHeaderKey(streamHeader)]; ok {
		http.Error(w, "Subscribe calls should not include the 'Mesos-Stream-Id' header", http.StatusBadRequest)
		return
	}
	s.mu.Lock()
	st, e := s.openStream(c)
	s.mu.Unlock()
	if e != nil {
		http.Error(w, e.msg, e.code)
		return
	}
	w.Header().Set("Content-Type", mediaJSON)
	w.Header().Set(streamHeader, st.id)
	w.WriteHeader(http.StatusOK)
	land()
	s.writeStream(w, r, st)
}
