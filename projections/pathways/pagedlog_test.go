package pathways_test

import (
	"time"
	"unsafe"

	"github.com/pathway-ledger/ledger/aggregates/pathway"
	"github.com/pathway-ledger/ledger/eventstore"
	"github.com/pathway-ledger/ledger/projections/pathways"
)

// pagedLog holds a log the way a replay meets it, a page of envelopes at a time.
// The events' bytes sit in one pointer-free block, so the collector does not scan
// the whole log on every cycle, as it would hundreds of thousands of envelopes
// (a replay holds three pages); each page is laid out afresh into reused envelopes.
type pagedLog struct {
	arena []byte
	recs  []evRec
	// byStream lists each stream's events, for re-reads.
	byStream map[string][]int32
}

type evRec struct {
	pos, ver                               uint64
	at                                     int64 // recorded at, Unix nanoseconds
	schema                                 int32
	stream, id, typ, occ, user, role, data span32
}

type span32 struct{ off, n uint32 }

func newPagedLog(evs []eventstore.Event) *pagedLog {
	size := 0
	for i := range evs {
		e := &evs[i]
		size += len(e.Stream) + len(e.EventID) + len(e.Type) + len(e.OccurredOn) + len(e.Actor.User) + len(e.Actor.Role) + len(e.Data)
	}
	l := &pagedLog{arena: make([]byte, 0, size), recs: make([]evRec, len(evs)), byStream: map[string][]int32{}}
	put := func(s string) span32 {
		sp := span32{uint32(len(l.arena)), uint32(len(s))}
		l.arena = append(l.arena, s...)
		return sp
	}
	for i := range evs {
		e := &evs[i]
		l.recs[i] = evRec{pos: e.Position, ver: e.StreamVersion, at: e.RecordedAt.UnixNano(), schema: int32(e.SchemaVersion),
			stream: put(e.Stream), id: put(e.EventID), typ: put(e.Type), occ: put(e.OccurredOn),
			user: put(e.Actor.User), role: put(e.Actor.Role), data: put(string(e.Data))}
		l.byStream[e.Stream] = append(l.byStream[e.Stream], int32(i))
	}
	return l
}

func (l *pagedLog) len() int { return len(l.recs) }

func (l *pagedLog) str(s span32) string {
	if s.n == 0 {
		return ""
	}
	return unsafe.String(&l.arena[s.off], int(s.n))
}

func (l *pagedLog) event(i int) eventstore.Event {
	r := &l.recs[i]
	return eventstore.Event{Position: r.pos, StreamVersion: r.ver, SchemaVersion: int(r.schema),
		RecordedAt: time.Unix(0, r.at).UTC(), Stream: l.str(r.stream), EventID: l.str(r.id), Type: l.str(r.typ),
		OccurredOn: l.str(r.occ), Actor: eventstore.Actor{User: l.str(r.user), Role: l.str(r.role)},
		Data: l.arena[r.data.off : r.data.off+r.data.n : r.data.off+r.data.n]}
}

// page lays events from..from+len(dst) (fewer at the end) out in dst.
func (l *pagedLog) page(dst []eventstore.Event, from int) []eventstore.Event {
	dst = dst[:min(len(dst), len(l.recs)-from)]
	for i := range dst {
		dst[i] = l.event(from + i)
	}
	return dst
}

// loader re-reads a stream from the log and counts its calls.
func (l *pagedLog) loader() (pathways.Loader, *int) {
	loads := new(int)
	return func(id string, before uint64) ([]pathway.Recorded, error) {
		*loads++
		var out []pathway.Recorded
		for _, i := range l.byStream[pathways.StreamPrefix+id] {
			ev := l.event(int(i))
			if ev.Position >= before {
				break
			}
			r, err := pathways.Recorded(&ev)
			if err != nil {
				return nil, err
			}
			out = append(out, r)
		}
		return out, nil
	}, loads
}
