package openapi_test

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/pathway-ledger/ledger/api/openapi"
	"github.com/pathway-ledger/ledger/eventstore"
	"github.com/pathway-ledger/ledger/projections/rttreport"
	"github.com/pathway-ledger/ledger/rtt"
)

func jsonHeader(kv ...string) http.Header {
	h := http.Header{"Content-Type": {"application/json"}}
	for i := 0; i+1 < len(kv); i += 2 {
		h.Set(kv[i], kv[i+1])
	}
	return h
}

func problemHeader() http.Header {
	return http.Header{"Content-Type": {"application/problem+json"}}
}

func get(target string) *http.Request { return httptest.NewRequest(http.MethodGet, target, nil) }

func post(t testing.TB, target string, body any) *http.Request {
	t.Helper()
	req, err := http.NewRequest(http.MethodPost, target, bytes.NewReader(mustJSON(t, body)))
	require.NoError(t, err)
	req.Header.Set("Content-Type", "application/json")
	return req
}

// exchange is one request and the answer a server gave to it.
type exchange struct {
	name   string
	req    func(t testing.TB) *http.Request
	status int
	header http.Header
	body   func(t testing.TB) []byte
	// wantErr is empty when the exchange agrees with the document, else a fragment of
	// the failure message.
	wantErr []string
}

func body(v func() any) func(t testing.TB) []byte {
	return func(t testing.TB) []byte { return mustJSON(t, v()) }
}

func with(base func() map[string]any, edit func(m map[string]any)) func() any {
	return func() any {
		m := base()
		edit(m)
		return m
	}
}

func rttReport(t testing.TB) []byte {
	t.Helper()
	d := rtt.MustParseDate
	var periods []rttreport.Period
	for i := range 60 {
		periods = append(periods, rttreport.Period{SpecialtyCode: "110", StartedOn: d("2024-01-08").AddDays(i * 5)})
	}
	stopped := rttreport.Period{SpecialtyCode: "502", StartedOn: d("2025-01-06"), Stopped: true,
		StoppedOn: d("2025-03-12"), StopStatus: "30", Admitted: true}
	report := rttreport.Compute(d("2025-03-31"), append(periods, stopped))
	require.NotNil(t, report.Incomplete.MedianWeeks, "60 periods: the median is published")
	require.Nil(t, report.CompletedAdmitted.MedianWeeks, "1 period: suppressed")
	return mustJSON(t, report)
}

func TestCheck(t *testing.T) {
	pathwayURL := "/v1/pathways/" + pathwayID
	sessionURL := "/v1/sessions/" + sessionID
	written := func() http.Header { return jsonHeader("ETag", `"7"`, "Ledger-Position", "1042") }
	referral := map[string]any{
		"patient":              map[string]any{"nhs_number": "9434765919", "family_name": "Smith"},
		"specialty_code":       "110",
		"referral_received_on": "2024-11-04",
		"referral_priority":    "urgent",
		"source":               "gp",
	}
	cases := []exchange{
		{name: "pathway read", req: func(testing.TB) *http.Request { return get(pathwayURL + "?on=2025-04-03&after=1042") },
			status: 200, header: jsonHeader("ETag", `"7"`), body: body(func() any { return pathway() })},
		{name: "pathway with no period, list entry or pre-op", req: func(testing.TB) *http.Request { return get(pathwayURL) },
			status: 200, header: jsonHeader(), body: body(with(pathway, func(m map[string]any) {
				m["periods"], m["current_period"], m["waiting_list"], m["pre_op"] = []any{}, nil, nil, nil
			}))},
		{name: "stopped period", req: func(testing.TB) *http.Request { return get(pathwayURL) },
			status: 200, header: jsonHeader(), body: body(with(pathway, func(m map[string]any) {
				m["current_period"] = period("stopped")
			}))},
		{name: "field the document does not name", req: func(testing.TB) *http.Request { return get(pathwayURL) },
			status: 200, header: jsonHeader(), body: body(with(pathway, func(m map[string]any) { m["position"] = 1042 })),
			wantErr: []string{`the response disagrees with the document: response body doesn't match schema #/components/schemas/Pathway: property "position" is unsupported`}},
		{name: "nested field the document does not name", req: func(testing.TB) *http.Request { return get(pathwayURL) },
			status: 200, header: jsonHeader(), body: body(with(pathway, func(m map[string]any) {
				m["patient"].(map[string]any)["postcode"] = "LS1 4AP"
			})),
			wantErr: []string{`at /patient: property "postcode" is unsupported`}},
		{name: "required field missing", req: func(testing.TB) *http.Request { return get(pathwayURL) },
			status: 200, header: jsonHeader(), body: body(with(pathway, func(m map[string]any) { delete(m, "findings") })),
			wantErr: []string{`property "findings" is missing`}},
		{name: "clock not in the enum", req: func(testing.TB) *http.Request { return get(pathwayURL) },
			status: 200, header: jsonHeader(), body: body(with(pathway, func(m map[string]any) {
				m["current_period"] = period("paused")
			})),
			wantErr: []string{`at /current_period: doesn't match any schema from "anyOf": at /clock: value is not one of the allowed values ["running","stopped","nullified"]`}},
		{name: "date in the wrong format", req: func(testing.TB) *http.Request { return get(pathwayURL) },
			status: 200, header: jsonHeader(), body: body(with(pathway, func(m map[string]any) {
				m["current_period"].(map[string]any)["breach_on"] = "11/03/2025"
			})),
			wantErr: []string{`at /current_period: doesn't match any schema from "anyOf": at /breach_on: string doesn't match the format "date"`}},
		{name: "id not a uuid", req: func(testing.TB) *http.Request { return get(pathwayURL) },
			status: 200, header: jsonHeader(), body: body(with(pathway, func(m map[string]any) { m["pathway_id"] = "P-1" })),
			wantErr: []string{`at /pathway_id: string doesn't match the format "uuid"`}},

		{name: "referral recorded", req: func(t testing.TB) *http.Request { return post(t, "/v1/pathways", referral) },
			status: 201, header: written(), body: body(func() any { return pathway() })},
		{name: "write without Ledger-Position", req: func(t testing.TB) *http.Request { return post(t, "/v1/pathways", referral) },
			status: 201, header: jsonHeader("ETag", `"7"`), body: body(func() any { return pathway() }),
			wantErr: []string{`response header "Ledger-Position" missing`}},
		{name: "write with an unquoted ETag", req: func(t testing.TB) *http.Request { return post(t, "/v1/pathways", referral) },
			status: 201, header: jsonHeader("ETag", "7", "Ledger-Position", "1042"), body: body(func() any { return pathway() }),
			wantErr: []string{`"ETag"`}},
		{name: "invalid request refused", req: func(t testing.TB) *http.Request {
			return post(t, "/v1/pathways", map[string]any{"specialty_code": "110"})
		}, status: 400, header: problemHeader(), body: body(func() any { return problem(400) })},
		{name: "invalid request accepted", req: func(t testing.TB) *http.Request {
			return post(t, "/v1/pathways", map[string]any{"specialty_code": "110", "referral_received_on": "2024-11-04"})
		}, status: 201, header: written(), body: body(func() any { return pathway() }),
			wantErr: []string{"the server accepted a request the document calls invalid", `property "patient" is missing`}},
		{name: "unknown request field accepted", req: func(t testing.TB) *http.Request {
			r := map[string]any{"referrer": "G1234567"}
			for k, v := range referral {
				r[k] = v
			}
			return post(t, "/v1/pathways", r)
		}, status: 201, header: written(), body: body(func() any { return pathway() }),
			wantErr: []string{`the server accepted a request the document calls invalid`, `property "referrer" is unsupported`}},
		{name: "If-Match and Idempotency-Key", req: func(t testing.TB) *http.Request {
			r := post(t, pathwayURL+"/activities", map[string]any{"occurred_on": "2025-04-03", "kind": "admission", "rtt_status": "30"})
			r.Header.Set("If-Match", `"6"`)
			r.Header.Set("Idempotency-Key", "retry-7f3a")
			return r
		}, status: 201, header: written(), body: body(func() any { return pathway() })},
		{name: "decline answers 200", req: func(t testing.TB) *http.Request {
			return post(t, pathwayURL+"/offers/"+offerID+"/decline", map[string]any{"declined_on": "2025-03-03", "reason": "holiday"})
		}, status: 200, header: written(), body: body(func() any { return pathway() })},

		{name: "problem", req: func(testing.TB) *http.Request { return get(pathwayURL) },
			status: 404, header: problemHeader(), body: body(func() any { return problem(404) })},
		{name: "rule violation with field errors", req: func(t testing.TB) *http.Request {
			return post(t, pathwayURL+"/bookings", map[string]any{"admission_on": "2025-04-01"})
		}, status: 422, header: problemHeader(), body: body(func() any {
			p := problem(422)
			p["rule"] = "booking_before_referral"
			p["errors"] = []any{map[string]any{"field": "admission_on", "detail": "is before the referral"}}
			return p
		})},
		{name: "version conflict", req: func(t testing.TB) *http.Request {
			return post(t, pathwayURL+"/bookings", map[string]any{"admission_on": "2025-04-01"})
		}, status: 409, header: http.Header{"Content-Type": {"application/problem+json"}, "Etag": {`"8"`}},
			body: body(func() any { p := problem(409); p["current_version"] = 8; return p })},
		{name: "problem with an extra field", req: func(testing.TB) *http.Request { return get(pathwayURL) },
			status: 404, header: problemHeader(),
			body:    body(func() any { p := problem(404); p["stack"] = "main.go:12"; return p }),
			wantErr: []string{`property "stack" is unsupported`}},
		{name: "error as plain JSON", req: func(testing.TB) *http.Request { return get(pathwayURL) },
			status: 404, header: jsonHeader(), body: body(func() any { return problem(404) }),
			wantErr: []string{`response header Content-Type has unexpected value: "application/json"`}},
		{name: "503 without Retry-After", req: func(testing.TB) *http.Request { return get(pathwayURL + "?after=99") },
			status: 503, header: problemHeader(), body: body(func() any { return problem(503) }),
			wantErr: []string{"Retry-After"}},
		{name: "status the operation does not list", req: func(testing.TB) *http.Request { return get(pathwayURL) },
			status: 418, header: problemHeader(), body: body(func() any { return problem(418) }),
			wantErr: []string{"status is not supported"}},

		{name: "undocumented route answered 404", req: func(testing.TB) *http.Request { return get("/v1/nowhere") },
			status: 404, header: problemHeader(), body: body(func() any { return problem(404) })},
		{name: "undocumented method answered 405", req: func(testing.TB) *http.Request {
			return httptest.NewRequest(http.MethodDelete, pathwayURL, nil)
		}, status: 405, header: problemHeader(), body: body(func() any { return problem(405) })},
		{name: "undocumented route answered 401 (authentication runs before routing)",
			req: func(testing.TB) *http.Request { return get("/v1/nowhere") }, status: 401,
			header: http.Header{"Content-Type": {"application/problem+json"}, "Www-Authenticate": {`Bearer realm="ledger"`}},
			body:   body(func() any { return problem(401) })},
		{name: "undocumented route answered 404 in plain text", req: func(testing.TB) *http.Request { return get("/v1/nowhere") },
			status: 404, header: http.Header{"Content-Type": {"text/plain"}}, body: func(testing.TB) []byte { return []byte("not found") },
			wantErr: []string{"application/problem+json"}},
		{name: "undocumented route served", req: func(testing.TB) *http.Request { return get("/v1/nowhere") },
			status: 200, header: jsonHeader(), body: func(testing.TB) []byte { return []byte("{}") },
			wantErr: []string{"the route is not in the document"}},

		{name: "session", req: func(testing.TB) *http.Request { return get(sessionURL) },
			status: 200, header: jsonHeader(), body: body(func() any { return session() })},
		{name: "released session", req: func(testing.TB) *http.Request { return get(sessionURL) },
			status: 200, header: jsonHeader(), body: body(with(session, func(m map[string]any) { m["status"] = "released" }))},
		{name: "session over-booked", req: func(testing.TB) *http.Request { return get(sessionURL) },
			status: 200, header: jsonHeader(), body: body(with(session, func(m map[string]any) { m["utilisation"] = 1.2 })),
			wantErr: []string{"at /utilisation: number must be at most 1"}},
		{name: "session start time not HH:MM", req: func(testing.TB) *http.Request { return get(sessionURL) },
			status: 200, header: jsonHeader(), body: body(with(session, func(m map[string]any) { m["start_time"] = "8:30" })),
			wantErr: []string{"at /start_time: string doesn't match the regular expression"}},
		{name: "session finalised", req: func(t testing.TB) *http.Request {
			r, err := http.NewRequest(http.MethodPost, sessionURL+"/finalisation", nil)
			require.NoError(t, err)
			return r
		}, status: 200, header: written(), body: body(with(session, func(m map[string]any) { m["status"] = "finalised" }))},
		{name: "session list", req: func(testing.TB) *http.Request {
			return get("/v1/sessions?from=2025-06-01&to=2025-06-30&list_type=theatre&status=planned")
		}, status: 200, header: jsonHeader(), body: body(func() any { return map[string]any{"items": []any{session()}} })},
		{name: "suggestions", req: func(testing.TB) *http.Request { return get(sessionURL + "/suggestions?limit=5") },
			status: 200, header: jsonHeader(), body: body(func() any {
				return map[string]any{"candidates": []any{map[string]any{
					"pathway_id": pathwayID, "expected_minutes": 45, "priority": "P2", "priority_due_on": "2025-06-20",
					"wait_days_at_session": 220, "breach_on": "2025-03-11",
					"reasons": []any{"P2 due 20 Jun 2025", "breached 18 weeks"}, "short_notice": true,
				}}}
			})},

		{name: "RTT return from the projection", req: func(testing.TB) *http.Request { return get("/v1/reports/rtt?on=2025-03-31") },
			status: 200, header: jsonHeader(), body: rttReport},
		{name: "RTT return with 104 bands", req: func(testing.TB) *http.Request { return get("/v1/reports/rtt?on=2025-03-31") },
			status: 200, header: jsonHeader(), body: func(t testing.TB) []byte {
				var m map[string]any
				require.NoError(t, json.Unmarshal(rttReport(t), &m))
				part := m["incomplete"].(map[string]any)
				part["bands"] = part["bands"].([]any)[:104]
				return mustJSON(t, m)
			}, wantErr: []string{"/incomplete/bands", "minItems: got 104, want 105"}},
		{name: "RTT return without a census date", req: func(testing.TB) *http.Request { return get("/v1/reports/rtt") },
			status: 200, header: jsonHeader(), body: rttReport,
			wantErr: []string{"the server accepted a request the document calls invalid", `"on"`}},
	}
	v := openapi.NewValidator(t)
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			req, b := c.req(t), c.body(t)
			errs := failures(func(tb testing.TB) { v.Check(tb, req, c.status, c.header, b) })
			if len(c.wantErr) == 0 {
				require.Empty(t, errs)
				return
			}
			require.Len(t, errs, 1)
			for _, want := range c.wantErr {
				require.Contains(t, errs[0], want)
			}
		})
	}
}

// The eventstore's own types are what the events and integrity routes will send.
func TestCheckEventsAndIntegrityFromTheStoreTypes(t *testing.T) {
	v := openapi.NewValidator(t)
	first := eventstore.NewEvent("pathway-"+pathwayID, 0, time.Date(2025, 4, 3, 9, 15, 0, 123456000, time.UTC),
		&eventstore.EventData{
			EventID: "0196002a-0000-7000-8000-000000000001", Type: "ReferralReceived", SchemaVersion: 1,
			OccurredOn: "2024-11-04", Actor: eventstore.Actor{User: "pas-feed", Role: "booking"},
			Data: json.RawMessage(`{"specialty_code":"110"}`),
		})
	eventstore.Seal("", &first)
	second := eventstore.NewEvent("pathway-"+pathwayID, 1, time.Date(2025, 4, 3, 9, 16, 0, 0, time.UTC),
		&eventstore.EventData{
			EventID: "0196002a-0000-7000-8000-000000000002", Type: "ValidationRecorded", SchemaVersion: 1,
			OccurredOn: "2025-04-03", Actor: eventstore.Actor{User: "v.jones", Role: "validator"},
			CorrelationID: "c-1", Reason: "checked against the letter", Data: json.RawMessage(`{"outcome":"confirmed"}`),
		})
	eventstore.Seal(first.Hash, &second)
	first.Position, second.Position = 17, 18
	events := mustJSON(t, map[string]any{"events": []eventstore.Event{first, second}})

	errs := failures(func(tb testing.TB) {
		v.Check(tb, get("/v1/pathways/"+pathwayID+"/events?as_of=2025-04-03T10:00:00Z"), 200, jsonHeader(), events)
	})
	require.Empty(t, errs)

	report := eventstore.VerifyReport{OK: false, Streams: 2, Events: 9, Failures: []eventstore.Break{{
		Stream: "pathway-" + pathwayID, StreamVersion: 3, Position: 12, EventID: first.EventID,
		Problem: "hash does not match", Expected: first.Hash, Found: second.Hash,
	}}}
	errs = failures(func(tb testing.TB) {
		v.Check(tb, get("/v1/integrity"), 200, jsonHeader(), mustJSON(tb, report))
	})
	require.Empty(t, errs)
}

func TestServeChecksWhatTheHandlerAnswers(t *testing.T) {
	v := openapi.NewValidator(t)
	var seen map[string]any
	handler := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, err := io.ReadAll(r.Body) // consumes the body, as a real handler does
		require.NoError(t, err)
		require.NoError(t, json.Unmarshal(b, &seen))
		w.Header().Set("Content-Type", "application/json")
		w.Header().Set("ETag", `"0"`)
		w.Header().Set("Ledger-Position", "5")
		w.WriteHeader(http.StatusCreated)
		s := session()
		s["bookings"], s["booked_minutes"], s["utilisation"] = []any{}, 0, 0
		_, _ = w.Write(mustJSON(t, s))
	})
	plan := `{"date":"2025-06-12","start_time":"08:30","end_time":"12:30","specialty_code":"110","list_type":"theatre"}`
	// httptest.NewRequest leaves GetBody unset: Serve must keep the body for Check.
	req := httptest.NewRequest(http.MethodPost, "/v1/sessions", strings.NewReader(plan))
	req.Header.Set("Content-Type", "application/json")
	var rec *httptest.ResponseRecorder
	errs := failures(func(tb testing.TB) { rec = v.Serve(tb, handler, req) })
	require.Empty(t, errs)
	require.Equal(t, http.StatusCreated, rec.Code)
	require.Equal(t, "theatre", seen["list_type"])

	// Served without its required list_type and still answered 201: the server
	// accepted what the document calls invalid.
	bad := httptest.NewRequest(http.MethodPost, "/v1/sessions", strings.NewReader(`{"date":"2025-06-12"}`))
	bad.Header.Set("Content-Type", "application/json")
	errs = failures(func(tb testing.TB) { v.Serve(tb, handler, bad) })
	require.Len(t, errs, 1)
	require.Contains(t, errs[0], "the server accepted a request the document calls invalid")
}

func TestCheckSaysWhenTheRequestBodyIsGone(t *testing.T) {
	v := openapi.NewValidator(t)
	req := httptest.NewRequest(http.MethodPost, "/v1/sessions", strings.NewReader(`{"date":"2025-06-12"}`))
	_, err := io.ReadAll(req.Body)
	require.NoError(t, err)
	errs := failures(func(tb testing.TB) { v.Check(tb, req, 201, jsonHeader(), mustJSON(tb, session())) })
	require.Len(t, errs, 1)
	require.Contains(t, errs[0], "the request body was already read")
}
