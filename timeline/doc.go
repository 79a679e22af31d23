// Package timeline keeps the records of a run that led to each invariant
// violation and writes them as the readable timeline `mesosim replay`
// prints (and package simtest prints for a failing check): for the
// violating task or agent its last few event log records, and the fault
// records before the violation, one line each as `TIME  kind
// key=value ...`.
package timeline
