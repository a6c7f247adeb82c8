// Command peakrss runs a command and reports the peak of its anonymous resident
// memory (RssAnon in /proc/<pid>/status, Linux), sampled every 5 ms: how
// BENCHMARKS.md measures a replay's or an export's peak. The store's memory-mapped
// pages are file-backed and not counted; the 0.1 s shell loop it replaces missed
// short peaks by up to 10 MB.
//
//	go run ./internal/cmd/peakrss ./ledger replay --data ./scale
package main

import (
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"strconv"
	"time"
)

// every is the sampling period.
const every = 5 * time.Millisecond

func main() {
	if len(os.Args) < 2 {
		fmt.Fprintln(os.Stderr, "usage: peakrss COMMAND [ARG...]")
		os.Exit(2)
	}
	cmd := exec.Command(os.Args[1], os.Args[2:]...)
	cmd.Stdin, cmd.Stdout, cmd.Stderr = os.Stdin, os.Stdout, os.Stderr
	if err := cmd.Start(); err != nil {
		fmt.Fprintln(os.Stderr, "peakrss:", err)
		os.Exit(1)
	}
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	status := fmt.Sprintf("/proc/%d/status", cmd.Process.Pid)
	peak := 0
	t := time.NewTicker(every)
	defer t.Stop()
	for {
		select {
		case err := <-done:
			// The kernel's kB are KiB.
			fmt.Fprintf(os.Stderr, "peakrss: peak RssAnon %.1f MB (%.1f MiB)\n", float64(peak)*1024/1e6, float64(peak)/1024)
			if err != nil {
				os.Exit(1)
			}
			return
		case <-t.C:
			if b, err := os.ReadFile(status); err == nil {
				if kb, ok := rssAnon(b); ok && kb > peak {
					peak = kb
				}
			}
		}
	}
}

// rssAnon is the RssAnon line's figure (kB) in a /proc/<pid>/status text.
func rssAnon(status []byte) (int, bool) {
	i := bytes.Index(status, []byte("\nRssAnon:"))
	if i < 0 {
		return 0, false
	}
	f := bytes.Fields(status[i+len("\nRssAnon:"):])
	if len(f) < 2 || string(f[1]) != "kB" {
		return 0, false
	}
	kb, err := strconv.Atoi(string(f[0]))
	return kb, err == nil
}
