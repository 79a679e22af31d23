package sweep

import (
	"fmt"
	"regexp"
	"strings"
)

// Limits of a job file.
const (
	MaxCPUsPerTask = 1024 // mesosim's own --parallel limit
	maxNameLen     = 52   // a Kubernetes Job name leaves room for pod suffixes
)

// Job is a sweep to run on a cluster: the shards of one compare or fuzz
// command, each writing its part into a shared folder, and a merge of the
// parts once every shard is done.
type Job struct {
	// Name names the jobs (NAME for the shards, NAME-merge for the
	// merge): lowercase letters, digits and '-', as Kubernetes wants.
	Name string
	// Shards is the shard count N; MaxRunning how many run at once (0:
	// as many as the engine allows); CPUs the CPUs of each shard, its
	// --parallel.
	Shards, MaxRunning, CPUs int
	// Mesosim is the mesosim binary the tasks run.
	Mesosim string
	// Command is "compare" or "fuzz", Args its arguments (the scenario
	// and flags, without --shard, --out and --parallel, which the job
	// sets) and MergeArgs extra arguments of the merge (--format,
	// --shrink ...).
	Command   string
	Args      []string
	MergeArgs []string
	// Parts is the folder the parts, the logs and the merged output go
	// to: relative to the submission directory for Slurm, the mount
	// point of the parts volume for Kubernetes.
	Parts string
}

var (
	jobName  = regexp.MustCompile(`^[a-z0-9]([-a-z0-9]*[a-z0-9])?$`)
	partsDir = regexp.MustCompile(`^[A-Za-z0-9_./-]{1,1000}$`)
)

// check validates the job's fields.
func (j *Job) check() error {
	switch {
	case !jobName.MatchString(j.Name) || len(j.Name) > maxNameLen:
		return fmt.Errorf("--name %q: want lowercase letters, digits and '-', starting and ending with a letter or digit, at most %d characters", j.Name, maxNameLen)
	case j.Shards < 1 || j.Shards > MaxShards:
		return fmt.Errorf("--shards %d: must be in [1, %d]", j.Shards, MaxShards)
	case j.MaxRunning < 0 || j.MaxRunning > MaxShards:
		return fmt.Errorf("--max-running %d: must be in [0, %d] (0: no limit)", j.MaxRunning, MaxShards)
	case j.CPUs < 1 || j.CPUs > MaxCPUsPerTask:
		return fmt.Errorf("--cpus-per-task %d: must be in [1, %d]", j.CPUs, MaxCPUsPerTask)
	case j.Command != "compare" && j.Command != "fuzz":
		return fmt.Errorf("the sweep's command %q is not compare or fuzz", j.Command)
	case j.Mesosim == "":
		return fmt.Errorf("--mesosim: empty")
	case !partsDir.MatchString(j.Parts):
		return fmt.Errorf("--parts %q: want a folder name of letters, digits and _-./ (it goes unquoted into #SBATCH lines)", j.Parts)
	}
	for _, a := range append(append([]string{j.Mesosim}, j.Args...), j.MergeArgs...) {
		if strings.ContainsAny(a, "\n\r\x00") {
			return fmt.Errorf("argument %q: a line break or NUL has no place in a job file", a)
		}
	}
	return nil
}

// shardCommand is the shell command of one shard, index being the shell
// expression of the shard's index (e.g. "$SLURM_ARRAY_TASK_ID") and
// parallel that of its --parallel.
func (j *Job) shardCommand(quote func(string) string, index, parallel string) string {
	words := []string{quote(j.Mesosim), j.Command}
	for _, a := range j.Args {
		words = append(words, quote(a))
	}
	words = append(words, "--shard", `"`+index+`/`+fmt.Sprint(j.Shards)+`"`, "--parallel", parallel,
		"--out", quote(j.Parts)+`/part-"`+index+`".json`)
	return strings.Join(words, " ")
}

// mergeCommand is the shell command of the merge, its standard output to
// PARTS/merged.out.
func (j *Job) mergeCommand(quote func(string) string) string {
	words := []string{quote(j.Mesosim), "merge"}
	for _, a := range j.MergeArgs {
		words = append(words, quote(a))
	}
	words = append(words, quote(j.Parts)+"/part-*.json", ">", quote(j.Parts)+"/merged.out")
	return strings.Join(words, " ")
}
