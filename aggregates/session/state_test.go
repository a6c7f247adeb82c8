package session

import (
	"encoding/json"
	"testing"

	"github.com/stretchr/testify/require"
)

func TestEvolveTracksTheList(t *testing.T) {
	s := Fold([]Event{planned(), scheduled("p1", 100), scheduled("p2", 60), scheduled("p3", 30)})
	require.Equal(t, StatusPlanned, s.Status)
	require.Equal(t, 240, s.CapacityMinutes())
	require.Equal(t, 100+60+30+2*15, s.BookedMinutes(), "turnaround between cases only")
	require.Equal(t, 240-220-15, s.RemainingMinutes(), "the next case needs a turnaround first")

	s = Evolve(s, unscheduled("p2", 60, ""))
	require.Equal(t, []string{"p1", "p3"}, pathwayIDs(s.Bookings))
	require.Equal(t, 145, s.BookedMinutes())

	s = Evolve(s, SessionCancelled{SessionID: "s1", CancelledOn: sessionDate, Reason: "x", OnTheDay: true})
	require.Equal(t, StatusCancelled, s.Status)
	require.Empty(t, s.Bookings)
	require.Equal(t, []string{"p1", "p3"}, pathwayIDs(s.CancelledBookings))
	require.Equal(t, 0, s.BookedMinutes())
	require.Equal(t, sessionDate, *s.CancelledOn)
}

func TestRemainingMinutesNeverNegative(t *testing.T) {
	s := Fold([]Event{planned(), scheduled("p1", 230)})
	require.Equal(t, 0, s.RemainingMinutes(), "10 minutes free but a turnaround of 15 is due")
	require.Equal(t, 240, Fold([]Event{planned()}).RemainingMinutes())
}

func TestEvolveLeavesEarlierStatesAlone(t *testing.T) {
	base := Fold([]Event{planned(), scheduled("p1", 60), scheduled("p2", 60)})
	base.Bookings = base.Bookings[:1:2] // spare capacity an append could write into
	a := Evolve(base, scheduled("p3", 30))
	b := Evolve(base, scheduled("p4", 30))
	require.Equal(t, []string{"p1", "p3"}, pathwayIDs(a.Bookings))
	require.Equal(t, []string{"p1", "p4"}, pathwayIDs(b.Bookings))
	c := Evolve(a, unscheduled("p1", 60, ""))
	require.Equal(t, []string{"p3"}, pathwayIDs(c.Bookings))
	require.Equal(t, []string{"p1", "p3"}, pathwayIDs(a.Bookings))
}

func pathwayIDs(bs []Booking) []string {
	out := make([]string, len(bs))
	for i, b := range bs {
		out[i] = b.PathwayID
	}
	return out
}

func TestViewMatchesTheAPIShape(t *testing.T) {
	s := Fold([]Event{planned(), scheduled("p1", 100), scheduled("p2", 90), fill(205.0/240, 0.85)})
	v := s.View(MilestonePolicy{}, today)
	require.Equal(t, 0.8542, v.Utilisation)
	require.Equal(t, 205, v.BookedMinutes)
	require.Equal(t, 20, v.RemainingMinutes)
	require.Equal(t, today, *v.FilledOn)

	raw, err := json.Marshal(v)
	require.NoError(t, err)
	var got map[string]any
	require.NoError(t, json.Unmarshal(raw, &got))
	for _, key := range []string{"session_id", "date", "start_time", "end_time", "capacity_minutes", "booked_minutes",
		"utilisation", "status", "specialty_code", "list_type", "capabilities", "bookings", "milestones"} {
		require.Contains(t, got, key)
	}
	require.Equal(t, "2025-04-14", got["date"])
	require.Equal(t, "08:30", got["start_time"])
	require.Equal(t, "12:30", got["end_time"])
	require.Equal(t, "planned", got["status"])
	require.Equal(t, map[string]any{"pathway_id": "p1", "booking_id": "b-p1", "expected_minutes": float64(100), "scheduled_on": "2025-03-03"},
		got["bookings"].([]any)[0])
	ms := got["milestones"].(map[string]any)
	require.Equal(t, "2025-03-03", ms["confirm_by"])
	require.Equal(t, "2025-03-17", ms["fill_by"])
	require.Equal(t, "2025-03-31", ms["lock_by"])
	require.Equal(t, "at_risk", ms["status"], "confirm_by is today and the session is not confirmed")
	caps := got["capabilities"].(map[string]any)
	require.Equal(t, map[string]any{"hdu_bed": true, "kit": []any{"Arthroscopy stack"}, "radiology": false, "anaesthetist_grade": "consultant"}, caps)
}

func TestViewOfAnEmptySessionHasEmptyLists(t *testing.T) {
	s := Fold([]Event{planned(func(e *SessionPlanned) { e.Capabilities.Kit = nil })})
	raw, err := json.Marshal(s.View(MilestonePolicy{}, today))
	require.NoError(t, err)
	var got map[string]any
	require.NoError(t, json.Unmarshal(raw, &got))
	require.Equal(t, []any{}, got["bookings"])
	require.Equal(t, []any{}, got["capabilities"].(map[string]any)["kit"])
	require.Equal(t, float64(0), got["utilisation"])
}

func TestViewOfClosedSessions(t *testing.T) {
	c := Fold([]Event{planned(), scheduled("p1", 90), cancelledEarly}).View(MilestonePolicy{}, today)
	require.Equal(t, StatusCancelled, c.Status)
	require.Equal(t, NotApplicable, c.Milestones.Status)
	require.Len(t, c.CancelledBookings, 1)
	r := Fold([]Event{planned(), released}).View(MilestonePolicy{}, today)
	require.Equal(t, StatusReleased, r.Status)
	require.Equal(t, NotApplicable, r.Milestones.Status)
	require.Equal(t, "surgeon on leave", r.ReleaseReason)
	f := Fold([]Event{planned(), scheduled("p1", 90), finalisedOne}).View(MilestonePolicy{}, today)
	require.Equal(t, StatusFinalised, f.Status)
	require.True(t, f.Milestones.Confirm.Met, "a locked list is a confirmed one")
	require.True(t, f.Milestones.Lock.Met)
}
