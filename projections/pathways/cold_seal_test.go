package pathways

import (
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/stretchr/testify/require"
	"pgregory.net/rapid"
)

// seal files exactly the open keys, in the order bytes.Compare gives, whatever
// the keys share (a first byte, the first eight).
func TestPropertySealSortsTheOpenKeys(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		c := newColdStoreSized(sizes{run: 1 << 20, block: 64, slack: 8})
		prefix := rapid.SliceOfN(rapid.Byte(), 8, 8).Draw(t, "prefix")
		want := map[[16]byte]span{}
		for i := range rapid.IntRange(0, 300).Draw(t, "n") {
			var k [16]byte
			for j := range k {
				k[j] = rapid.Byte().Draw(t, "byte")
			}
			// Some keys share the first byte or the first eight with others.
			switch rapid.IntRange(0, 2).Draw(t, "share") {
			case 1:
				k[0] = prefix[0]
			case 2:
				copy(k[:8], prefix)
			}
			sp := span{off: uint32(i), n: 1}
			c.open[k], want[k] = sp, sp
		}
		c.seal()
		require.Empty(t, c.open)
		require.Len(t, c.runs, 1)
		run := c.runs[0]
		require.Len(t, run, len(want))
		require.True(t, slices.IsSortedFunc(run, byKey), "run sorted")
		for _, e := range run {
			require.Equal(t, want[e.key], e.sp)
		}
	})
}

// BenchmarkColdSeal: sealing a full run of UUID keys, as a replay does every
// runSize pathways gone cold.
func BenchmarkColdSeal(b *testing.B) {
	r := rand.New(rand.NewPCG(1, 2))
	keys := make([][16]byte, runSize)
	for i := range keys {
		for j := range keys[i] {
			keys[i][j] = byte(r.Uint32())
		}
	}
	c := newColdStore()
	b.ResetTimer()
	for b.Loop() {
		b.StopTimer()
		c.runs = c.runs[:0]
		for i, k := range keys {
			c.open[k] = span{off: uint32(i), n: 1}
		}
		b.StartTimer()
		c.seal()
	}
}
