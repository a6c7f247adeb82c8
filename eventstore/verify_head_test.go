package eventstore

import (
	"strings"
	"testing"
	"unsafe"

	"github.com/stretchr/testify/require"
)

// mutable is s backed by bytes the test overwrites afterwards, as a read page's
// shared block would be if anything still pointed into it.
func mutable(s string) (string, []byte) {
	b := []byte(s)
	return unsafe.String(&b[0], len(b)), b
}

// A chain head keeps its own copy of the hash, whatever its length: it must hold
// no part of the event it was given.
func TestChainHeadCopiesTheHash(t *testing.T) {
	for _, want := range []string{strings.Repeat("ab", 32), "edited", strings.Repeat("c", 65)} {
		var h chainHead
		s, b := mutable(want)
		h.keep(s)
		clear(b)
		require.Equal(t, want, h.hash())
		require.True(t, h.follows(want))
		require.False(t, h.follows(want[:len(want)-1]))
		require.False(t, h.follows(""))
	}
	var first chainHead
	require.True(t, first.follows(""), "a stream's first event follows no hash")
}

// The chain keys streams by its own copy of their names.
func TestChainKeepsItsOwnStreamNames(t *testing.T) {
	c := NewChain()
	name, b := mutable("pathway-1")
	e0 := Event{Stream: name, StreamVersion: 0, EventID: "e0", Type: "T", OccurredOn: "2025-01-06", Data: []byte(`{}`)}
	Seal("", &e0)
	c.Add(&e0)
	clear(b)
	e1 := Event{Stream: "pathway-1", StreamVersion: 1, EventID: "e1", Type: "T", OccurredOn: "2025-01-06", Data: []byte(`{}`)}
	Seal(e0.Hash, &e1)
	c.Add(&e1)
	r := c.Report()
	require.True(t, r.OK, "%v", r.Failures)
	require.EqualValues(t, 1, r.Streams)
	require.EqualValues(t, 2, r.Events)
}
