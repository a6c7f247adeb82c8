package pathways

import (
	"cmp"
	"slices"
	"strings"
)

// buildIndexes files the listed pathways in the PTL indexes, the whole list's and
// each specialty's, and the duplicate index, from scratch: what reindex keeps in
// order event by event, built from the recs at the end of a bulk load. Listed and
// duplicate pathways are live, so all are in byID. Each index is one array of
// exactly its entries, its days' buckets slices of it: grown entry by entry, the
// buckets kept half as much again in spare capacity.
func (m *ReadModel) buildIndexes() {
	n := 0
	for _, p := range m.byID {
		if p.listed {
			n++
		}
	}
	listed := make([]entry, 0, n)
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
	m.ptl = indexOf(listed)
	m.ptlBySpecialty = nil
	// A stable counting sort by specialty keeps each one's entries in PTL order.
	var count []int
	for _, e := range listed {
		count = grow(count, e.r.ptlSpec)
		count[e.r.ptlSpec]++
	}
	at := make([]int, len(count))
	for s := 1; s < len(count); s++ {
		at[s] = at[s-1] + count[s-1]
	}
	bySpec := make([]entry, len(listed))
	for _, e := range listed {
		bySpec[at[e.r.ptlSpec]] = e
		at[e.r.ptlSpec]++
	}
	from := 0
	for s, c := range count {
		if c > 0 {
			x := indexOf(bySpec[from : from+c : from+c])
			m.ptlBySpecialty = grow(m.ptlBySpecialty, uint16(s))
			m.ptlBySpecialty[s] = &x
		}
		from += c
	}
	m.dups = map[dupKey]*rec{}
	for _, e := range listed {
		if e.r.dup != 0 {
			m.addDup(e.r)
		}
	}
}

// indexOf is the index of es, sorted in (day, id) order: each day's bucket is
// its slice of es, capped so that an insert into it copies rather than
// overwrite the next day's.
func indexOf(es []entry) ptlIndex {
	days := 0
	for i := range es {
		if i == 0 || !es[i].r.start.Equal(es[i-1].r.start) {
			days++
		}
	}
	x := ptlIndex{days: make([]bucket, 0, days), n: len(es)}
	for i := 0; i < len(es); {
		j := i + 1
		for j < len(es) && es[j].r.start.Equal(es[i].r.start) {
			j++
		}
		x.days = append(x.days, bucket{day: es[i].r.start, recs: es[i:j:j]})
		i = j
	}
	return x
}
