package main

import (
	"fmt"
	"io"
	"os"
	"runtime"
	"runtime/pprof"
	"runtime/trace"
)

// startProfile writes a CPU profile of the whole command to LEDGER_CPUPROFILE, an
// execution trace (which goroutine ran when, and what each waited on) to
// LEDGER_TRACE and an allocation profile (what the command allocated, by call site)
// to LEDGER_MEMPROFILE when they are set: how the figures in BENCHMARKS.md were
// taken apart (go tool pprof, -sample_index=alloc_space for the allocations; go
// tool trace).
func startProfile(stderr io.Writer) func() {
	// The runtime samples allocations for a heap profile whether or not one is
	// written: 1.5 MB of buckets at a million pathways. Only LEDGER_MEMPROFILE
	// reads them.
	if os.Getenv("LEDGER_MEMPROFILE") == "" {
		runtime.MemProfileRate = 0
	}
	stopCPU := recordTo(stderr, "LEDGER_CPUPROFILE", pprof.StartCPUProfile, pprof.StopCPUProfile)
	stopTrace := recordTo(stderr, "LEDGER_TRACE", trace.Start, trace.Stop)
	return func() {
		stopTrace()
		stopCPU()
		stopAllocs := recordTo(stderr, "LEDGER_MEMPROFILE",
			func(w io.Writer) error { return pprof.Lookup("allocs").WriteTo(w, 0) }, func() {})
		stopAllocs()
	}
}

// recordTo starts a recording into the file named by the environment variable env
// (nothing when it is unset) and returns what ends it and closes the file.
func recordTo(stderr io.Writer, env string, start func(io.Writer) error, stop func()) func() {
	path := os.Getenv(env)
	if path == "" {
		return func() {}
	}
	f, err := os.Create(path)
	if err == nil {
		if err = start(f); err != nil {
			_ = f.Close()
		}
	}
	if err != nil {
		fmt.Fprintf(stderr, "ledger: %s: %v\n", env, err)
		return func() {}
	}
	return func() {
		stop()
		if err := f.Close(); err != nil {
			fmt.Fprintf(stderr, "ledger: %s: %v\n", env, err)
		}
	}
}
