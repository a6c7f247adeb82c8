package pathways

import (
	"cmp"
	"slices"
	"strings"

	"github.com/pathway-ledger/ledger/rtt"
)

// ptlIndex orders the running periods by (started_on, pathway_id): one bucket per
// clock-start day, buckets sorted by day, each bucket's pathways sorted by id. A
// trust's open periods start on a few hundred to a few thousand distinct days, so
// a new day is a short slice insert and a new pathway a binary search and a shift
// inside its day; a page resumes by two binary searches. This is all the ordering
// the PTL needs, without a general-purpose tree dependency.
type ptlIndex struct {
	days []bucket
	n    int
}

type bucket struct {
	day  rtt.Date
	recs []entry
}

// entry carries the first eight bytes of the pathway id beside the rec, so that a
// binary search inside a day compares integers in one array and follows a pointer
// only on a tie: at a million pathways the pointer chasing was most of the
// rebuild's index time.
type entry struct {
	key uint64
	r   *rec
}

// idKey is the first eight bytes of id, big-endian and zero-padded: ordering by key,
// then by the whole id, is ordering by id.
func idKey(id string) uint64 {
	var k uint64
	for i := range 8 {
		k <<= 8
		if i < len(id) {
			k |= uint64(id[i])
		}
	}
	return k
}

func (x *ptlIndex) dayAt(day rtt.Date) (int, bool) {
	return slices.BinarySearchFunc(x.days, day, func(b bucket, d rtt.Date) int { return b.day.Compare(d) })
}

func idAt(recs []entry, id string) (int, bool) {
	key := idKey(id)
	return slices.BinarySearchFunc(recs, id, func(e entry, id string) int {
		if e.key != key {
			return cmp.Compare(e.key, key)
		}
		return strings.Compare(e.r.id, id)
	})
}

func (x *ptlIndex) insert(day rtt.Date, r *rec) {
	i, ok := x.dayAt(day)
	if !ok {
		x.days = slices.Insert(x.days, i, bucket{day: day})
	}
	b := &x.days[i]
	j, found := idAt(b.recs, r.id)
	if found {
		return
	}
	b.recs = slices.Insert(b.recs, j, entry{idKey(r.id), r})
	x.n++
}

func (x *ptlIndex) remove(day rtt.Date, r *rec) {
	i, ok := x.dayAt(day)
	if !ok {
		return
	}
	b := &x.days[i]
	j, found := idAt(b.recs, r.id)
	if !found {
		return
	}
	b.recs = slices.Delete(b.recs, j, j+1)
	// A day's bucket fills as that day's referrals arrive and drains over the months
	// their clocks stop: in a live log's order it kept the capacity of its fullest
	// day, at a million pathways 46 MB of index for 6 MB of entries.
	if c := cap(b.recs); c > 32 && len(b.recs) < c/4 {
		b.recs = slices.Clone(b.recs)
	}
	x.n--
	if len(b.recs) == 0 {
		x.days = slices.Delete(x.days, i, i+1)
	}
}

// ascend visits the running periods in (started_on, pathway_id) order from the
// first one when bounded is false, else from the first key after (day, afterID)
// when after is set, or the first started on or after day; it stops when fn
// returns false.
func (x *ptlIndex) ascend(day rtt.Date, bounded bool, afterID string, after bool, fn func(*rec) bool) {
	i := 0
	if bounded {
		i, _ = x.dayAt(day)
	}
	for ; i < len(x.days); i++ {
		b := &x.days[i]
		j := 0
		if bounded && after && b.day.Equal(day) {
			j, _ = idAt(b.recs, afterID)
			if j < len(b.recs) && b.recs[j].r.id == afterID {
				j++
			}
		}
		for ; j < len(b.recs); j++ {
			if !fn(b.recs[j].r) {
				return
			}
		}
	}
}
