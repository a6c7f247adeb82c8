package gcfloor

import (
	"runtime"
	"runtime/debug"
	"testing"

	"github.com/stretchr/testify/require"
	"pgregory.net/rapid"
)

func TestLimit(t *testing.T) {
	const mib = 1 << 20
	for _, c := range []struct {
		name  string
		s     sample
		floor uint64
		want  int64
	}{
		{"no garbage: what is held plus what the floor leaves over the live heap", sample{total: 100 * mib, objects: 50 * mib, live: 50 * mib}, 128 * mib, 178 * mib},
		{"garbage is not kept", sample{total: 300 * mib, released: 20 * mib, objects: 200 * mib, live: 50 * mib}, 128 * mib, 208 * mib},
		{"near the floor, still what it leaves", sample{total: 120 * mib, objects: 100 * mib, live: 100 * mib}, 128 * mib, 148 * mib},
		{"a live heap past the floor: a quarter of it, GOGC=25", sample{total: 900 * mib, objects: 700 * mib, live: 500 * mib}, 128 * mib, 825 * mib},
		{"before the first collection", sample{total: 10 * mib, objects: 4 * mib}, 128 * mib, 134 * mib},
		{"figures out of step", sample{total: 5 * mib, released: 9 * mib, objects: 7 * mib, live: 1 * mib}, 64 * mib, 63 * mib},
	} {
		t.Run(c.name, func(t *testing.T) {
			require.Equal(t, c.want, Limit(c.s, c.floor))
		})
	}
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
	stop := Start(256 << 20)
	garbage(64 << 20)
	runtime.ReadMemStats(&ms)
	during := ms.NumGC - gcs
	stop()
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
	stop := Start(256 << 20)
	require.Equal(t, 50, debug.SetGCPercent(50), "GOGC set: Start changes nothing")
	stop()
}

var sink []byte

// garbage allocates n bytes in 4 KiB pieces, each dropped at once.
func garbage(n int) {
	for i := 0; i < n/4096; i++ {
		sink = make([]byte, 4096)
	}
	sink = nil
}

// However the live heap grows, the limit it allows never falls: the floor's
// headroom hands over to the share's where they meet.
func TestLimitNeverFallsAsTheLiveHeapGrows(t *testing.T) {
	rapid.Check(t, func(rt *rapid.T) {
		floor := rapid.Uint64Range(0, 1<<30).Draw(rt, "floor")
		other := rapid.Uint64Range(0, 1<<28).Draw(rt, "other")
		a := rapid.Uint64Range(0, 1<<32).Draw(rt, "live")
		b := a + rapid.Uint64Range(0, 1<<32).Draw(rt, "growth")
		at := func(live uint64) int64 { return Limit(sample{total: live + other, objects: live, live: live}, floor) }
		require.LessOrEqual(rt, at(a), at(b))
		require.GreaterOrEqual(rt, at(a), int64(other+max(floor, a)), "never below the floor, nor the live heap")
	})
}
