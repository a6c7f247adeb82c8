package pathway

import (
	"reflect"
	"strings"
	"testing"
	"unsafe"

	"github.com/stretchr/testify/require"
	"pgregory.net/rapid"
)

// Every known value is found as the shared copy itself, from bytes of its own.
func TestKnownValuesAreShared(t *testing.T) {
	for _, v := range knownValues {
		got, ok := known([]byte(strings.Clone(v)))
		require.True(t, ok, v)
		require.Equal(t, v, got)
		require.Equal(t, unsafe.StringData(v), unsafe.StringData(got), "%s is the shared copy", v)
	}
}

// Nothing else is found: near misses, prefixes, longer values, empty.
func TestKnownRefusesOtherValues(t *testing.T) {
	for _, v := range []string{"", "1", "13", "P1", "P1c", "outpatien", "outpatient_", "Routine", "admission ", "X01", "999",
		"8f1c2a54-8d0b-5a7e-9f55-1a2b3c4d5e6f"} {
		_, ok := known([]byte(v))
		require.False(t, ok, "%q", v)
	}
}

// known agrees with a plain set lookup for any bytes.
func TestPropertyKnownIsSetMembership(t *testing.T) {
	set := map[string]bool{}
	for _, v := range knownValues {
		set[v] = true
	}
	rapid.Check(t, func(t *rapid.T) {
		b := []byte(rapid.OneOf(rapid.SampledFrom(knownValues), rapid.String()).Draw(t, "value"))
		if len(b) > 0 && rapid.Bool().Draw(t, "mutate") {
			b[rapid.IntRange(0, len(b)-1).Draw(t, "at")] ^= byte(rapid.IntRange(1, 255).Draw(t, "bits"))
		}
		got, ok := known(b)
		if ok != set[string(b)] || (ok && got != string(b)) {
			t.Fatalf("known(%q) = %q, %t", b, got, ok)
		}
	})
}

// The decoder table finds every type's own decoder, and nothing for a name that is
// not a type, however close.
func TestDecoderTableFindsEveryType(t *testing.T) {
	require.Len(t, decoders, 22)
	for typ, want := range decoders {
		got, ok := decoderOf(typ)
		require.True(t, ok, typ)
		require.Equal(t, reflect.ValueOf(want.decode).Pointer(), reflect.ValueOf(got).Pointer(), typ)
		for _, near := range []string{typ[:len(typ)-1], typ + "d", strings.ToLower(typ), "X" + typ[1:]} {
			_, ok := decoderOf(near)
			require.False(t, ok, near)
		}
	}
	_, ok := decoderOf("")
	require.False(t, ok)
}

// A slot table is refused a size that is not a power of two up to 256, more keys
// than half its slots, and an empty key (which marks a free slot).
func TestSlotTableRefusesWhatItCannotHold(t *testing.T) {
	require.Panics(t, func() { newSlotTable[int](48, []string{"a"}, nil) })
	require.Panics(t, func() { newSlotTable[int](512, []string{"a"}, nil) })
	require.Panics(t, func() { newSlotTable[int](4, []string{"a", "b", "c"}, nil) })
	require.Panics(t, func() { newSlotTable[int](8, []string{"a", ""}, nil) })
	tb := newSlotTable(8, []string{"a", "bb"}, []int{1, 2})
	_, v, ok := find(tb, "bb")
	require.True(t, ok)
	require.Equal(t, 2, v)
	_, _, ok = find(tb, []byte("b"))
	require.False(t, ok)
}
