package openapi_test

import (
	"encoding/json"
	"testing"

	"github.com/stretchr/testify/require"
)

// Known-good answers, written from API.md. Each test takes a fresh copy and breaks
// one thing.

const (
	pathwayID = "0190f5d2-7c1e-7a3b-9c4d-2e8f1a6b5c70"
	sessionID = "0190f5d2-9a00-7b11-8c22-334455667788"
	offerID   = "5b6f0a1e-2c3d-4e5f-8a9b-0c1d2e3f4a5b"
	bookingID = "6c7d8e9f-0a1b-4c2d-9e3f-4a5b6c7d8e9f"
	otherID   = "7d8e9f0a-1b2c-4d3e-8f4a-5b6c7d8e9f0a"
)

func period(clock string) map[string]any {
	p := map[string]any{
		"started_on": "2024-11-04", "start_status": "10", "clock": clock,
		"stopped_on": nil, "stop_status": nil, "wait_days": 150, "week_band": "21-22",
		"within_18_weeks": false, "breach_on": "2025-03-11", "patient_initiated_delay_days": 14,
	}
	if clock == "stopped" {
		p["stopped_on"], p["stop_status"] = "2025-04-03", "30"
	}
	return p
}

func finding() map[string]any {
	return map[string]any{
		"code": "over_18_weeks", "severity": "warning",
		"detail": "the period has waited more than 18 weeks", "raised_on": "2025-03-11", "resolved": false,
	}
}

func pathway() map[string]any {
	return map[string]any{
		"pathway_id": pathwayID, "stream_version": 7, "specialty_code": "110", "referral_priority": "routine",
		"patient": map[string]any{
			"nhs_number": "9434765919", "family_name": "Smith", "given_name": nil, "birth_date": "1961-03-14",
		},
		"periods":        []any{period("running")},
		"current_period": period("running"),
		"waiting_list": map[string]any{
			"list_type": "day_case", "priority": "P4", "decided_on": "2025-02-10",
			"priority_due_on": nil, "procedure_code": "W37.1", "expected_minutes": 90,
		},
		"offers": []any{map[string]any{
			"offer_id": offerID, "offered_on": "2025-03-01", "appointment_on": "2025-03-25",
			"reasonable": true, "status": "declined", "kind": "admission",
		}},
		"bookings": []any{map[string]any{
			"booking_id": bookingID, "admission_on": "2025-04-01", "status": "cancelled",
			"cancelled_by": "hospital", "twenty_eight_day_deadline": "2025-04-29",
			"twenty_eight_day_breached": false, "session_id": sessionID,
		}},
		"findings": []any{finding()},
		"pre_op": map[string]any{
			"assessed_on": "2025-02-20", "outcome": "fit", "valid_until": nil,
			"requirements": map[string]any{"hdu_bed": false, "kit": []any{}, "radiology": false, "anaesthetist_grade": "any"},
		},
	}
}

// session is a theatre list on 12 June 2025 with two 90-minute cases and a
// 15-minute turnaround: 195 of 240 minutes; milestones 6-4-2 weeks before.
func session() map[string]any {
	return map[string]any{
		"session_id": sessionID, "date": "2025-06-12", "start_time": "08:30", "end_time": "12:30",
		"capacity_minutes": 240, "booked_minutes": 195, "utilisation": 0.8125, "status": "planned",
		"specialty_code": "110", "list_type": "theatre",
		"capabilities": map[string]any{
			"hdu_bed": true, "kit": []any{"arthroscopy stack"}, "radiology": true, "anaesthetist_grade": "consultant",
		},
		"bookings": []any{
			map[string]any{"pathway_id": pathwayID, "booking_id": bookingID, "expected_minutes": 90},
			map[string]any{"pathway_id": otherID, "booking_id": offerID, "expected_minutes": 90},
		},
		"milestones": map[string]any{
			"confirm_by": "2025-05-01", "fill_by": "2025-05-15", "lock_by": "2025-05-29", "status": "on_track",
		},
		"site": "RGT01", "room": "Theatre 3", "lead_clinician": nil, "anaesthetist": nil, "turnaround_minutes": 15,
	}
}

func problem(status int) map[string]any {
	return map[string]any{
		"type": "urn:pathway-ledger:problem:not-found", "title": "Not found", "status": status,
		"detail": "pathway not found", "request_id": "01J2ZK3M4N5P6Q7R8S9T0V1W2X",
	}
}

func mustJSON(t testing.TB, v any) []byte {
	t.Helper()
	b, err := json.Marshal(v)
	require.NoError(t, err)
	return b
}
