package sweep

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"strconv"
)

// FormatVersion is the version of the part file format this package
// writes and reads; a part of another version is refused.
const FormatVersion = 1

// MaxPartSize is the largest part file Read accepts (1 GiB).
const MaxPartSize = 1 << 30

// MaxCells is the most cells a sweep may have (fuzz's --seeds limit;
// compare allows fewer runs).
const MaxCells = 1_000_000

// Spec is what makes two shards parts of the same sweep. Its Fingerprint
// is written in every part, and merging refuses parts whose fingerprints
// differ. Output-only settings (the format, the metrics shown) are not in
// it: parts may be merged into any format.
type Spec struct {
	Command    string   `json:"command"`  // "compare" or "fuzz"
	Scenario   string   `json:"scenario"` // the scenario's resolved YAML text
	Allocators []string `json:"allocators"`
	Sets       []string `json:"sets"`
	Varies     []string `json:"varies"`
	Skip       []string `json:"skip"` // fuzz --skip-invariants
	Seeds      int      `json:"seeds"`
	SeedStart  uint64   `json:"seed_start"`
	Duration   string   `json:"duration"`
	Shards     int      `json:"shards"`
}

// Fingerprint is the hex sha256 of the spec's canonical JSON encoding
// (fields in declaration order, nil lists as []).
func (s Spec) Fingerprint() string {
	for _, l := range []*[]string{&s.Allocators, &s.Sets, &s.Varies, &s.Skip} {
		if *l == nil {
			*l = []string{}
		}
	}
	b, err := json.Marshal(s)
	if err != nil {
		panic(err) // strings and integers always encode
	}
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:])
}

// Build identifies the mesosim binary that wrote a part.
type Build struct {
	// Version is mesosim's version; Module the main module's version
	// from the binary's build information ("(devel)" for a plain go
	// build); Revision and Modified its VCS revision and whether the work
	// tree had changes ("" and false when the binary carries none).
	Version  string `json:"version"`
	Module   string `json:"module"`
	Revision string `json:"revision"`
	Modified bool   `json:"modified"`
	// GOARCH is the architecture it was built for. Parts of different
	// architectures are not merged: whether a*b+c is fused into one
	// rounding differs between them, and so may a float64 result.
	GOARCH string `json:"goarch"`
}

// Part is one shard's results, as `--out PART.json` writes it.
type Part struct {
	Format      int    `json:"format"`
	Build       Build  `json:"build"`
	Fingerprint string `json:"fingerprint"`
	// Shard is "i/N".
	Shard string `json:"shard"`
	// Command is "compare" or "fuzz"; Args the command's arguments, the
	// scenario first, without the ones that only say how to run the
	// shard (--shard, --out, --parallel); File and Scenario the
	// scenario's file name and resolved text, so that merging needs
	// neither the file nor the embedded copy.
	Command  string   `json:"command"`
	Args     []string `json:"args"`
	File     string   `json:"file"`
	Scenario string   `json:"scenario"`
	// Total is the number of cells of the whole sweep.
	Total int `json:"total_cells"`
	// WallSeconds is the wall time the shard took.
	WallSeconds float64 `json:"wall_seconds"`
	// Cells are the shard's results, by increasing index.
	Cells []Cell `json:"cells"`
}

// Cell is one cell's result: Index in the sweep's cell order and the
// command's own JSON value (floats in Go's shortest form, which reads
// back to the same float64).
type Cell struct {
	Index int             `json:"cell"`
	Value json.RawMessage `json:"value"`
}

// ParsedShard is the part's Shard parsed.
func (p *Part) ParsedShard() (Shard, error) { return ParseShard(p.Shard) }

// Encode returns the part as JSON: the header indented, then one cell per
// line (so that an error reading it names a useful line).
func (p *Part) Encode() ([]byte, error) {
	head := *p
	head.Cells = []Cell{}
	h, err := json.MarshalIndent(&head, "", "  ")
	if err != nil {
		return nil, err
	}
	// h ends with `"cells": []` and "\n}".
	cut := bytes.LastIndex(h, []byte("[]"))
	if cut < 0 {
		return nil, errors.New("sweep: unexpected part header encoding")
	}
	var b bytes.Buffer
	b.Write(h[:cut])
	b.WriteString("[")
	for i, c := range p.Cells {
		if i > 0 {
			b.WriteString(",")
		}
		line, err := json.Marshal(c)
		if err != nil {
			return nil, fmt.Errorf("cell %d: %w", c.Index, err)
		}
		b.WriteString("\n    ")
		b.Write(line)
	}
	if len(p.Cells) > 0 {
		b.WriteString("\n  ")
	}
	b.WriteString("]\n}\n")
	return b.Bytes(), nil
}

// Read reads and decodes the part file path. Errors name the file and,
// for bad JSON, the line: "PATH:LINE: what is wrong".
func Read(path string) (*Part, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fileError(path, err)
	}
	defer f.Close()
	data, err := io.ReadAll(io.LimitReader(f, MaxPartSize+1))
	if err != nil {
		return nil, fileError(path, err)
	}
	if len(data) > MaxPartSize {
		return nil, fmt.Errorf("%s: larger than the limit of %d bytes (1 GiB) for a part", path, MaxPartSize)
	}
	return Decode(path, data)
}

func fileError(path string, err error) error {
	var pe *os.PathError
	if errors.As(err, &pe) {
		err = pe.Err
	}
	return fmt.Errorf("%s: %v", path, err)
}

// Decode decodes a part's JSON (strictly: unknown keys are errors) and
// checks its header; name is used in errors.
func Decode(name string, data []byte) (*Part, error) {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	p := &Part{}
	if err := dec.Decode(p); err != nil {
		return nil, fmt.Errorf("%s: not a mesosim part: %s", atLine(name, data, err), jsonMessage(err))
	}
	if dec.More() {
		return nil, fmt.Errorf("%s:%d: not a mesosim part: data after the part", name, lineOf(data, dec.InputOffset()))
	}
	if p.Format != FormatVersion {
		return nil, fmt.Errorf("%s: part format %d; this mesosim reads format %d", name, p.Format, FormatVersion)
	}
	sh, err := p.ParsedShard()
	if err != nil {
		return nil, fmt.Errorf("%s: shard %v", name, err)
	}
	if p.Command != "compare" && p.Command != "fuzz" {
		return nil, fmt.Errorf("%s: command %q is not compare or fuzz", name, p.Command)
	}
	if p.Total < 0 || p.Total > MaxCells {
		return nil, fmt.Errorf("%s: total_cells %d: must be in [0, %d]", name, p.Total, MaxCells)
	}
	for i, c := range p.Cells {
		switch {
		case c.Index < 0 || c.Index >= p.Total:
			return nil, fmt.Errorf("%s: cell %d is outside the sweep's %d cells", name, c.Index, p.Total)
		case !sh.Owns(c.Index):
			return nil, fmt.Errorf("%s: cell %d does not belong to shard %s", name, c.Index, sh)
		case i > 0 && c.Index <= p.Cells[i-1].Index:
			return nil, fmt.Errorf("%s: cell %d listed after cell %d (cells go by increasing index)", name, c.Index, p.Cells[i-1].Index)
		case len(c.Value) == 0:
			return nil, fmt.Errorf("%s: cell %d has no value", name, c.Index)
		}
	}
	return p, nil
}

// atLine is "name:LINE" for a JSON error with an offset, else name.
func atLine(name string, data []byte, err error) string {
	var se *json.SyntaxError
	var te *json.UnmarshalTypeError
	switch {
	case errors.As(err, &se):
		return name + ":" + strconv.Itoa(lineOf(data, se.Offset))
	case errors.As(err, &te):
		return name + ":" + strconv.Itoa(lineOf(data, te.Offset))
	}
	return name
}

func jsonMessage(err error) string {
	if errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) {
		return "the file ends before the part does"
	}
	return err.Error()
}

// lineOf is the 1-based line of byte offset off in data.
func lineOf(data []byte, off int64) int {
	off = min(max(off, 0), int64(len(data)))
	return 1 + bytes.Count(data[:off], []byte("\n"))
}
