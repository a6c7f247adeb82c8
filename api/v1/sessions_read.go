package v1

import (
	"net/http"

	"github.com/labstack/echo/v4"

	"github.com/pathway-ledger/ledger/aggregates/session"
	"github.com/pathway-ledger/ledger/api"
	"github.com/pathway-ledger/ledger/projections/sessions"
	"github.com/pathway-ledger/ledger/rtt"
)

// getSession: GET /v1/sessions/{id}, from the stream (always current).
func (d *Deps) getSession(c echo.Context) error {
	id, err := sessionParam(c)
	if err != nil {
		return err
	}
	s, v, err := d.loadSession(c.Request().Context(), id)
	if err != nil {
		return err
	}
	api.SetETag(c, uint64(v))
	return c.JSON(http.StatusOK, d.sessionView(s))
}

func (d *Deps) sessionsModel(c echo.Context) (*sessions.ReadModel, error) {
	if d.Sessions == nil {
		return nil, notReady("the sessions read model is not running")
	}
	return d.Sessions, d.serving(c)
}

// listSessions: GET /v1/sessions?from=&to=&specialty_code=&list_type=&status=.
func (d *Deps) listSessions(c echo.Context) error {
	m, err := d.sessionsModel(c)
	if err != nil {
		return err
	}
	var f sessions.Filter
	for _, p := range []struct {
		name string
		dst  **rtt.Date
	}{{"from", &f.From}, {"to", &f.To}} {
		if c.QueryParam(p.name) != "" {
			day, err := dateParam(c, p.name, rtt.Date{})
			if err != nil {
				return err
			}
			*p.dst = &day
		}
	}
	f.SpecialtyCode, f.ListType, f.Status = c.QueryParam("specialty_code"), c.QueryParam("list_type"), session.Status(c.QueryParam("status"))
	if f.ListType != "" && !session.ValidListType(f.ListType) {
		return api.BadRequest("invalid query parameter", api.FieldError{Field: "list_type", Detail: "must be theatre, endoscopy, day_case or clinic"})
	}
	switch f.Status {
	case "", session.StatusPlanned, session.StatusFinalised, session.StatusCancelled, session.StatusReleased:
	default:
		return api.BadRequest("invalid query parameter", api.FieldError{Field: "status", Detail: "must be planned, finalised, cancelled or released"})
	}
	if f.From != nil && f.To != nil && f.To.Before(*f.From) {
		return api.BadRequest("invalid query parameter", api.FieldError{Field: "to", Detail: "must not be before from"})
	}
	items := []sessionDTO{}
	for _, s := range m.List(f) {
		items = append(items, d.sessionView(s))
	}
	return c.JSON(http.StatusOK, map[string]any{"items": items})
}

type suggestionsDTO struct {
	SessionID        string               `json:"session_id"`
	RemainingMinutes int                  `json:"remaining_minutes"`
	Candidates       []session.Suggestion `json:"candidates"`
	// WithoutExpectedMinutes counts listed patients of the specialty whose entry has
	// no expected minutes: they cannot be fitted until someone records them.
	WithoutExpectedMinutes int `json:"without_expected_minutes"`
}

// suggestions: GET /v1/sessions/{id}/suggestions?limit=.
func (d *Deps) suggestions(c echo.Context) error {
	v, cs, without, err := d.candidatesFor(c)
	if err != nil {
		return err
	}
	limit := 20
	if n, err := intParam(c, "limit"); err != nil {
		return err
	} else if n != nil {
		if *n < 1 || *n > 500 {
			return api.BadRequest("invalid query parameter", api.FieldError{Field: "limit", Detail: "must be between 1 and 500"})
		}
		limit = *n
	}
	return c.JSON(http.StatusOK, suggestionsDTO{SessionID: v.SessionID, RemainingMinutes: v.RemainingMinutes,
		Candidates: session.Suggest(v, cs, d.today(), limit), WithoutExpectedMinutes: without})
}

// proposal: GET /v1/sessions/{id}/proposal — the whole-list proposal.
func (d *Deps) proposal(c echo.Context) error {
	v, cs, _, err := d.candidatesFor(c)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, session.ProposeList(v, cs, d.today()))
}

func (d *Deps) candidatesFor(c echo.Context) (session.View, []session.Candidate, int, error) {
	id, err := sessionParam(c)
	if err != nil {
		return session.View{}, nil, 0, err
	}
	if err := d.needModel(c); err != nil {
		return session.View{}, nil, 0, err
	}
	s, _, err := d.loadSession(c.Request().Context(), id)
	if err != nil {
		return session.View{}, nil, 0, err
	}
	cs, without := d.Pathways.Candidates(s.SpecialtyCode, s.Date)
	if d.Sessions != nil {
		// Lists may hold a patient whose pathway booking the worker has not written yet.
		placed := d.Sessions.PlacementsOn(s.Date)
		for i := range cs {
			for _, ref := range placed[cs[i].PathwayID] {
				if !hasRef(cs[i].OtherBookingsOnDate, ref.BookingID) {
					cs[i].OtherBookingsOnDate = append(cs[i].OtherBookingsOnDate, ref)
				}
			}
		}
	}
	return s.View(d.Milestones, d.today()), cs, without, nil
}

// utilisation: GET /v1/reports/session-utilisation?from=&to=&specialty_code=
// (default: this week and the next five).
func (d *Deps) utilisation(c echo.Context) error {
	m, err := d.sessionsModel(c)
	if err != nil {
		return err
	}
	from, err := dateParam(c, "from", sessions.WeekStarting(d.today()))
	if err != nil {
		return err
	}
	to, err := dateParam(c, "to", from.AddDays(6*7-1))
	if err != nil {
		return err
	}
	if to.Before(from) {
		return api.BadRequest("invalid query parameter", api.FieldError{Field: "to", Detail: "must not be before from"})
	}
	return c.JSON(http.StatusOK, m.Utilisation(from, to, c.QueryParam("specialty_code"), d.Milestones, d.today()))
}

// guarantees: GET /v1/reports/twenty-eight-day?on=&specialty_code= — patients whose
// 28-day guarantee is open, at risk or breached.
func (d *Deps) guarantees(c echo.Context) error {
	if err := d.needModel(c); err != nil {
		return err
	}
	on, err := dateParam(c, "on", d.today())
	if err != nil {
		return err
	}
	items, err := d.Pathways.Guarantees(on, c.QueryParam("specialty_code"))
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, map[string]any{"on": on, "items": items})
}
