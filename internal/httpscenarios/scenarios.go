package httpscenarios

import (
	"fmt"
	"net/http"
	"strconv"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// Team is one client per role.
type Team struct {
	Booking, Validator, Auditor, Reader *Client
}

// Script runs the scenarios and remembers what to ask again after a restart.
type Script struct {
	Team
	// Probes are GET paths (asked as the auditor) whose answers must not change
	// across a kill and restart.
	Probes []string
	last   uint64 // highest Ledger-Position seen
}

// PathwayID is the id of scenario n's pathway.
func PathwayID(n int) string { return fmt.Sprintf("5ce0a710-0000-4000-8000-%012d", n) }

const nhs = "9990000018"

func (s *Script) post(t *testing.T, status int, path string, body any) Pathway {
	t.Helper()
	r := s.Booking.Expect(t, status, http.MethodPost, path, body)
	if pos, err := strconv.ParseUint(r.Header.Get("Ledger-Position"), 10, 64); err == nil && pos > s.last {
		s.last = pos
	}
	var p Pathway
	r.Decode(t, &p)
	return p
}

func (s *Script) refer(t *testing.T, n int, received string, extra map[string]any) string {
	t.Helper()
	id := PathwayID(n)
	body := map[string]any{"pathway_id": id, "patient": map[string]any{"nhs_number": nhs},
		"specialty_code": "110", "referral_received_on": received}
	for k, v := range extra {
		body[k] = v
	}
	p := s.post(t, http.StatusCreated, "/v1/pathways", body)
	require.Equal(t, id, p.PathwayID)
	s.Probes = append(s.Probes, "/v1/pathways/"+id+"?on=2025-12-31", "/v1/pathways/"+id+"/events")
	return id
}

func (s *Script) activity(t *testing.T, id, on, kind, status string, extra map[string]any) Pathway {
	t.Helper()
	body := map[string]any{"occurred_on": on, "kind": kind, "rtt_status": status}
	for k, v := range extra {
		body[k] = v
	}
	return s.post(t, http.StatusCreated, "/v1/pathways/"+id+"/activities", body)
}

// view reads the pathway evaluated on a date, as a reader would.
func (s *Script) view(t *testing.T, id, on string) Pathway {
	t.Helper()
	var p Pathway
	s.Reader.Expect(t, http.StatusOK, http.MethodGet, "/v1/pathways/"+id+"?on="+on, nil).Decode(t, &p)
	return p
}

// Run drives every scenario SCENARIOS.md states over HTTP and asserts the documented
// answers. It needs a server whose store is empty of these pathway ids.
func (s *Script) Run(t *testing.T) {
	t.Run("03 transfer in keeps the original start", s.scenario03)
	t.Run("04 same-day treatment", s.scenario04)
	t.Run("10 thresholds of an untouched referral", s.scenario10)
	t.Run("11 a first DNA nullifies; the call starts a new period", s.scenario11)
	t.Run("12 a follow-up DNA discharge stops the clock", s.scenario12)
	t.Run("13 two declined offers, active monitoring by agreement", s.scenario13)
	t.Run("15 unavailability is shown, never subtracted", s.scenario15)
	t.Run("17 a diagnostic day case does not stop the clock", s.scenario17)
	t.Run("18 the 28-day guarantee", s.scenario18)
	t.Run("a clinic list books the pathway", s.sessions)
	t.Run("validation history names the validator", s.validation)
	t.Run("waiting list, report and knowledge time", s.reads)
}

func (s *Script) scenario03(t *testing.T) {
	id := s.refer(t, 3, "2025-01-28", map[string]any{"source": "transfer_in", "original_clock_start_on": "2025-01-02"})
	p := s.view(t, id, "2025-03-31").CurrentPeriod
	require.Equal(t, "2025-01-02", p.StartedOn)
	require.Equal(t, 88, p.WaitDays)
	require.Equal(t, "12-13", p.WeekBand)
}

func (s *Script) scenario04(t *testing.T) {
	id := s.refer(t, 4, "2025-04-01", nil)
	s.activity(t, id, "2025-04-01", "outpatient_first", "30", nil)
	p := s.view(t, id, "2025-04-30").CurrentPeriod
	require.Equal(t, 0, p.WaitDays)
	require.Equal(t, "0-1", p.WeekBand)
	require.Equal(t, "stopped", p.Clock)
}

func (s *Script) scenario10(t *testing.T) {
	id := s.refer(t, 10, "2025-01-02", nil)
	require.Equal(t, 88, s.view(t, id, "2025-03-31").CurrentPeriod.WaitDays)
	last := s.view(t, id, "2025-05-08")
	require.True(t, last.CurrentPeriod.Within18Weeks)
	require.Nil(t, last.Finding("over_18_weeks"))
	breached := s.view(t, id, "2025-05-09")
	require.False(t, breached.CurrentPeriod.Within18Weeks)
	require.Equal(t, "2025-05-09", breached.CurrentPeriod.BreachOn)
	require.NotNil(t, breached.Finding("over_18_weeks"))
	require.Equal(t, "2025-05-09", breached.Finding("over_18_weeks").RaisedOn)
	require.Equal(t, "51-52", s.view(t, id, "2026-01-01").CurrentPeriod.WeekBand, "364 days: exactly 52 weeks")
	require.Equal(t, "52-53", s.view(t, id, "2026-01-02").CurrentPeriod.WeekBand, "over 52 weeks from 2 Jan 2026")
	require.Equal(t, "104+", s.view(t, id, "2027-01-01").CurrentPeriod.WeekBand)
}

func (s *Script) scenario11(t *testing.T) {
	id := s.refer(t, 11, "2025-01-06", nil)
	s.activity(t, id, "2025-02-03", "outpatient_first", "33", map[string]any{"attendance": "did_not_attend"})
	s.activity(t, id, "2025-02-10", "administrative", "10", nil)
	s.activity(t, id, "2025-06-02", "day_case", "30", nil)
	v := s.view(t, id, "2025-06-30")
	require.Len(t, v.Periods, 2)
	require.Equal(t, "nullified", v.Periods[0].Clock)
	require.Equal(t, "2025-02-10", v.CurrentPeriod.StartedOn)
	require.Equal(t, 112, v.CurrentPeriod.WaitDays)
	require.True(t, v.CurrentPeriod.Within18Weeks)
}

func (s *Script) scenario12(t *testing.T) {
	id := s.refer(t, 12, "2025-01-06", nil)
	s.activity(t, id, "2025-02-03", "outpatient_first", "20", nil)
	pr := s.Booking.Refused(t, http.StatusUnprocessableEntity, http.MethodPost, "/v1/pathways/"+id+"/activities",
		map[string]any{"occurred_on": "2025-03-03", "kind": "outpatient_follow_up", "rtt_status": "33", "attendance": "did_not_attend"})
	require.NotEmpty(t, pr.Rule, "a 33 after the first activity names its rule")
	s.activity(t, id, "2025-03-03", "outpatient_follow_up", "34", map[string]any{"attendance": "did_not_attend", "discharged": true})
	p := s.view(t, id, "2025-03-31").CurrentPeriod
	require.Equal(t, 56, p.WaitDays)
	require.Equal(t, "2025-03-03", *p.StoppedOn)
	require.Equal(t, "34", *p.StopStatus)
}

func (s *Script) scenario13(t *testing.T) {
	id := s.refer(t, 13, "2025-01-06", nil)
	base := "/v1/pathways/" + id
	s.post(t, http.StatusCreated, base+"/waiting-list-entries", map[string]any{"decided_on": "2025-03-03", "list_type": "inpatient", "priority": "P3"})
	o1 := s.post(t, http.StatusCreated, base+"/offers", map[string]any{"offer_id": "0ffe0000-0000-4000-8000-000000000001", "offered_on": "2025-03-10", "appointment_on": "2025-04-07"})
	require.True(t, o1.Offers[0].Reasonable, "28 days' notice is reasonable")
	s.post(t, http.StatusOK, base+"/offers/0ffe0000-0000-4000-8000-000000000001/decline", map[string]any{"declined_on": "2025-03-11", "reason": "holiday"})
	s.post(t, http.StatusCreated, base+"/offers", map[string]any{"offer_id": "0ffe0000-0000-4000-8000-000000000002", "offered_on": "2025-03-17", "appointment_on": "2025-04-28"})
	s.post(t, http.StatusOK, base+"/offers/0ffe0000-0000-4000-8000-000000000002/decline", map[string]any{"declined_on": "2025-03-18"})
	v := s.view(t, id, "2025-03-20")
	require.NotNil(t, v.Finding("two_reasonable_offers_declined"))
	require.Equal(t, "2025-03-18", v.Finding("two_reasonable_offers_declined").RaisedOn)
	require.Equal(t, "running", v.CurrentPeriod.Clock)
	require.Equal(t, 73, v.CurrentPeriod.WaitDays, "nothing subtracted")

	pr := s.Booking.Refused(t, http.StatusUnprocessableEntity, http.MethodPost, base+"/activities",
		map[string]any{"occurred_on": "2025-03-24", "kind": "outpatient_follow_up", "rtt_status": "32"})
	require.Equal(t, "active_monitoring_needs_patient_agreement", pr.Rule)
	s.activity(t, id, "2025-03-24", "outpatient_follow_up", "32", map[string]any{"patient_agreed": true})
	v = s.view(t, id, "2025-06-16")
	require.Equal(t, 77, v.CurrentPeriod.WaitDays)
	require.Nil(t, v.WaitingList, "the stop closes the list entry")
	s.activity(t, id, "2025-06-02", "administrative", "11", nil)
	s.activity(t, id, "2025-06-30", "admission", "30", nil)
	p := s.view(t, id, "2025-07-31").CurrentPeriod
	require.Equal(t, 28, p.WaitDays)
	require.Equal(t, "3-4", p.WeekBand)
}

func (s *Script) scenario15(t *testing.T) {
	id := s.refer(t, 15, "2025-05-01", nil)
	s.post(t, http.StatusCreated, "/v1/pathways/"+id+"/unavailability", map[string]any{"from": "2025-07-14", "to": "2025-08-29", "reason": "school holidays"})
	p := s.view(t, id, "2025-09-30").CurrentPeriod
	require.Equal(t, 152, p.WaitDays)
	require.Equal(t, 47, p.PatientInitiatedDelayDays)
	require.Equal(t, "running", p.Clock)
}

func (s *Script) scenario17(t *testing.T) {
	id := s.refer(t, 17, "2025-01-06", nil)
	s.activity(t, id, "2025-03-10", "day_case", "20", nil)
	require.Equal(t, "running", s.view(t, id, "2025-03-11").CurrentPeriod.Clock)
	s.activity(t, id, "2025-05-12", "day_case", "30", nil)
	p := s.view(t, id, "2025-06-01").CurrentPeriod
	require.Equal(t, 126, p.WaitDays)
	require.Equal(t, "17-18", p.WeekBand)
	require.True(t, p.Within18Weeks)
}

func (s *Script) scenario18(t *testing.T) {
	id := s.refer(t, 18, "2025-03-03", nil)
	base := "/v1/pathways/" + id
	const b = "b0000000-0000-4000-8000-000000000018"
	s.post(t, http.StatusCreated, base+"/bookings", map[string]any{"booking_id": b, "admission_on": "2025-06-10", "booked_on": "2025-05-01"})
	s.post(t, http.StatusOK, base+"/bookings/"+b+"/cancellations", map[string]any{"cancelled_on": "2025-06-10", "cancelled_by": "hospital", "reason": "no bed"})
	v := s.view(t, id, "2025-07-08")
	require.Equal(t, "cancelled", v.Bookings[0].Status)
	require.Equal(t, "2025-07-08", *v.Bookings[0].TwentyEightDayDeadline)
	require.False(t, v.Bookings[0].TwentyEightDayBreached)
	require.True(t, s.view(t, id, "2025-07-09").Bookings[0].TwentyEightDayBreached)
	s.activity(t, id, "2025-07-09", "admission", "30", nil)
	v = s.view(t, id, "2025-07-31")
	require.Equal(t, "2025-07-09", *v.CurrentPeriod.StoppedOn)
	f := v.Finding("twenty_eight_day_breach")
	require.NotNil(t, f)
	require.Equal(t, "error", f.Severity)
}

func (s *Script) validation(t *testing.T) {
	id := PathwayID(13)
	r := s.Validator.Expect(t, http.StatusCreated, http.MethodPost, "/v1/pathways/"+id+"/validations",
		map[string]any{"outcome": "confirmed", "checks": []string{"two_reasonable_offers_declined"}, "notes": "monitoring agreed in clinic letter"})
	if pos, err := strconv.ParseUint(r.Header.Get("Ledger-Position"), 10, 64); err == nil && pos > s.last {
		s.last = pos
	}
	var got struct {
		Validations []struct {
			Outcome   string `json:"outcome"`
			Validator struct {
				User string `json:"user"`
				Role string `json:"role"`
			} `json:"validator"`
		} `json:"validations"`
		Findings []Finding `json:"findings"`
	}
	s.Auditor.Expect(t, http.StatusOK, http.MethodGet, "/v1/pathways/"+id+"/validations", nil).Decode(t, &got)
	require.Len(t, got.Validations, 1)
	require.Equal(t, "confirmed", got.Validations[0].Outcome)
	require.Equal(t, "validator", got.Validations[0].Validator.Role)
	require.NotEmpty(t, got.Validations[0].Validator.User)

	var evs struct{ Events []Event }
	s.Auditor.Expect(t, http.StatusOK, http.MethodGet, "/v1/pathways/"+id+"/events", nil).Decode(t, &evs)
	require.NotEmpty(t, evs.Events)
	lastEv := evs.Events[len(evs.Events)-1]
	require.Equal(t, "validator", lastEv.Actor.Role, "the caller is the actor of the event")
	for i := 1; i < len(evs.Events); i++ {
		require.Equal(t, evs.Events[i-1].Hash, evs.Events[i].PrevHash, "the hash chain links event %d", i)
	}
	s.Probes = append(s.Probes, "/v1/pathways/"+id+"/validations")
}

func (s *Script) reads(t *testing.T) {
	after := strconv.FormatUint(s.last, 10)
	var wl struct {
		Items      []Item  `json:"items"`
		NextCursor *string `json:"next_cursor"`
	}
	path := "/v1/waiting-list?on=2025-03-31&limit=2&after=" + after
	s.Reader.Expect(t, http.StatusOK, http.MethodGet, path, nil).Decode(t, &wl)
	require.Len(t, wl.Items, 2)
	require.Equal(t, PathwayID(3), wl.Items[0].PathwayID, "longest wait first: started 2 Jan (transfer in)")
	require.Equal(t, PathwayID(10), wl.Items[1].PathwayID)
	require.Equal(t, 88, wl.Items[0].WaitDays)
	require.NotNil(t, wl.NextCursor)
	var page2 struct {
		Items []Item `json:"items"`
	}
	s.Reader.Expect(t, http.StatusOK, http.MethodGet, "/v1/waiting-list?on=2025-03-31&limit=2&cursor="+*wl.NextCursor, nil).Decode(t, &page2)
	require.NotEmpty(t, page2.Items)
	for _, it := range page2.Items {
		require.NotContains(t, []string{PathwayID(3), PathwayID(10)}, it.PathwayID, "a page does not repeat the previous one")
	}
	s.Probes = append(s.Probes, "/v1/waiting-list?on=2025-03-31", "/v1/reports/rtt?on=2025-03-31", "/v1/integrity")

	var rep struct {
		CensusOn   string  `json:"census_on"`
		Incomplete Figures `json:"incomplete"`
	}
	s.Reader.Expect(t, http.StatusOK, http.MethodGet, "/v1/reports/rtt?on=2025-03-31", nil).Decode(t, &rep)
	require.Equal(t, "2025-03-31", rep.CensusOn)
	require.Len(t, rep.Incomplete.Bands, 105)
	require.Positive(t, rep.Incomplete.Total)

	// Knowledge time: before scenario 18's admission was recorded, the pathway had a
	// running clock; today it is stopped.
	var evs struct{ Events []Event }
	s.Auditor.Expect(t, http.StatusOK, http.MethodGet, "/v1/pathways/"+PathwayID(18)+"/events", nil).Decode(t, &evs)
	require.GreaterOrEqual(t, len(evs.Events), 4)
	cancelled := evs.Events[len(evs.Events)-1]
	for _, e := range evs.Events {
		if e.Type == "BookingCancelled" {
			cancelled = e
		}
	}
	at, err := time.Parse(time.RFC3339Nano, cancelled.RecordedAt)
	require.NoError(t, err)
	var then, now Pathway
	s.Auditor.Expect(t, http.StatusOK, http.MethodGet, "/v1/pathways/"+PathwayID(18)+"?on=2025-07-31&as_of="+at.Format(time.RFC3339Nano), nil).Decode(t, &then)
	s.Auditor.Expect(t, http.StatusOK, http.MethodGet, "/v1/pathways/"+PathwayID(18)+"?on=2025-07-31", nil).Decode(t, &now)
	require.Equal(t, "running", then.CurrentPeriod.Clock, "as the ledger knew it when the cancellation was recorded")
	require.Equal(t, "stopped", now.CurrentPeriod.Clock)
	require.Less(t, then.StreamVersion, now.StreamVersion)

	var integrity struct {
		OK             bool `json:"ok"`
		StreamsChecked int  `json:"streams_checked"`
		EventsChecked  int  `json:"events_checked"`
	}
	s.Auditor.Expect(t, http.StatusOK, http.MethodGet, "/v1/integrity", nil).Decode(t, &integrity)
	require.True(t, integrity.OK)
	require.GreaterOrEqual(t, integrity.StreamsChecked, 9)
}

// SessionID is the clinic list the scenarios book onto.
const SessionID = "5e55a0a0-0000-4000-8000-0000000000c1"

// sessions plans a clinic list far ahead (clinic lists need no pre-op), books a
// listed patient onto it and checks the pathway holds the TCI on the list's date.
func (s *Script) sessions(t *testing.T) {
	id := s.refer(t, 50, "2025-03-20", nil)
	s.post(t, http.StatusCreated, "/v1/pathways/"+id+"/waiting-list-entries",
		map[string]any{"decided_on": "2025-03-25", "list_type": "day_case", "priority": "P3", "expected_minutes": 45})
	r := s.Booking.Expect(t, http.StatusCreated, http.MethodPost, "/v1/sessions", map[string]any{"session_id": SessionID,
		"date": "2099-03-02", "start_time": "08:30", "end_time": "12:30", "specialty_code": "110", "list_type": "clinic",
		"turnaround_minutes": 10})
	r = s.Booking.Expect(t, http.StatusCreated, http.MethodPost, "/v1/sessions/"+SessionID+"/bookings",
		map[string]any{"pathway_id": id, "expected_minutes": 45})
	if pos, err := strconv.ParseUint(r.Header.Get("Ledger-Position"), 10, 64); err == nil && pos > s.last {
		s.last = pos
	}
	var sess struct {
		BookedMinutes int `json:"booked_minutes"`
		Bookings      []struct {
			PathwayID string `json:"pathway_id"`
			BookingID string `json:"booking_id"`
		} `json:"bookings"`
	}
	r.Decode(t, &sess)
	require.Equal(t, 45, sess.BookedMinutes)
	require.Len(t, sess.Bookings, 1)
	p := s.view(t, id, "2025-03-31")
	require.Len(t, p.Bookings, 1, "the pathway holds the booking the list made")
	require.Equal(t, sess.Bookings[0].BookingID, p.Bookings[0].BookingID)
	require.Equal(t, "2099-03-02", p.Bookings[0].AdmissionOn)
	s.Probes = append(s.Probes, "/v1/sessions/"+SessionID, "/v1/sessions?from=2099-03-01&to=2099-03-31",
		"/v1/reports/session-utilisation?from=2099-03-01&to=2099-03-31")
}
