package sweep

import (
	"fmt"
	"strings"

	"github.com/mesosim/mesosim/internal/shell"
)

// Slurm returns a bash script that, run with bash from the directory the
// sweep is to run in, submits the shards as a Slurm job array
// (--array=0-(N-1)%K, each task a shard with --parallel
// $SLURM_CPUS_PER_TASK, its part in PARTS/part-I.json) and the merge as a
// job that starts once every task succeeded (--dependency=afterok:ARRAY,
// --kill-on-invalid-dep=yes), its output in PARTS/merged.out. sbatch
// reads the #SBATCH lines when the script submits itself; run inside a
// task (SLURM_ARRAY_TASK_ID set) it runs that task's shard. sbatch
// options the site needs (--partition, --time, --account ...) go in
// extra, on both jobs. header is the comment naming the sweep.
func Slurm(j Job, extra []string, header string) ([]byte, error) {
	if err := j.check(); err != nil {
		return nil, err
	}
	for _, e := range extra {
		if !strings.HasPrefix(e, "--") || strings.ContainsAny(e, "\n\r\x00 ") {
			return nil, fmt.Errorf("--sbatch %q: want one sbatch option such as --partition=batch (no spaces)", e)
		}
	}
	q := shell.Quote
	array := fmt.Sprintf("0-%d", j.Shards-1)
	if j.MaxRunning > 0 {
		array += fmt.Sprintf("%%%d", j.MaxRunning)
	}
	var b strings.Builder
	b.WriteString("#!/bin/bash\n")
	for _, l := range strings.Split(strings.TrimRight(header, "\n"), "\n") {
		b.WriteString(strings.TrimRight("# "+l, " ") + "\n")
	}
	fmt.Fprintf(&b, `#
# Save it as %[1]s.sbatch and submit it from the directory the sweep runs in:
#     bash %[1]s.sbatch
# (bash, not sbatch: it submits the %[2]d shards as a job array and the merge
# as a job that starts when every shard has succeeded). Parts, logs and the
# merged output go to %[3]s/: part-I.json and shard-I.log per shard,
# merged.out (the output) and merge.log (its standard error).
# A failed shard cancels the merge; resubmit it alone with
#     sbatch --array=I %[1]s.sbatch
# and merge by hand: %[4]s
#SBATCH --job-name=%[1]s
#SBATCH --array=%[5]s
#SBATCH --cpus-per-task=%[6]d
#SBATCH --output=%[3]s/shard-%%a.log
`, j.Name, j.Shards, j.Parts, j.mergeCommand(q), array, j.CPUs)
	for _, e := range extra {
		b.WriteString("#SBATCH " + e + "\n")
	}
	extraWords := ""
	for _, e := range extra {
		extraWords += " " + q(e)
	}
	fmt.Fprintf(&b, `set -euo pipefail
if [ -z "${SLURM_ARRAY_TASK_ID:-}" ]; then
  mkdir -p %[1]s
  array=$(sbatch --parsable "$0")
  array=${array%%%%;*}
  merge=$(sbatch --parsable --job-name=%[2]s-merge --dependency=afterok:"$array" --kill-on-invalid-dep=yes%[3]s \
    --cpus-per-task=1 --output=%[1]s/merge.log --wrap=%[4]s)
  merge=${merge%%%%;*}
  echo "submitted: shards job array $array, merge job $merge; the output will be in %[1]s/merged.out"
  exit 0
fi
exec %[5]s
`, q(j.Parts), j.Name, extraWords, q("exec "+j.mergeCommand(q)),
		j.shardCommand(q, "$SLURM_ARRAY_TASK_ID", `"${SLURM_CPUS_PER_TASK:-1}"`))
	return []byte(b.String()), nil
}
