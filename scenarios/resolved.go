package scenarios

import (
	"bytes"
	"os"

	"go.yaml.in/yaml/v3"
)

// ResolvedText returns the text of the scenario arg names (a file, or an
// embedded scenario) as it is run: the text itself when there are no
// overrides, else its YAML tree with the overrides applied, re-encoded.
// Provenance hashes this text, so two runs of the same text and overrides
// name the same scenario_sha256.
func ResolvedText(arg string, overrides []Override) ([]byte, error) {
	var data []byte
	if _, err := os.Stat(arg); err == nil {
		if data, err = os.ReadFile(arg); err != nil {
			return nil, &Error{File: arg, Msg: openMessage(err)}
		}
	} else if b, ok := BuiltinSource(arg); ok {
		data = b
	} else {
		_, err := Open(arg) // the same error a run gives
		return nil, err
	}
	return ResolvedData(arg, data, overrides)
}

// ResolvedData is ResolvedText of a scenario already read: the text data
// of file (its name in errors) with overrides applied. A sweep's merge
// resolves the text stored in its part files with it, so provenance names
// the same scenario on any machine.
func ResolvedData(file string, data []byte, overrides []Override) ([]byte, error) {
	if len(overrides) == 0 {
		return data, nil
	}
	root, _, err := parseTree(file, data, overrides)
	if err != nil {
		return nil, err
	}
	var buf bytes.Buffer
	enc := yaml.NewEncoder(&buf)
	enc.SetIndent(2)
	if err := enc.Encode(root); err != nil {
		return nil, err
	}
	if err := enc.Close(); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}
