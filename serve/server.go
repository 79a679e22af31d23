package serve

import (
	"context"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"net"
	"net/http"
	"sort"
	"strconv"
	"sync"
	"time"

	"github.com/mesosim/mesosim/model"
	"github.com/mesosim/mesosim/scenarios"
	"github.com/mesosim/mesosim/sim"
)

// MesosVersion is the Mesos version mesosim answers as (GET /version and
// MasterInfo.version): the API it serves is Mesos 1.x's v1 scheduler API.
const MesosVersion = "1.11.0"

// Defaults and limits of a Config.
const (
	DefaultQuiet      = 50 * time.Millisecond
	DefaultStepCap    = 10 * time.Second
	DefaultWait       = 30 * time.Second
	DefaultFirstWait  = 10 * time.Minute
	DefaultMaxBody    = 4 << 20
	DefaultMaxCalls   = 10_000
	DefaultMaxStreams = 1000
	MaxQuiet          = 10 * time.Second
	MaxWallCap        = time.Hour
	MaxSpeed          = 1e6
	MaxBodyLimit      = 64 << 20
	MaxCallsLimit     = 1_000_000
	MaxStreamsLimit   = 100_000
	pollInterval      = 2 * time.Millisecond
	headerTimeout     = 10 * time.Second
)

// Config configures a Server.
type Config struct {
	// Listen is the leading master's address (host:port; port 0 picks one).
	Listen string
	// Standby, when set, is a second address that acts as a master that
	// does not lead: it answers 307 to the leader (503 during elections).
	Standby string
	// Quiet is the quiescence window: a framework is quiet when it has no
	// request in flight and has sent none for this long.
	Quiet time.Duration
	// StepCap is how long one frozen instant may wait for quiet before
	// virtual time moves on anyway (with a warning).
	StepCap time.Duration
	// Wait is how long virtual time waits for an external framework whose
	// stream mesosim closed to subscribe again, before it moves on
	// without it (with a warning); FirstWait, for an entry's first
	// subscription (the process may still be starting).
	Wait, FirstWait time.Duration
	// Speed, when positive, replaces lock-step with scaled real time:
	// Speed virtual seconds per wall second. Not deterministic.
	Speed float64
	// HoldElection freezes virtual time once, at the instant the leader
	// dies, until the frameworks are quiet: they see the election (503
	// "No leader elected"). Off, virtual time runs straight to the new
	// leader, and a framework's re-subscription meets it.
	HoldElection bool
	// UntilHorizon runs to the horizon even when every external framework
	// has torn down.
	UntilHorizon bool
	// MaxBody, MaxCalls and MaxStreams limit a request body's bytes, the
	// calls accepted in one frozen instant, and the open event streams.
	MaxBody    int64
	MaxCalls   int
	MaxStreams int
	// Log receives warnings (nil: discarded).
	Log io.Writer
}

func (c *Config) defaults() error {
	if c.Quiet == 0 {
		c.Quiet = DefaultQuiet
	}
	if c.StepCap == 0 {
		c.StepCap = DefaultStepCap
	}
	if c.Wait == 0 {
		c.Wait = DefaultWait
	}
	if c.FirstWait == 0 {
		c.FirstWait = DefaultFirstWait
	}
	if c.MaxBody == 0 {
		c.MaxBody = DefaultMaxBody
	}
	if c.MaxCalls == 0 {
		c.MaxCalls = DefaultMaxCalls
	}
	if c.MaxStreams == 0 {
		c.MaxStreams = DefaultMaxStreams
	}
	if c.Log == nil {
		c.Log = io.Discard
	}
	switch {
	case c.Quiet < 0 || c.Quiet > MaxQuiet:
		return fmt.Errorf("quiet window %s is out of range (0, %s]", c.Quiet, MaxQuiet)
	case c.StepCap < 0 || c.StepCap > MaxWallCap:
		return fmt.Errorf("step cap %s is out of range (0, %s]", c.StepCap, MaxWallCap)
	case c.Wait < 0 || c.Wait > MaxWallCap:
		return fmt.Errorf("wait %s is out of range (0, %s]", c.Wait, MaxWallCap)
	case c.FirstWait < 0 || c.FirstWait > MaxWallCap:
		return fmt.Errorf("first wait %s is out of range (0, %s]", c.FirstWait, MaxWallCap)
	case c.Speed < 0 || c.Speed > MaxSpeed:
		return fmt.Errorf("speed %v is out of range [0, %v]", c.Speed, MaxSpeed)
	case c.MaxBody < 0 || c.MaxBody > MaxBodyLimit:
		return fmt.Errorf("body limit %d is out of range (0, %d]", c.MaxBody, MaxBodyLimit)
	case c.MaxCalls < 0 || c.MaxCalls > MaxCallsLimit:
		return fmt.Errorf("calls limit %d is out of range (0, %d]", c.MaxCalls, MaxCallsLimit)
	case c.MaxStreams < 0 || c.MaxStreams > MaxStreamsLimit:
		return fmt.Errorf("streams limit %d is out of range (0, %d]", c.MaxStreams, MaxStreamsLimit)
	}
	return nil
}

// BindError is a listen address that could not be bound.
type BindError struct {
	Addr string
	Err  error
}

func (e *BindError) Error() string { return fmt.Sprintf("cannot listen on %s: %v", e.Addr, e.Err) }

func (e *BindError) Unwrap() error { return e.Err }

// extFramework is one external framework: a scenario entry (or an admitted
// unknown one) and the outside process's connection to it.
type extFramework struct {
	name  string
	spec  *scenarios.FrameworkSpec // nil: admitted unknown framework
	rng   *rand.Rand               // task durations and failures
	cfg   model.FrameworkConfig
	added bool // subscribed once: the world has it
	// torn: it sent TEARDOWN (or the master refused it for good);
	// tearing: a TEARDOWN was accepted (it may not have applied yet).
	torn, tearing bool
	// gaveUp: virtual time stopped waiting for it to (re)subscribe.
	gaveUp bool
	stream *stream
	// streams counts the streams it has opened (for stream IDs).
	streams int
}

// Server is mesosim serve: the simulated cluster behind the v1 scheduler
// HTTP API.
type Server struct {
	cfg   Config
	sim   *scenarios.Sim
	w     *model.World
	until sim.Time

	ln, standby net.Listener
	http        []*http.Server

	mu      sync.Mutex
	fws     map[string]*extFramework
	calls   []pending
	open    int // open streams
	flying  int // requests in flight
	writes  int // events queued and not yet written
	last    time.Time
	leader  *model.Master
	elected int // leaders so far (for MasterInfo.id)
	ended   bool
	steps   int64
	// halt freezes the instant the leader died at, once.
	halt bool
}

// New builds a server for a scenario built with scenarios.BuildServed and
// binds its listeners; Run serves it.
func New(s *scenarios.Sim, cfg Config) (*Server, error) {
	if err := cfg.defaults(); err != nil {
		return nil, err
	}
	srv := &Server{cfg: cfg, sim: s, w: s.World, until: s.Scenario.Duration, fws: map[string]*extFramework{}}
	for _, f := range s.Scenario.Externals() {
		srv.fws[f.Name] = &extFramework{name: f.Name, spec: f, cfg: externalConfig(f),
			rng: s.World.Streams().Get("external/" + f.Name)}
	}
	srv.leader = s.World.Master()
	srv.elected = 1
	srv.w.Observe(model.ObserverFunc(srv.observe))
	ln, err := net.Listen("tcp", cfg.Listen)
	if err != nil {
		return nil, &BindError{Addr: cfg.Listen, Err: err}
	}
	srv.ln = ln
	if cfg.Standby != "" {
		sb, err := net.Listen("tcp", cfg.Standby)
		if err != nil {
			ln.Close()
			return nil, &BindError{Addr: cfg.Standby, Err: err}
		}
		srv.standby = sb
	}
	return srv, nil
}

// externalConfig is an external entry's model configuration before its
// FrameworkInfo arrives.
func externalConfig(f *scenarios.FrameworkSpec) model.FrameworkConfig {
	cfg := f.Config()
	cfg.External = true
	return cfg
}

// Addr returns the leading master's address.
func (s *Server) Addr() string { return s.ln.Addr().String() }

// StandbyAddr returns the standby master's address ("" without one).
func (s *Server) StandbyAddr() string {
	if s.standby == nil {
		return ""
	}
	return s.standby.Addr().String()
}

// Run serves until the run ends (see docs/serve.md) and returns the
// virtual time it ended at. The listeners are closed when it returns.
func (s *Server) Run() sim.Time {
	s.start(s.ln, s.leaderMux())
	if s.standby != nil {
		s.start(s.standby, s.standbyMux())
	}
	s.mu.Lock()
	if s.cfg.Speed > 0 {
		s.runScaled()
	} else {
		s.runLockStep()
	}
	end := s.w.Now()
	s.ended = true
	for _, name := range s.names() {
		s.closeStream(s.fws[name])
	}
	s.mu.Unlock()
	for _, h := range s.http {
		ctx, cancel := context.WithTimeout(context.Background(), time.Second)
		h.Shutdown(ctx)
		cancel()
		h.Close()
	}
	return end
}

func (s *Server) start(ln net.Listener, h http.Handler) {
	hs := &http.Server{Handler: h, ReadHeaderTimeout: headerTimeout}
	s.http = append(s.http, hs)
	go func() {
		if err := hs.Serve(ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
			fmt.Fprintf(s.cfg.Log, "mesosim serve: %v\n", err)
		}
	}()
}

// Steps returns how many frozen instants the run has had.
func (s *Server) Steps() int64 {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.steps
}

// names returns the external frameworks' names, sorted.
func (s *Server) names() []string {
	out := make([]string, 0, len(s.fws))
	for n := range s.fws {
		out = append(out, n)
	}
	sort.Strings(out)
	return out
}

// observe watches the world's records for what closes a stream: a
// framework failover fault on an external framework.
func (s *Server) observe(r *model.Record) {
	if r.Kind == model.KindFault && r.Fault == "framework_disconnect" {
		if f := s.fws[r.Framework]; f != nil {
			s.closeStream(f)
		}
	}
}

// activity marks wall-clock activity for the quiescence window.
func (s *Server) activity() { s.last = time.Now() }

func (s *Server) warnf(format string, args ...any) {
	fmt.Fprintf(s.cfg.Log, "mesosim serve: warning: at %s: "+format+"\n", append([]any{s.w.Now()}, args...)...)
}

func itoa(n int) string { return strconv.Itoa(n) }
