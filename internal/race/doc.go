// Package race tells tests whether the race detector is built in: it allocates
// and slows for itself, so allocation counts and timing-dependent crash tests
// skip or adapt under it. One constant for every package, not a pair of
// build-tagged test files in each.
package race
