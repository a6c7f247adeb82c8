package booking

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"time"

	"github.com/google/uuid"

	"github.com/pathway-ledger/ledger/aggregates/pathway"
	"github.com/pathway-ledger/ledger/aggregates/session"
	"github.com/pathway-ledger/ledger/eventstore"
	"github.com/pathway-ledger/ledger/rtt"
)

// Worker carries out outstanding actions against the store.
type Worker struct {
	Store   eventstore.Store
	Tracker *Tracker
	// Today is the business date the aggregates decide on; nil is today in London.
	Today func() rtt.Date
	Log   *slog.Logger
	// Interval is how often the worker looks again at work that failed for a
	// reason other than a rule (the store was unavailable); default 5 s.
	Interval time.Duration

	mu     sync.Mutex
	failed map[string]string // cause/booking → the rule that refused it, not retried
}

// Outcome says what Do did.
type Outcome string

const (
	Done        Outcome = "done"        // the change was appended
	AlreadyDone Outcome = "already"     // the streams already agreed
	Compensated Outcome = "compensated" // the pathway refused the booking; the list gave the patient up
	Refused     Outcome = "refused"     // a rule refused the change and nothing could compensate
)

// eventID derives the id of the event written for an action, so two writers doing
// the same action write the same event.
func eventID(a Action, stream string) string {
	return uuid.NewSHA1(uuid.NameSpaceOID, []byte("ledger/booking/"+string(a.Kind)+"/"+a.Cause+"/"+a.BookingID+"/"+stream)).String()
}

func (w *Worker) today() rtt.Date {
	if w.Today != nil {
		return w.Today()
	}
	return rtt.DateOf(time.Now())
}

// Do carries out one action idempotently. A *pathway.RuleError or *session.RuleError
// comes back only with Refused; other errors (the store) are worth retrying.
func (w *Worker) Do(ctx context.Context, a Action) (Outcome, error) {
	switch a.Kind {
	case Book:
		return w.book(ctx, a)
	case Cancel:
		return w.cancel(ctx, a)
	case Unschedule:
		return w.unschedule(ctx, a, a.Reason)
	}
	return Refused, fmt.Errorf("booking: unknown action %q", a.Kind)
}

func (w *Worker) book(ctx context.Context, a Action) (Outcome, error) {
	out, err := w.onPathway(ctx, a, func(s *pathway.State) (pathway.Command, bool) {
		if hasBooking(s, a.BookingID) {
			return nil, false
		}
		// A booking agreed on the session's day is dated that day, unless that is
		// still ahead of today's clock (a session event recorded just before midnight
		// decided after it).
		on := a.On
		if today := w.today(); on.After(today) {
			on = today
		}
		return pathway.BookAdmission{BookingID: a.BookingID, AdmissionOn: a.AdmissionOn, SessionID: a.SessionID, BookedOn: on}, true
	}, "booked on session "+a.SessionID)
	var re *pathway.RuleError
	if errors.As(err, &re) || errors.Is(err, eventstore.ErrStreamNotFound) {
		why := "the pathway refused the booking"
		if re != nil {
			why += ": " + re.Error()
		}
		if _, uerr := w.unschedule(ctx, a, why); uerr != nil {
			return Refused, fmt.Errorf("%w (and taking the patient off the list failed: %v)", err, uerr)
		}
		return Compensated, nil
	}
	return out, err
}

func (w *Worker) cancel(ctx context.Context, a Action) (Outcome, error) {
	out, err := w.onPathway(ctx, a, func(s *pathway.State) (pathway.Command, bool) {
		i := bookingIndex(s, a.BookingID)
		if i < 0 || s.Bookings[i].Cancelled {
			return nil, false
		}
		on := a.On
		if today := w.today(); on.After(today) {
			on = today
		}
		return pathway.CancelBooking{BookingID: a.BookingID, CancelledOn: on, CancelledBy: "hospital",
			Reason: a.Reason, Clinical: a.Clinical}, true
	}, a.Reason)
	if errors.Is(err, eventstore.ErrStreamNotFound) {
		return AlreadyDone, nil
	}
	var re *pathway.RuleError
	if errors.As(err, &re) {
		return Refused, err
	}
	return out, err
}

// onPathway loads the pathway, asks build for the command (none: already done),
// decides and appends it, once more on a concurrent write.
func (w *Worker) onPathway(ctx context.Context, a Action, build func(*pathway.State) (pathway.Command, bool), reason string) (Outcome, error) {
	stream := "pathway-" + a.PathwayID
	for attempt := 0; ; attempt++ {
		s, err := LoadPathway(ctx, w.Store, stream)
		if err != nil {
			return Refused, err
		}
		cmd, ok := build(&s)
		if !ok {
			return AlreadyDone, nil
		}
		evs, err := pathway.Decide(s, cmd, pathway.DecideContext{Today: w.today()})
		if err != nil {
			return Refused, err
		}
		data := make([]eventstore.EventData, len(evs))
		for i, e := range evs {
			typ, raw, err := pathway.Encode(e)
			if err != nil {
				return Refused, err
			}
			data[i] = eventstore.EventData{EventID: eventID(a, stream), Type: typ, SchemaVersion: pathway.SchemaVersion,
				OccurredOn: e.On().String(), Actor: a.Actor, CausationID: a.Cause, CorrelationID: a.Cause, Reason: reason, Data: raw}
		}
		_, err = w.Store.Append(ctx, stream, eventstore.Exact(uint64(s.Version)), data...)
		if errors.Is(err, eventstore.ErrWrongExpectedVersion) && attempt < 3 {
			continue
		}
		if err != nil {
			return Refused, err
		}
		return Done, nil
	}
}

// unschedule takes the patient off the session list (when still on it).
func (w *Worker) unschedule(ctx context.Context, a Action, reason string) (Outcome, error) {
	stream := "session-" + a.SessionID
	u := a
	u.Kind = Unschedule
	for attempt := 0; ; attempt++ {
		s, version, err := LoadSession(ctx, w.Store, stream)
		if errors.Is(err, eventstore.ErrStreamNotFound) {
			return AlreadyDone, nil
		}
		if err != nil {
			return Refused, err
		}
		if b, ok := s.Booking(a.PathwayID); !ok || b.BookingID != a.BookingID {
			return AlreadyDone, nil
		}
		evs, err := session.Decide(s, session.UnschedulePatient{PathwayID: a.PathwayID, Reason: reason},
			session.DecideContext{Today: w.today()})
		if err != nil {
			return Refused, err
		}
		data := make([]eventstore.EventData, len(evs))
		for i, e := range evs {
			typ, raw, err := session.Encode(e)
			if err != nil {
				return Refused, err
			}
			data[i] = eventstore.EventData{EventID: eventID(u, stream), Type: typ, SchemaVersion: session.SchemaVersion,
				OccurredOn: e.On().String(), Actor: a.Actor, CausationID: a.Cause, CorrelationID: a.Cause, Reason: reason, Data: raw}
		}
		_, err = w.Store.Append(ctx, stream, eventstore.Exact(version), data...)
		if errors.Is(err, eventstore.ErrWrongExpectedVersion) && attempt < 3 {
			continue
		}
		if err != nil {
			return Refused, err
		}
		return Done, nil
	}
}

func hasBooking(s *pathway.State, id string) bool { return bookingIndex(s, id) >= 0 }

func bookingIndex(s *pathway.State, id string) int {
	for i := range s.Bookings {
		if s.Bookings[i].BookingID == id {
			return i
		}
	}
	return -1
}

// Run carries out outstanding work until ctx ends: whenever the tracker changes, and
// every Interval for work that failed on the store.
func (w *Worker) Run(ctx context.Context) {
	interval := w.Interval
	if interval <= 0 {
		interval = 5 * time.Second
	}
	tick := time.NewTicker(interval)
	defer tick.Stop()
	for {
		w.Drain(ctx)
		select {
		case <-ctx.Done():
			return
		case <-w.Tracker.Changed():
		case <-tick.C:
		}
	}
}

// Drain carries out every outstanding action once. An action a rule refused is set
// aside (Failures) and not tried again: retrying cannot change the answer, and a
// person has to look.
func (w *Worker) Drain(ctx context.Context) {
	for _, a := range w.Tracker.Pending() {
		if ctx.Err() != nil {
			return
		}
		key := string(a.Kind) + "/" + a.Cause + "/" + a.BookingID
		w.mu.Lock()
		_, failed := w.failed[key]
		w.mu.Unlock()
		if failed {
			continue
		}
		out, err := w.Do(ctx, a)
		log := w.logger().With("action", a.Kind, "session_id", a.SessionID, "booking_id", a.BookingID, "cause", a.Cause)
		switch {
		case err != nil && out == Refused && isRule(err):
			w.mu.Lock()
			if w.failed == nil {
				w.failed = map[string]string{}
			}
			w.failed[key] = err.Error()
			w.mu.Unlock()
			log.Error("booking: a rule refused bringing the pathway in line with its session; set aside", "err", err)
		case err != nil:
			log.Warn("booking: could not bring the pathway in line with its session yet; will retry", "err", err)
		case out != AlreadyDone:
			log.Info("booking: pathway brought in line with its session", "outcome", out)
		}
	}
}

// Failures are the actions a rule refused, by kind/cause/booking, with the refusal.
func (w *Worker) Failures() map[string]string {
	w.mu.Lock()
	defer w.mu.Unlock()
	out := make(map[string]string, len(w.failed))
	for k, v := range w.failed {
		out[k] = v
	}
	return out
}

func isRule(err error) bool {
	return errors.Is(err, pathway.ErrRuleViolation) || errors.Is(err, session.ErrRuleViolation)
}

func (w *Worker) logger() *slog.Logger {
	if w.Log != nil {
		return w.Log
	}
	return slog.Default()
}
