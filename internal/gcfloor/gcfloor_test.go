package gcfloor

import (
	"runtime"
	"runtime/debug"
	"testing"

	"github.com/stretchr/testify/require"
)

func TestLimit(t *testing.T) {
	const mib = 1 << 20
	for _, c := range []struct {
		name  string
		s     sample
		floor uint64
		want  int64
	}{
		{"no garbage: what is held plus the floor", sample{total: 100 * mib, objects: 50 * mib, live: 50 * mib}, 128 * mib, 228 * mib},
		{"garbage is not kept", sample{total: 300 * mib, released: 20 * mib, objects: 200 * mib, live: 50 * mib}, 128 * mib, 258 * mib},
		{"a live heap over the floor: GOGC=100's headroom", sample{total: 900 * mib, objects: 700 * mib, live: 500 * mib}, 128 * mib, 1200 * mib},
		{"before the first collection", sample{total: 10 * mib, objects: 4 * mib}, 128 * mib, 134 * mib},
		{"figures out of step never go below the floor", sample{total: 5 * mib, released: 9 * mib, objects: 7 * mib, live: 1 * mib}, 64 * mib, 64 * mib},
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
