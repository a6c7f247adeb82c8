package v1

import (
	"context"
	"encoding/json"
	"errors"
	"log/slog"
	"net/http"
	"reflect"
	"strconv"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/pathway-ledger/ledger/aggregates/pathway"
	"github.com/pathway-ledger/ledger/aggregates/session"
	"github.com/pathway-ledger/ledger/api"
	"github.com/pathway-ledger/ledger/eventstore"
	"github.com/pathway-ledger/ledger/process/booking"
	"github.com/pathway-ledger/ledger/projections/pathways"
	"github.com/pathway-ledger/ledger/projections/sessions"
	"github.com/pathway-ledger/ledger/rtt"
)

// Deps are what the routes need.
type Deps struct {
	Store    eventstore.Store
	Pathways *pathways.ReadModel // nil: no duplicate detection, PTL and report answer 503
	// Now is the clock (tests fix it); nil is time.Now.
	Now func() time.Time
	// Projections, when set, adds the admin routes that show and rebuild them.
	Projections Projections
	// Logger receives what goes wrong outside a request (a background rebuild).
	Logger *slog.Logger
	// Sessions is the sessions read model (lists, utilisation); nil answers 503.
	Sessions *sessions.ReadModel
	// Bookings completes the pathway side of session changes; nil: a worker on Store
	// without a tracker (the change is made at once; nothing retries it).
	Bookings *booking.Worker
	// Milestones is the 6-4-2 policy sessions are judged by (zero: the default).
	Milestones session.MilestonePolicy
	// Ready, when set, gates reads of the read models (PTL, reports, sessions):
	// they wait up to ReadyWait (default 2 s) for Ready.WaitFor(ctx, 0), else 503.
	Ready     api.Progress
	ReadyWait time.Duration

	asOf asOfModels
}

func (d *Deps) bookings() *booking.Worker { return d.Bookings }

func (d *Deps) logger() *slog.Logger {
	if d.Logger != nil {
		return d.Logger
	}
	return slog.Default()
}

func (d *Deps) today() rtt.Date { return rtt.DateOf(d.now()) }

func stream(id string) string { return "pathway-" + id }

// load reads and folds a pathway, keeping only events recorded at or before asOf.
func (d *Deps) load(ctx context.Context, id string, asOf *time.Time) (pathway.State, []eventstore.Event, error) {
	evs, err := d.Store.ReadStream(ctx, stream(id), 0, 0)
	if errors.Is(err, eventstore.ErrStreamNotFound) {
		return pathway.State{}, nil, api.NotFound("pathway")
	}
	if err != nil {
		return pathway.State{}, nil, err
	}
	h := make([]pathway.Recorded, 0, len(evs))
	kept := evs[:0:0]
	for i := range evs {
		if asOf != nil && evs[i].RecordedAt.After(*asOf) {
			continue
		}
		r, err := pathways.Recorded(&evs[i])
		if err != nil {
			return pathway.State{}, nil, err
		}
		h = append(h, r)
		kept = append(kept, evs[i])
	}
	if len(h) == 0 {
		return pathway.State{}, nil, api.NotFound("pathway")
	}
	return pathway.Fold(h), kept, nil
}

// execute decides a command on the pathway as stored and appends its events at the
// version it was decided on (once more on a concurrent write, unless If-Match).
func (d *Deps) execute(c echo.Context, id string, create bool, cmd pathway.Command, reason string) (pathway.State, error) {
	expected, err := api.IfMatch(c)
	if err != nil {
		return pathway.State{}, err
	}
	idem, err := api.IdempotencyFrom(c)
	if err != nil {
		return pathway.State{}, err
	}
	ctx := c.Request().Context()
	var after pathway.State
	err = api.RetryConflict(c, func() error {
		s := pathway.New()
		version := eventstore.NoStream()
		if !create {
			loaded, stored, err := d.load(ctx, id, nil)
			if err != nil {
				return err
			}
			// A retry of a request that was applied (the answer was lost, say) finds
			// its own events in the stream: it answers again instead of deciding again,
			// which a rule could now refuse (a second waiting-list entry, say).
			if e, ok := replayed(idem, stored); ok {
				if err := sameAsReplayed(stored, e, cmd, d.today()); err != nil {
					return err
				}
				api.SetETag(c, uint64(loaded.Version))
				c.Response().Header().Set(api.HeaderLedgerPosition, strconv.FormatUint(e.Position, 10))
				after = loaded
				return nil
			}
			if err := api.CheckVersion(stream(id), expected, loaded.Version); err != nil {
				return err
			}
			s, version = loaded, eventstore.Exact(uint64(loaded.Version))
		}
		evs, err := pathway.Decide(s, cmd, pathway.DecideContext{Today: d.today()})
		var re *pathway.RuleError
		if errors.As(err, &re) && re.Rule == pathway.RulePathwayExists {
			return api.Duplicate("a pathway with this id exists")
		}
		if err != nil {
			return err
		}
		data, err := envelopes(c, evs, pathway.Encode, pathway.SchemaVersion, reason, idem)
		if err != nil {
			return err
		}
		res, err := d.appendEnvelopes(c, stream(id), version, create, "a pathway with this id exists", data)
		if err != nil {
			return err
		}
		for i, e := range evs {
			s = pathway.Evolve(s, pathway.Recorded{Event: e, EventID: data[i].EventID,
				StreamVersion: res.Version - uint64(len(evs)-1-i), Actor: pathway.Actor(api.ActorFrom(c))})
		}
		after = s
		return nil
	})
	return after, err
}

// view answers a pathway evaluated on a date, with duplicates from the read model.
func (d *Deps) view(s pathway.State, on rtt.Date) pathwayDTO {
	var opts pathway.DeriveOptions
	if d.Pathways != nil {
		opts.DuplicateCandidates = d.Pathways.DuplicateCandidates(s.PathwayID)
	}
	return toPathwayDTO(pathway.DeriveState(s, on, opts))
}

func (d *Deps) respond(c echo.Context, status int, s pathway.State) error {
	return c.JSON(status, d.view(s, d.today()))
}

func (d *Deps) now() time.Time {
	if d.Now != nil {
		return d.Now().UTC()
	}
	return time.Now().UTC()
}

// replayed finds the first event a request with this Idempotency-Key appended, if the
// stream holds it.
func replayed(idem api.Idempotency, stored []eventstore.Event) (eventstore.Event, bool) {
	if !idem.Present() {
		return eventstore.Event{}, false
	}
	first := idem.EventIDs(1)[0]
	for _, e := range stored {
		if e.EventID == first {
			return e, true
		}
	}
	return eventstore.Event{}, false
}

// keyReused answers a key sent again with a different request.
func keyReused() error {
	return api.NewProblem(http.StatusConflict, api.TypeIdempotencyReused, "Idempotency conflict",
		"this Idempotency-Key was already used for a different request")
}

// sameAsReplayed checks that the command, decided on the pathway as it was before
// the replayed event, gives that event again: the same request, not the same key
// reused for another one.
func sameAsReplayed(stored []eventstore.Event, e eventstore.Event, cmd pathway.Command, today rtt.Date) error {
	h := make([]pathway.Recorded, 0, len(stored))
	for _, x := range stored {
		if x.StreamVersion >= e.StreamVersion {
			break
		}
		ev, err := pathway.Decode(x.Type, x.SchemaVersion, x.Data)
		if err != nil {
			return err
		}
		h = append(h, pathway.Recorded{Event: ev, EventID: x.EventID, StreamVersion: x.StreamVersion, RecordedAt: x.RecordedAt})
	}
	evs, err := pathway.Decide(pathway.Fold(h), cmd, pathway.DecideContext{Today: today})
	if err != nil || len(evs) == 0 {
		return keyReused()
	}
	typ, data, err := pathway.Encode(evs[0])
	if err != nil || typ != e.Type || !jsonEqual(data, e.Data) {
		return keyReused()
	}
	return nil
}

// jsonEqual compares two JSON documents by value (the store may have re-encoded).
func jsonEqual(a, b []byte) bool {
	var x, y any
	if json.Unmarshal(a, &x) != nil || json.Unmarshal(b, &y) != nil {
		return false
	}
	return reflect.DeepEqual(x, y)
}
