package pathway

import "github.com/pathway-ledger/ledger/rtt"

// Fold builds the state from a stream's events, honouring retractions wherever they
// stand in the history.
func Fold(history []Recorded) State {
	retracted := map[string]bool{}
	for _, r := range history {
		if e, ok := r.Event.(EventRetracted); ok {
			retracted[e.EventID] = true
		}
	}
	s := New()
	s.retracted = retracted
	s.history = make([]Recorded, 0, len(history))
	for _, r := range history {
		s.history = append(s.history, r)
		applyTo(&s, r.Event, &r, true, nil)
	}
	return s
}

// Evolve folds one more event in. A retraction re-folds the history without the
// withdrawn event, so the state is exactly what it would be had it never been made.
func Evolve(s State, r Recorded) State {
	if _, ok := r.Event.(EventRetracted); ok {
		h := make([]Recorded, 0, len(s.history)+1)
		return Fold(append(append(h, s.history...), r))
	}
	if s.retracted == nil {
		s.retracted = map[string]bool{}
	}
	return apply(s, r, false, true)
}

// Step folds one more event into a state kept without its history, as a read model
// keeps thousands of them: it records no history, so History and Retracted answer
// nothing for the result. A retraction needs the history to re-fold and is refused
// (ok false); the caller re-folds the stream with Fold.
func Step(s State, r Recorded) (next State, ok bool) {
	ok = StepInPlace(&s, r)
	return s, ok
}

// StepInPlace is Step on *s: it changes s itself, but copies every slice it changes
// first, so a copy of *s taken before (a reader's) is never altered. A retraction
// leaves s as it was and reports false.
func StepInPlace(s *State, r Recorded) bool { return StepWith(s, r.Event, r, false, nil) }

// StepOwned is StepInPlace for a state nobody else holds a copy of (a read model
// loading a log in bulk, before anything reads it): it changes the state's slices in
// place instead of copying each first, which was a sixth of what a replay allocates.
func StepOwned(s *State, r Recorded) bool { return StepWith(s, r.Event, r, true, nil) }

// StepWith is StepOwned (owned) or StepInPlace (not) of e with r's envelope; r.Event
// is not read. The event comes apart from its record for a caller that boxed it on
// its own stack (a replay folding from a Slab): escape analysis follows a struct
// as a whole, so an event inside a record whose strings the state keeps would be
// moved to the heap with them. StepWith keeps copies of e's fields, never e. A
// state folded in place grows into sp's buffers (which may be nil) where it has none.
func StepWith(s *State, e Event, r Recorded, owned bool, sp *Spares) bool {
	if _, retraction := e.(EventRetracted); retraction {
		return false
	}
	applyTo(s, e, &r, owned, sp)
	return true
}

// WithoutHistory is s without its recorded history: what Step folds onto.
func (s State) WithoutHistory() State {
	s.history, s.retracted = nil, nil
	return s
}

// apply copies every slice it changes, so an earlier State is never altered, unless
// the state is owned by a running Fold that nobody else can see.
func apply(s State, r Recorded, owned, record bool) State {
	if record {
		s.history = append(s.history[:len(s.history):len(s.history)], r)
	}
	applyTo(&s, r.Event, &r, owned, nil)
	return s
}

// applyTo is apply on the caller's state: a read model steps thousands of states
// that it owns, and copying each (several hundred bytes) in and out of apply was a
// tenth of its fold.
func applyTo(s *State, ev Event, r *Recorded, owned bool, sp *Spares) {
	if !owned {
		sp = nil // the spares are for states folded in place only
	}
	s.Version = int64(r.StreamVersion)
	if s.retracted[r.EventID] {
		return
	}
	if !placeable(s, ev) {
		return
	}
	id := r.EventID
	switch e := ev.(type) {
	case ReferralReceived:
		s.Exists, s.PathwayID, s.Patient, s.SpecialtyCode = true, e.PathwayID, e.Patient, e.SpecialtyCode
		s.ReferralPriority, s.Source, s.ReceivedOn, s.ReferralEventID = e.ReferralPriority, e.Source, e.ReceivedOn, id
		s.Periods = append(take(sp, periodsOf)[:0], Period{StartedOn: e.ClockStartOn, OriginalStartOn: e.ClockStartOn, StartStatus: "10", StartEventID: id})
	case ActivityRecorded:
		if e.OccurredOn.After(s.LastActivityOn) {
			s.LastActivityOn = e.OccurredOn
		}
		if p := s.Running(); p != nil && !p.HasActivity {
			s.Periods = cl(owned, s.Periods)
			s.Current().HasActivity = true
		}
	case ClockStarted:
		// Always decided from an activity, which is the new period's first.
		s.Periods = append(grow(owned, s.Periods, sp, periodsOf), Period{StartedOn: e.StartedOn, OriginalStartOn: e.StartedOn,
			StartStatus: e.Status, StartEventID: id, HasActivity: true})
	case ClockStopped:
		s.Periods = cl(owned, s.Periods)
		p := s.Current()
		p.Stopped, p.StoppedOn, p.StopStatus, p.StopEventID, p.Admitted = true, e.StoppedOn, e.Status, id, e.Admitted
		s.closeRTTEntries(e.StoppedOn, id, owned)
		if e.Status == "36" {
			s.Closed, s.ClosedReason = true, "patient died"
		}
	case ClockNullified:
		s.Periods = cl(owned, s.Periods)
		p := s.Current()
		p.Nullified, p.StoppedOn, p.StopStatus, p.StopEventID = true, e.NullifiedOn, StatusNullified, id
		s.closeRTTEntries(e.NullifiedOn, id, owned)
	case PatientDidNotAttend:
		s.DNAs = append(cl(owned, s.DNAs), DNA{PatientDidNotAttend: e, EventID: id})
	case TransferredOut:
		s.Periods = cl(owned, s.Periods)
		p := s.Current()
		p.TransferredOut, p.StoppedOn, p.StopStatus, p.StopEventID = true, e.TransferredOn, StatusTransferredOut, id
		s.closeRTTEntries(e.TransferredOn, id, owned)
		s.Closed, s.ClosedReason = true, "transferred to another provider"
	case AddedToWaitingList:
		s.Entries = append(grow(owned, s.Entries, sp, entriesOf), Entry{DecidedOn: e.DecidedOn, ListType: e.ListType, Priority: e.Priority,
			PriorityFrom: e.DecidedOn, ProcedureCode: e.ProcedureCode, ExpectedMinutes: e.ExpectedMinutes,
			Open: true, EventIDs: []string{id}})
	case PriorityChanged:
		s.Entries = cl(owned, s.Entries)
		if en := s.OpenEntry(); en != nil {
			en.Priority, en.PriorityFrom = e.Priority, e.ChangedOn
			en.EventIDs = append(en.EventIDs[:len(en.EventIDs):len(en.EventIDs)], id)
		}
	case RemovedFromWaitingList:
		s.Entries = cl(owned, s.Entries)
		if en := s.OpenEntry(); en != nil {
			en.Open, en.ClosedOn = false, e.RemovedOn
			en.EventIDs = append(en.EventIDs[:len(en.EventIDs):len(en.EventIDs)], id)
		}
	case PreOpAssessmentCompleted:
		pre := sp.preOp()
		*pre = e
		s.PreOp, s.PreOpEventID = pre, id
	case AlertFlagged:
		s.Alerts = append(cl(owned, s.Alerts), Alert{AlertFlagged: e, EventID: id})
	case AlertCleared:
		var kept []Alert
		for _, a := range s.Alerts {
			if a.Code != e.Code {
				kept = append(kept, a)
			}
		}
		s.Alerts = kept
	case OfferMade:
		s.Offers = append(grow(owned, s.Offers, sp, offersOf), Offer{OfferMade: e, Period: len(s.Periods) - 1, Status: "open", EventIDs: []string{id}})
	case OfferDeclined:
		s.answer(e.OfferID, "declined", e.DeclinedOn, id, owned)
	case OfferAccepted:
		s.answer(e.OfferID, "accepted", e.AcceptedOn, id, owned)
	case PatientUnavailable:
		s.Unavailable = append(cl(owned, s.Unavailable), e)
	case AdmissionBooked:
		s.Bookings = append(grow(owned, s.Bookings, sp, bookingsOf), Booking{AdmissionBooked: e, EventIDs: []string{id}})
	case BookingCancelled:
		if i := s.booking(e.BookingID); i >= 0 {
			s.Bookings = cl(owned, s.Bookings)
			b := &s.Bookings[i]
			b.Cancelled, b.Cancelation = true, e
			b.EventIDs = append(b.EventIDs[:len(b.EventIDs):len(b.EventIDs)], id)
		}
	case ValidationRecorded:
		s.Validations = append(cl(owned, s.Validations), Validation{ValidationRecorded: e, EventID: id, Validator: r.Actor, RecordedAt: r.RecordedAt})
	case ClockStartCorrected:
		s.Periods = cl(owned, s.Periods)
		for i := range s.Periods {
			if s.Periods[i].StartedOn.Equal(e.PeriodStartedOn) {
				p := &s.Periods[i]
				p.StartedOn = e.CorrectedStart
				p.CorrectionIDs = append(p.CorrectionIDs[:len(p.CorrectionIDs):len(p.CorrectionIDs)], id)
				break
			}
		}
	}
}

// placeable: Decide never records an event with nothing to act on (a period's end
// before any period), but a log written around it can hold one; it changes nothing
// but the version, so that folding such a log never fails. Answers to unknown
// offers and bookings are ignored the same way.
func placeable(s *State, e Event) bool {
	switch e.(type) {
	case ClockStopped, ClockNullified, TransferredOut:
		return len(s.Periods) > 0
	}
	return true
}

// closeRTTEntries closes open entries on RTT lists when the period ends; planned
// lists are outside RTT (RTT.md §5) and stay.
func (s *State) closeRTTEntries(on rtt.Date, id string, owned bool) {
	s.Entries = cl(owned, s.Entries)
	for i := range s.Entries {
		en := &s.Entries[i]
		if en.Open && en.ListType != "planned" {
			en.Open, en.ClosedOn = false, on
			en.EventIDs = append(en.EventIDs[:len(en.EventIDs):len(en.EventIDs)], id)
		}
	}
}

func (s *State) answer(offerID, status string, on rtt.Date, id string, owned bool) {
	if i := s.offer(offerID); i >= 0 {
		s.Offers = cl(owned, s.Offers)
		o := &s.Offers[i]
		o.Status, o.AnsweredOn = status, on
		o.EventIDs = append(o.EventIDs[:len(o.EventIDs):len(o.EventIDs)], id)
	}
}

func clone[T any](xs []T) []T { return append([]T(nil), xs...) }

func cl[T any](owned bool, xs []T) []T {
	if owned {
		return xs
	}
	return clone(xs)
}
