package booking

import (
	"cmp"
	"encoding/json"
	"fmt"
	"io"
	"slices"
	"strings"
	"sync"

	"github.com/pathway-ledger/ledger/aggregates/pathway"
	"github.com/pathway-ledger/ledger/aggregates/session"
	"github.com/pathway-ledger/ledger/eventstore"
	"github.com/pathway-ledger/ledger/rtt"
)

// Name is the tracker's projection name.
const Name = "session-bookings"

const snapshotVersion = 1

// link is what the log says about one session booking id on both streams.
type link struct {
	// Scheduled is the booking as the session list made it.
	Scheduled Action `json:"scheduled"`
	// Removal is set once the patient left the list (removed, or the list cancelled).
	Removal *Action `json:"removal,omitempty"`
	// OnPathway: the pathway holds the booking; CancelledOnPathway: and cancelled it.
	OnPathway          bool `json:"on_pathway"`
	CancelledOnPathway bool `json:"cancelled_on_pathway"`
	// Pathway cancellation, kept for the reverse direction (unschedule).
	PathwayCancel *Action `json:"pathway_cancel,omitempty"`
}

// owed is the change the link still needs, if any.
func (l *link) owed() (Action, bool) {
	switch {
	case l.Removal == nil && !l.OnPathway:
		return l.Scheduled, true
	case l.Removal != nil && l.OnPathway && !l.CancelledOnPathway:
		return *l.Removal, true
	case l.Removal == nil && l.CancelledOnPathway && l.PathwayCancel != nil:
		return *l.PathwayCancel, true
	}
	return Action{}, false
}

// Tracker is the projection of outstanding pathway changes. Safe for concurrent use.
type Tracker struct {
	mu      sync.RWMutex
	links   map[string]*link
	changed chan struct{}
	slab    pathway.Slab // the pathway events being applied, under mu
}

// NewTracker returns an empty tracker.
func NewTracker() *Tracker {
	return &Tracker{links: map[string]*link{}, changed: make(chan struct{}, 1)}
}

// Name implements projections.Projection.
func (t *Tracker) Name() string { return Name }

// SnapshotVersion implements projections.Projection.
func (t *Tracker) SnapshotVersion() uint32 { return snapshotVersion }

// Reset implements projections.Projection.
func (t *Tracker) Reset() {
	t.mu.Lock()
	t.links = map[string]*link{}
	t.mu.Unlock()
}

// Changed signals (coalesced) that the outstanding work may have changed.
func (t *Tracker) Changed() <-chan struct{} { return t.changed }

func (t *Tracker) poke() {
	select {
	case t.changed <- struct{}{}:
	default:
	}
}

// Pending lists the outstanding changes, oldest cause first.
func (t *Tracker) Pending() []Action {
	t.mu.RLock()
	var out []Action
	for _, l := range t.links {
		if a, ok := l.owed(); ok {
			out = append(out, a)
		}
	}
	t.mu.RUnlock()
	slices.SortFunc(out, func(a, b Action) int {
		return cmp.Or(cmp.Compare(a.Position, b.Position), strings.Compare(a.BookingID, b.BookingID))
	})
	return out
}

// Apply implements projections.Projection. Only session events and the two pathway
// booking events matter; the type is checked before anything is decoded, so the
// pathway traffic of a large log costs a string compare per event.
func (t *Tracker) Apply(ev eventstore.Event) error {
	switch {
	case !tracked(&ev):
		return nil
	case strings.HasPrefix(ev.Stream, "session-"):
		return t.applySession(ev)
	default:
		return t.applyPathway(ev)
	}
}

// tracked: the session events and the two pathway booking events are all the
// tracker follows.
func tracked(ev *eventstore.Event) bool {
	return strings.HasPrefix(ev.Stream, "session-") ||
		strings.HasPrefix(ev.Stream, "pathway-") && (ev.Type == "AdmissionBooked" || ev.Type == "BookingCancelled")
}

// ApplyBatch implements projections.BatchApplier: the same as Apply on each event
// in turn, without copying the envelopes it ignores (nearly all of a replayed log).
func (t *Tracker) ApplyBatch(evs []eventstore.Event) (int, error) {
	for i := range evs {
		if !tracked(&evs[i]) {
			continue
		}
		if err := t.Apply(evs[i]); err != nil {
			return i, err
		}
	}
	return len(evs), nil
}

func (t *Tracker) applySession(ev eventstore.Event) error {
	e, err := session.Decode(ev.Type, ev.SchemaVersion, ev.Data)
	if err != nil {
		return err
	}
	t.mu.Lock()
	defer t.mu.Unlock()
	switch e := e.(type) {
	case session.PatientScheduled:
		t.links[e.BookingID] = &link{Scheduled: scheduled(ev, e)}
	case session.PatientUnscheduled:
		t.remove(ev, e.BookingID, e.UnscheduledOn, removalReason(e), false)
	case session.SessionCancelled:
		for _, b := range e.CancelledBookings {
			t.remove(ev, b.BookingID, e.CancelledOn, cancellationReason(e), e.Clinical)
		}
	default:
		return nil
	}
	t.poke()
	return nil
}

func (t *Tracker) remove(ev eventstore.Event, bookingID string, on rtt.Date, reason string, clinical bool) {
	l := t.links[bookingID]
	if l == nil || l.Removal != nil {
		return
	}
	a := removal(ev, l.Scheduled, on, reason, clinical)
	l.Removal = &a
}

func (t *Tracker) applyPathway(ev eventstore.Event) error {
	t.mu.Lock()
	defer t.mu.Unlock()
	// Into the tracker's slab (its use serialised by the lock), which the event
	// leaves once applied: a box for each was nearly all the tracker allocated in
	// a replay. What it keeps of one (ids, reasons) are strings of their own.
	defer t.slab.Reset()
	p, err := t.slab.Decode(ev.Type, ev.SchemaVersion, ev.Data)
	if err != nil {
		return err
	}
	switch e := p.(type) {
	case *pathway.AdmissionBooked:
		if l := t.links[e.BookingID]; l != nil {
			l.OnPathway = true
		}
	case *pathway.BookingCancelled:
		l := t.links[e.BookingID]
		if l == nil {
			return nil
		}
		l.CancelledOnPathway = true
		if l.Removal == nil {
			a := base(ev, Unschedule)
			a.PathwayID, a.BookingID, a.SessionID, a.AdmissionOn = l.Scheduled.PathwayID, e.BookingID, l.Scheduled.SessionID, l.Scheduled.AdmissionOn
			a.On, a.Reason = e.CancelledOn, fmt.Sprintf("booking cancelled on the pathway by the %s: %s", e.CancelledBy, e.Reason)
			l.PathwayCancel = &a
		}
	}
	t.poke()
	return nil
}

// Snapshot implements projections.Projection (JSON, booking ids in order).
func (t *Tracker) Snapshot(w io.Writer) error {
	t.mu.RLock()
	defer t.mu.RUnlock()
	return json.NewEncoder(w).Encode(t.links)
}

// Restore implements projections.Projection.
func (t *Tracker) Restore(r io.Reader) error {
	links := map[string]*link{}
	if err := json.NewDecoder(r).Decode(&links); err != nil {
		return fmt.Errorf("booking: snapshot: %w", err)
	}
	t.mu.Lock()
	t.links = links
	t.mu.Unlock()
	t.poke()
	return nil
}
