package main

import (
	"errors"
	"fmt"
	"net"
	"time"

	"github.com/spf13/cobra"

	"github.com/mesosim/mesosim/scenarios"
	"github.com/mesosim/mesosim/serve"
	"github.com/mesosim/mesosim/sim"
)

// serveOptions are the flags of `mesosim serve`: run's, and the server's.
type serveOptions struct {
	run     runOptions
	listen  string
	standby string
	until   string
	remote  bool
	cfg     serve.Config
}

func newServeCmd() *cobra.Command {
	o := &serveOptions{}
	cmd := &cobra.Command{
		Use:   "serve SCENARIO.yaml|NAME",
		Short: "Serve the scenario's master over the Mesos v1 scheduler HTTP API to outside frameworks",
		Long: `Serve the scenario's leading master at --listen over the Mesos v1
scheduler HTTP API (JSON, RecordIO event streams). Frameworks with
"behavior: external" in the scenario are played by outside processes: the
one whose SUBSCRIBE carries framework_info.name equal to the entry's name
takes the entry. Virtual time moves in lock-step with them (see
docs/serve.md): the same scenario, seed and a deterministic framework give
the same event log, byte for byte.

The run ends at the horizon, or when every external framework has torn
down (--until teardown, the default); it then prints the summary as run
does. Exit status 1 when an invariant broke, 2 on bad input or when an
address cannot be bound.`,
		Args: checkArgs(cobra.ExactArgs(1)),
		RunE: func(cmd *cobra.Command, args []string) error {
			return serveScenario(cmd, o, args[0])
		},
	}
	o.run.register(cmd)
	f := cmd.Flags()
	f.StringVar(&o.listen, "listen", "127.0.0.1:5050", "the leading master's address, HOST:PORT (loopback unless --remote)")
	f.StringVar(&o.standby, "standby", "", "also serve a master that does not lead at HOST:PORT (it answers 307 to the leader)")
	f.BoolVar(&o.remote, "remote", false, "allow --listen and --standby on addresses other than loopback")
	f.StringVar(&o.until, "until", "teardown", "end at the horizon or when every external framework tore down (teardown), or always at the horizon (horizon)")
	f.DurationVar(&o.cfg.Quiet, "quiet", serve.DefaultQuiet, "quiescence window of wall time: a framework is quiet after this long without a request")
	f.DurationVar(&o.cfg.StepCap, "step-cap", serve.DefaultStepCap, "wall time one frozen instant waits for quiet before virtual time moves on")
	f.DurationVar(&o.cfg.Wait, "wait", serve.DefaultWait, "wall time virtual time waits for an external framework to re-subscribe after its stream closed")
	f.DurationVar(&o.cfg.FirstWait, "first-wait", serve.DefaultFirstWait, "wall time virtual time waits for each external framework's first subscription")
	f.BoolVar(&o.cfg.HoldElection, "hold-election", false, "freeze virtual time once when the leader dies, so frameworks see 503 during the election")
	f.Float64Var(&o.cfg.Speed, "speed", 0, "scaled real time instead of lock-step: virtual seconds per wall second (not deterministic)")
	f.Int64Var(&o.cfg.MaxBody, "max-body", serve.DefaultMaxBody, "largest request body in bytes (413 beyond)")
	f.IntVar(&o.cfg.MaxCalls, "max-calls", serve.DefaultMaxCalls, "most calls taken in one frozen instant (429 beyond)")
	f.IntVar(&o.cfg.MaxStreams, "max-streams", serve.DefaultMaxStreams, "most open SUBSCRIBE streams (429 beyond)")
	return cmd
}

// loopbackOnly refuses a non-loopback address unless --remote.
func (o *serveOptions) loopbackOnly(flag, addr string) error {
	if addr == "" || o.remote {
		return nil
	}
	host, _, err := net.SplitHostPort(addr)
	if err != nil {
		return badInput("--%s: %v", flag, err)
	}
	if host == "localhost" {
		return nil
	}
	if ip := net.ParseIP(host); ip == nil || !ip.IsLoopback() {
		return badInput("--%s: %s is not a loopback address (pass --remote to serve on it)", flag, addr)
	}
	return nil
}

func serveScenario(cmd *cobra.Command, o *serveOptions, name string) error {
	switch o.run.format {
	case "table", "json", "csv":
	default:
		return badInput("--format: %q is not one of table, json, csv", o.run.format)
	}
	switch o.until {
	case "teardown":
	case "horizon":
		o.cfg.UntilHorizon = true
	default:
		return badInput("--until: %q is not one of teardown, horizon", o.until)
	}
	if o.run.heartbeats && o.run.events == "" {
		return badInput("--events-heartbeats: there is no event log to keep them in (add --events FILE)")
	}
	if err := o.loopbackOnly("listen", o.listen); err != nil {
		return err
	}
	if err := o.loopbackOnly("standby", o.standby); err != nil {
		return err
	}
	skip, err := parseSkip(o.run.skip)
	if err != nil {
		return err
	}
	sc, err := o.run.load(cmd, name)
	if err != nil {
		return err
	}
	if o.run.check {
		if err := checkHorizon(sc, skip, durationFrom(o.run.duration, o.run.sets)); err != nil {
			return err
		}
	}
	if len(sc.Externals()) == 0 && !sc.Serve.AdmitUnknown {
		return badInput("%s: no framework has behavior external and serve.admit_unknown is false: nothing to serve", sc.File)
	}
	s, err := scenarios.BuildServed(sc)
	if err != nil {
		return err
	}
	o.cfg.Listen, o.cfg.Standby, o.cfg.Log = o.listen, o.standby, cmd.ErrOrStderr()
	srv, err := serve.New(s, o.cfg)
	if err != nil {
		var be *serve.BindError
		if errors.As(err, &be) {
			return badInput("--listen: %v", err)
		}
		return badInput("%v", err)
	}
	fmt.Fprintf(cmd.ErrOrStderr(), "mesosim serve: %s at http://%s/api/v1/scheduler\n", sc.Name, srv.Addr())
	if a := srv.StandbyAddr(); a != "" {
		fmt.Fprintf(cmd.ErrOrStderr(), "mesosim serve: standby master at http://%s\n", a)
	}
	start := time.Now()
	return o.run.execute(cmd, name, sc, s, skip, nil, func() sim.Time {
		end := srv.Run()
		wall := time.Since(start).Seconds()
		fmt.Fprintf(cmd.ErrOrStderr(), "mesosim serve: ended at %s of virtual time after %.1fs of wall time (%d frozen instants)\n", end, wall, srv.Steps())
		return end
	})
}
