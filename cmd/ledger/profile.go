package main

import (
	"fmt"
	"io"
	"os"
	"runtime/pprof"
	"runtime/trace"
)

// startProfile writes a CPU profile of the whole command to LEDGER_CPUPROFILE, an
// allocation profile (what the command allocated, by call site) to
// LEDGER_MEMPROFILE and an execution trace (which goroutine ran when, and what each
// waited on) to LEDGER_TRACE when they are set: how the figures in BENCHMARKS.md
// were taken apart (go tool pprof, -sample_index=alloc_space for the allocations;
// go tool trace).
func startProfile(stderr io.Writer) func() {
	stopCPU := startCPUProfile(stderr)
	stopTrace := startTrace(stderr)
	return func() {
		stopTrace()
		stopCPU()
		writeAllocProfile(stderr)
	}
}

func startTrace(stderr io.Writer) func() {
	path := os.Getenv("LEDGER_TRACE")
	if path == "" {
		return func() {}
	}
	f, err := os.Create(path)
	if err == nil {
		if err = trace.Start(f); err != nil {
			_ = f.Close()
		}
	}
	if err != nil {
		fmt.Fprintf(stderr, "ledger: LEDGER_TRACE: %v\n", err)
		return func() {}
	}
	return func() {
		trace.Stop()
		_ = f.Close()
	}
}

func startCPUProfile(stderr io.Writer) func() {
	path := os.Getenv("LEDGER_CPUPROFILE")
	if path == "" {
		return func() {}
	}
	f, err := os.Create(path)
	if err == nil {
		err = pprof.StartCPUProfile(f)
	}
	if err != nil {
		fmt.Fprintf(stderr, "ledger: LEDGER_CPUPROFILE: %v\n", err)
		return func() {}
	}
	return func() {
		pprof.StopCPUProfile()
		_ = f.Close()
	}
}

func writeAllocProfile(stderr io.Writer) {
	path := os.Getenv("LEDGER_MEMPROFILE")
	if path == "" {
		return
	}
	f, err := os.Create(path)
	if err == nil {
		err = pprof.Lookup("allocs").WriteTo(f, 0)
		if cerr := f.Close(); err == nil {
			err = cerr
		}
	}
	if err != nil {
		fmt.Fprintf(stderr, "ledger: LEDGER_MEMPROFILE: %v\n", err)
	}
}
