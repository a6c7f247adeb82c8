package importer

import (
	"bytes"
	"testing"

	"github.com/google/uuid"
	"pgregory.net/rapid"
)

// The set answers as a map would, across merges, and lists every stream once in
// id order.
func TestPropertyStreamSetAnswersAsAMap(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		s := streamSet{mergeEvery: rapid.IntRange(1, 5).Draw(t, "merge every")}
		want := map[uuid.UUID]opening{}
		ids := rapid.SliceOfN(rapid.Uint8(), 1, 40).Draw(t, "ids")
		for i, b := range ids {
			id := uuid.UUID{15: b, 0: b ^ 0x5a}
			got, ok := s.get(id)
			w, wok := want[id]
			if ok != wok || got != w {
				t.Fatalf("get %v: %v %v, want %v %v", id, got, ok, w, wok)
			}
			if !ok {
				op := opening{line: int32(i + 1), opened: b%2 == 0, event: uint64(b)}
				s.add(id, op)
				want[id] = op
			}
		}
		var prev *uuid.UUID
		n := 0
		s.merge()
		for _, e := range s.run {
			if prev != nil && bytes.Compare(prev[:], e.id[:]) >= 0 {
				t.Fatalf("%v after %v", e.id, *prev)
			}
			if want[e.id] != e.op {
				t.Fatalf("%v: %v, want %v", e.id, e.op, want[e.id])
			}
			prev = &e.id
			n++
		}
		if n != len(want) {
			t.Fatalf("%d streams listed, want %d", n, len(want))
		}
	})
}
