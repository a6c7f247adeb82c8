package v1

import (
	"context"
	"errors"
	"net/http"
	"strconv"

	"github.com/google/uuid"
	"github.com/labstack/echo/v4"

	"github.com/pathway-ledger/ledger/aggregates/pathway"
	"github.com/pathway-ledger/ledger/aggregates/session"
	"github.com/pathway-ledger/ledger/api"
	"github.com/pathway-ledger/ledger/eventstore"
	"github.com/pathway-ledger/ledger/process/booking"
	"github.com/pathway-ledger/ledger/projections/pathways"
	"github.com/pathway-ledger/ledger/rtt"
)

type sessionBody struct {
	SessionID         string               `json:"session_id"`
	Date              rtt.Date             `json:"date" required:"true"`
	StartTime         session.Clock        `json:"start_time" required:"true"`
	EndTime           session.Clock        `json:"end_time" required:"true"`
	SpecialtyCode     string               `json:"specialty_code" required:"true"`
	ListType          string               `json:"list_type" required:"true"`
	Site              string               `json:"site"`
	Room              string               `json:"room"`
	LeadClinician     string               `json:"lead_clinician"`
	Anaesthetist      string               `json:"anaesthetist"`
	Capabilities      session.Capabilities `json:"capabilities"`
	TurnaroundMinutes int                  `json:"turnaround_minutes"`
}

type sessionBookingBody struct {
	PathwayID       string `json:"pathway_id" required:"true"`
	ExpectedMinutes int    `json:"expected_minutes" required:"true"`
}

type removalBody struct {
	Reason string `json:"reason"`
}

type sessionCancellationBody struct {
	CancelledOn rtt.Date `json:"cancelled_on" required:"true"`
	Reason      string   `json:"reason" required:"true"`
	Clinical    bool     `json:"clinical"`
}

type releaseBody struct {
	Reason string `json:"reason" required:"true"`
}

func sessionStream(id string) string { return "session-" + id }

func sessionParam(c echo.Context) (string, error) {
	id := c.Param("id")
	if _, err := uuid.Parse(id); err != nil {
		return "", api.NotFound("session")
	}
	return id, nil
}

// loadSession folds a session as stored, with its stream version.
func (d *Deps) loadSession(ctx context.Context, id string) (session.State, int64, error) {
	s, v, err := booking.LoadSession(ctx, d.Store, sessionStream(id))
	if errors.Is(err, eventstore.ErrStreamNotFound) {
		return session.State{}, -1, api.NotFound("session")
	}
	return s, int64(v), err
}

// sessionChange is one decided and appended session command: the state before and
// after, and each new event with the envelope it was stored under.
type sessionChange struct {
	before, after session.State
	events        []session.Event
	stored        []eventstore.Event
}

// executeSession decides a command on the session as stored and appends it at the
// version it was decided on (once more on a concurrent write, unless If-Match).
// check, when set, vets the decided events before anything is written.
func (d *Deps) executeSession(c echo.Context, id string, create bool, build func(s session.State) (session.Command, error),
	reason string, check func(s session.State) error) (sessionChange, error) {
	expected, err := api.IfMatch(c)
	if err != nil {
		return sessionChange{}, err
	}
	idem, err := api.IdempotencyFrom(c)
	if err != nil {
		return sessionChange{}, err
	}
	ctx := c.Request().Context()
	var ch sessionChange
	err = api.RetryConflict(c, func() error {
		var s session.State
		version := eventstore.NoStream()
		if !create {
			loaded, v, err := d.loadSession(ctx, id)
			if err != nil {
				return err
			}
			if idem.Present() {
				stored, err := d.Store.ReadStream(ctx, sessionStream(id), 0, 0)
				if err != nil {
					return err
				}
				if e, ok := replayed(idem, stored); ok {
					if err := d.sameSessionAsReplayed(stored, e, build); err != nil {
						return err
					}
					api.SetETag(c, uint64(v))
					c.Response().Header().Set(api.HeaderLedgerPosition, strconv.FormatUint(e.Position, 10))
					ch = sessionChange{before: loaded, after: loaded}
					return nil
				}
			}
			if err := api.CheckVersion(sessionStream(id), expected, v); err != nil {
				return err
			}
			s, version = loaded, eventstore.Exact(uint64(v))
		}
		cmd, err := build(s)
		if err != nil {
			return err
		}
		evs, err := session.Decide(s, cmd, session.DecideContext{Today: d.today(), Policy: d.Milestones})
		var re *session.RuleError
		if errors.As(err, &re) && re.Rule == session.RuleSessionAlreadyPlanned {
			return api.Duplicate("a session with this id exists")
		}
		if err != nil {
			return err
		}
		if check != nil {
			if err := check(s); err != nil {
				return err
			}
		}
		data, err := envelopes(c, evs, session.Encode, session.SchemaVersion, reason, idem)
		if err != nil {
			return err
		}
		res, err := d.appendEnvelopes(c, sessionStream(id), version, create, "a session with this id exists", data)
		if err != nil {
			return err
		}
		ch = sessionChange{before: s, after: s, events: evs}
		for i, e := range evs {
			ch.after = session.Evolve(ch.after, e)
			ch.stored = append(ch.stored, eventstore.Event{EventID: data[i].EventID, Stream: sessionStream(id),
				Actor: data[i].Actor, Position: res.Position - uint64(len(evs)-1-i)})
		}
		return nil
	})
	return ch, err
}

// follow brings the pathways in line with what the change owes them, at once; what
// fails here (the store, a crash) the booking worker completes from the log.
func (d *Deps) follow(c echo.Context, ch sessionChange) {
	state := ch.before
	for i, e := range ch.events {
		for _, a := range booking.Owed(ch.stored[i], e, state) {
			if _, err := d.bookings().Do(c.Request().Context(), a); err != nil {
				d.logger().Warn("sessions: the pathway side of a session change is left to the booking worker",
					"session_id", a.SessionID, "booking_id", a.BookingID, "action", a.Kind, "err", err)
			}
		}
		state = session.Evolve(state, e)
	}
}

// sessionDTO is the Session resource: the aggregate's view with the anaesthetist
// grade null when the list has no anaesthetist (a session naming one without a
// grade offers "any").
type sessionDTO struct {
	session.View
	Capabilities capabilitiesDTO `json:"capabilities"`
}

type capabilitiesDTO struct {
	HDUBed            bool     `json:"hdu_bed"`
	Kit               []string `json:"kit"`
	Radiology         bool     `json:"radiology"`
	AnaesthetistGrade *string  `json:"anaesthetist_grade"`
}

func (d *Deps) sessionView(s session.State) sessionDTO {
	v := s.View(d.Milestones, d.today())
	dto := sessionDTO{View: v, Capabilities: capabilitiesDTO{HDUBed: v.Capabilities.HDUBed, Kit: v.Capabilities.Kit,
		Radiology: v.Capabilities.Radiology}}
	grade := v.Capabilities.AnaesthetistGrade
	if grade == "" && v.Anaesthetist != "" {
		grade = session.GradeAny
	}
	if grade != "" {
		dto.Capabilities.AnaesthetistGrade = &grade
	}
	return dto
}

// planSession: POST /v1/sessions.
func (d *Deps) planSession(c echo.Context) error {
	var b sessionBody
	if err := api.Bind(c, &b); err != nil {
		return err
	}
	id, err := newID(c, b.SessionID, "session_id")
	if err != nil {
		return err
	}
	ch, err := d.executeSession(c, id, true, func(session.State) (session.Command, error) {
		return session.PlanSession{SessionID: id, Date: b.Date, StartTime: b.StartTime, EndTime: b.EndTime,
			SpecialtyCode: b.SpecialtyCode, ListType: b.ListType, Site: b.Site, Room: b.Room, LeadClinician: b.LeadClinician,
			Anaesthetist: b.Anaesthetist, Capabilities: b.Capabilities, TurnaroundMinutes: b.TurnaroundMinutes}, nil
	}, "", nil)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusCreated, d.sessionView(ch.after))
}

// schedule: POST /v1/sessions/{id}/bookings. The session decides first (capacity,
// specialty, pre-op, capabilities, the patient's other bookings that day), then the
// pathway is asked whether it would take the booking, and only then is anything
// written: a refusal from either side leaves both streams as they were.
func (d *Deps) schedule(c echo.Context) error {
	id, err := sessionParam(c)
	if err != nil {
		return err
	}
	var b sessionBookingBody
	if err := api.Bind(c, &b); err != nil {
		return err
	}
	if _, err := uuid.Parse(b.PathwayID); err != nil {
		return api.BadRequest("invalid pathway_id", api.FieldError{Field: "pathway_id", Detail: "must be a UUID"})
	}
	bid, err := newID(c, "", "booking_id")
	if err != nil {
		return err
	}
	ctx := c.Request().Context()
	var ps pathway.State
	build := func(s session.State) (session.Command, error) {
		ps, err = booking.LoadPathway(ctx, d.Store, stream(b.PathwayID))
		if errors.Is(err, eventstore.ErrStreamNotFound) {
			return nil, api.RuleViolation("pathway_not_found", "pathway_id", "no pathway with this id")
		}
		if err != nil {
			return nil, err
		}
		facts := pathways.Facts(&ps, s.Date)
		if d.Sessions != nil {
			for _, p := range d.Sessions.PlacementsOf(b.PathwayID) {
				if p.Date.Equal(s.Date) && !hasRef(facts.OtherBookingsOnDate, p.BookingID) {
					facts.OtherBookingsOnDate = append(facts.OtherBookingsOnDate, p.SessionRef)
				}
			}
		}
		return session.SchedulePatient{BookingID: bid, ExpectedMinutes: b.ExpectedMinutes, Patient: facts}, nil
	}
	check := func(s session.State) error {
		_, err := pathway.Decide(ps, pathway.BookAdmission{BookingID: bid, AdmissionOn: s.Date, SessionID: id, BookedOn: d.today()},
			pathway.DecideContext{Today: d.today()})
		return err
	}
	ch, err := d.executeSession(c, id, false, build, "", check)
	if err != nil {
		return err
	}
	d.follow(c, ch)
	return c.JSON(http.StatusCreated, d.sessionView(ch.after))
}

func hasRef(refs []session.SessionRef, bookingID string) bool {
	for _, r := range refs {
		if r.BookingID == bookingID {
			return true
		}
	}
	return false
}

// removeFromSession: POST /v1/sessions/{id}/bookings/{pathway_id}/removal.
func (d *Deps) removeFromSession(c echo.Context) error {
	id, err := sessionParam(c)
	if err != nil {
		return err
	}
	pid := c.Param("pathway_id")
	if _, err := uuid.Parse(pid); err != nil {
		return api.NotFound("booking")
	}
	var b removalBody
	if hasBody(c) {
		if err := api.Bind(c, &b); err != nil {
			return err
		}
	}
	ch, err := d.executeSession(c, id, false, func(s session.State) (session.Command, error) {
		if _, ok := s.Booking(pid); !ok && s.Exists() {
			return nil, api.NotFound("booking")
		}
		return session.UnschedulePatient{PathwayID: pid, Reason: b.Reason}, nil
	}, b.Reason, nil)
	if err != nil {
		return err
	}
	d.follow(c, ch)
	return c.JSON(http.StatusOK, d.sessionView(ch.after))
}

// hasBody: an optional body is bound only when the request sends one.
func hasBody(c echo.Context) bool {
	r := c.Request()
	return r.ContentLength > 0 || r.Header.Get(echo.HeaderContentType) != "" || len(r.TransferEncoding) > 0
}

// sessionCommand runs a command that needs only the session (finalise, confirm,
// cancel, release) and brings the pathways in line.
func sessionCommand[B any](d *Deps, bind bool, build func(b B) (session.Command, string)) echo.HandlerFunc {
	return func(c echo.Context) error {
		id, err := sessionParam(c)
		if err != nil {
			return err
		}
		var b B
		if bind {
			if err := api.Bind(c, &b); err != nil {
				return err
			}
		}
		cmd, reason := build(b)
		ch, err := d.executeSession(c, id, false, func(session.State) (session.Command, error) { return cmd, nil }, reason, nil)
		if err != nil {
			return err
		}
		d.follow(c, ch)
		return c.JSON(http.StatusOK, d.sessionView(ch.after))
	}
}

func finalise(struct{}) (session.Command, string) { return session.FinaliseSession{}, "" }
func confirm(struct{}) (session.Command, string)  { return session.ConfirmSession{}, "" }
func cancelSession(b sessionCancellationBody) (session.Command, string) {
	return session.CancelSession{CancelledOn: b.CancelledOn, Reason: b.Reason, Clinical: b.Clinical}, b.Reason
}
func release(b releaseBody) (session.Command, string) {
	return session.ReleaseSession{Reason: b.Reason}, b.Reason
}

// sameSessionAsReplayed is sameAsReplayed for a session command.
func (d *Deps) sameSessionAsReplayed(stored []eventstore.Event, e eventstore.Event, build func(s session.State) (session.Command, error)) error {
	var s session.State
	for _, x := range stored {
		if x.StreamVersion >= e.StreamVersion {
			break
		}
		ev, err := session.Decode(x.Type, x.SchemaVersion, x.Data)
		if err != nil {
			return err
		}
		s = session.Evolve(s, ev)
	}
	cmd, err := build(s)
	if err != nil {
		return keyReused()
	}
	evs, err := session.Decide(s, cmd, session.DecideContext{Today: d.today(), Policy: d.Milestones})
	if err != nil || len(evs) == 0 {
		return keyReused()
	}
	typ, data, err := session.Encode(evs[0])
	if err != nil || typ != e.Type || !jsonEqual(data, e.Data) {
		return keyReused()
	}
	return nil
}
