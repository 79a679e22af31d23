package main

import (
	"errors"
	"fmt"
	"strings"

	"github.com/mesosim/mesosim/internal/fsio"
	"github.com/mesosim/mesosim/scenarios"
)

// createOutput opens the output file path of flag (see fsio.Create): a
// path wrong as given (a directory, one of inputs) is bad input (status
// 2), anything else, such as a read-only file or a missing directory, an
// I/O failure (status 1); both name the flag.
func createOutput(flag, path string, inputs []string) (*fsio.Output, error) {
	out, err := fsio.Create(path, inputs)
	if errors.Is(err, fsio.ErrInput) {
		msg, _ := strings.CutPrefix(err.Error(), fsio.ErrInput.Error()+": ")
		return nil, badInput("%s: %s", flag, msg)
	}
	if err != nil {
		return nil, fmt.Errorf("%s: cannot create %v", flag, err)
	}
	return out, nil
}

// scenarioInputs lists the files a run of sc reads, which no output may
// replace: the scenario file itself and its trace files.
func scenarioInputs(sc *scenarios.Scenario) []string {
	in := []string{sc.File}
	if sc.Trace != nil {
		in = append(in, sc.Trace.Files...)
	}
	return in
}
