package main

import (
	"fmt"
	"io"
	"os"
	"runtime/pprof"
)

// startProfile writes a CPU profile of the whole command to LEDGER_CPUPROFILE and
// an allocation profile (what the command allocated, by call site) to
// LEDGER_MEMPROFILE when they are set: how the figures in BENCHMARKS.md were taken
// apart (go tool pprof; -sample_index=alloc_space for the allocations).
func startProfile(stderr io.Writer) func() {
	stopCPU := startCPUProfile(stderr)
	return func() {
		stopCPU()
		writeAllocProfile(stderr)
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
