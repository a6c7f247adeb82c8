// Package gcfloor paces a batch command's garbage collector instead of Go's
// default (GOGC=100), which lets the heap grow by as much as is live before
// collecting.
//
// A floor F: the heap may grow to F before a collection. A replay of a trust's log
// holds a few tens of MB live and allocates several hundred, so with the default it
// collected every 30 MB or so and the collector took a seventh of the CPU.
//
// Past the floor, a job that reports its progress (Pacer.Progress) lets the heap
// grow by what the rest of the job will fill anyway: if the live heap grows with
// the work done, it will reach live×total/done, and headroom up to that costs no
// memory the job's end will not hold. As the end nears that shrinks to a Share-th
// of the live heap (GOGC≈17), so a million-pathway replay peaks at about 1.3 times
// its final live heap rather than twice it (the scale target of 1 KiB per open
// pathway beyond the store's cache). That costs collections near the end, not all
// the way: a fixed share from the floor on made a date-ordered replay 25-40%
// slower. The headroom is never more than the live heap (never more than the
// default gives) nor less than a Share-th of it; a log whose live heap stops
// growing early (date order) peaks between the two. A job that reports no progress
// keeps the default's headroom past the floor.
//
// When a job reports all its work done, the pacer collects once more and gives
// what the collector has freed back to the system (debug.FreeOSMemory): what a
// job does after its main work allocates anew (a replay files its indexes and
// writes its snapshots), and the spans freed during the main work, still resident
// beneath those allocations, made that moment the peak of the whole job. Without
// that, a sixth of the live heap as the end's headroom missed the scale target by
// a few MB in some runs and a twelfth was needed, at ~50% more collections. From
// then on the headroom is an EndShare-th of the live heap, the floor no longer
// applying: what comes after the main work allocates little that lasts, and once
// a replay allocated less (a slab for its events, buffers handed from state to
// state) a sixth let that moment, not the fold, set the peak again (182 MB
// against the fold's 170 at a million pathways, 173 with a sixteenth, the
// snapshots written as fast).
//
// Go has no setting for any of this, so Start turns the proportional trigger off
// and moves the soft memory limit (runtime/debug.SetMemoryLimit) along with the
// live heap: the collector runs when the process's memory reaches what it held
// live at the last collection plus the headroom.
package gcfloor

import (
	"math"
	"os"
	"runtime/debug"
	"runtime/metrics"
	"sync"
	"sync/atomic"
	"time"
)

// Every is how often Start moves the limit: a replay allocates a few MB in that
// time, far less than any headroom.
const Every = 20 * time.Millisecond

// Share: near the end of a job that reports progress, the headroom is one
// Share-th of the live heap.
const Share = 6

// EndShare: once the job reports all its work done, the headroom is one
// EndShare-th of the live heap.
const EndShare = 16

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

// Limit is the memory limit for s under floor, done of total units of work
// finished (total 0: progress unknown): what the process holds but its garbage
// (everything else it holds, stacks and runtime structures included, stays), plus
// the headroom the package comment describes.
func Limit(s sample, floor, done, total uint64) int64 {
	held := s.total - min(s.released, s.total)
	garbage := s.objects - min(s.live, s.objects)
	base := held - min(garbage, held)
	return int64(min(base+headroom(s.live, floor, done, total), math.MaxInt64))
}

func headroom(live, floor, done, total uint64) uint64 {
	if total == 0 {
		return max(live, floor)
	}
	if done >= total {
		return live / EndShare
	}
	h := max(live/Share, floor-min(live, floor))
	if done == 0 {
		return max(h, live)
	}
	if done < total {
		// What the live heap reaches at the end if it grows with the work.
		rest := uint64(float64(live) * float64(total-done) / float64(done))
		h = max(h, min(live, rest))
	}
	return h
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

// Pacer is a running floor; nil when GOGC or GOMEMLIMIT is set. Its methods are
// safe on nil and from any goroutine.
type Pacer struct {
	done, total atomic.Uint64
	finished    atomic.Bool
	quit        chan struct{}
	wg          sync.WaitGroup
	stop        func()
}

// Progress reports done of total units of the job finished (events replayed of
// the log's, say); total 0 means unknown. The first report of the whole job done
// collects and returns the freed memory to the system before it returns.
func (p *Pacer) Progress(done, total uint64) {
	if p == nil {
		return
	}
	p.total.Store(total)
	p.done.Store(min(done, total))
	if total > 0 && done >= total && p.finished.CompareAndSwap(false, true) {
		debug.FreeOSMemory()
	}
}

// Stop restores the collector's settings.
func (p *Pacer) Stop() {
	if p == nil {
		return
	}
	p.stop()
}

// Start applies the floor until Stop. It does nothing (and returns nil) when GOGC
// or GOMEMLIMIT is set: whoever set them chose the trade between memory and time
// themselves.
func Start(floor uint64) *Pacer {
	if os.Getenv("GOGC") != "" || os.Getenv("GOMEMLIMIT") != "" {
		return nil
	}
	ms := make([]metrics.Sample, len(names))
	for i, n := range names {
		ms[i].Name = n
	}
	p := &Pacer{quit: make(chan struct{})}
	limit := func() int64 { return Limit(read(ms), floor, p.done.Load(), p.total.Load()) }
	prevLimit := debug.SetMemoryLimit(limit())
	prevPercent := debug.SetGCPercent(-1)
	p.wg.Add(1)
	go func() {
		defer p.wg.Done()
		t := time.NewTicker(Every)
		defer t.Stop()
		for {
			select {
			case <-p.quit:
				return
			case <-t.C:
				debug.SetMemoryLimit(limit())
			}
		}
	}()
	p.stop = func() {
		close(p.quit)
		p.wg.Wait()
		debug.SetGCPercent(prevPercent)
		debug.SetMemoryLimit(prevLimit)
	}
	return p
}
