package pathways

import (
	"fmt"
	"testing"

	"github.com/stretchr/testify/require"
)

func TestCodeTableNumbersEachValueOnceAndRefusesOverflow(t *testing.T) {
	tb := newTable[uint8]("test")
	for i := range 256 {
		require.Equal(t, uint8(i), tb.of(fmt.Sprint(i)))
	}
	require.Equal(t, uint8(7), tb.of("7"), "a known value keeps its number")
	require.Equal(t, "255", tb.name(255))
	require.PanicsWithValue(t, "pathways: more than 256 distinct test codes", func() { tb.of("one too many") })
}

func TestNewCodesReserveZeroForNoListType(t *testing.T) {
	c := newCodes()
	require.Equal(t, uint8(0), c.small.of(""))
	require.Equal(t, uint8(1), c.small.of("inpatient"))
}
