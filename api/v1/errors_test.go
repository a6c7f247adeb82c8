package v1_test

import (
	"net/http"
	"strconv"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/pathway-ledger/ledger/api"
	"github.com/pathway-ledger/ledger/internal/httpscenarios"
)

func fields(p httpscenarios.Problem) []string {
	var out []string
	for _, e := range p.Errors {
		out = append(out, e.Field)
	}
	return out
}

func TestBadRequestsNameTheField(t *testing.T) {
	e := newEnv(t)
	id := seedPathway(t, e, 1)
	b := e.team.Booking
	cases := []struct {
		name, path, body, field string
	}{
		{"missing required", "/v1/pathways", `{"patient":{"nhs_number":"9990000018"},"specialty_code":"110"}`, "referral_received_on"},
		{"nested missing", "/v1/pathways", `{"patient":{},"specialty_code":"110","referral_received_on":"2025-01-02"}`, "patient.nhs_number"},
		{"bad date", "/v1/pathways/" + id + "/activities", `{"occurred_on":"2025-02-30","kind":"outpatient_first","rtt_status":"20"}`, "occurred_on"},
		{"unknown field", "/v1/pathways/" + id + "/activities", `{"occurred_on":"2025-02-03","kind":"outpatient_first","rtt_status":"20","colour":"red"}`, "colour"},
		{"wrong type", "/v1/pathways/" + id + "/activities", `{"occurred_on":"2025-02-03","kind":"outpatient_first","rtt_status":"20","discharged":"yes"}`, "discharged"},
		{"given id not a uuid", "/v1/pathways", `{"pathway_id":"p1","patient":{"nhs_number":"9990000018"},"specialty_code":"110","referral_received_on":"2025-01-02"}`, "pathway_id"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			p := b.Refused(t, http.StatusBadRequest, "POST", c.path, c.body)
			require.Equal(t, api.TypeMalformed, p.Type)
			require.Contains(t, fields(p), c.field)
		})
	}
	p := b.Refused(t, http.StatusBadRequest, "POST", "/v1/pathways/"+id+"/activities", `{"occurred_on":`)
	require.Equal(t, api.TypeMalformed, p.Type)

	for _, q := range []struct{ query, field string }{
		{"on=31-03-2025", "on"}, {"limit=-1", "limit"}, {"min_weeks=x", "min_weeks"},
		{"cursor=not-a-cursor", "cursor"}, {"breach_within_days=1.5", "breach_within_days"},
	} {
		p := e.team.Reader.Refused(t, http.StatusBadRequest, "GET", "/v1/waiting-list?"+q.query, nil)
		require.Equal(t, []string{q.field}, fields(p), q.query)
	}
	p = e.team.Reader.Refused(t, http.StatusBadRequest, "GET", "/v1/reports/rtt", nil)
	require.Equal(t, []string{"on"}, fields(p), "the census date is required")
	p = e.team.Auditor.Refused(t, http.StatusBadRequest, "GET", "/v1/pathways/"+id+"?as_of=yesterday", nil)
	require.Equal(t, []string{"as_of"}, fields(p))
}

func TestRuleViolationsNameTheRuleAndNeverEchoPatientData(t *testing.T) {
	e := newEnv(t)
	id := seedPathway(t, e, 1)
	b := e.team.Booking
	cases := []struct {
		name, path, body, rule, field string
	}{
		{"invalid NHS number", "/v1/pathways", `{"patient":{"nhs_number":"9990000017","family_name":"Pemberton"},"specialty_code":"110","referral_received_on":"2025-01-02"}`, "invalid_nhs_number", "patient.nhs_number"},
		{"future date", "/v1/pathways/" + id + "/activities", `{"occurred_on":"2099-01-01","kind":"outpatient_first","rtt_status":"20"}`, "date_in_future", "occurred_on"},
		{"before referral", "/v1/pathways/" + id + "/activities", `{"occurred_on":"2024-12-01","kind":"outpatient_first","rtt_status":"20"}`, "date_before_referral", "occurred_on"},
		{"unknown status", "/v1/pathways/" + id + "/activities", `{"occurred_on":"2025-02-03","kind":"outpatient_first","rtt_status":"77"}`, "unknown_code", "rtt_status"},
		{"no such offer", "/v1/pathways/" + id + "/offers/0ffe0000-0000-4000-8000-000000000009/accept", `{"accepted_on":"2025-02-03"}`, "offer_not_found", "offer_id"},
		{"interval backwards", "/v1/pathways/" + id + "/unavailability", `{"from":"2025-03-01","to":"2025-02-01"}`, "interval_end_before_start", "to"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			r := b.Expect(t, http.StatusUnprocessableEntity, "POST", c.path, c.body)
			require.NotContains(t, string(r.Body), "9990000017")
			require.NotContains(t, string(r.Body), "Pemberton")
			var p httpscenarios.Problem
			r.Decode(t, &p)
			require.Equal(t, api.TypeRuleViolation, p.Type)
			require.Equal(t, c.rule, p.Rule)
			require.Equal(t, []string{c.field}, fields(p))
		})
	}
	var evs struct{ Events []httpscenarios.Event }
	e.team.Auditor.Expect(t, http.StatusOK, "GET", "/v1/pathways/"+id+"/events", nil).Decode(t, &evs)
	require.Len(t, evs.Events, 1, "refused commands wrote nothing: the referral only")
}

func TestNotFound(t *testing.T) {
	e := newEnv(t)
	for _, path := range []string{
		"/v1/pathways/5ce0a710-0000-4000-8000-999999999999",
		"/v1/pathways/not-a-uuid",
		"/v1/pathways/5ce0a710-0000-4000-8000-999999999999/events",
		"/v1/pathways/5ce0a710-0000-4000-8000-999999999999/validations",
	} {
		p := e.team.Auditor.Refused(t, http.StatusNotFound, "GET", path, nil)
		require.Equal(t, api.TypeNotFound, p.Type)
	}
	e.team.Booking.Refused(t, http.StatusNotFound, "POST", "/v1/pathways/5ce0a710-0000-4000-8000-999999999999/activities",
		`{"occurred_on":"2025-02-03","kind":"outpatient_first","rtt_status":"20"}`)
	// Before its referral was recorded the pathway did not exist.
	id := seedPathway(t, e, 1)
	e.team.Auditor.Refused(t, http.StatusNotFound, "GET", "/v1/pathways/"+id+"?as_of=2020-01-01T00:00:00Z", nil)
}

func TestConcurrencyHeadersAndConflicts(t *testing.T) {
	e := newEnv(t)
	id := seedPathway(t, e, 1)
	b := e.team.Booking
	act := `{"occurred_on":"2025-02-03","kind":"outpatient_first","rtt_status":"20"}`

	got := e.team.Reader.Expect(t, http.StatusOK, "GET", "/v1/pathways/"+id, nil)
	require.Equal(t, `"0"`, got.Header.Get("ETag"), "the referral is version 0")

	p := b.Refused(t, http.StatusConflict, "POST", "/v1/pathways/"+id+"/activities", act, "If-Match", `"3"`)
	require.Equal(t, api.TypeVersionConflict, p.Type)

	w := b.Expect(t, http.StatusCreated, "POST", "/v1/pathways/"+id+"/activities", act, "If-Match", `"0"`)
	require.Equal(t, `"1"`, w.Header.Get("ETag"))
	pos, err := strconv.ParseUint(w.Header.Get("Ledger-Position"), 10, 64)
	require.NoError(t, err)
	require.Equal(t, uint64(2), pos, "the second event of the log (positions start at 1)")
	b.Refused(t, http.StatusConflict, "POST", "/v1/pathways/"+id+"/activities", act, "If-Match", `"0"`)

	dup := b.Refused(t, http.StatusConflict, "POST", "/v1/pathways", map[string]any{"pathway_id": id,
		"patient": map[string]any{"nhs_number": "9990000018"}, "specialty_code": "110", "referral_received_on": "2025-01-02"})
	require.Equal(t, api.TypeDuplicate, dup.Type)
}

func TestIdempotencyKeyMakesARetrySafe(t *testing.T) {
	e := newEnv(t)
	b := e.team.Booking
	body := map[string]any{"patient": map[string]any{"nhs_number": "9990000018"}, "specialty_code": "110", "referral_received_on": "2025-01-02"}
	first := b.Expect(t, http.StatusCreated, "POST", "/v1/pathways", body, "Idempotency-Key", "referral-42")
	again := b.Expect(t, http.StatusCreated, "POST", "/v1/pathways", body, "Idempotency-Key", "referral-42")
	var p1, p2 httpscenarios.Pathway
	first.Decode(t, &p1)
	again.Decode(t, &p2)
	require.Equal(t, p1.PathwayID, p2.PathwayID, "the retry names the same pathway")
	require.Equal(t, first.Header.Get("Ledger-Position"), again.Header.Get("Ledger-Position"))

	body["specialty_code"] = "120"
	p := b.Refused(t, http.StatusConflict, "POST", "/v1/pathways", body, "Idempotency-Key", "referral-42")
	require.Equal(t, api.TypeIdempotencyReused, p.Type)

	var integrity struct {
		EventsChecked int `json:"events_checked"`
	}
	e.team.Auditor.Expect(t, http.StatusOK, "GET", "/v1/integrity", nil).Decode(t, &integrity)
	require.Equal(t, 1, integrity.EventsChecked, "one referral: nothing written twice")
}

func TestReportAsOfIsTheReturnAsTheLedgerKnewIt(t *testing.T) {
	e := newEnv(t)
	seedPathway(t, e, 1)
	w := e.team.Booking.Expect(t, http.StatusCreated, "POST", "/v1/pathways", map[string]any{"pathway_id": httpscenarios.PathwayID(2),
		"patient": map[string]any{"nhs_number": "9990000018"}, "specialty_code": "130", "referral_received_on": "2025-02-03"})
	var evs struct{ Events []httpscenarios.Event }
	e.team.Auditor.Expect(t, http.StatusOK, "GET", "/v1/pathways/"+httpscenarios.PathwayID(1)+"/events", nil).Decode(t, &evs)
	firstKnown := evs.Events[len(evs.Events)-1].RecordedAt

	type report struct {
		Incomplete httpscenarios.Figures `json:"incomplete"`
	}
	var now, then report
	e.team.Reader.Expect(t, http.StatusOK, "GET", "/v1/reports/rtt?on=2025-03-31&after="+w.Header.Get("Ledger-Position"), nil).Decode(t, &now)
	e.team.Reader.Expect(t, http.StatusOK, "GET", "/v1/reports/rtt?on=2025-03-31&as_of="+firstKnown, nil).Decode(t, &then)
	require.Equal(t, 2, now.Incomplete.Total)
	require.Equal(t, 1, then.Incomplete.Total, "the second referral was recorded after the instant")
	require.Equal(t, 1, then.Incomplete.Bands[12], "88 days at the census: band 12-13")
}

// A retry of an applied command whose rules would now refuse it (a second open
// waiting-list entry, the same patient on the list again) answers as the first time
// and writes nothing; the same key on a different request is a conflict.
func TestIdempotencyKeyReplaysAnAppliedCommand(t *testing.T) {
	ck := newClock("2026-12-01")
	e := newEnvAt(t, ck.now)
	b := e.team.Booking
	id := seedPathway(t, e, 1)
	entry := map[string]any{"decided_on": "2025-02-03", "list_type": "day_case", "priority": "P3", "expected_minutes": 40}
	first := b.Expect(t, http.StatusCreated, "POST", "/v1/pathways/"+id+"/waiting-list-entries", entry, "Idempotency-Key", "dta-1")
	again := b.Expect(t, http.StatusCreated, "POST", "/v1/pathways/"+id+"/waiting-list-entries", entry, "Idempotency-Key", "dta-1")
	require.Equal(t, first.Header.Get("Ledger-Position"), again.Header.Get("Ledger-Position"))
	require.Equal(t, first.Header.Get("ETag"), again.Header.Get("ETag"))
	pr := b.Refused(t, http.StatusUnprocessableEntity, "POST", "/v1/pathways/"+id+"/waiting-list-entries", entry, "Idempotency-Key", "dta-2")
	require.Equal(t, "already_on_waiting_list", pr.Rule, "a new key is a new request")
	entry["priority"] = "P2"
	pr = b.Refused(t, http.StatusConflict, "POST", "/v1/pathways/"+id+"/waiting-list-entries", entry, "Idempotency-Key", "dta-1")
	require.Equal(t, api.TypeIdempotencyReused, pr.Type)

	sid := "5e55a0a0-0000-4000-8000-0000000000d1"
	b.Expect(t, http.StatusCreated, "POST", "/v1/sessions", map[string]any{"session_id": sid, "date": "2027-01-12",
		"start_time": "08:30", "end_time": "12:30", "specialty_code": "110", "list_type": "clinic"})
	book := map[string]any{"pathway_id": id, "expected_minutes": 40}
	s1 := b.Expect(t, http.StatusCreated, "POST", "/v1/sessions/"+sid+"/bookings", book, "Idempotency-Key", "book-1")
	s2 := b.Expect(t, http.StatusCreated, "POST", "/v1/sessions/"+sid+"/bookings", book, "Idempotency-Key", "book-1")
	var v1s, v2s struct {
		Bookings []struct {
			BookingID string `json:"booking_id"`
		} `json:"bookings"`
	}
	s1.Decode(t, &v1s)
	s2.Decode(t, &v2s)
	require.Len(t, v2s.Bookings, 1, "one booking, not two")
	require.Equal(t, v1s.Bookings[0].BookingID, v2s.Bookings[0].BookingID)
	book["expected_minutes"] = 50
	pr = b.Refused(t, http.StatusConflict, "POST", "/v1/sessions/"+sid+"/bookings", book, "Idempotency-Key", "book-1")
	require.Equal(t, api.TypeIdempotencyReused, pr.Type)
}
