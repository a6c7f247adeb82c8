package pathways

import (
	"slices"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/pathway-ledger/ledger/aggregates/pathway"
)

// FuzzUnpack: damaged bytes never panic unpack, and whatever it accepts is a state
// that packs and unpacks to itself without holding on to the input.
func FuzzUnpack(f *testing.F) {
	for i := range 40 {
		h := packHistory(i)
		for _, k := range []int{1, len(h) / 2, len(h)} {
			if k > 0 {
				s := pathway.Fold(h[:k])
				f.Add(appendPacked(nil, &s))
			}
		}
	}
	f.Add(appendPacked(nil, new(pathway.New())))
	f.Add([]byte{})
	f.Add([]byte{packFormat})
	f.Fuzz(func(t *testing.T, b []byte) {
		in := slices.Clone(b)
		s, err := unpack(in)
		if err != nil {
			require.ErrorIs(t, err, errPacked)
			return
		}
		clear(in)
		again, err := unpack(appendPacked(nil, &s))
		require.NoError(t, err)
		require.Equal(t, s, again)
		first, err := unpack(b)
		require.NoError(t, err)
		require.Equal(t, first, s, "unpack kept its input")
	})
}
