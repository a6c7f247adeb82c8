package importer

import (
	"errors"
	"io"
	"runtime"
	"strings"
	"testing"
	"testing/iotest"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// manyLines is n lines across many decoding batches: valid activity lines, with a
// malformed line every 97th, a blank one at 300 and one too long at 555; the last
// line is malformed and has no line end. It returns the text, the lines fn must
// see and the lines refused, each in file order.
func manyLines(n int) (string, []int, []int) {
	var b strings.Builder
	var valid, refused []int
	for line := 1; line <= n; line++ {
		switch {
		case line == n:
			b.WriteString(`{"kind":`)
			refused = append(refused, line)
			continue
		case line == 300:
		case line == 555:
			b.WriteString(strings.Repeat("x", MaxNDJSONLine+10))
			refused = append(refused, line)
		case line%97 == 0:
			b.WriteString(`{"kind":"event"`)
			refused = append(refused, line)
		default:
			b.WriteString(activityLine)
			valid = append(valid, line)
		}
		b.WriteString("\n")
	}
	return b.String(), valid, refused
}

// However the lines fall into batches and whichever decoder finishes first, fn
// sees every valid line once, in file order, and the refusals come back in file
// order, the last line's with the truncation hint.
func TestReadNDJSONKeepsFileOrderAcrossBatches(t *testing.T) {
	text, valid, refused := manyLines(3*batchLines + 17)
	var got collected
	err := ReadNDJSON(strings.NewReader(text), got.fn)
	var re *RefusedError
	require.ErrorAs(t, err, &re)
	require.Equal(t, valid, got.lines)
	var lines []int
	for _, r := range re.Refusals {
		lines = append(lines, r.Line)
	}
	require.Equal(t, refused, lines)
	assert.Equal(t, RuleLineTooLong, re.Refusals[slicesIndex(refused, 555)].Rule)
	last := re.Refusals[len(re.Refusals)-1]
	assert.Contains(t, last.Detail, "the last line has no line end")
	for _, r := range re.Refusals[:len(re.Refusals)-1] {
		assert.NotContains(t, r.Detail, "no line end", "line %d", r.Line)
	}
	for _, rec := range got.recs {
		require.Equal(t, "ActivityRecorded", rec.Event.Type)
	}
}

func slicesIndex(xs []int, x int) int {
	for i, v := range xs {
		if v == x {
			return i
		}
	}
	return -1
}

// An error from fn deep in the file stops reading there: no later line is passed
// on, and no decoder or reader is left running.
func TestReadNDJSONStopsAcrossBatchesAndLeavesNothingRunning(t *testing.T) {
	text, _, _ := manyLines(8 * batchLines)
	runtime.GC() // the collector starts its workers at its first cycle: count them in
	before := runtime.NumGoroutine()
	boom := errors.New("store closed")
	last := 0
	err := ReadNDJSON(strings.NewReader(text), func(line int, _ Record) error {
		last = line
		if line >= 600 {
			return boom
		}
		return nil
	})
	require.ErrorIs(t, err, boom)
	assert.Equal(t, 600, last)
	// Polled here: require.Eventually runs its condition on goroutines of its own.
	for deadline := time.Now().Add(2 * time.Second); runtime.NumGoroutine() > before && time.Now().Before(deadline); {
		time.Sleep(10 * time.Millisecond)
	}
	require.LessOrEqual(t, runtime.NumGoroutine(), before, "no reader or decoder left running")
}

// A read error part-way through the file ends reading after the lines before it.
func TestReadNDJSONReadErrorAfterEarlierLines(t *testing.T) {
	boom := errors.New("disk gone")
	text := strings.Repeat(activityLine+"\n", batchLines+5)
	var got collected
	err := ReadNDJSON(io.MultiReader(strings.NewReader(text), iotest.ErrReader(boom)), got.fn)
	require.ErrorIs(t, err, boom)
	assert.Len(t, got.lines, batchLines+5, "every whole line before the error")
}
