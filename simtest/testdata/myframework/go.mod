module example.com/myframework

go 1.26

require github.com/mesosim/mesosim v0.0.0

// A checkout of mesosim beside this module; the test that builds this
// module (simtest/external_test.go) points it at the repository's root.
replace github.com/mesosim/mesosim => ../mesosim
