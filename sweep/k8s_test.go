package sweep

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"strings"
	"testing"

	"go.yaml.in/yaml/v3"
	batchv1 "k8s.io/api/batch/v1"
	corev1 "k8s.io/api/core/v1"
)

func testJob() Job {
	return Job{Name: "study", Shards: 5, MaxRunning: 2, CPUs: 3, Mesosim: "mesosim", Command: "compare",
		Args: []string{"my scenario.yaml", "--seeds=10"}, MergeArgs: []string{"--format=csv"}, Parts: "/parts"}
}

// decodeStrict decodes one YAML document into v (a k8s.io/api type)
// through JSON, as kubectl does, refusing any field the type lacks.
func decodeStrict(t *testing.T, doc map[string]any, v any) {
	t.Helper()
	b, err := json.Marshal(doc)
	if err != nil {
		t.Fatal(err)
	}
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		t.Fatalf("%T: %v\n%s", v, err, b)
	}
}

// manifestDocs splits a manifest into its YAML documents.
func manifestDocs(t *testing.T, manifest []byte) []map[string]any {
	t.Helper()
	var docs []map[string]any
	dec := yaml.NewDecoder(bytes.NewReader(manifest))
	for {
		var d map[string]any
		err := dec.Decode(&d)
		if errors.Is(err, io.EOF) {
			return docs
		}
		if err != nil {
			t.Fatal(err)
		}
		docs = append(docs, d)
	}
}

// The manifest is a PersistentVolumeClaim and two batch/v1 Jobs that
// k8s.io/api's types take field for field: an Indexed Job of the shards
// and the merge Job, sharing the claim.
func TestKubernetesManifestDecodes(t *testing.T) {
	m, err := Kubernetes(testJob(), K8s{Image: "registry.example/mesosim:1", ClaimSize: "2Gi", StorageClass: "nfs", Retries: 3}, "a sweep")
	if err != nil {
		t.Fatal(err)
	}
	docs := manifestDocs(t, m)
	if len(docs) != 3 {
		t.Fatalf("%d documents, want 3:\n%s", len(docs), m)
	}
	var pvc corev1.PersistentVolumeClaim
	var shards, merge batchv1.Job
	decodeStrict(t, docs[0], &pvc)
	decodeStrict(t, docs[1], &shards)
	decodeStrict(t, docs[2], &merge)

	if pvc.Kind != "PersistentVolumeClaim" || pvc.Name != "study-parts" || pvc.Spec.AccessModes[0] != corev1.ReadWriteMany ||
		*pvc.Spec.StorageClassName != "nfs" || pvc.Spec.Resources.Requests.Storage().String() != "2Gi" {
		t.Errorf("claim %+v", pvc)
	}
	s := shards.Spec
	if shards.APIVersion != "batch/v1" || shards.Kind != "Job" || shards.Name != "study" ||
		s.CompletionMode == nil || *s.CompletionMode != batchv1.IndexedCompletion ||
		*s.Completions != 5 || *s.Parallelism != 2 || *s.BackoffLimitPerIndex != 3 {
		t.Errorf("shards job %+v", shards)
	}
	pod := s.Template.Spec
	c := pod.Containers[0]
	wantCmd := `exec mesosim compare 'my scenario.yaml' --seeds=10 --shard "$JOB_COMPLETION_INDEX/5" --parallel 3 --out /parts/part-"$JOB_COMPLETION_INDEX".json`
	if pod.RestartPolicy != corev1.RestartPolicyNever || c.Image != "registry.example/mesosim:1" ||
		len(c.Command) != 3 || c.Command[2] != wantCmd || c.Resources.Limits.Cpu().String() != "3" ||
		c.VolumeMounts[0].MountPath != "/parts" || pod.Volumes[0].PersistentVolumeClaim.ClaimName != "study-parts" {
		t.Errorf("shard pod %+v\ncommand %q", pod, c.Command)
	}
	mp := merge.Spec.Template.Spec
	if merge.Name != "study-merge" || merge.Spec.CompletionMode != nil || *merge.Spec.BackoffLimit != 3 ||
		len(mp.InitContainers) != 1 || !strings.Contains(mp.InitContainers[0].Command[2], `-ge 5 ]`) ||
		!strings.HasPrefix(mp.Containers[0].Command[2], "mesosim merge --format=csv /parts/part-*.json > /parts/merged.out;") ||
		mp.Volumes[0].PersistentVolumeClaim.ClaimName != "study-parts" {
		t.Errorf("merge job %+v", merge)
	}

	// With an existing claim, no claim is made.
	m, err = Kubernetes(testJob(), K8s{Image: "i", Claim: "shared", Retries: 1}, "a sweep")
	if err != nil {
		t.Fatal(err)
	}
	docs = manifestDocs(t, m)
	decodeStrict(t, docs[0], &shards)
	if len(docs) != 2 || shards.Spec.Template.Spec.Volumes[0].PersistentVolumeClaim.ClaimName != "shared" {
		t.Errorf("with --claim: %d documents\n%s", len(docs), m)
	}
}

func TestKubernetesRefuses(t *testing.T) {
	for _, tc := range []struct {
		edit func(j *Job, k *K8s)
		want string
	}{
		{func(j *Job, k *K8s) { k.Image = "" }, `--image "": want a container image reference`},
		{func(j *Job, k *K8s) { k.Claim = "Bad_Name" }, `--claim "Bad_Name"`},
		{func(j *Job, k *K8s) { k.ClaimSize = "lots" }, `--claim-size "lots"`},
		{func(j *Job, k *K8s) { k.Retries = -1 }, `--retries -1: must be in [0, 100]`},
		{func(j *Job, k *K8s) { j.Parts = "parts" }, `--parts "parts": want the absolute mount point`},
		{func(j *Job, k *K8s) { j.Name = "Study" }, `--name "Study": want lowercase letters`},
		{func(j *Job, k *K8s) { j.Shards = 0 }, `--shards 0: must be in [1, 100000]`},
		{func(j *Job, k *K8s) { j.CPUs = 0 }, `--cpus-per-task 0: must be in [1, 1024]`},
		{func(j *Job, k *K8s) { j.Args = append(j.Args, "--set=a=b\nc") }, `a line break or NUL has no place in a job file`},
	} {
		j, k := testJob(), K8s{Image: "i", ClaimSize: "1Gi", Retries: 2}
		tc.edit(&j, &k)
		if _, err := Kubernetes(j, k, "h"); err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("error %v, want %q", err, tc.want)
		}
	}
}

// The Slurm script submits itself as the array and the merge as a
// dependent job, and runs the task's shard inside the array.
func TestSlurmScript(t *testing.T) {
	j := testJob()
	j.Parts = "out/dir"
	s, err := Slurm(j, []string{"--partition=batch"}, "a sweep\nof two lines")
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{
		"#!/bin/bash\n# a sweep\n# of two lines\n",
		"\n#SBATCH --job-name=study\n#SBATCH --array=0-4%2\n#SBATCH --cpus-per-task=3\n#SBATCH --output=out/dir/shard-%a.log\n#SBATCH --partition=batch\nset -euo pipefail\n",
		`array=$(sbatch --parsable "$0")`,
		`--dependency=afterok:"$array" --kill-on-invalid-dep=yes --partition=batch`,
		`--wrap='exec mesosim merge --format=csv out/dir/part-*.json > out/dir/merged.out'`,
		"\nexec mesosim compare 'my scenario.yaml' --seeds=10 --shard \"$SLURM_ARRAY_TASK_ID/5\" --parallel \"${SLURM_CPUS_PER_TASK:-1}\" --out out/dir/part-\"$SLURM_ARRAY_TASK_ID\".json\n",
	} {
		if !strings.Contains(string(s), want) {
			t.Errorf("the script lacks %q:\n%s", want, s)
		}
	}
	j.MaxRunning = 0
	if s, _ := Slurm(j, nil, "h"); !strings.Contains(string(s), "#SBATCH --array=0-4\n") {
		t.Errorf("no limit: %s", s)
	}
	j.Parts = "out dir"
	if _, err := Slurm(j, nil, "h"); err == nil || !strings.Contains(err.Error(), `--parts "out dir": want a folder name`) {
		t.Errorf("a folder with a space: %v", err)
	}
	j.Parts = "out"
	if _, err := Slurm(j, []string{"partition=batch"}, "h"); err == nil || !strings.Contains(err.Error(), `--sbatch "partition=batch"`) {
		t.Errorf("a bad --sbatch: %v", err)
	}
}
