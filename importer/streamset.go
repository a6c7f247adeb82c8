package importer

import (
	"bytes"
	"slices"

	"github.com/google/uuid"
)

// streamSet maps stream ids to their opening: a run sorted by id, and a map of the
// streams met since the run was last merged. At a million streams that is 32 MB
// of run, where a map of them all took ~70 MB and the collector as much again.
type streamSet struct {
	run        []streamEntry
	pending    map[uuid.UUID]opening
	mergeEvery int // pending streams that make a merge; 0 means defaultMergeEvery
}

type streamEntry struct {
	id uuid.UUID
	op opening
}

const defaultMergeEvery = 1 << 16

func (s *streamSet) get(id uuid.UUID) (opening, bool) {
	if op, ok := s.pending[id]; ok {
		return op, true
	}
	i, ok := slices.BinarySearchFunc(s.run, id, func(e streamEntry, id uuid.UUID) int { return bytes.Compare(e.id[:], id[:]) })
	if !ok {
		return opening{}, false
	}
	return s.run[i].op, true
}

// add files a stream get does not know.
func (s *streamSet) add(id uuid.UUID, op opening) {
	if s.pending == nil {
		s.pending = map[uuid.UUID]opening{}
	}
	s.pending[id] = op
	if len(s.pending) >= cmpOr(s.mergeEvery, defaultMergeEvery) {
		s.merge()
	}
}

// merge moves the pending streams into the run, merging from the back so that
// the run grows in place.
func (s *streamSet) merge() {
	if len(s.pending) == 0 {
		return
	}
	p := make([]streamEntry, 0, len(s.pending))
	for id, op := range s.pending {
		p = append(p, streamEntry{id, op})
	}
	slices.SortFunc(p, func(a, b streamEntry) int { return bytes.Compare(a.id[:], b.id[:]) })
	n := len(s.run)
	s.run = slices.Grow(s.run, len(p))[:n+len(p)]
	for i, j, k := n-1, len(p)-1, n+len(p)-1; j >= 0; k-- {
		if i >= 0 && bytes.Compare(s.run[i].id[:], p[j].id[:]) > 0 {
			s.run[k] = s.run[i]
			i--
		} else {
			s.run[k] = p[j]
			j--
		}
	}
	clear(s.pending)
}

func cmpOr(a, b int) int {
	if a != 0 {
		return a
	}
	return b
}
