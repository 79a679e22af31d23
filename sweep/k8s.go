package sweep

import (
	"bytes"
	"fmt"
	"regexp"
	"strconv"
	"strings"

	"go.yaml.in/yaml/v3"

	"github.com/mesosim/mesosim/internal/shell"
)

// K8s is what a Kubernetes manifest needs beyond the Job.
type K8s struct {
	// Image is the container image, with mesosim at Job.Mesosim.
	Image string
	// Claim names an existing PersistentVolumeClaim for the parts; when
	// empty the manifest makes one, NAME-parts, of ClaimSize in
	// StorageClass ("" for the cluster's default), ReadWriteMany since
	// shards on several nodes write to it.
	Claim, ClaimSize, StorageClass string
	// Retries is each shard's backoffLimitPerIndex and the merge's
	// backoffLimit.
	Retries int
}

// The manifest's objects: only the fields it sets, with the API's names
// (k8s.io/api batch/v1 Job and core/v1 PersistentVolumeClaim).
type (
	k8sMeta struct {
		Name   string            `yaml:"name"`
		Labels map[string]string `yaml:"labels"`
	}
	k8sObject struct {
		APIVersion string  `yaml:"apiVersion"`
		Kind       string  `yaml:"kind"`
		Metadata   k8sMeta `yaml:"metadata"`
		Spec       any     `yaml:"spec"`
	}
	k8sClaimSpec struct {
		AccessModes      []string     `yaml:"accessModes"`
		StorageClassName string       `yaml:"storageClassName,omitempty"`
		Resources        k8sResources `yaml:"resources"`
	}
	k8sResources struct {
		Requests map[string]string `yaml:"requests,omitempty"`
		Limits   map[string]string `yaml:"limits,omitempty"`
	}
	k8sJobSpec struct {
		CompletionMode       string         `yaml:"completionMode,omitempty"`
		Completions          *int           `yaml:"completions,omitempty"`
		Parallelism          *int           `yaml:"parallelism,omitempty"`
		BackoffLimit         *int           `yaml:"backoffLimit,omitempty"`
		BackoffLimitPerIndex *int           `yaml:"backoffLimitPerIndex,omitempty"`
		Template             k8sPodTemplate `yaml:"template"`
	}
	k8sPodTemplate struct {
		Metadata k8sMeta `yaml:"metadata"`
		Spec     k8sPod  `yaml:"spec"`
	}
	k8sPod struct {
		RestartPolicy  string         `yaml:"restartPolicy"`
		InitContainers []k8sContainer `yaml:"initContainers,omitempty"`
		Containers     []k8sContainer `yaml:"containers"`
		Volumes        []k8sVolume    `yaml:"volumes"`
	}
	k8sContainer struct {
		Name         string       `yaml:"name"`
		Image        string       `yaml:"image"`
		Command      []string     `yaml:"command"`
		Resources    k8sResources `yaml:"resources"`
		VolumeMounts []k8sMount   `yaml:"volumeMounts"`
	}
	k8sMount struct {
		Name      string `yaml:"name"`
		MountPath string `yaml:"mountPath"`
	}
	k8sVolume struct {
		Name                  string      `yaml:"name"`
		PersistentVolumeClaim k8sClaimRef `yaml:"persistentVolumeClaim"`
	}
	k8sClaimRef struct {
		ClaimName string `yaml:"claimName"`
	}
)

// quantity is a Kubernetes resource quantity such as 1Gi or 500M.
var quantity = regexp.MustCompile(`^[0-9]+(\.[0-9]+)?(Ki|Mi|Gi|Ti|Pi|Ei|k|M|G|T|P|E)?$`)

// Kubernetes returns a manifest (YAML documents for kubectl apply -f): a
// PersistentVolumeClaim for the parts unless k.Claim names one; an
// Indexed Job of N completions (completionMode: Indexed, each pod the
// shard JOB_COMPLETION_INDEX, backoffLimitPerIndex retries, at most
// MaxRunning pods at once), its parts in Job.Parts on the claim; and a
// merge Job whose init container waits until N parts are there (a part
// appears only whole: it is renamed into place) and which then writes
// the merged output to PARTS/merged.out and prints it to its log. header
// is the comment naming the sweep.
func Kubernetes(j Job, k K8s, header string) ([]byte, error) {
	if err := j.check(); err != nil {
		return nil, err
	}
	switch {
	case k.Image == "" || strings.ContainsAny(k.Image, " \n\r\x00"):
		return nil, fmt.Errorf("--image %q: want a container image reference", k.Image)
	case k.Claim != "" && (!jobName.MatchString(k.Claim) || len(k.Claim) > 253):
		return nil, fmt.Errorf("--claim %q: want a PersistentVolumeClaim name (lowercase letters, digits and '-')", k.Claim)
	case k.Claim == "" && !quantity.MatchString(k.ClaimSize):
		return nil, fmt.Errorf("--claim-size %q: want a Kubernetes quantity such as 1Gi", k.ClaimSize)
	case k.StorageClass != "" && !jobName.MatchString(k.StorageClass):
		return nil, fmt.Errorf("--storage-class %q: want a storage class name", k.StorageClass)
	case k.Retries < 0 || k.Retries > 100:
		return nil, fmt.Errorf("--retries %d: must be in [0, 100]", k.Retries)
	case !strings.HasPrefix(j.Parts, "/"):
		return nil, fmt.Errorf("--parts %q: want the absolute mount point of the parts volume, e.g. /parts", j.Parts)
	}
	labels := func(role string) map[string]string {
		return map[string]string{"app.kubernetes.io/name": "mesosim", "app.kubernetes.io/instance": j.Name, "mesosim/role": role}
	}
	claim := k.Claim
	var docs []k8sObject
	if claim == "" {
		claim = j.Name + "-parts"
		docs = append(docs, k8sObject{APIVersion: "v1", Kind: "PersistentVolumeClaim",
			Metadata: k8sMeta{Name: claim, Labels: labels("parts")},
			Spec: k8sClaimSpec{AccessModes: []string{"ReadWriteMany"}, StorageClassName: k.StorageClass,
				Resources: k8sResources{Requests: map[string]string{"storage": k.ClaimSize}}}})
	}
	q := shell.Quote
	volumes := []k8sVolume{{Name: "parts", PersistentVolumeClaim: k8sClaimRef{ClaimName: claim}}}
	mounts := []k8sMount{{Name: "parts", MountPath: j.Parts}}
	cpus := strconv.Itoa(j.CPUs)
	shardRes := k8sResources{Requests: map[string]string{"cpu": cpus}, Limits: map[string]string{"cpu": cpus}}
	oneCPU := k8sResources{Requests: map[string]string{"cpu": "1"}}
	sh := func(script string) []string { return []string{"/bin/sh", "-c", script} }

	n, parallel, retries := j.Shards, j.Shards, k.Retries
	if j.MaxRunning > 0 {
		parallel = min(j.MaxRunning, j.Shards)
	}
	docs = append(docs, k8sObject{APIVersion: "batch/v1", Kind: "Job",
		Metadata: k8sMeta{Name: j.Name, Labels: labels("shards")},
		Spec: k8sJobSpec{CompletionMode: "Indexed", Completions: &n, Parallelism: &parallel, BackoffLimitPerIndex: &retries,
			Template: k8sPodTemplate{Metadata: k8sMeta{Name: j.Name, Labels: labels("shards")}, Spec: k8sPod{
				RestartPolicy: "Never",
				Containers: []k8sContainer{{Name: "shard", Image: k.Image, Resources: shardRes, VolumeMounts: mounts,
					Command: sh("exec " + j.shardCommand(q, "$JOB_COMPLETION_INDEX", cpus))}},
				Volumes: volumes}}}})
	wait := fmt.Sprintf(`until [ "$(ls %s/part-*.json 2>/dev/null | wc -l)" -ge %d ]; do sleep 10; done`, q(j.Parts), j.Shards)
	merge := j.mergeCommand(q) + "; status=$?; cat " + q(j.Parts) + "/merged.out; exit $status"
	docs = append(docs, k8sObject{APIVersion: "batch/v1", Kind: "Job",
		Metadata: k8sMeta{Name: j.Name + "-merge", Labels: labels("merge")},
		Spec: k8sJobSpec{BackoffLimit: &retries,
			Template: k8sPodTemplate{Metadata: k8sMeta{Name: j.Name + "-merge", Labels: labels("merge")}, Spec: k8sPod{
				RestartPolicy:  "Never",
				InitContainers: []k8sContainer{{Name: "wait-for-parts", Image: k.Image, Command: sh(wait), Resources: oneCPU, VolumeMounts: mounts}},
				Containers:     []k8sContainer{{Name: "merge", Image: k.Image, Command: sh(merge), Resources: oneCPU, VolumeMounts: mounts}},
				Volumes:        volumes}}}})

	var b bytes.Buffer
	for _, l := range strings.Split(strings.TrimRight(header, "\n"), "\n") {
		b.WriteString(strings.TrimRight("# "+l, " ") + "\n")
	}
	fmt.Fprintf(&b, `#
# Apply it with
#     kubectl apply -f %[1]s.yaml
# The Indexed Job %[1]s runs the %[2]d shards (the shard is the pod's
# JOB_COMPLETION_INDEX); the Job %[1]s-merge waits for their %[2]d parts in
# %[3]s and merges them into %[3]s/merged.out, which its log shows too:
#     kubectl wait --for=condition=complete job/%[1]s-merge --timeout=24h
#     kubectl logs job/%[1]s-merge
`, j.Name, j.Shards, j.Parts)
	for _, d := range docs {
		b.WriteString("---\n")
		enc := yaml.NewEncoder(&b)
		enc.SetIndent(2)
		if err := enc.Encode(d); err != nil {
			return nil, err
		}
		if err := enc.Close(); err != nil {
			return nil, err
		}
	}
	return b.Bytes(), nil
}
