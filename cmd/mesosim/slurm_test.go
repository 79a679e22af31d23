package main

import (
	"bytes"
	"context"
	"errors"
	"os"
	"os/exec"
	"testing"
	"time"
)

// TestSlurmSweep runs .ci/slurm-sweep.sh: compare and fuzz sweeps in 3, 1
// and 20 shards submitted to a real single-node Slurm through the scripts
// `mesosim sweep slurm` writes, each merged output checked byte for byte
// against the single-machine run. It skips, with the reason, where Slurm
// is not installed or cannot be started (the script exits 77), unless
// MESOSIM_REQUIRE_SLURM=1 (as .ci/run sets it), and under -short or
// MESOSIM_SKIP_SLURM=1 (.ci/run's go test ./..., which runs it in a step
// of its own).
func TestSlurmSweep(t *testing.T) {
	required := os.Getenv("MESOSIM_REQUIRE_SLURM") == "1"
	switch {
	case os.Getenv("MESOSIM_SKIP_SLURM") == "1" && !required:
		t.Skip("MESOSIM_SKIP_SLURM=1: .ci/run runs this test in its Slurm step")
	case testing.Short() && !required:
		t.Skip("-short: the Slurm sweep takes about two minutes")
	}
	if _, err := exec.LookPath("bash"); err != nil {
		t.Skip("no bash")
	}
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, "bash", "../../.ci/slurm-sweep.sh")
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	err := cmd.Run()
	var ee *exec.ExitError
	if errors.As(err, &ee) && ee.ExitCode() == 77 {
		if required {
			t.Fatalf("MESOSIM_REQUIRE_SLURM=1 but Slurm could not be run:\n%s", out.String())
		}
		t.Skipf("Slurm is not available here (apt-get install -y slurm-wlm munge, as root):\n%s", out.String())
	}
	if err != nil {
		t.Fatalf(".ci/slurm-sweep.sh: %v\n%s", err, out.String())
	}
	if !bytes.Contains(out.Bytes(), []byte("slurm-sweep OK")) {
		t.Fatalf(".ci/slurm-sweep.sh did not finish:\n%s", out.String())
	}
	t.Log(out.String())
}
