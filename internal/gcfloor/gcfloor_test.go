package gcfloor

import (
	"runtime"
	"runtime/debug"
	"runtime/metrics"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"pgregory.net/rapid"
)

const mib = 1 << 20

func TestLimit(t *testing.T) {
	for _, c := range []struct {
		name               string
		s                  sample
		floor, done, total uint64
		want               int64
	}{
		// No progress reported: the floor, or the live heap (GOGC=100) past it.
		{"no garbage: what is held plus the floor", sample{total: 100 * mib, objects: 50 * mib, live: 50 * mib}, 128 * mib, 0, 0, 228 * mib},
		{"garbage is not kept", sample{total: 300 * mib, released: 20 * mib, objects: 200 * mib, live: 50 * mib}, 128 * mib, 0, 0, 258 * mib},
		{"a live heap past the floor: GOGC=100's headroom", sample{total: 900 * mib, objects: 700 * mib, live: 500 * mib}, 128 * mib, 0, 0, 1200 * mib},
		{"before the first collection", sample{total: 10 * mib, objects: 4 * mib}, 128 * mib, 0, 0, 134 * mib},
		{"figures out of step never go below the floor", sample{total: 5 * mib, released: 9 * mib, objects: 7 * mib, live: 1 * mib}, 64 * mib, 0, 0, 64 * mib},
		// Progress reported.
		{"small: what the floor leaves above the live heap", sample{total: 100 * mib, objects: 50 * mib, live: 50 * mib}, 128 * mib, 90, 100, 178 * mib},
		{"nothing done yet: the live heap", sample{total: 900 * mib, objects: 700 * mib, live: 500 * mib}, 128 * mib, 0, 100, 1200 * mib},
		{"a fifth done: the live heap at most", sample{total: 900 * mib, objects: 700 * mib, live: 500 * mib}, 128 * mib, 20, 100, 1200 * mib},
		{"80% done: what the rest will fill", sample{total: 900 * mib, objects: 700 * mib, live: 500 * mib}, 128 * mib, 80, 100, 825 * mib},
		{"99% done: a Share-th, no less", sample{total: 900 * mib, objects: 700 * mib, live: 500 * mib}, 128 * mib, 99, 100, 700*mib + 500*mib/Share},
		{"60% done: between", sample{total: 900 * mib, objects: 700 * mib, live: 600 * mib}, 128 * mib, 60, 100, 1200 * mib},
		{"done: an EndShare-th", sample{total: 900 * mib, objects: 700 * mib, live: 500 * mib}, 128 * mib, 100, 100, 700*mib + 500*mib/EndShare},
		{"done, under the floor: an EndShare-th", sample{total: 150 * mib, objects: 140 * mib, live: 128 * mib}, 145 * mib, 100, 100, 146 * mib},
	} {
		t.Run(c.name, func(t *testing.T) {
			require.Equal(t, c.want, Limit(c.s, c.floor, c.done, c.total))
		})
	}
}

// Past the floor, the headroom is never more than the live heap (Go's default)
// nor less than a Share-th of it until the work is done, then an EndShare-th; and a
// live heap that grows with the work never makes room for more than it will reach
// at the end.
func TestHeadroomBounds(t *testing.T) {
	rapid.Check(t, func(rt *rapid.T) {
		floor := rapid.Uint64Range(0, 1<<30).Draw(rt, "floor")
		live := rapid.Uint64Range(floor, 1<<36).Draw(rt, "live")
		total := rapid.Uint64Range(1, 1<<40).Draw(rt, "total")
		done := rapid.Uint64Range(0, total-1).Draw(rt, "done")
		h := headroom(live, floor, done, total)
		require.LessOrEqual(rt, h, live)
		require.GreaterOrEqual(rt, h, live/Share)
		require.Equal(rt, live/EndShare, headroom(live, floor, total, total), "at the end")
		if done > 0 {
			final := float64(live) * float64(total) / float64(done)
			require.LessOrEqual(rt, float64(live+h), max(final, float64(live+live/Share))*(1+1e-9))
		}
	})
}

// However the live heap grows, the limit it allows never falls: the floor's
// headroom hands over to the rest where they meet.
func TestLimitNeverFallsAsTheLiveHeapGrows(t *testing.T) {
	rapid.Check(t, func(rt *rapid.T) {
		floor := rapid.Uint64Range(0, 1<<30).Draw(rt, "floor")
		other := rapid.Uint64Range(0, 1<<28).Draw(rt, "other")
		total := rapid.Uint64Range(0, 1000).Draw(rt, "total")
		done := rapid.Uint64Range(0, total).Draw(rt, "done")
		a := rapid.Uint64Range(0, 1<<32).Draw(rt, "live")
		b := a + rapid.Uint64Range(0, 1<<32).Draw(rt, "growth")
		at := func(live uint64) int64 {
			return Limit(sample{total: live + other, objects: live, live: live}, floor, done, total)
		}
		require.LessOrEqual(rt, at(a), at(b))
		if total > 0 && done == total {
			require.GreaterOrEqual(rt, at(a), int64(other+a), "the work done: never below the live heap")
			return
		}
		require.GreaterOrEqual(rt, at(a), int64(other+max(floor, a)), "never below the floor, nor the live heap")
	})
}

func TestStartCollectsLessAndRestores(t *testing.T) {
	t.Setenv("GOGC", "")
	t.Setenv("GOMEMLIMIT", "")
	before := debug.SetGCPercent(100)
	defer debug.SetGCPercent(before)
	runtime.GC()

	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	gcs := ms.NumGC
	p := Start(256 << 20)
	p.Progress(10, 100)
	garbage(64 << 20)
	runtime.ReadMemStats(&ms)
	during := ms.NumGC - gcs
	p.Stop()
	require.Equal(t, 100, debug.SetGCPercent(100), "stop restores GOGC")
	require.Zero(t, during, "64 MiB of garbage under a 256 MiB floor: no collection")

	runtime.GC()
	runtime.ReadMemStats(&ms)
	gcs = ms.NumGC
	garbage(64 << 20)
	runtime.ReadMemStats(&ms)
	require.NotZero(t, ms.NumGC-gcs, "the same garbage without the floor is collected (the test can fail)")
}

func TestStartLeavesAnOperatorsSetting(t *testing.T) {
	t.Setenv("GOGC", "50")
	before := debug.SetGCPercent(50)
	defer debug.SetGCPercent(before)
	p := Start(256 << 20)
	require.Nil(t, p)
	p.Progress(1, 2) // safe on nil
	require.Equal(t, 50, debug.SetGCPercent(50), "GOGC set: Start changes nothing")
	p.Stop()
}

var sink []byte

// garbage allocates n bytes in 4 KiB pieces, each dropped at once.
func garbage(n int) {
	for i := 0; i < n/4096; i++ {
		sink = make([]byte, 4096)
	}
	sink = nil
}

// Start paces by what Progress reports: with a live heap past the floor, the limit
// it sets near the job's end leaves a Share-th of the live heap as headroom, far
// below the one it sets early on (as much as the live heap).
func TestStartPacesByProgress(t *testing.T) {
	t.Setenv("GOGC", "")
	t.Setenv("GOMEMLIMIT", "")
	before := debug.SetGCPercent(100)
	defer debug.SetGCPercent(before)
	live := make([][]byte, 64)
	for i := range live {
		live[i] = make([]byte, 1<<20) // 64 MiB held throughout
	}
	runtime.GC()
	p := Start(8 << 20)
	defer p.Stop()
	limitAfter := func(done uint64) int64 {
		p.Progress(done, 100)
		time.Sleep(5 * Every) // the limit moves every tick
		return debug.SetMemoryLimit(-1)
	}
	early, end := limitAfter(1), limitAfter(100)
	require.Greater(t, early-end, int64(64<<20)/2, "early %d MiB, at the end %d MiB", early>>20, end>>20)
	runtime.KeepAlive(live)
}

// The first report of the whole job done collects and gives the freed memory back
// to the system, once: later reports collect nothing.
func TestProgressAtTheEndGivesFreedMemoryBack(t *testing.T) {
	t.Setenv("GOGC", "")
	t.Setenv("GOMEMLIMIT", "")
	p := Start(1 << 30) // no collection of its own before the end
	defer p.Stop()
	p.Progress(50, 100)
	garbage := make([][]byte, 64)
	for i := range garbage {
		garbage[i] = make([]byte, 1<<20)
	}
	held = garbage
	held = nil
	released := func() uint64 {
		ms := []metrics.Sample{{Name: "/memory/classes/heap/released:bytes"}}
		metrics.Read(ms)
		return ms[0].Value.Uint64()
	}
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	gcs, before := ms.NumGC, released()

	p.Progress(100, 100)
	runtime.ReadMemStats(&ms)
	require.Greater(t, ms.NumGC, gcs, "collected at the end")
	require.GreaterOrEqual(t, released()-before, uint64(32<<20), "the 64 MiB dropped went back to the system")

	gcs = ms.NumGC
	p.Progress(100, 100)
	runtime.ReadMemStats(&ms)
	require.Equal(t, gcs, ms.NumGC, "only the first report of the end collects")
}

// held keeps the test's garbage on the heap until it is dropped.
var held [][]byte
