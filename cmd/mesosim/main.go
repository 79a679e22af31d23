// Command mesosim is a deterministic discrete-event simulator of Apache
// Mesos two-level scheduling. `mesosim` with no arguments runs the embedded
// default scenario and prints its summary table.
package main

import (
	"errors"
	"fmt"
	"io"
	"os"

	"github.com/spf13/cobra"

	"github.com/mesosim/mesosim/scenarios"
	"github.com/mesosim/mesosim/traces"
)

// version is mesosim's version, printed by `mesosim version` and written
// in event log headers.
var version = "0.1.0-dev"

// Exit statuses.
const (
	exitOK      = 0
	exitFailure = 1 // the run itself failed (I/O, internal error)
	exitInput   = 2 // bad input: scenario, flags, arguments
	// exitInterrupt and exitTerm end a fuzz or compare stopped by SIGINT
	// or SIGTERM (128 plus the signal's number, as a shell reports it).
	exitInterrupt = 130
	exitTerm      = 143
)

// inputError marks an error caused by the user's input (exit status 2).
type inputError struct{ err error }

func (e inputError) Error() string { return e.err.Error() }
func (e inputError) Unwrap() error { return e.err }

func badInput(format string, a ...any) error { return inputError{fmt.Errorf(format, a...)} }

func main() {
	stdout, stderr := &checkedWriter{w: os.Stdout}, &checkedWriter{w: os.Stderr}
	code := execute(os.Args[1:], stdout, stderr)
	os.Exit(writeStatus(code, stdout, stderr))
}

// checkedWriter remembers the first error writing to w, so that a failed
// write to stdout or stderr (a full disk, /dev/full, a closed pipe) is
// never ignored, even where the code that wrote did not look.
type checkedWriter struct {
	w   io.Writer
	err error
}

func (c *checkedWriter) Write(p []byte) (int, error) {
	n, err := c.w.Write(p)
	if err != nil && c.err == nil {
		c.err = err
	}
	return n, err
}

// writeStatus is the exit status once the command returned code: a
// write error on stdout or stderr turns a success (or a bad input, whose
// message may not have got out) into status 1, said on stderr if it still
// can be.
func writeStatus(code int, stdout, stderr *checkedWriter) int {
	if stdout.err == nil && stderr.err == nil {
		return code
	}
	if stdout.err != nil && code == exitOK {
		// Nothing reported it: the command did not look.
		fmt.Fprintf(stderr, "mesosim: writing standard output: %v\n", stdout.err)
	}
	if code == exitOK || code == exitInput {
		return exitFailure
	}
	return code
}

// execute runs the CLI with args and returns the exit status.
func execute(args []string, stdout, stderr io.Writer) int {
	root := newRoot(stdout, stderr)
	root.SetArgs(args)
	err := root.Execute()
	if err == nil {
		return exitOK
	}
	fmt.Fprintln(stderr, "mesosim:", err)
	var ie inputError
	var se *scenarios.Error
	var intr interruptedError
	if errors.As(err, &intr) {
		return intr.status()
	}
	if errors.As(err, &ie) || errors.As(err, &se) || isFlagError(err) || traces.IsInputError(err) {
		return exitInput
	}
	return exitFailure
}

// flagError wraps cobra's flag parsing errors so they exit with status 2.
type flagError struct{ error }

func isFlagError(err error) bool {
	var fe flagError
	return errors.As(err, &fe)
}

// checkArgs wraps a cobra positional-argument check so that a wrong number
// of arguments (or an unknown subcommand, which cobra reports through the
// root's check) is bad input, exit status 2.
func checkArgs(check cobra.PositionalArgs) cobra.PositionalArgs {
	return func(cmd *cobra.Command, args []string) error {
		if err := check(cmd, args); err != nil {
			return inputError{err}
		}
		return nil
	}
}

func newRoot(stdout, stderr io.Writer) *cobra.Command {
	opts := &runOptions{format: "table"}
	root := &cobra.Command{
		Use:   "mesosim",
		Short: "Deterministic discrete-event simulator of Apache Mesos scheduling",
		Long: `mesosim simulates Apache Mesos two-level scheduling: a master with a
pluggable allocator, agents and frameworks exchanging Mesos messages over a
simulated network, driven by one seed. The same seed and scenario give a
byte-identical history.

With no subcommand it runs the embedded default scenario (same as
"mesosim run").`,
		Args:          checkArgs(cobra.NoArgs),
		SilenceUsage:  true,
		SilenceErrors: true,
		RunE: func(cmd *cobra.Command, args []string) error {
			return runScenario(cmd, opts, scenarios.DefaultName)
		},
	}
	root.SetOut(stdout)
	root.SetErr(stderr)
	root.SetFlagErrorFunc(func(c *cobra.Command, err error) error { return flagError{flagWords(err)} })
	opts.register(root)
	root.AddCommand(newRunCmd(), newCompareCmd(), newFuzzCmd(), newTraceCmd(), newReplayCmd(), newValidateCmd(), newScenariosCmd(),
		newVersionCmd(), newBenchCmd(), newMergeCmd(), newSweepCmd(), newExplainCmd(), newServeCmd(), newPlotCmd())
	conventions(root)
	return root
}

func newVersionCmd() *cobra.Command {
	return &cobra.Command{
		Use:   "version",
		Short: "Print mesosim's version",
		Args:  checkArgs(cobra.NoArgs),
		RunE: func(cmd *cobra.Command, args []string) error {
			_, err := fmt.Fprintf(cmd.OutOrStdout(), "mesosim %s\n", version)
			return err
		},
	}
}
