package v1_test

import (
	"context"
	"fmt"
	"net/http"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/pathway-ledger/ledger/internal/httpscenarios"
)

// clock is a server clock the test moves.
type clock struct{ t atomic.Pointer[time.Time] }

func newClock(day string) *clock {
	c := &clock{}
	c.set(day)
	return c
}

func (c *clock) set(day string) {
	t, err := time.Parse(time.DateOnly, day)
	if err != nil {
		panic(err)
	}
	t = t.Add(10 * time.Hour)
	c.t.Store(&t)
}

func (c *clock) now() time.Time { return *c.t.Load() }

type sessionJSON struct {
	SessionID        string  `json:"session_id"`
	Date             string  `json:"date"`
	Status           string  `json:"status"`
	CapacityMinutes  int     `json:"capacity_minutes"`
	BookedMinutes    int     `json:"booked_minutes"`
	RemainingMinutes int     `json:"remaining_minutes"`
	Utilisation      float64 `json:"utilisation"`
	Bookings         []struct {
		PathwayID       string `json:"pathway_id"`
		BookingID       string `json:"booking_id"`
		ExpectedMinutes int    `json:"expected_minutes"`
	} `json:"bookings"`
	CancelledBookings []struct {
		PathwayID string `json:"pathway_id"`
	} `json:"cancelled_bookings"`
	Milestones struct {
		ConfirmBy string `json:"confirm_by"`
		FillBy    string `json:"fill_by"`
		LockBy    string `json:"lock_by"`
		Status    string `json:"status"`
		Fill      struct {
			Status string `json:"status"`
		} `json:"fill"`
	} `json:"milestones"`
	ConfirmedOn *string `json:"confirmed_on"`
}

type candidateJSON struct {
	PathwayID         string   `json:"pathway_id"`
	Priority          string   `json:"priority"`
	PriorityDueOn     *string  `json:"priority_due_on"`
	WaitDaysAtSession int      `json:"wait_days_at_session"`
	BreachOn          string   `json:"breach_on"`
	ShortNotice       bool     `json:"short_notice"`
	Reasons           []string `json:"reasons"`
}

// lists is a booking office's morning: patients listed for trauma and orthopaedics
// (and one for ophthalmology), a theatre list six weeks ahead, and its afternoon list.
type lists struct {
	e     *env
	clock *clock
	c     *httpscenarios.Client
	pos   string // Ledger-Position of the last write, for after=
	p     map[string]string
	am    string
	pm    string
}

const (
	sessionAM = "5e55a0a0-0000-4000-8000-000000000001"
	sessionPM = "5e55a0a0-0000-4000-8000-000000000002"
)

func newLists(t *testing.T) *lists {
	ck := newClock("2026-12-01")
	e := newEnvAt(t, ck.now)
	l := &lists{e: e, clock: ck, c: e.team.Booking, p: map[string]string{}, am: sessionAM, pm: sessionPM}
	patients := []struct {
		name, specialty, priority, decided string
		minutes                            int
		preOp                              map[string]any
	}{
		{"p2", "110", "P2", "2026-11-01", 90, map[string]any{"assessed_on": "2026-11-20", "outcome": "fit"}},
		{"p4", "110", "P4", "2026-10-01", 60, map[string]any{"assessed_on": "2026-11-20", "outcome": "fit"}},
		{"hdu", "110", "P3", "2026-10-01", 120, map[string]any{"assessed_on": "2026-11-20", "outcome": "fit",
			"requirements": map[string]any{"hdu_bed": true}}},
		{"nopreop", "110", "P2", "2026-11-01", 60, nil},
		{"unfit", "110", "P2", "2026-11-01", 60, map[string]any{"assessed_on": "2026-11-20", "outcome": "unfit"}},
		{"eyes", "130", "P2", "2026-11-01", 30, map[string]any{"assessed_on": "2026-11-20", "outcome": "fit"}},
	}
	for i, p := range patients {
		id := httpscenarios.PathwayID(100 + i)
		l.p[p.name] = id
		l.write(t, http.StatusCreated, "/v1/pathways", map[string]any{"pathway_id": id,
			"patient": map[string]any{"nhs_number": "9990000018"}, "specialty_code": p.specialty, "referral_received_on": "2026-09-01"})
		l.write(t, http.StatusCreated, "/v1/pathways/"+id+"/waiting-list-entries", map[string]any{"decided_on": p.decided,
			"list_type": "inpatient", "priority": p.priority, "expected_minutes": p.minutes})
		if p.preOp != nil {
			l.write(t, http.StatusCreated, "/v1/pathways/"+id+"/pre-op-assessments", p.preOp)
		}
	}
	for _, s := range []struct{ id, start, end string }{{sessionAM, "08:30", "12:30"}, {sessionPM, "13:30", "17:30"}} {
		l.write(t, http.StatusCreated, "/v1/sessions", map[string]any{"session_id": s.id, "date": "2027-01-12",
			"start_time": s.start, "end_time": s.end, "specialty_code": "110", "list_type": "theatre", "site": "Main",
			"room": "Theatre 3", "lead_clinician": "Mr Bone", "anaesthetist": "Dr Gas", "turnaround_minutes": 15,
			"capabilities": map[string]any{"anaesthetist_grade": "consultant", "kit": []string{"arthroscopy stack"}}})
	}
	return l
}

func (l *lists) write(t *testing.T, status int, path string, body any) httpscenarios.Reply {
	t.Helper()
	r := l.c.Expect(t, status, "POST", path, body)
	if p := r.Header.Get("Ledger-Position"); p != "" {
		l.pos = p
	}
	return r
}

func (l *lists) session(t *testing.T, status int, path string, body any) sessionJSON {
	t.Helper()
	var s sessionJSON
	l.write(t, status, path, body).Decode(t, &s)
	return s
}

func (l *lists) get(t *testing.T, path string, v any) {
	t.Helper()
	sep := "?"
	for _, ch := range path {
		if ch == '?' {
			sep = "&"
		}
	}
	l.c.Expect(t, http.StatusOK, "GET", path+sep+"after="+l.pos, nil).Decode(t, v)
}

func (l *lists) pathway(t *testing.T, name string) httpscenarios.Pathway {
	t.Helper()
	var p httpscenarios.Pathway
	l.get(t, "/v1/pathways/"+l.p[name], &p)
	return p
}

func (l *lists) version(t *testing.T, id string) string {
	t.Helper()
	return l.c.Expect(t, http.StatusOK, "GET", "/v1/sessions/"+id, nil).Header.Get("ETag")
}

func TestPlanningASessionShowsCapacityAndMilestones(t *testing.T) {
	l := newLists(t)
	var s sessionJSON
	l.get(t, "/v1/sessions/"+l.am, &s)
	assert.Equal(t, "planned", s.Status)
	assert.Equal(t, 240, s.CapacityMinutes)
	assert.Equal(t, 0, s.BookedMinutes)
	assert.Equal(t, "2026-12-01", s.Milestones.ConfirmBy, "6 weeks before")
	assert.Equal(t, "2026-12-15", s.Milestones.FillBy, "4 weeks before")
	assert.Equal(t, "2026-12-29", s.Milestones.LockBy, "2 weeks before")
	assert.Equal(t, "at_risk", s.Milestones.Status, "not yet confirmed on its confirm_by day")

	pr := l.c.Refused(t, http.StatusConflict, "POST", "/v1/sessions", map[string]any{"session_id": l.am, "date": "2027-01-12",
		"start_time": "08:30", "end_time": "12:30", "specialty_code": "110", "list_type": "theatre"})
	assert.Contains(t, pr.Detail, "exists")
	pr = l.c.Refused(t, http.StatusBadRequest, "POST", "/v1/sessions", map[string]any{"date": "2027-01-12",
		"start_time": "8.30am", "end_time": "12:30", "specialty_code": "110", "list_type": "theatre"})
	require.NotEmpty(t, pr.Errors)
	assert.Equal(t, "start_time", pr.Errors[0].Field)
	pr = l.c.Refused(t, http.StatusUnprocessableEntity, "POST", "/v1/sessions", map[string]any{"date": "2027-01-12",
		"start_time": "12:30", "end_time": "08:30", "specialty_code": "110", "list_type": "theatre"})
	assert.Equal(t, "end_not_after_start", pr.Rule)
	l.c.Refused(t, http.StatusNotFound, "GET", "/v1/sessions/5e55a0a0-0000-4000-8000-0000000000ff", nil)
	l.c.Refused(t, http.StatusNotFound, "GET", "/v1/sessions/not-a-uuid", nil)
}

func TestSuggestionsRankAndExplain(t *testing.T) {
	l := newLists(t)
	var got struct {
		Candidates             []candidateJSON `json:"candidates"`
		RemainingMinutes       int             `json:"remaining_minutes"`
		WithoutExpectedMinutes int             `json:"without_expected_minutes"`
	}
	l.get(t, "/v1/sessions/"+l.am+"/suggestions", &got)
	require.Len(t, got.Candidates, 2, "no HDU bed, no pre-op, unfit and another specialty are all left out")
	first := got.Candidates[0]
	assert.Equal(t, l.p["p2"], first.PathwayID, "P2 due 2026-11-29 comes before P4, which has no due date")
	assert.Equal(t, "P2", first.Priority)
	require.NotNil(t, first.PriorityDueOn)
	assert.Equal(t, "2026-11-29", *first.PriorityDueOn)
	assert.Equal(t, 133, first.WaitDaysAtSession, "1 Sep 2026 to 12 Jan 2027")
	assert.Equal(t, "2027-01-06", first.BreachOn)
	assert.False(t, first.ShortNotice, "six weeks' notice")
	assert.NotEmpty(t, first.Reasons)
	assert.Contains(t, fmt.Sprint(first.Reasons), "pre-op fit")
	assert.Equal(t, l.p["p4"], got.Candidates[1].PathwayID)
	assert.Equal(t, 240, got.RemainingMinutes)

	l.get(t, "/v1/sessions/"+l.am+"/suggestions?limit=1", &got)
	assert.Len(t, got.Candidates, 1)
	pr := l.c.Refused(t, http.StatusBadRequest, "GET", "/v1/sessions/"+l.am+"/suggestions?limit=0", nil)
	assert.Equal(t, "limit", pr.Errors[0].Field)

	var prop struct {
		Candidates    []candidateJSON `json:"candidates"`
		BookedMinutes int             `json:"booked_minutes"`
		Utilisation   float64         `json:"utilisation"`
	}
	l.get(t, "/v1/sessions/"+l.am+"/proposal", &prop)
	require.Len(t, prop.Candidates, 2)
	assert.Equal(t, 165, prop.BookedMinutes, "90 + 15 turnaround + 60")
	assert.Equal(t, 0.6875, prop.Utilisation)
}

func TestSchedulingRefusalsWriteNothing(t *testing.T) {
	l := newLists(t)
	before := l.version(t, l.am)
	path := "/v1/sessions/" + l.am + "/bookings"
	cases := []struct {
		patient string
		minutes int
		rule    string
		field   string
	}{
		{"hdu", 120, "capability_missing", "capabilities.hdu_bed"},
		{"nopreop", 60, "pre_op_missing", "pathway_id"},
		{"unfit", 60, "pre_op_not_fit", ""},
		{"eyes", 30, "specialty_mismatch", ""},
		{"p2", 300, "over_capacity", "expected_minutes"},
	}
	for _, c := range cases {
		pr := l.c.Refused(t, http.StatusUnprocessableEntity, "POST", path, map[string]any{"pathway_id": l.p[c.patient], "expected_minutes": c.minutes})
		assert.Equal(t, c.rule, pr.Rule, c.patient)
		if c.field != "" {
			require.NotEmpty(t, pr.Errors, c.patient)
			assert.Equal(t, c.field, pr.Errors[0].Field, c.patient)
		}
		assert.NotContains(t, pr.Detail, "9990000018", "no patient identifier in a refusal")
	}
	pr := l.c.Refused(t, http.StatusUnprocessableEntity, "POST", path, map[string]any{"pathway_id": httpscenarios.PathwayID(999), "expected_minutes": 60})
	assert.Equal(t, "pathway_not_found", pr.Rule)
	pr = l.c.Refused(t, http.StatusBadRequest, "POST", path, map[string]any{"pathway_id": "x", "expected_minutes": 60})
	assert.Equal(t, "pathway_id", pr.Errors[0].Field)
	l.c.Refused(t, http.StatusNotFound, "POST", "/v1/sessions/5e55a0a0-0000-4000-8000-0000000000ff/bookings", map[string]any{"pathway_id": l.p["p2"], "expected_minutes": 60})
	assert.Equal(t, before, l.version(t, l.am), "no refused request wrote to the session")
	assert.Empty(t, l.pathway(t, "p2").Bookings, "nor to the pathway")
}

func TestAWeekOfListsFilledFinalisedAndCancelled(t *testing.T) {
	l := newLists(t)
	path := "/v1/sessions/" + l.am + "/bookings"
	s := l.session(t, http.StatusCreated, path, map[string]any{"pathway_id": l.p["p2"], "expected_minutes": 90})
	require.Len(t, s.Bookings, 1)
	assert.Equal(t, 90, s.BookedMinutes)
	p := l.pathway(t, "p2")
	require.Len(t, p.Bookings, 1, "scheduling gave the pathway its booking")
	assert.Equal(t, s.Bookings[0].BookingID, p.Bookings[0].BookingID)
	assert.Equal(t, "2027-01-12", p.Bookings[0].AdmissionOn)
	assert.Equal(t, "booked", p.Bookings[0].Status)

	s = l.session(t, http.StatusCreated, path, map[string]any{"pathway_id": l.p["p4"], "expected_minutes": 60})
	assert.Equal(t, 165, s.BookedMinutes, "90 + 15 turnaround + 60")
	assert.Equal(t, 0.6875, s.Utilisation)

	// The same patient cannot be on the afternoon list of the same day.
	pr := l.c.Refused(t, http.StatusUnprocessableEntity, "POST", "/v1/sessions/"+l.pm+"/bookings",
		map[string]any{"pathway_id": l.p["p2"], "expected_minutes": 90})
	assert.Equal(t, "already_booked_that_day", pr.Rule)
	pr = l.c.Refused(t, http.StatusUnprocessableEntity, "POST", path, map[string]any{"pathway_id": l.p["p2"], "expected_minutes": 30})
	assert.Equal(t, "already_on_list", pr.Rule)

	// P4 is moved to the afternoon: taken off (the hospital cancels the booking) and rebooked.
	s = l.session(t, http.StatusOK, "/v1/sessions/"+l.am+"/bookings/"+l.p["p4"]+"/removal", map[string]any{"reason": "moved to the afternoon list"})
	assert.Len(t, s.Bookings, 1)
	p = l.pathway(t, "p4")
	require.Len(t, p.Bookings, 1)
	assert.Equal(t, "cancelled", p.Bookings[0].Status)
	require.NotNil(t, p.Bookings[0].CancelledBy)
	assert.Equal(t, "hospital", *p.Bookings[0].CancelledBy)
	assert.Nil(t, p.Bookings[0].TwentyEightDayDeadline, "weeks ahead: no 28-day guarantee")
	l.session(t, http.StatusCreated, "/v1/sessions/"+l.pm+"/bookings", map[string]any{"pathway_id": l.p["p4"], "expected_minutes": 60})
	l.c.Refused(t, http.StatusNotFound, "POST", "/v1/sessions/"+l.am+"/bookings/"+l.p["p4"]+"/removal", nil)

	s = l.session(t, http.StatusOK, "/v1/sessions/"+l.pm+"/confirmation", nil)
	require.NotNil(t, s.ConfirmedOn)
	assert.Equal(t, "2026-12-01", *s.ConfirmedOn)
	s = l.session(t, http.StatusOK, "/v1/sessions/"+l.am+"/finalisation", nil)
	assert.Equal(t, "finalised", s.Status)
	pr = l.c.Refused(t, http.StatusUnprocessableEntity, "POST", path, map[string]any{"pathway_id": l.p["p4"], "expected_minutes": 30})
	assert.Equal(t, "list_finalised", pr.Rule)

	var list struct {
		Items []sessionJSON `json:"items"`
	}
	l.get(t, "/v1/sessions?from=2027-01-11&to=2027-01-17&specialty_code=110", &list)
	require.Len(t, list.Items, 2)
	assert.Equal(t, l.am, list.Items[0].SessionID, "by date and start time")
	l.get(t, "/v1/sessions?status=finalised", &list)
	require.Len(t, list.Items, 1)
	l.get(t, "/v1/sessions?to=2027-01-11", &list)
	assert.Empty(t, list.Items)
	pr = l.c.Refused(t, http.StatusBadRequest, "GET", "/v1/sessions?status=open", nil)
	assert.Equal(t, "status", pr.Errors[0].Field)

	// On the day, the morning list is cancelled for lack of staff: a hospital,
	// non-clinical cancellation on the day, so the 28-day guarantee starts.
	l.clock.set("2027-01-12")
	s = l.session(t, http.StatusOK, "/v1/sessions/"+l.am+"/cancellations", map[string]any{"cancelled_on": "2027-01-12", "reason": "no theatre staff"})
	assert.Equal(t, "cancelled", s.Status)
	assert.Empty(t, s.Bookings)
	require.Len(t, s.CancelledBookings, 1)
	p = l.pathway(t, "p2")
	require.Len(t, p.Bookings, 1)
	assert.Equal(t, "cancelled", p.Bookings[0].Status)
	require.NotNil(t, p.Bookings[0].TwentyEightDayDeadline)
	assert.Equal(t, "2027-02-09", *p.Bookings[0].TwentyEightDayDeadline)

	var g struct {
		On    string `json:"on"`
		Items []struct {
			PathwayID string  `json:"pathway_id"`
			Deadline  string  `json:"deadline"`
			DaysLeft  int     `json:"days_left"`
			Status    string  `json:"status"`
			SessionID string  `json:"session_id"`
			Rebooked  *string `json:"rebooked_on"`
		} `json:"items"`
	}
	l.get(t, "/v1/reports/twenty-eight-day", &g)
	require.Len(t, g.Items, 1)
	assert.Equal(t, l.p["p2"], g.Items[0].PathwayID)
	assert.Equal(t, "2027-02-09", g.Items[0].Deadline)
	assert.Equal(t, 28, g.Items[0].DaysLeft)
	assert.Equal(t, "at_risk", g.Items[0].Status)
	assert.Equal(t, l.am, g.Items[0].SessionID)
	l.get(t, "/v1/reports/twenty-eight-day?on=2027-02-10", &g)
	assert.Equal(t, "breached", g.Items[0].Status)

	var u struct {
		Rows []struct {
			SpecialtyCode     string  `json:"specialty_code"`
			WeekStarting      string  `json:"week_starting"`
			Sessions          int     `json:"sessions"`
			CancelledSessions int     `json:"cancelled_sessions"`
			CancelledCases    int     `json:"cancelled_cases"`
			CapacityMinutes   int     `json:"capacity_minutes"`
			BookedMinutes     int     `json:"booked_minutes"`
			Utilisation       float64 `json:"utilisation"`
		} `json:"rows"`
	}
	l.get(t, "/v1/reports/session-utilisation?from=2027-01-11&to=2027-01-17", &u)
	require.Len(t, u.Rows, 1)
	r := u.Rows[0]
	assert.Equal(t, "2027-01-11", r.WeekStarting)
	assert.Equal(t, 2, r.Sessions)
	assert.Equal(t, 1, r.CancelledSessions)
	assert.Equal(t, 1, r.CancelledCases)
	assert.Equal(t, 240, r.CapacityMinutes, "only the afternoon list still runs")
	assert.Equal(t, 60, r.BookedMinutes)
	assert.Equal(t, 0.25, r.Utilisation)
	pr = l.c.Refused(t, http.StatusBadRequest, "GET", "/v1/reports/session-utilisation?from=2027-01-17&to=2027-01-11", nil)
	assert.Equal(t, "to", pr.Errors[0].Field)
}

func TestReleaseGivesAnEmptyListBack(t *testing.T) {
	l := newLists(t)
	s := l.session(t, http.StatusOK, "/v1/sessions/"+l.pm+"/release", map[string]any{"reason": "surgeon on leave"})
	assert.Equal(t, "released", s.Status)
	l.session(t, http.StatusCreated, "/v1/sessions/"+l.am+"/bookings", map[string]any{"pathway_id": l.p["p2"], "expected_minutes": 90})
	pr := l.c.Refused(t, http.StatusUnprocessableEntity, "POST", "/v1/sessions/"+l.am+"/release", map[string]any{"reason": "x"})
	assert.Equal(t, "list_not_empty", pr.Rule)
	pr = l.c.Refused(t, http.StatusBadRequest, "POST", "/v1/sessions/"+l.am+"/release", map[string]any{})
	assert.Equal(t, "reason", pr.Errors[0].Field)
}

// The process dies after the session append and before the pathway append: the
// list holds the patient, the pathway does not. The booking worker, reading what the
// log says is owed, completes the pathway side.
func TestAKillBetweenTheTwoAppendsIsCompletedByTheWorker(t *testing.T) {
	l := newLists(t)
	l.e.store.failPathways.Store(true)
	s := l.session(t, http.StatusCreated, "/v1/sessions/"+l.am+"/bookings", map[string]any{"pathway_id": l.p["p2"], "expected_minutes": 90})
	require.Len(t, s.Bookings, 1, "the session append was acknowledged")
	assert.Empty(t, l.pathway(t, "p2").Bookings, "the pathway append never happened")
	l.e.store.failPathways.Store(false)

	require.NoError(t, l.e.runner.WaitFor(context.Background(), 0))
	owed := l.e.tracker.Pending()
	require.Len(t, owed, 1)
	assert.Equal(t, l.p["p2"], owed[0].PathwayID)
	l.e.worker.Drain(context.Background())
	p := l.pathway(t, "p2")
	require.Len(t, p.Bookings, 1)
	assert.Equal(t, s.Bookings[0].BookingID, p.Bookings[0].BookingID)
	assert.Equal(t, "2027-01-12", p.Bookings[0].AdmissionOn)
	var evs struct {
		Events []struct {
			Type  string `json:"type"`
			Actor struct {
				User string `json:"user"`
			} `json:"actor"`
		} `json:"events"`
	}
	l.e.team.Auditor.Expect(t, http.StatusOK, "GET", "/v1/pathways/"+l.p["p2"]+"/events", nil).Decode(t, &evs)
	last := evs.Events[len(evs.Events)-1]
	assert.Equal(t, "AdmissionBooked", last.Type)
	assert.Equal(t, "user-booking", last.Actor.User, "the officer who scheduled the patient is recorded, not the worker")
}
