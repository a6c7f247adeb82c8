package v1_test

import (
	"net/http"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/pathway-ledger/ledger/api"
	"github.com/pathway-ledger/ledger/internal/httpscenarios"
)

// The role × route matrix of issue 4, written out rather than read from the code so
// that a widened or narrowed route fails here.
func TestRoleRouteMatrix(t *testing.T) {
	e := newEnv(t)
	id := seedPathway(t, e, 1)
	p := "/v1/pathways/" + id
	sid := "5e55a0a0-0000-4000-8000-00000000000a"
	e.team.Booking.Expect(t, http.StatusCreated, "POST", "/v1/sessions", map[string]any{"session_id": sid, "date": "2099-06-01",
		"start_time": "08:30", "end_time": "12:30", "specialty_code": "110", "list_type": "clinic"})
	sp := "/v1/sessions/" + sid
	const (
		B = "booking"
		V = "validator"
		A = "auditor"
		R = "reader"
	)
	cases := []struct {
		method, path string
		body         string
		allowed      string // roles besides admin
	}{
		{"POST", "/v1/pathways", `{"patient":{"nhs_number":"9990000018"},"specialty_code":"110","referral_received_on":"2025-01-02"}`, B},
		{"POST", p + "/activities", `{"occurred_on":"2025-02-03","kind":"outpatient_first","rtt_status":"20"}`, B},
		{"POST", p + "/waiting-list-entries", `{"decided_on":"2025-02-03","list_type":"inpatient","priority":"P3"}`, B},
		{"POST", p + "/offers", `{"offered_on":"2025-02-04","appointment_on":"2025-03-10"}`, B},
		{"POST", p + "/offers/0ffe0000-0000-4000-8000-0000000000aa/decline", `{"declined_on":"2025-02-05"}`, B},
		{"POST", p + "/offers/0ffe0000-0000-4000-8000-0000000000aa/accept", `{"accepted_on":"2025-02-05"}`, B},
		{"POST", p + "/unavailability", `{"from":"2025-02-10","to":"2025-02-20"}`, B},
		{"POST", p + "/bookings", `{"admission_on":"2025-03-10"}`, B},
		{"POST", p + "/bookings/b0000000-0000-4000-8000-0000000000aa/cancellations", `{"cancelled_on":"2025-02-05","cancelled_by":"patient","reason":"x"}`, B},
		{"POST", p + "/pre-op-assessments", `{"assessed_on":"2025-02-05","outcome":"fit"}`, B},
		{"POST", p + "/validations", `{"outcome":"confirmed","notes":"checked"}`, V},
		{"GET", p, "", B + V + A + R},
		{"GET", p + "/validations", "", V + A},
		{"GET", p + "/events", "", A},
		{"GET", "/v1/waiting-list", "", B + V + A + R},
		{"GET", "/v1/reports/rtt?on=2025-03-31", "", V + A + R},
		{"GET", "/v1/integrity", "", A},
		{"GET", "/v1/openapi.json", "", B + V + A + R},
		{"POST", "/v1/sessions", `{"date":"2099-06-02","start_time":"08:30","end_time":"12:30","specialty_code":"110","list_type":"theatre"}`, B},
		{"POST", sp + "/bookings", `{"pathway_id":"` + id + `","expected_minutes":30}`, B},
		{"POST", sp + "/bookings/" + id + "/removal", `{"reason":"x"}`, B},
		{"POST", sp + "/confirmation", "", B},
		{"POST", sp + "/finalisation", "", B},
		{"POST", sp + "/cancellations", `{"cancelled_on":"2025-02-05","reason":"x"}`, B},
		{"POST", sp + "/release", `{"reason":"x"}`, B},
		{"GET", "/v1/sessions", "", B + V + A + R},
		{"GET", sp, "", B + V + A + R},
		{"GET", sp + "/suggestions", "", B + V + A + R},
		{"GET", sp + "/proposal", "", B + V + A + R},
		{"GET", "/v1/reports/session-utilisation", "", B + V + A + R},
		{"GET", "/v1/reports/twenty-eight-day", "", B + V + A + R},
		{"GET", "/v1/admin/projections", "", ""},
		{"POST", "/v1/admin/projections/rebuild", `{"projections":["pathways"]}`, ""},
	}
	for _, c := range cases {
		var body any
		if c.body != "" {
			body = c.body
		}
		pr := e.anon.Refused(t, http.StatusUnauthorized, c.method, c.path, body)
		require.Equal(t, api.TypeUnauthenticated, pr.Type)
		for role, client := range e.roles {
			r := client.Do(t, c.method, c.path, body)
			allowed := role == api.RoleAdmin || strings.Contains(c.allowed, string(role))
			if allowed {
				require.NotContains(t, []int{401, 403}, r.Status, "%s %s as %s: %s", c.method, c.path, role, r.Body)
				require.Less(t, r.Status, 500, "%s %s as %s: %s", c.method, c.path, role, r.Body)
			} else {
				require.Equal(t, http.StatusForbidden, r.Status, "%s %s as %s: %s", c.method, c.path, role, r.Body)
			}
		}
	}
}

// seedPathway refers pathway n (received 2 Jan 2025) as the booking officer.
func seedPathway(t *testing.T, e *env, n int) string {
	t.Helper()
	id := httpscenarios.PathwayID(n)
	e.team.Booking.Expect(t, http.StatusCreated, "POST", "/v1/pathways", map[string]any{"pathway_id": id,
		"patient": map[string]any{"nhs_number": "9990000018"}, "specialty_code": "110", "referral_received_on": "2025-01-02"})
	return id
}
