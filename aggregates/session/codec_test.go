package session

import (
	"testing"

	"github.com/stretchr/testify/require"
)

// sampleEvents holds one event of every type.
func sampleEvents() []Event {
	return []Event{
		planned(),
		scheduled("p1", 90),
		unscheduled("p1", 90, "patient unwell"),
		fill(205.0/240, 0.85),
		SessionFinalised{SessionID: "s1", FinalisedOn: today, Cases: 2, BookedMinutes: 205},
		SessionCancelled{SessionID: "s1", CancelledOn: sessionDate, Reason: "no surgeon", OnTheDay: true,
			CancelledBookings: []BookingRef{{PathwayID: "p1", BookingID: "b-p1"}}},
		released,
	}
}

func TestEncodeDecodeRoundTrip(t *testing.T) {
	seen := map[string]bool{}
	for _, e := range sampleEvents() {
		typ, data, err := Encode(e)
		require.NoError(t, err)
		require.Equal(t, e.Type(), typ)
		back, err := Decode(typ, SchemaVersion, data)
		require.NoError(t, err, string(data))
		require.Equal(t, e, back)
		seen[typ] = true
	}
	require.Len(t, seen, len(EventTypes()), "every event type is covered")
	for _, typ := range EventTypes() {
		require.True(t, IsEventType(typ))
	}
	require.False(t, IsEventType("ReferralReceived"))
}

func TestEncodedFieldsAreSnakeCase(t *testing.T) {
	_, data, err := Encode(scheduled("p1", 90))
	require.NoError(t, err)
	require.JSONEq(t, `{"session_id":"s1","pathway_id":"p1","booking_id":"b-p1","expected_minutes":90,
		"scheduled_on":"2025-03-03","admission_on":"2025-04-14","pre_op_assessed_on":"2025-02-20"}`, string(data))
	_, data, err = Encode(planned())
	require.NoError(t, err)
	require.Contains(t, string(data), `"start_time":"08:30","end_time":"12:30","capacity_minutes":240`)
}

func TestDecodeRefusesBadInput(t *testing.T) {
	_, good, err := Encode(scheduled("p1", 90))
	require.NoError(t, err)
	cases := []struct {
		name string
		typ  string
		ver  int
		data string
		want error
	}{
		{"unknown type", "ReferralReceived", 1, string(good), ErrUnknownEventType},
		{"future schema", TypePatientScheduled, 2, string(good), ErrUnsupportedSchema},
		{"not JSON", TypePatientScheduled, 1, `{`, ErrMalformedEvent},
		{"trailing data", TypePatientScheduled, 1, string(good) + `{}`, ErrMalformedEvent},
		{"trailing brace", TypePatientScheduled, 1, string(good) + `}`, ErrMalformedEvent},
		{"unknown field", TypeSessionReleased, 1, `{"session_id":"s1","released_on":"2025-03-03","extra":1}`, ErrMalformedEvent},
		{"bad date", TypeSessionReleased, 1, `{"session_id":"s1","released_on":"2025-02-30"}`, ErrMalformedEvent},
		{"bad time", TypeSessionPlanned, 1, `{"session_id":"s1","start_time":"8:30"}`, ErrMalformedEvent},
		{"no session id", TypeSessionReleased, 1, `{"released_on":"2025-03-03"}`, ErrMalformedEvent},
		{"zero minutes", TypePatientScheduled, 1, `{"session_id":"s1","pathway_id":"p","booking_id":"b","expected_minutes":0,"scheduled_on":"2025-03-03","admission_on":"2025-03-03"}`, ErrMalformedEvent},
		{"capacity not end minus start", TypeSessionPlanned, 1, `{"session_id":"s1","planned_on":"2025-03-03","date":"2025-04-14","start_time":"08:30","end_time":"12:30","capacity_minutes":200,"turnaround_minutes":0,"specialty_code":"110","list_type":"theatre","capabilities":{"hdu_bed":false,"kit":null,"radiology":false,"anaesthetist_grade":""}}`, ErrMalformedEvent},
		{"unknown milestone", TypeSessionMilestoneReached, 1, `{"session_id":"s1","milestone":"book","reached_on":"2025-03-03","fill_level":0}`, ErrMalformedEvent},
		{"fill level over 1", TypeSessionMilestoneReached, 1, `{"session_id":"s1","milestone":"fill","reached_on":"2025-03-03","fill_level":1.5}`, ErrMalformedEvent},
		{"cancellation without reason", TypeSessionCancelled, 1, `{"session_id":"s1","cancelled_on":"2025-03-03","reason":"","clinical":false,"on_the_day":false,"cancelled_bookings":[]}`, ErrMalformedEvent},
		{"null", TypeSessionReleased, 1, `null`, ErrMalformedEvent},
	}
	for _, c := range cases {
		_, err := Decode(c.typ, c.ver, []byte(c.data))
		require.ErrorIs(t, err, c.want, c.name)
	}
}

func TestEncodeRefusesBrokenEvents(t *testing.T) {
	_, _, err := Encode(PatientScheduled{SessionID: "s1", PathwayID: "p1", ExpectedMinutes: 10})
	require.ErrorIs(t, err, ErrMalformedEvent)
	_, _, err = Encode(nil)
	require.ErrorIs(t, err, ErrMalformedEvent)
}

// FuzzDecode: stored data is outside input. Decode must never panic, and whatever it
// accepts must encode and decode back to the same event.
func FuzzDecode(f *testing.F) {
	for _, e := range sampleEvents() {
		typ, data, err := Encode(e)
		require.NoError(f, err)
		f.Add(typ, SchemaVersion, data)
	}
	f.Add(TypeSessionPlanned, 1, []byte(`{"session_id":"s","start_time":"23:59","end_time":"00:00"}`))
	f.Add(TypeSessionCancelled, 1, []byte(`{"session_id":"s","reason":"r","cancelled_bookings":[{}]}`))
	f.Fuzz(func(t *testing.T, typ string, version int, data []byte) {
		e, err := Decode(typ, version, data)
		if err != nil {
			require.Nil(t, e)
			return
		}
		typ2, data2, err := Encode(e)
		require.NoError(t, err)
		require.Equal(t, typ, typ2)
		require.Equal(t, SchemaVersion, version)
		back, err := Decode(typ2, SchemaVersion, data2)
		require.NoError(t, err)
		require.Equal(t, e, back)
	})
}

func TestOnIsTheBusinessDate(t *testing.T) {
	want := []string{"2025-03-03", "2025-03-03", "2025-03-03", "2025-03-03", "2025-03-03", "2025-04-14", "2025-03-03"}
	for i, e := range sampleEvents() {
		require.Equal(t, d(want[i]), e.On(), e.Type())
	}
	require.Equal(t, sessionDate, scheduled("p1", 90).AdmissionOn, "the booking's admission is the session day")
}
