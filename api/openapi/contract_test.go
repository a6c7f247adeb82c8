package openapi_test

import (
	"slices"
	"strings"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/stretchr/testify/require"
)

// The tables below are shared/API.md, copied by hand: the contract the document must
// keep. A route, field or parameter added beyond API.md is added here too.

var apiRoutes = []string{
	// Running
	"GET /healthz",
	"GET /readyz",
	"GET /metrics",
	"GET /v1/openapi.json",
	// Commands
	"POST /v1/pathways",
	"POST /v1/pathways/{id}/activities",
	"POST /v1/pathways/{id}/waiting-list-entries",
	"POST /v1/pathways/{id}/offers",
	"POST /v1/pathways/{id}/offers/{offer_id}/decline",
	"POST /v1/pathways/{id}/offers/{offer_id}/accept",
	"POST /v1/pathways/{id}/unavailability",
	"POST /v1/pathways/{id}/bookings",
	"POST /v1/pathways/{id}/bookings/{booking_id}/cancellations",
	"POST /v1/pathways/{id}/validations",
	// Sessions and pre-operative assessment
	"POST /v1/pathways/{id}/pre-op-assessments",
	"POST /v1/sessions",
	"POST /v1/sessions/{id}/bookings",
	"POST /v1/sessions/{id}/bookings/{pathway_id}/removal",
	"POST /v1/sessions/{id}/finalisation",
	"POST /v1/sessions/{id}/cancellations",
	"GET /v1/sessions",
	"GET /v1/sessions/{id}",
	"GET /v1/sessions/{id}/suggestions",
	// Added beyond API.md: the rest of the 6-4-2 cycle, list proposals and reports
	"POST /v1/sessions/{id}/confirmation",
	"POST /v1/sessions/{id}/release",
	"GET /v1/sessions/{id}/proposal",
	"GET /v1/reports/session-utilisation",
	"GET /v1/reports/twenty-eight-day",
	// Queries
	"GET /v1/pathways/{id}",
	"GET /v1/pathways/{id}/events",
	"GET /v1/pathways/{id}/validations",
	"GET /v1/waiting-list",
	"GET /v1/reports/rtt",
	"GET /v1/integrity",
	// Added beyond API.md: operating the read models
	"GET /v1/admin/projections",
	"POST /v1/admin/projections/rebuild",
}

func TestTheDocumentHasExactlyTheAPIRoutes(t *testing.T) {
	got := sortedKeys(operations(load(t)))
	want := slices.Clone(apiRoutes)
	slices.Sort(want)
	require.Equal(t, want, got)
}

// resolve follows a dotted property path from a schema, stepping through a nullable
// "anyOf: [X, null]" to X.
func resolve(t *testing.T, s *openapi3.Schema, path string) *openapi3.Schema {
	t.Helper()
	for name := range strings.SplitSeq(path, ".") {
		s = nonNull(s)
		ref, ok := s.Properties[name]
		require.True(t, ok, "no property %q on the way to %s", name, path)
		s = ref.Value
	}
	return nonNull(s)
}

func nonNull(s *openapi3.Schema) *openapi3.Schema {
	for _, alt := range s.AnyOf {
		if alt.Value.Type == nil || !alt.Value.Type.Is(openapi3.TypeNull) {
			return alt.Value
		}
	}
	return s
}

func component(t *testing.T, doc *openapi3.T, name string) *openapi3.Schema {
	t.Helper()
	ref, ok := doc.Components.Schemas[name]
	require.True(t, ok, "no schema %s", name)
	return ref.Value
}

func requestSchema(t *testing.T, doc *openapi3.T, route string) *openapi3.Schema {
	t.Helper()
	op := operations(doc)[route]
	require.NotNil(t, op, route)
	require.NotNil(t, op.RequestBody, "%s has a body", route)
	mt := op.RequestBody.Value.Content.Get("application/json")
	require.NotNil(t, mt, "%s takes application/json", route)
	return mt.Schema.Value
}

func TestRequestBodiesHaveAPIFieldsWithBoldOnesRequired(t *testing.T) {
	cases := []struct {
		route, at          string // at: a nested object's property path, "" for the body
		required, optional []string
		bodyOptional       bool
	}{
		{route: "POST /v1/pathways", required: []string{"patient", "specialty_code", "referral_received_on"},
			optional: []string{"pathway_id", "referral_priority", "source", "original_clock_start_on"}},
		{route: "POST /v1/pathways", at: "patient", required: []string{"nhs_number"},
			optional: []string{"family_name", "given_name", "birth_date"}},
		{route: "POST /v1/pathways/{id}/activities", required: []string{"occurred_on", "kind", "rtt_status"},
			optional: []string{"attendance", "discharged", "clinical_decision_on", "patient_agreed"}}, // patient_agreed: added
		{route: "POST /v1/pathways/{id}/waiting-list-entries", required: []string{"decided_on", "list_type", "priority"},
			optional: []string{"procedure_code", "expected_minutes"}},
		{route: "POST /v1/pathways/{id}/offers", required: []string{"offered_on", "appointment_on"},
			optional: []string{"offer_id", "kind", "provider_code"}},
		{route: "POST /v1/pathways/{id}/offers/{offer_id}/decline", required: []string{"declined_on"},
			optional: []string{"reason"}},
		{route: "POST /v1/pathways/{id}/offers/{offer_id}/accept", required: []string{"accepted_on"}},
		{route: "POST /v1/pathways/{id}/unavailability", required: []string{"from", "to"}, optional: []string{"reason"}},
		{route: "POST /v1/pathways/{id}/bookings", required: []string{"admission_on"},
			optional: []string{"booking_id", "session_id", "booked_on"}}, // booked_on: added
		{route: "POST /v1/pathways/{id}/bookings/{booking_id}/cancellations",
			required: []string{"cancelled_on", "cancelled_by", "reason"}, optional: []string{"clinical", "after_arrival"}}, // after_arrival: added
		{route: "POST /v1/pathways/{id}/validations", required: []string{"outcome", "notes"}, optional: []string{"checks"}},
		{route: "POST /v1/pathways/{id}/pre-op-assessments", required: []string{"assessed_on", "outcome"},
			optional: []string{"valid_until", "requirements"}},
		{route: "POST /v1/pathways/{id}/pre-op-assessments", at: "requirements",
			optional: []string{"hdu_bed", "kit", "radiology", "anaesthetist_grade"}},
		{route: "POST /v1/sessions", required: []string{"date", "start_time", "end_time", "specialty_code", "list_type"},
			optional: []string{"session_id", "site", "room", "lead_clinician", "anaesthetist", "capabilities", "turnaround_minutes"}},
		{route: "POST /v1/sessions", at: "capabilities",
			optional: []string{"hdu_bed", "kit", "radiology", "anaesthetist_grade"}},
		{route: "POST /v1/sessions/{id}/bookings", required: []string{"pathway_id", "expected_minutes"}},
		{route: "POST /v1/sessions/{id}/bookings/{pathway_id}/removal", optional: []string{"reason"}, bodyOptional: true},
		{route: "POST /v1/sessions/{id}/cancellations", required: []string{"cancelled_on", "reason"},
			optional: []string{"clinical"}},
	}
	doc := load(t)
	for _, c := range cases {
		t.Run(c.route+" "+c.at, func(t *testing.T) {
			s := requestSchema(t, doc, c.route)
			require.Equal(t, !c.bodyOptional, operations(doc)[c.route].RequestBody.Value.Required)
			if c.at != "" {
				s = resolve(t, s, c.at)
			}
			require.ElementsMatch(t, c.required, s.Required)
			require.ElementsMatch(t, append(slices.Clone(c.required), c.optional...), sortedKeys(s.Properties))
			require.False(t, *s.AdditionalProperties.Has, "unknown fields are malformed (400)")
		})
	}
	require.Nil(t, operations(doc)["POST /v1/sessions/{id}/finalisation"].RequestBody, "finalisation has no body")
}

func TestQueryParametersAreAPIs(t *testing.T) {
	cases := map[string][]string{
		"GET /v1/pathways/{id}":             {"on", "as_of", "after"},
		"GET /v1/pathways/{id}/events":      {"as_of", "after"},
		"GET /v1/pathways/{id}/validations": {"after"},
		"GET /v1/waiting-list": {"on", "specialty_code", "list_type", "priority", "min_weeks", "max_weeks",
			"breach_within_days", "limit", "cursor", "after"},
		"GET /v1/reports/rtt":               {"on", "as_of", "after"},
		"GET /v1/integrity":                 {"after"},
		"GET /v1/sessions":                  {"from", "to", "specialty_code", "list_type", "status", "after"},
		"GET /v1/sessions/{id}":             {"after"},
		"GET /v1/sessions/{id}/suggestions": {"limit", "after"},
	}
	doc := load(t)
	ops := operations(doc)
	for route, want := range cases {
		var got []string
		for _, p := range ops[route].Parameters {
			if p.Value.In == openapi3.ParameterInQuery {
				got = append(got, p.Value.Name)
				require.Equal(t, route == "GET /v1/reports/rtt" && p.Value.Name == "on", p.Value.Required,
					"%s %s: only the census date is required", route, p.Value.Name)
			}
		}
		require.ElementsMatch(t, want, got, route)
	}
	formats := map[string]string{"on": "date", "as_of": "date-time", "from": "date", "to": "date"}
	for _, route := range sortedKeys(cases) {
		for _, p := range ops[route].Parameters {
			if f, ok := formats[p.Value.Name]; ok {
				require.Equal(t, f, p.Value.Schema.Value.Format, "%s %s", route, p.Value.Name)
			}
		}
	}
}

func TestEnumsAreAPIs(t *testing.T) {
	waitingListTypes := []any{"inpatient", "day_case", "endoscopy", "diagnostic", "planned"}
	sessionListTypes := []any{"theatre", "endoscopy", "day_case", "clinic"}
	priorities := []any{"P1a", "P1b", "P2", "P3", "P4"}
	grades := []any{"consultant", "any"}
	cases := []struct {
		schema, path string
		want         []any
	}{
		{"ReferralRequest", "referral_priority", []any{"routine", "urgent", "two_week_wait"}},
		{"ReferralRequest", "source", []any{"gp", "consultant", "self", "transfer_in", "other"}},
		{"ActivityRequest", "kind", []any{"outpatient_first", "outpatient_follow_up", "admission", "day_case",
			"diagnostic", "administrative"}},
		{"ActivityRequest", "attendance", []any{"attended", "did_not_attend"}},
		{"WaitingListEntryRequest", "list_type", waitingListTypes},
		{"WaitingListEntryRequest", "priority", priorities},
		{"OfferRequest", "kind", []any{"admission", "outpatient", "diagnostic"}},
		{"BookingCancellationRequest", "cancelled_by", []any{"hospital", "patient"}},
		{"ValidationRequest", "outcome", []any{"confirmed", "corrected", "escalated"}},
		{"PreOpAssessmentRequest", "outcome", []any{"fit", "unfit", "review"}},
		{"PreOpAssessmentRequest", "requirements.anaesthetist_grade", grades},
		{"SessionRequest", "list_type", sessionListTypes},
		{"SessionRequest", "capabilities.anaesthetist_grade", grades},
		{"Pathway", "referral_priority", []any{"routine", "urgent", "two_week_wait"}},
		{"Pathway", "current_period.clock", []any{"running", "stopped", "nullified"}},
		{"Period", "start_status", []any{"10", "11", "12"}},
		{"Period", "stop_status", []any{"30", "31", "32", "33", "34", "35", "36"}},
		{"Pathway", "waiting_list.priority", priorities},
		{"Pathway", "pre_op.requirements.anaesthetist_grade", grades},
		{"Offer", "status", []any{"open", "declined", "accepted"}},
		{"Booking", "status", []any{"booked", "cancelled"}},
		{"Booking", "cancelled_by", []any{"hospital", "patient"}},
		{"Finding", "severity", []any{"info", "warning", "error"}},
		{"Session", "status", []any{"planned", "finalised", "cancelled", "released"}},
		{"Session", "list_type", sessionListTypes},
		// not_applicable is added, for cancelled and released sessions.
		{"Session", "milestones.status", []any{"on_track", "at_risk", "missed", "not_applicable"}},
		{"WaitingListItem", "list_type", waitingListTypes},
		{"SuggestionCandidate", "priority", priorities},
	}
	doc := load(t)
	for _, c := range cases {
		require.Equal(t, c.want, resolve(t, component(t, doc, c.schema), c.path).Enum, "%s.%s", c.schema, c.path)
	}
	queries := map[string]map[string][]any{
		"GET /v1/waiting-list": {"list_type": waitingListTypes, "priority": priorities},
		"GET /v1/sessions":     {"list_type": sessionListTypes, "status": {"planned", "finalised", "cancelled", "released"}},
	}
	for route, params := range queries {
		for _, p := range operations(doc)[route].Parameters {
			if want, ok := params[p.Value.Name]; ok {
				require.Equal(t, want, p.Value.Schema.Value.Enum, "%s %s", route, p.Value.Name)
			}
		}
	}
}

var figures = []string{"total", "within_18_weeks", "percent_within_18_weeks", "over_52_weeks", "over_65_weeks",
	"over_78_weeks", "over_104_weeks", "median_weeks", "p92_weeks", "p95_weeks", "bands"}

func TestResponseSchemasRequireAPIFields(t *testing.T) {
	cases := map[string][]string{
		"Pathway": {"pathway_id", "stream_version", "specialty_code", "referral_priority", "patient", "periods",
			"current_period", "waiting_list", "offers", "bookings", "findings", "pre_op"},
		"Patient": {"nhs_number"},
		"Period": {"started_on", "start_status", "clock", "stopped_on", "stop_status", "wait_days", "week_band",
			"within_18_weeks", "breach_on", "patient_initiated_delay_days"},
		"WaitingListEntry": {"list_type", "priority", "decided_on", "priority_due_on"},
		"Offer":            {"offer_id", "offered_on", "appointment_on", "reasonable", "status"},
		"Booking": {"booking_id", "admission_on", "status", "cancelled_by", "twenty_eight_day_deadline",
			"twenty_eight_day_breached"},
		"PreOp":           {"assessed_on", "outcome", "valid_until", "requirements"},
		"Finding":         {"code", "severity", "detail", "raised_on", "resolved"},
		"Event":           {"event_id", "type", "stream_version", "position", "occurred_on", "recorded_at", "actor", "data", "hash", "prev_hash"},
		"Actor":           {"user", "role"},
		"EventList":       {"events"},
		"ValidationList":  {"validations", "findings"},
		"WaitingListPage": {"items", "next_cursor"},
		"RttReport": {"census_on", "incomplete", "incomplete_with_dta", "completed_admitted", "completed_non_admitted",
			"new_periods"},
		"RttFigures":     figures,
		"RttPart":        append(slices.Clone(figures), "by_treatment_function"),
		"RttLineFigures": append(slices.Clone(figures), "code"),
		"Integrity":      {"ok", "streams_checked", "events_checked", "failures"},
		"Session": {"session_id", "date", "start_time", "end_time", "capacity_minutes", "booked_minutes", "utilisation",
			"status", "specialty_code", "list_type", "capabilities", "bookings", "milestones"},
		"SessionBooking":     {"pathway_id", "booking_id", "expected_minutes"},
		"Milestones":         {"confirm_by", "fill_by", "lock_by", "status"},
		"SessionList":        {"items"},
		"SessionSuggestions": {"candidates"},
		"SuggestionCandidate": {"pathway_id", "expected_minutes", "priority", "priority_due_on", "wait_days_at_session",
			"breach_on", "reasons", "short_notice"},
		"Problem":    {"type", "title", "status"},
		"FieldError": {"field", "detail"},
	}
	doc := load(t)
	for name, want := range cases {
		s := component(t, doc, name)
		for _, f := range want {
			require.Contains(t, s.Required, f, "%s.%s is always sent", name, f)
		}
	}
	problem := component(t, doc, "Problem")
	for _, f := range []string{"detail", "instance", "errors"} {
		require.Contains(t, problem.Properties, f, "RFC 9457 member %s", f)
	}
	bands := component(t, doc, "RttFigures").Properties["bands"].Value
	require.Equal(t, uint64(105), bands.MinItems)
	require.Equal(t, uint64(105), *bands.MaxItems)
}

// Absent values are null where API.md (or the rtt rules) say a value may be missing,
// and nowhere else.
func TestNullability(t *testing.T) {
	cases := []struct {
		schema, field string
		nullable      bool
	}{
		{"Pathway", "current_period", true},
		{"Pathway", "waiting_list", true},
		{"Pathway", "pre_op", true},
		{"Pathway", "periods", false},
		{"Period", "stopped_on", true},
		{"Period", "stop_status", true},
		{"Period", "started_on", false},
		{"Period", "breach_on", false},
		{"Booking", "twenty_eight_day_deadline", true},
		{"Booking", "cancelled_by", true},
		{"WaitingListEntry", "priority_due_on", true}, // P4 has no due date
		{"WaitingListPage", "next_cursor", true},
		{"RttFigures", "median_weeks", true},
		{"RttFigures", "p92_weeks", true},
		{"RttFigures", "p95_weeks", true},
		{"RttFigures", "percent_within_18_weeks", true}, // no periods
		{"RttFigures", "total", false},
		{"Session", "utilisation", false},
		{"SuggestionCandidate", "priority_due_on", true},
	}
	doc := load(t)
	opts := []openapi3.SchemaValidationOption{openapi3.EnableJSONSchema2020()}
	for _, c := range cases {
		s := component(t, doc, c.schema).Properties[c.field].Value
		err := s.VisitJSON(nil, opts...)
		if c.nullable {
			require.NoError(t, err, "%s.%s may be null", c.schema, c.field)
		} else {
			require.Error(t, err, "%s.%s is never null", c.schema, c.field)
		}
	}
}

func TestFormats(t *testing.T) {
	cases := []struct{ schema, path, format string }{
		{"Pathway", "pathway_id", "uuid"},
		{"ReferralRequest", "pathway_id", "uuid"},
		{"ReferralRequest", "referral_received_on", "date"},
		{"ReferralRequest", "patient.birth_date", "date"},
		{"Period", "started_on", "date"},
		{"Period", "breach_on", "date"},
		{"Event", "event_id", "uuid"},
		{"Event", "occurred_on", "date"},
		{"Event", "recorded_at", "date-time"},
		{"Validation", "recorded_at", "date-time"},
		{"Session", "session_id", "uuid"},
		{"Session", "date", "date"},
		{"Session", "milestones.lock_by", "date"},
		{"RttReport", "census_on", "date"},
		{"WaitingListItem", "next_tci_on", "date"},
	}
	doc := load(t)
	for _, c := range cases {
		require.Equal(t, c.format, resolve(t, component(t, doc, c.schema), c.path).Format, "%s.%s", c.schema, c.path)
	}
}
