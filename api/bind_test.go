package api

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"testing"

	"github.com/labstack/echo/v4"
	"github.com/stretchr/testify/require"
	"pgregory.net/rapid"

	"github.com/pathway-ledger/ledger/rtt"
)

// The shapes of API.md's POST /v1/pathways and validations bodies.
type patientBody struct {
	NHSNumber  string    `json:"nhs_number" required:"true"`
	FamilyName string    `json:"family_name"`
	GivenName  string    `json:"given_name"`
	BirthDate  *rtt.Date `json:"birth_date"`
}

type referralBody struct {
	PathwayID          string       `json:"pathway_id"`
	Patient            *patientBody `json:"patient" required:"true"`
	SpecialtyCode      string       `json:"specialty_code" required:"true"`
	ReferralReceivedOn rtt.Date     `json:"referral_received_on" required:"true"`
	ReferralPriority   string       `json:"referral_priority"`
	ExpectedMinutes    int          `json:"expected_minutes"`
	Discharged         bool         `json:"discharged"`
	Checks             []string     `json:"checks"`
	Status             rttStatus    `json:"rtt_status,omitempty" format:"a two-digit RTT status code"`
	Slots              []slotBody   `json:"slots"`
	ignored            int
}

type slotBody struct {
	On      rtt.Date `json:"on" required:"true"`
	Minutes uint16   `json:"minutes"`
}

// rttStatus has its own decoding, whose error quotes the value as domain errors do.
type rttStatus string

func (s *rttStatus) UnmarshalText(b []byte) error {
	if len(b) != 2 {
		return fmt.Errorf("bad status %q", b)
	}
	*s = rttStatus(b)
	return nil
}

type embeddedBase struct {
	Reason string `json:"reason" required:"true"`
}

type withEmbedded struct {
	embeddedBase
	CancelledOn rtt.Date `json:"cancelled_on" required:"true"`
}

const validReferral = `{
	"patient": {"nhs_number": "9434765919", "family_name": "Smith", "birth_date": "1950-02-28"},
	"specialty_code": "110",
	"referral_received_on": "2025-01-06",
	"referral_priority": "urgent",
	"expected_minutes": 90,
	"checks": ["a", "b"],
	"rtt_status": "10",
	"slots": [{"on": "2025-02-01", "minutes": 30}]
}`

func TestDecodeJSONAcceptsAValidBody(t *testing.T) {
	var b referralBody
	require.NoError(t, DecodeJSON([]byte(validReferral), &b))
	require.Equal(t, "9434765919", b.Patient.NHSNumber)
	require.Equal(t, "Smith", b.Patient.FamilyName)
	require.Equal(t, rtt.MustParseDate("1950-02-28"), *b.Patient.BirthDate)
	require.Equal(t, rtt.MustParseDate("2025-01-06"), b.ReferralReceivedOn)
	require.Equal(t, "urgent", b.ReferralPriority)
	require.Equal(t, 90, b.ExpectedMinutes)
	require.Equal(t, []string{"a", "b"}, b.Checks)
	require.Equal(t, rttStatus("10"), b.Status)
	require.Equal(t, []slotBody{{On: rtt.MustParseDate("2025-02-01"), Minutes: 30}}, b.Slots)
}

func TestDecodeJSONNamesEveryBadField(t *testing.T) {
	cases := []struct {
		name string
		body string
		want []FieldError
	}{
		{"missing required", `{"patient": {}}`, []FieldError{
			{"patient.nhs_number", "is required"},
			{"specialty_code", "is required"},
			{"referral_received_on", "is required"},
		}},
		{"null counts as missing", `{"patient": null, "specialty_code": null, "referral_received_on": "2025-01-06"}`, []FieldError{
			{"patient", "is required"},
			{"specialty_code", "is required"},
		}},
		{"unknown fields at any depth", `{"patient": {"nhs_number": "1", "nhs_numbr": "9434765919"}, "specialty_code": "110", "referral_received_on": "2025-01-06", "Specialty_Code": "x"}`, []FieldError{
			{"patient.nhs_numbr", "is not a known field"},
			{"Specialty_Code", "is not a known field"},
		}},
		{"repeated field", `{"patient": {"nhs_number": "1"}, "specialty_code": "110", "specialty_code": "120", "referral_received_on": "2025-01-06"}`, []FieldError{
			{"specialty_code", "appears more than once"},
		}},
		{"wrong types", `{"patient": {"nhs_number": 9434765919, "birth_date": "28/02/1950"}, "specialty_code": true, "referral_received_on": "2025-13-01", "expected_minutes": "ninety", "discharged": "yes", "checks": "a", "rtt_status": "101"}`, []FieldError{
			{"patient.nhs_number", "must be a string"},
			{"patient.birth_date", "must be a date YYYY-MM-DD"},
			{"specialty_code", "must be a string"},
			{"referral_received_on", "must be a date YYYY-MM-DD"},
			{"expected_minutes", "must be an integer"},
			{"discharged", "must be true or false"},
			{"checks", "must be an array"},
			{"rtt_status", "must be a two-digit RTT status code"},
		}},
		{"numbers out of range", `{"patient": {"nhs_number": "1"}, "specialty_code": "110", "referral_received_on": "2025-01-06", "expected_minutes": 1.5, "slots": [{"on": "2025-02-01", "minutes": 70000}, {"minutes": -1}]}`, []FieldError{
			{"expected_minutes", "must be an integer"},
			{"slots[0].minutes", "must be an integer from 0 to 65535"},
			{"slots[1].minutes", "must be an integer from 0 to 65535"},
			{"slots[1].on", "is required"},
		}},
		{"elements of arrays", `{"patient": {"nhs_number": "1"}, "specialty_code": "110", "referral_received_on": "2025-01-06", "checks": ["a", 2, null], "slots": [3]}`, []FieldError{
			{"checks[1]", "must be a string"},
			{"checks[2]", "must be a string"},
			{"slots[0]", "must be an object"},
		}},
		{"object expected", `{"patient": "Smith", "specialty_code": "110", "referral_received_on": "2025-01-06"}`, []FieldError{
			{"patient", "must be an object"},
		}},
		{"unexported field is unknown", `{"patient": {"nhs_number": "1"}, "specialty_code": "110", "referral_received_on": "2025-01-06", "ignored": 1}`, []FieldError{
			{"ignored", "is not a known field"},
		}},
	}
	for _, tc := range cases {
		var b referralBody
		err := DecodeJSON([]byte(tc.body), &b)
		var p *Problem
		require.True(t, errors.As(err, &p), "%s: %v", tc.name, err)
		require.Equal(t, http.StatusBadRequest, p.Status, tc.name)
		require.Equal(t, TypeMalformed, p.Type, tc.name)
		require.Equal(t, tc.want, p.Errors, tc.name)
		require.Zero(t, b.ignored, "unexported fields are never set")
	}
}

func TestDecodeJSONRefusesMalformedBodies(t *testing.T) {
	for body, detail := range map[string]string{
		``:                 "a JSON object body is required",
		`   `:              "a JSON object body is required",
		`{"patient": `:     "the body is not valid JSON",
		`{"a":1,}`:         "the body is not valid JSON (at byte 8)",
		`[1,2]`:            "the body must be a JSON object",
		`"text"`:           "the body must be a JSON object",
		`null`:             "the body must be a JSON object",
		`{} {}`:            "the body must hold exactly one JSON object",
		`{"x": 1} garbage`: "the body must hold exactly one JSON object",
	} {
		var b referralBody
		err := DecodeJSON([]byte(body), &b)
		var p *Problem
		require.True(t, errors.As(err, &p), "%q: %v", body, err)
		require.Equal(t, http.StatusBadRequest, p.Status)
		require.Equal(t, detail, p.Detail, "%q", body)
		require.Empty(t, p.Errors)
	}
}

func TestDecodeJSONPromotesEmbeddedFields(t *testing.T) {
	var w withEmbedded
	require.NoError(t, DecodeJSON([]byte(`{"reason": "list overran", "cancelled_on": "2025-03-03"}`), &w))
	require.Equal(t, "list overran", w.Reason)
	err := DecodeJSON([]byte(`{"cancelled_on": "2025-03-03"}`), &w)
	var p *Problem
	require.True(t, errors.As(err, &p))
	require.Equal(t, []FieldError{{"reason", "is required"}}, p.Errors)
}

func TestDecodeJSONNeedsAStructPointer(t *testing.T) {
	var m map[string]any
	err := DecodeJSON([]byte(`{}`), &m)
	require.ErrorContains(t, err, "needs a pointer to a struct")
	var p *Problem
	require.False(t, errors.As(err, &p), "a programming error is not the client's 400")
}

// Property: whatever values are sent, in whatever wrong shape, no error detail or
// title repeats them, so patient data sent by mistake never comes back in a problem.
func TestProblemsNeverEchoValues(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		secret := "S" + rapid.StringMatching(`[A-Za-z0-9]{8,16}`).Draw(t, "secret")
		fields := []string{"nhs_number", "family_name", "birth_date"}
		patient := map[string]any{}
		for _, f := range fields {
			switch rapid.IntRange(0, 3).Draw(t, f) {
			case 0:
				patient[f] = secret
			case 1:
				patient[f] = []any{secret}
			case 2:
				patient[f] = map[string]any{"v": secret}
			}
		}
		body := map[string]any{"patient": patient, "referral_received_on": secret, "rtt_status": secret,
			"specialty_code": []string{secret}, "expected_minutes": secret}
		raw, err := json.Marshal(body)
		require.NoError(t, err)
		var b referralBody
		err = DecodeJSON(raw, &b)
		var p *Problem
		require.True(t, errors.As(err, &p))
		out, err := json.Marshal(p)
		require.NoError(t, err)
		require.NotContains(t, string(out), secret)
	})
}

func TestBindChecksContentTypeAndSize(t *testing.T) {
	env := newEnv(t, func(o *Options) { o.BodyLimit = 256 })
	env.srv.Group("/bind", CommandRoles).POST("", func(c echo.Context) error {
		var b referralBody
		if err := Bind(c, &b); err != nil {
			return err
		}
		return c.JSON(http.StatusCreated, map[string]string{"specialty_code": b.SpecialtyCode})
	})
	small := `{"patient": {"nhs_number": "1"}, "specialty_code": "110", "referral_received_on": "2025-01-06"}`
	rec := env.do(t, call{method: http.MethodPost, path: "/v1/bind", token: env.tok[RoleBooking], body: small})
	require.Equal(t, http.StatusCreated, rec.Code, rec.Body.String())

	rec = env.do(t, call{method: http.MethodPost, path: "/v1/bind", token: env.tok[RoleBooking], body: small,
		header: map[string]string{"Content-Type": "text/plain"}})
	require.Equal(t, TypeUnsupportedMedia, problemOf(t, rec, http.StatusUnsupportedMediaType).Type)

	rec = env.do(t, call{method: http.MethodPost, path: "/v1/bind", token: env.tok[RoleBooking], body: small,
		header: map[string]string{"Content-Type": "application/merge-patch+json; charset=utf-8"}})
	require.Equal(t, http.StatusCreated, rec.Code, "+json media types are JSON")

	big := `{"patient": {"nhs_number": "1", "family_name": "` + strings.Repeat("x", 300) + `"}}`
	rec = env.do(t, call{method: http.MethodPost, path: "/v1/bind", token: env.tok[RoleBooking], body: big})
	p := problemOf(t, rec, http.StatusRequestEntityTooLarge)
	require.Equal(t, TypeTooLarge, p.Type)
	require.Equal(t, "the request body exceeds 256 bytes", p.Detail)

	// Without Content-Length (chunked), the limit applies while reading.
	req := newChunkedRequest(t, "/v1/bind", big, env.tok[RoleBooking])
	rec = serve(env, req)
	p = problemOf(t, rec, http.StatusRequestEntityTooLarge)
	require.Equal(t, "the request body exceeds 256 bytes", p.Detail)
}

func FuzzDecodeJSON(f *testing.F) {
	f.Add([]byte(validReferral))
	f.Add([]byte(`{"patient": {}}`))
	f.Add([]byte(`{"patient": {"nhs_number": 1}, "slots": [{"minutes": -1}, 3], "checks": [null]}`))
	f.Add([]byte(`{"a":1,}`))
	f.Add([]byte(`{"specialty_code": "1", "specialty_code": null}`))
	f.Add([]byte(`[{"x": {"y": [[[]]]}}]`))
	f.Fuzz(func(t *testing.T, body []byte) {
		var b referralBody
		err := DecodeJSON(body, &b)
		if err != nil {
			var p *Problem
			require.True(t, errors.As(err, &p), "only problems come back: %v", err)
			require.Equal(t, http.StatusBadRequest, p.Status)
			require.NotEmpty(t, p.Detail)
			for _, fe := range p.Errors {
				require.NotEmpty(t, fe.Field)
				require.True(t, strings.HasPrefix(fe.Detail, "must be") || strings.HasPrefix(fe.Detail, "is ") ||
					fe.Detail == "appears more than once" || fe.Detail == "has an invalid value", fe.Detail)
			}
			return
		}
		// What decoded must encode and decode to the same value.
		require.NotNil(t, b.Patient)
		again, merr := json.Marshal(b)
		require.NoError(t, merr)
		var b2 referralBody
		require.NoError(t, DecodeJSON(again, &b2), string(again))
		require.Equal(t, b, b2)
	})
}
