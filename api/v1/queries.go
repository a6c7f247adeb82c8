package v1

import (
	"context"
	"errors"
	"net/http"
	"strconv"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/pathway-ledger/ledger/api"
	"github.com/pathway-ledger/ledger/eventstore"
	"github.com/pathway-ledger/ledger/projections"
	"github.com/pathway-ledger/ledger/projections/pathways"
	"github.com/pathway-ledger/ledger/rtt"
)

func dateParam(c echo.Context, name string, def rtt.Date) (rtt.Date, error) {
	v := c.QueryParam(name)
	if v == "" {
		return def, nil
	}
	d, err := rtt.ParseDate(v)
	if err != nil {
		return rtt.Date{}, api.BadRequest("invalid query parameter", api.FieldError{Field: name, Detail: "must be a date YYYY-MM-DD"})
	}
	return d, nil
}

func instantParam(c echo.Context, name string) (*time.Time, error) {
	v := c.QueryParam(name)
	if v == "" {
		return nil, nil
	}
	t, err := time.Parse(time.RFC3339Nano, v)
	if err != nil {
		return nil, api.BadRequest("invalid query parameter", api.FieldError{Field: name, Detail: "must be an RFC 3339 instant"})
	}
	return &t, nil
}

func intParam(c echo.Context, name string) (*int, error) {
	v := c.QueryParam(name)
	if v == "" {
		return nil, nil
	}
	n, err := strconv.Atoi(v)
	if err != nil || n < 0 {
		return nil, api.BadRequest("invalid query parameter", api.FieldError{Field: name, Detail: "must be a whole number, 0 or more"})
	}
	return &n, nil
}

// getPathway: GET /v1/pathways/{id}?on=&as_of=.
func (d *Deps) getPathway(c echo.Context) error {
	id, err := pathwayParam(c)
	if err != nil {
		return err
	}
	on, err := dateParam(c, "on", d.today())
	if err != nil {
		return err
	}
	asOf, err := instantParam(c, "as_of")
	if err != nil {
		return err
	}
	s, _, err := d.load(c.Request().Context(), id, asOf)
	if err != nil {
		return err
	}
	api.SetETag(c, uint64(s.Version))
	return c.JSON(http.StatusOK, d.view(s, on))
}

type eventDTO struct {
	EventID       string           `json:"event_id"`
	Type          string           `json:"type"`
	StreamVersion uint64           `json:"stream_version"`
	Position      uint64           `json:"position"`
	OccurredOn    string           `json:"occurred_on"`
	RecordedAt    time.Time        `json:"recorded_at"`
	Actor         eventstore.Actor `json:"actor"`
	Data          any              `json:"data"`
	Hash          string           `json:"hash"`
	PrevHash      string           `json:"prev_hash"`
}

// events: GET /v1/pathways/{id}/events?as_of= — the audit trail with its hash chain.
func (d *Deps) events(c echo.Context) error {
	id, err := pathwayParam(c)
	if err != nil {
		return err
	}
	asOf, err := instantParam(c, "as_of")
	if err != nil {
		return err
	}
	_, evs, err := d.load(c.Request().Context(), id, asOf)
	if err != nil {
		return err
	}
	out := make([]eventDTO, len(evs))
	for i, e := range evs {
		out[i] = eventDTO{EventID: e.EventID, Type: e.Type, StreamVersion: e.StreamVersion, Position: e.Position,
			OccurredOn: e.OccurredOn, RecordedAt: e.RecordedAt, Actor: e.Actor, Data: rawJSON(e.Data), Hash: e.Hash, PrevHash: e.PrevHash}
	}
	return c.JSON(http.StatusOK, map[string]any{"events": out})
}

type rawJSON []byte

func (r rawJSON) MarshalJSON() ([]byte, error) { return r, nil }

// validations: GET /v1/pathways/{id}/validations.
func (d *Deps) validations(c echo.Context) error {
	id, err := pathwayParam(c)
	if err != nil {
		return err
	}
	s, _, err := d.load(c.Request().Context(), id, nil)
	if err != nil {
		return err
	}
	vals := make([]validationDTO, 0, len(s.Validations))
	for _, v := range s.Validations {
		vals = append(vals, toValidationDTO(id, v))
	}
	return c.JSON(http.StatusOK, map[string]any{"validations": vals, "findings": d.view(s, d.today()).Findings})
}

func (d *Deps) needModel(c echo.Context) error {
	if d.Pathways == nil {
		return notReady("the read models are not running")
	}
	return d.serving(c)
}

func notReady(detail string) error {
	p := api.NewProblem(http.StatusServiceUnavailable, "urn:pathway-ledger:problem:not-ready", "Not ready", detail)
	p.RetryAfter = 1
	return p
}

// serving holds a read until the read models serve reads (restored from their
// snapshots and caught up once since the start), for at most ReadyWait; a server
// still restoring a large ledger answers 503 + Retry-After rather than a partial list.
func (d *Deps) serving(c echo.Context) error {
	if d.Ready == nil {
		return nil
	}
	wait := d.ReadyWait
	if wait <= 0 {
		wait = 2 * time.Second
	}
	ctx, cancel := context.WithTimeout(c.Request().Context(), wait)
	defer cancel()
	if err := d.Ready.WaitFor(ctx, 0); err != nil {
		// No retry mends a poison event: say so, without Retry-After.
		if ae := (*projections.ApplyError)(nil); errors.As(err, &ae) {
			return api.NewProblem(http.StatusServiceUnavailable, "urn:pathway-ledger:problem:not-ready", "Not ready",
				"the read models stopped on an event they could not apply; an administrator finds it in the server log and GET /v1/admin/projections")
		}
		return notReady("the read models are still being restored or caught up; retry shortly")
	}
	return nil
}

// waitingList: GET /v1/waiting-list.
func (d *Deps) waitingList(c echo.Context) error {
	if err := d.needModel(c); err != nil {
		return err
	}
	on, err := dateParam(c, "on", d.today())
	if err != nil {
		return err
	}
	q := pathways.Query{On: on, SpecialtyCode: c.QueryParam("specialty_code"), ListType: c.QueryParam("list_type"),
		Priority: c.QueryParam("priority"), Cursor: c.QueryParam("cursor")}
	for _, p := range []struct {
		name string
		dst  **int
	}{{"min_weeks", &q.MinWeeks}, {"max_weeks", &q.MaxWeeks}, {"breach_within_days", &q.BreachWithinDays}} {
		if *p.dst, err = intParam(c, p.name); err != nil {
			return err
		}
	}
	limit, err := intParam(c, "limit")
	if err != nil {
		return err
	}
	if limit != nil {
		q.Limit = *limit
	}
	items, next, err := d.Pathways.WaitingList(q)
	var qe *pathways.QueryError
	if errors.As(err, &qe) {
		return api.BadRequest("invalid query parameter", api.FieldError{Field: qe.Field, Detail: qe.Detail})
	}
	if err != nil {
		return err
	}
	var nextCursor *string
	if next != "" {
		nextCursor = &next
	}
	return c.JSON(http.StatusOK, map[string]any{"items": items, "next_cursor": nextCursor})
}

// rttReport: GET /v1/reports/rtt?on=&as_of=.
func (d *Deps) rttReport(c echo.Context) error {
	if err := d.needModel(c); err != nil {
		return err
	}
	if c.QueryParam("on") == "" {
		return api.BadRequest("missing query parameter", api.FieldError{Field: "on", Detail: "the census date is required"})
	}
	on, err := dateParam(c, "on", d.today())
	if err != nil {
		return err
	}
	asOf, err := instantParam(c, "as_of")
	if err != nil {
		return err
	}
	model := d.Pathways
	if asOf != nil {
		if model, err = d.asOf.get(c.Request().Context(), d.Store, *asOf, d.now()); err != nil {
			return err
		}
	}
	return c.JSON(http.StatusOK, model.Report(on))
}

// integrity: GET /v1/integrity — every hash chain of the log.
func (d *Deps) integrity(c echo.Context) error {
	rep, err := eventstore.Verify(c.Request().Context(), d.Store, nil)
	if err != nil {
		return err
	}
	if rep.Failures == nil {
		rep.Failures = []eventstore.Break{}
	}
	return c.JSON(http.StatusOK, rep)
}
