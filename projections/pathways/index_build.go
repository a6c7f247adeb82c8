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
	var listed []entry
	for _, p := range m.byID {
		if p.listed {
			listed = append(listed, entry{idKey(p.id), p})
		}
	}
	slices.SortFunc(listed, func(a, b entry) int {
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
	m.dups = map[dupKey]*rec{}
	for _, e := range listed {
		m.ptl.push(e.r.start, e)
		m.specialtyPTL(e.r.ptlSpec).push(e.r.start, e)
		if e.r.dup != 0 {
			m.addDup(e.r)
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
