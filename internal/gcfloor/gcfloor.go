// Package gcfloor paces a batch command's garbage collector by a floor under the
// heap and a share over the live heap, instead of Go's default (GOGC=100), which
// lets the heap grow by as much as is live before collecting.
//
// Below the floor F, the heap may grow to F before a collection: a replay of a
// trust's log holds a few tens of MB live and allocates several hundred, so with
// the default it collected every 30 MB or so and the collector took a seventh of
// the CPU. Above it, the heap may grow by a quarter of the live heap (GOGC=25):
// at a million pathways the default doubled a 142 MB live heap at the peak, and a
// quarter holds the peak near 1 KiB per open pathway (ISSUE 6's target) for about
// a tenth more CPU (BENCHMARKS.md). The two meet where a quarter of the live heap
// is what the floor leaves, so the heap's limit never falls as the live heap grows.
//
// Go has no setting for either, so Start turns the proportional trigger off and
// moves the soft memory limit (runtime/debug.SetMemoryLimit) along with the live
// heap: the collector runs when the process's memory reaches what it held live at
// the last collection plus the headroom.
package gcfloor

import (
	"math"
	"os"
	"runtime/debug"
	"runtime/metrics"
	"sync"
	"time"
)

// Every is how often Start moves the limit: a replay allocates a few MB in that
// time, far less than any headroom.
const Every = 20 * time.Millisecond

// sample is what the limit is computed from, as runtime/metrics reports it.
type sample struct {
	// total and released: the limit applies to the memory the runtime holds,
	// total less what it has given back to the system.
	total, released uint64
	// objects: heap objects, live or not yet swept; live: the live heap as of
	// the last collection (0 before the first).
	objects, live uint64
}

var names = []string{
	"/memory/classes/total:bytes",
	"/memory/classes/heap/released:bytes",
	"/memory/classes/heap/objects:bytes",
	"/gc/heap/live:bytes",
}

// Share is the headroom over a live heap past the floor: one Share-th of it.
const Share = 4

// Limit is the memory limit for s under floor: what the process holds but its
// garbage (everything else it holds, stacks and runtime structures included,
// stays), plus the larger of what the floor leaves above the live heap and a
// Share-th of the live heap.
func Limit(s sample, floor uint64) int64 {
	held := s.total - min(s.released, s.total)
	garbage := s.objects - min(s.live, s.objects)
	base := held - min(garbage, held)
	l := base + max(s.live/Share, floor-min(s.live, floor))
	return int64(min(l, math.MaxInt64))
}

func read(ms []metrics.Sample) sample {
	metrics.Read(ms)
	v := func(i int) uint64 {
		if ms[i].Value.Kind() != metrics.KindUint64 {
			return 0
		}
		return ms[i].Value.Uint64()
	}
	return sample{total: v(0), released: v(1), objects: v(2), live: v(3)}
}

// Start applies the floor until stop is called, which restores the collector's
// settings. It does nothing (and stop nothing) when GOGC or GOMEMLIMIT is set:
// whoever set them chose the trade between memory and time themselves.
func Start(floor uint64) (stop func()) {
	if os.Getenv("GOGC") != "" || os.Getenv("GOMEMLIMIT") != "" {
		return func() {}
	}
	ms := make([]metrics.Sample, len(names))
	for i, n := range names {
		ms[i].Name = n
	}
	prevLimit := debug.SetMemoryLimit(Limit(read(ms), floor))
	prevPercent := debug.SetGCPercent(-1)
	quit := make(chan struct{})
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		t := time.NewTicker(Every)
		defer t.Stop()
		for {
			select {
			case <-quit:
				return
			case <-t.C:
				debug.SetMemoryLimit(Limit(read(ms), floor))
			}
		}
	}()
	return func() {
		close(quit)
		wg.Wait()
		debug.SetGCPercent(prevPercent)
		debug.SetMemoryLimit(prevLimit)
	}
}
