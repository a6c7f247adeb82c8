package main

import (
	"bufio"
	"fmt"
	"os"
	"runtime"
	"runtime/metrics"
	"strings"
)

// memoryLine says what the read models cost once built: the live heap after a
// collection (what they hold), the heap the process took from the system, and on
// Linux the resident memory split into anonymous (heap, stacks) and file-backed
// (the store's memory-mapped pages: its cache, which the kernel reclaims at will).
func memoryLine(open int) string {
	runtime.GC()
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	line := fmt.Sprintf("read models: %.0f MB live heap", float64(ms.HeapAlloc)/1e6)
	if open > 0 {
		line += fmt.Sprintf(" (%d B per open pathway)", ms.HeapAlloc/uint64(open))
	}
	line += fmt.Sprintf(", %.0f MB heap from the system", float64(ms.HeapSys)/1e6)
	if anon, file, ok := residentSplit(); ok {
		// The kernel's kB are KiB.
		anon, file = anon*1024, file*1024
		line += fmt.Sprintf("; resident now %.0f MB anonymous, %.0f MB store pages", anon/1e6, file/1e6)
		// What the Go runtime holds is the read models' side; the rest of the
		// anonymous memory is the store engine's own (SQLite's page caches and
		// allocations), which the process's peak carries whatever the models do.
		if held := float64(goHeld()); anon > held {
			line += fmt.Sprintf(" (Go runtime %.0f MB, store engine %.0f MB)", held/1e6, (anon-held)/1e6)
		}
	}
	return line
}

// goHeld is the memory the Go runtime has mapped and not given back.
func goHeld() uint64 {
	ms := []metrics.Sample{{Name: "/memory/classes/total:bytes"}, {Name: "/memory/classes/heap/released:bytes"}}
	metrics.Read(ms)
	if ms[0].Value.Kind() != metrics.KindUint64 || ms[1].Value.Kind() != metrics.KindUint64 {
		return 0
	}
	return ms[0].Value.Uint64() - min(ms[1].Value.Uint64(), ms[0].Value.Uint64())
}

// residentSplit reads RssAnon and RssFile (kB, that is KiB) from /proc/self/status.
func residentSplit() (anon, file float64, ok bool) {
	f, err := os.Open("/proc/self/status")
	if err != nil {
		return 0, 0, false
	}
	defer f.Close()
	found := 0
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		var kb float64
		switch k, v, _ := strings.Cut(sc.Text(), ":"); k {
		case "RssAnon":
			if _, err := fmt.Sscanf(strings.TrimSpace(v), "%f kB", &kb); err == nil {
				anon, found = kb, found+1
			}
		case "RssFile":
			if _, err := fmt.Sscanf(strings.TrimSpace(v), "%f kB", &kb); err == nil {
				file, found = kb, found+1
			}
		}
	}
	return anon, file, found == 2
}
