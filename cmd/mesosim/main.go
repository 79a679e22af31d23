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
)

// version is mesosim's version, printed by `mesosim version` and written
// in event log headers.
var version = "0.1.0-dev"

// Exit statuses.
const (
	exitOK      = 0
	exitFailure = 1 // the run itself failed (I/O, internal error)
	exitInput   = 2 // bad input: scenario, flags, arguments
)

// inputError marks an error caused by the user's input (exit status 2).
type inputError struct{ err error }

func (e inputError) Error() string { return e.err.Error() }
func (e inputError) Unwrap() error { return e.err }

func badInput(format string, a ...any) error { return inputError{fmt.Errorf(format, a...)} }

func main() {
	os.Exit(execute(os.Args[1:], os.Stdout, os.Stderr))
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
	if errors.As(err, &ie) || errors.As(err, &se) || isFlagError(err) {
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
	root.SetFlagErrorFunc(func(c *cobra.Command, err error) error { return flagError{err} })
	opts.register(root)
	root.AddCommand(newRunCmd(), newCompareCmd(), newFuzzCmd(), newTraceCmd(), newReplayCmd(), newValidateCmd(), newScenariosCmd(), newVersionCmd(), newBenchCmd(), newPlotCmd())
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
