package main

import (
	"strings"
	"testing"
)

// The generators check the sweep's command line as compare and fuzz
// would, and refuse the flags the job sets itself, with status 2 and no
// output.
func TestSweepGeneratorsRefuse(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"sweep", "pbs"}, `unknown command "pbs" for "mesosim sweep"`},
		{[]string{"sweep", "slurm", "--", "compare", "drf-offer-filter"}, "--shards N is required"},
		{[]string{"sweep", "slurm", "--shards", "2", "--", "run", "drf-offer-filter"}, `the sweep's command "run": want compare or fuzz`},
		{[]string{"sweep", "slurm", "--shards", "2", "--", "compare", "drf-offer-filter", "--parallel", "4"}, "compare --parallel: the job sets --shard, --out and --parallel itself"},
		{[]string{"sweep", "k8s", "--shards", "2", "--image", "i", "--", "fuzz", "drf-offer-filter", "--shard", "0/2"}, "fuzz --shard: the job sets"},
		{[]string{"sweep", "slurm", "--shards", "2", "--", "fuzz", "drf-offer-filter", "--time-budget", "1m"}, "fuzz --time-budget and --shrink do not go in a sweep"},
		{[]string{"sweep", "slurm", "--shards", "2", "--", "fuzz", "drf-offer-filter", "--seeds", "0"}, "--seeds 0: must be in [1, 1000000]"},
		{[]string{"sweep", "slurm", "--shards", "2", "--", "compare", "nope"}, "no such file, and no embedded scenario"},
		{[]string{"sweep", "slurm", "--shards", "2", "--", "compare", "a", "b"}, "compare: want one scenario argument, got 2"},
		{[]string{"sweep", "slurm", "--shards", "100001", "--", "compare", "drf-offer-filter"}, "--shards 100001: must be in [1, 100000]"},
		{[]string{"sweep", "k8s", "--shards", "2", "--", "compare", "drf-offer-filter"}, `--image "": want a container image reference`},
	} {
		r := cli(t, tc.args...)
		if r.code != 2 || r.stdout != "" || !strings.Contains(r.stderr, tc.want) {
			t.Errorf("mesosim %s: exit %d, stdout %q, stderr %q; want 2, nothing and %q", strings.Join(tc.args, " "), r.code, r.stdout, r.stderr, tc.want)
		}
	}
}

// A job file records the sweep as a part does, runs the shards and the
// merge, and says so when some shards will be empty.
func TestSweepSlurmScript(t *testing.T) {
	t.Parallel()
	r := mustRun(t, 0, "sweep", "slurm", "--shards", "9", "--mesosim", "/opt/mesosim", "--parts", "out",
		"--", "compare", "drf-offer-filter", "--seeds", "2", "--allocators", "drf,fifo")
	for _, want := range []string{
		"# A mesosim sweep in 9 shards of its 4 cells, written by mesosim " + version + " (mesosim sweep slurm):\n#     mesosim compare drf-offer-filter --allocators=drf,fifo --seeds=2\n",
		"#SBATCH --array=0-8\n",
		"exec /opt/mesosim compare drf-offer-filter --allocators=drf,fifo --seeds=2 --shard \"$SLURM_ARRAY_TASK_ID/9\"",
		"--wrap='exec /opt/mesosim merge out/part-*.json > out/merged.out'",
	} {
		if !strings.Contains(r.stdout, want) {
			t.Errorf("the script lacks %q:\n%s", want, r.stdout)
		}
	}
	if r.stderr != "mesosim: note: 9 shards for 4 cells: 5 shards will be empty\n" {
		t.Errorf("stderr %q", r.stderr)
	}
}
