// Package sessions is the sessions read model: every session stream folded as the
// session aggregate folds it, listed by date and start time, with the index of which
// pathways sit on which lists (a patient booked elsewhere that day) and the
// utilisation report by specialty and week. It is a projections.Projection named
// "sessions".
package sessions

import (
	"cmp"
	"encoding/json"
	"errors"
	"slices"
	"strings"
	"sync"

	"github.com/pathway-ledger/ledger/aggregates/session"
	"github.com/pathway-ledger/ledger/eventstore"
	"github.com/pathway-ledger/ledger/rtt"
)

// Name is the projection's name (its snapshot file is sessions.snap).
const Name = "sessions"

// snapshotVersion changes with the snapshot encoding or the meaning of Apply.
const snapshotVersion = 1

// StreamPrefix starts every session stream name.
const StreamPrefix = "session-"

// ReadModel is safe for concurrent use: the runner applies events while queries run.
type ReadModel struct {
	mu   sync.RWMutex
	byID map[string]*rec
	// order is every session in the order of its first event, for snapshots.
	order []*rec
	// onList maps a pathway id to the sessions that currently hold it.
	onList map[string][]*rec
}

type rec struct {
	id     string // the stream's, which the snapshot keys the session by
	state  session.State
	events []stored
}

// stored is one session event as the snapshot keeps it.
type stored struct {
	Type   string          `json:"type"`
	Schema int             `json:"schema"`
	Data   json.RawMessage `json:"data"`
}

// New returns an empty read model.
func New() *ReadModel {
	m := &ReadModel{}
	m.resetLocked()
	return m
}

func (m *ReadModel) resetLocked() {
	m.byID, m.order, m.onList = map[string]*rec{}, nil, map[string][]*rec{}
}

// Name implements projections.Projection.
func (m *ReadModel) Name() string { return Name }

// SnapshotVersion implements projections.Projection.
func (m *ReadModel) SnapshotVersion() uint32 { return snapshotVersion }

// Reset implements projections.Projection.
func (m *ReadModel) Reset() {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.resetLocked()
}

// Apply folds one event of the global log in; other streams are ignored and an
// undecodable session event stops the runner rather than be skipped.
func (m *ReadModel) Apply(ev eventstore.Event) error {
	id, ok := strings.CutPrefix(ev.Stream, StreamPrefix)
	if !ok {
		return nil
	}
	if id == "" {
		return errors.New("sessions: session stream without an id")
	}
	e, err := session.Decode(ev.Type, ev.SchemaVersion, ev.Data)
	if err != nil {
		return err
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	m.applyLocked(id, e, stored{Type: ev.Type, Schema: ev.SchemaVersion, Data: slices.Clone(ev.Data)})
	return nil
}

// ApplyBatch implements projections.BatchApplier: the same as Apply on each event
// in turn, without copying the envelopes of the other streams' events (nearly
// all of a replayed log) only to ignore them.
func (m *ReadModel) ApplyBatch(evs []eventstore.Event) (int, error) {
	for i := range evs {
		if !strings.HasPrefix(evs[i].Stream, StreamPrefix) {
			continue
		}
		if err := m.Apply(evs[i]); err != nil {
			return i, err
		}
	}
	return len(evs), nil
}

func (m *ReadModel) applyLocked(id string, e session.Event, s stored) {
	r := m.byID[id]
	if r == nil {
		r = &rec{id: strings.Clone(id)}
		m.byID[r.id] = r
		m.order = append(m.order, r)
	}
	before := r.state.Bookings
	r.state = session.Evolve(r.state, e)
	r.events = append(r.events, s)
	if !sameBookings(before, r.state.Bookings) {
		m.reindex(r, before)
	}
}

func sameBookings(a, b []session.Booking) bool {
	return len(a) == len(b) && (len(a) == 0 || &a[0] == &b[0])
}

// reindex moves r in the pathway index from the bookings it had to those it has.
func (m *ReadModel) reindex(r *rec, before []session.Booking) {
	for _, b := range before {
		m.onList[b.PathwayID] = slices.DeleteFunc(m.onList[b.PathwayID], func(x *rec) bool { return x == r })
		if len(m.onList[b.PathwayID]) == 0 {
			delete(m.onList, b.PathwayID)
		}
	}
	for _, b := range r.state.Bookings {
		m.onList[b.PathwayID] = append(m.onList[b.PathwayID], r)
	}
}

// Get returns a session's state.
func (m *ReadModel) Get(id string) (session.State, bool) {
	m.mu.RLock()
	defer m.mu.RUnlock()
	r, ok := m.byID[id]
	if !ok {
		return session.State{}, false
	}
	return r.state, true
}

// Len is the number of sessions.
func (m *ReadModel) Len() int {
	m.mu.RLock()
	defer m.mu.RUnlock()
	return len(m.order)
}

// Placement is a pathway's place on a live list.
type Placement struct {
	session.SessionRef
	Date rtt.Date
}

// PlacementsOf lists the live lists a pathway is on, by date.
func (m *ReadModel) PlacementsOf(pathwayID string) []Placement {
	m.mu.RLock()
	defer m.mu.RUnlock()
	var out []Placement
	for _, r := range m.onList[pathwayID] {
		if b, ok := r.state.Booking(pathwayID); ok {
			out = append(out, Placement{SessionRef: session.SessionRef{SessionID: r.state.SessionID, BookingID: b.BookingID}, Date: r.state.Date})
		}
	}
	slices.SortFunc(out, func(a, b Placement) int { return a.Date.Compare(b.Date) })
	return out
}

// Filter narrows List; zero fields do not filter. From and To are inclusive.
type Filter struct {
	From, To      *rtt.Date
	SpecialtyCode string
	ListType      string
	Status        session.Status
}

func (f Filter) keep(s *session.State) bool {
	return (f.From == nil || !s.Date.Before(*f.From)) && (f.To == nil || !s.Date.After(*f.To)) &&
		(f.SpecialtyCode == "" || s.SpecialtyCode == f.SpecialtyCode) &&
		(f.ListType == "" || s.ListType == f.ListType) && (f.Status == "" || s.Status == f.Status)
}

// List returns the sessions the filter keeps, by date, start time and id.
func (m *ReadModel) List(f Filter) []session.State {
	m.mu.RLock()
	out := make([]session.State, 0, 16)
	for _, r := range m.order {
		if f.keep(&r.state) {
			out = append(out, r.state)
		}
	}
	m.mu.RUnlock()
	slices.SortFunc(out, func(a, b session.State) int {
		return cmp.Or(a.Date.Compare(b.Date), cmp.Compare(a.StartTime.Minutes(), b.StartTime.Minutes()),
			strings.Compare(a.SessionID, b.SessionID))
	})
	return out
}

// PlacementsOn maps each pathway on a live list dated day to its places on them.
func (m *ReadModel) PlacementsOn(day rtt.Date) map[string][]session.SessionRef {
	m.mu.RLock()
	defer m.mu.RUnlock()
	out := map[string][]session.SessionRef{}
	for _, r := range m.order {
		if !r.state.Date.Equal(day) {
			continue
		}
		for _, b := range r.state.Bookings {
			out[b.PathwayID] = append(out[b.PathwayID], session.SessionRef{SessionID: r.state.SessionID, BookingID: b.BookingID})
		}
	}
	return out
}
