package pathways

import (
	"cmp"
	"slices"
	"strings"

	"github.com/pathway-ledger/ledger/rtt"
)

// buildIndexes files the listed pathways in the PTL indexes, the whole list's and
// each specialty's, and the duplicate index, from scratch: what reindex keeps in
// order event by event, built from the recs at the end of a bulk load. Listed and
// duplicate pathways are live, so all are in byID.
func (m *ReadModel) buildIndexes() {
	type filed struct {
		key uint64
		r   *rec
	}
	var listed []filed
	for _, p := range m.byID {
		if p.listed {
			listed = append(listed, filed{idKey(p.id), p})
		}
	}
	slices.SortFunc(listed, func(a, b filed) int {
		if c := a.r.start.Compare(b.r.start); c != 0 {
			return c
		}
		if c := cmp.Compare(a.key, b.key); c != 0 {
			return c
		}
		return strings.Compare(a.r.id, b.r.id)
	})
	m.ptl = ptlIndex{}
	m.ptlBySpecialty = nil
	m.dups = map[dupKey][]*rec{}
	for _, f := range listed {
		e := entry{f.key, f.r}
		m.ptl.push(f.r.start, e)
		m.specialtyPTL(f.r.ptlSpec).push(f.r.start, e)
		if f.r.dup != 0 {
			m.dups[f.r.dup] = append(m.dups[f.r.dup], f.r)
		}
	}
}

// push files e under day after everything the index holds: the caller pushes in
// (day, id) order.
func (x *ptlIndex) push(day rtt.Date, e entry) {
	if n := len(x.days); n == 0 || !x.days[n-1].day.Equal(day) {
		x.days = append(x.days, bucket{day: day})
	}
	b := &x.days[len(x.days)-1]
	b.recs = append(b.recs, e)
	x.n++
}
