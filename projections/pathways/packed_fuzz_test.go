package pathways

import (
	"slices"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/pathway-ledger/ledger/aggregates/pathway"
)

// fuzzKey is the key FuzzUnpack unpacks under.
const fuzzKey = "0b9c4d6e-1f2a-4b3c-8d4e-5f6a7b8c9d0e"

// FuzzUnpack: damaged bytes never panic unpack, and whatever it accepts is a state
// that packs and unpacks to itself without holding on to the input.
func FuzzUnpack(f *testing.F) {
	for i := range 40 {
		h := packHistory(i)
		for _, k := range []int{1, len(h) / 2, len(h)} {
			if k > 0 {
				s := pathway.Fold(h[:k])
				f.Add(appendPacked(nil, &s, fuzzKey))
			}
		}
	}
	f.Add(appendPacked(nil, new(pathway.New()), fuzzKey))
	s := pathway.Fold(packHistory(0))
	f.Add(appendPacked(nil, &s, s.PathwayID)) // under its own id: the id not spelled
	f.Add([]byte{})
	f.Add([]byte{packFormat})
	f.Fuzz(func(t *testing.T, b []byte) {
		in := slices.Clone(b)
		s, err := unpack(in, fuzzKey)
		if err != nil {
			require.ErrorIs(t, err, errPacked)
			return
		}
		clear(in)
		again, err := unpack(appendPacked(nil, &s, fuzzKey), fuzzKey)
		require.NoError(t, err)
		require.Equal(t, s, again)
		first, err := unpack(b, fuzzKey)
		require.NoError(t, err)
		require.Equal(t, first, s, "unpack kept its input")
	})
}
