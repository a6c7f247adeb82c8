package sessions_test

import (
	"bytes"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/pathway-ledger/ledger/aggregates/session"
	"github.com/pathway-ledger/ledger/eventstore"
	"github.com/pathway-ledger/ledger/projections/sessions"
	"github.com/pathway-ledger/ledger/rtt"
)

var today = rtt.MustParseDate("2026-12-01")

// log decides commands on session streams and feeds the events to the model, as the
// runner would, numbering positions.
type log struct {
	t      *testing.T
	m      *sessions.ReadModel
	states map[string]session.State
	pos    uint64
}

func newLog(t *testing.T) *log {
	return &log{t: t, m: sessions.New(), states: map[string]session.State{}}
}

func (l *log) do(id string, cmd session.Command) {
	l.t.Helper()
	s := l.states[id]
	evs, err := session.Decide(s, cmd, session.DecideContext{Today: today})
	require.NoError(l.t, err)
	for _, e := range evs {
		typ, data, err := session.Encode(e)
		require.NoError(l.t, err)
		l.pos++
		require.NoError(l.t, l.m.Apply(eventstore.Event{Stream: sessions.StreamPrefix + id, Type: typ,
			SchemaVersion: session.SchemaVersion, Data: data, Position: l.pos}))
		s = session.Evolve(s, e)
	}
	l.states[id] = s
}

func plan(id, date, start, end, specialty, listType string) session.PlanSession {
	return session.PlanSession{SessionID: id, Date: rtt.MustParseDate(date), StartTime: session.MustParseClock(start),
		EndTime: session.MustParseClock(end), SpecialtyCode: specialty, ListType: listType, TurnaroundMinutes: 15,
		Capabilities: session.Capabilities{AnaesthetistGrade: session.GradeConsultant}, Anaesthetist: "Dr A"}
}

func patient(id string) session.PatientFacts {
	valid := rtt.MustParseDate("2027-06-01")
	return session.PatientFacts{PathwayID: id, SpecialtyCode: "110",
		PreOp: &session.PreOp{Outcome: session.PreOpFit, AssessedOn: today, ValidUntil: &valid}}
}

func TestListIsByDateThenStartAndFilters(t *testing.T) {
	l := newLog(t)
	l.do("s3", plan("s3", "2027-01-12", "08:30", "12:30", "110", session.ListTheatre))
	l.do("s1", plan("s1", "2027-01-11", "13:30", "17:30", "110", session.ListTheatre))
	l.do("s2", plan("s2", "2027-01-11", "08:30", "12:30", "130", session.ListDayCase))
	ids := func(ss []session.State) (out []string) {
		for _, s := range ss {
			out = append(out, s.SessionID)
		}
		return out
	}
	assert.Equal(t, []string{"s2", "s1", "s3"}, ids(l.m.List(sessions.Filter{})))
	assert.Equal(t, []string{"s1", "s3"}, ids(l.m.List(sessions.Filter{SpecialtyCode: "110"})))
	assert.Equal(t, []string{"s2"}, ids(l.m.List(sessions.Filter{ListType: session.ListDayCase})))
	from, to := rtt.MustParseDate("2027-01-12"), rtt.MustParseDate("2027-01-11")
	assert.Equal(t, []string{"s3"}, ids(l.m.List(sessions.Filter{From: &from})))
	assert.Equal(t, []string{"s2", "s1"}, ids(l.m.List(sessions.Filter{To: &to})))
	l.do("s3", session.ReleaseSession{Reason: "surgeon on leave"})
	assert.Equal(t, []string{"s3"}, ids(l.m.List(sessions.Filter{Status: session.StatusReleased})))
	assert.Equal(t, 3, l.m.Len())
}

func TestPlacementsFollowScheduleRemovalAndCancellation(t *testing.T) {
	l := newLog(t)
	l.do("a", plan("a", "2027-01-11", "08:30", "12:30", "110", session.ListTheatre))
	l.do("b", plan("b", "2027-01-04", "08:30", "12:30", "110", session.ListTheatre))
	l.do("a", session.SchedulePatient{BookingID: "bk1", ExpectedMinutes: 90, Patient: patient("p1")})
	l.do("b", session.SchedulePatient{BookingID: "bk2", ExpectedMinutes: 60, Patient: patient("p1")})
	l.do("a", session.SchedulePatient{BookingID: "bk3", ExpectedMinutes: 60, Patient: patient("p2")})

	got := l.m.PlacementsOf("p1")
	require.Len(t, got, 2)
	assert.Equal(t, "b", got[0].SessionID, "earliest date first")
	assert.Equal(t, "bk2", got[0].BookingID)
	assert.Equal(t, "2027-01-11", got[1].Date.String())

	on := l.m.PlacementsOn(rtt.MustParseDate("2027-01-11"))
	assert.Len(t, on, 2, "p1 and p2 are on lists that day")
	assert.Equal(t, []session.SessionRef{{SessionID: "a", BookingID: "bk3"}}, on["p2"])
	assert.Empty(t, l.m.PlacementsOn(rtt.MustParseDate("2027-01-05")))

	l.do("a", session.UnschedulePatient{PathwayID: "p1", Reason: "patient unwell"})
	assert.Len(t, l.m.PlacementsOf("p1"), 1)
	l.do("a", session.CancelSession{CancelledOn: today, Reason: "no anaesthetist"})
	assert.Empty(t, l.m.PlacementsOf("p2"))
	s, ok := l.m.Get("a")
	require.True(t, ok)
	assert.Equal(t, session.StatusCancelled, s.Status)
	require.Len(t, s.CancelledBookings, 1)
	assert.Equal(t, "p2", s.CancelledBookings[0].PathwayID)
}

func TestSnapshotRestoresTheSameModel(t *testing.T) {
	l := newLog(t)
	l.do("a", plan("a", "2027-01-11", "08:30", "12:30", "110", session.ListTheatre))
	l.do("a", session.SchedulePatient{BookingID: "bk1", ExpectedMinutes: 90, Patient: patient("p1")})
	l.do("b", plan("b", "2027-01-12", "08:30", "12:30", "110", session.ListTheatre))
	l.do("b", session.CancelSession{CancelledOn: today, Reason: "list dropped"})
	var buf bytes.Buffer
	require.NoError(t, l.m.Snapshot(&buf))
	back := sessions.New()
	require.NoError(t, back.Restore(bytes.NewReader(buf.Bytes())))
	assert.Equal(t, l.m.List(sessions.Filter{}), back.List(sessions.Filter{}))
	assert.Equal(t, l.m.PlacementsOf("p1"), back.PlacementsOf("p1"))

	require.Error(t, sessions.New().Restore(bytes.NewReader([]byte(`{"sessions":[{"id":"x","events":[{"type":"Nope","schema":1,"data":{}}]}]}`))))
	back.Reset()
	assert.Zero(t, back.Len())
}

func TestOtherStreamsAreIgnoredAndBadSessionEventsRefused(t *testing.T) {
	m := sessions.New()
	require.NoError(t, m.Apply(eventstore.Event{Stream: "pathway-1", Type: "ReferralReceived", Data: []byte(`{}`)}))
	assert.Zero(t, m.Len())
	require.Error(t, m.Apply(eventstore.Event{Stream: "session-1", Type: "SessionPlanned", SchemaVersion: 1, Data: []byte(`{}`)}))
	require.Error(t, m.Apply(eventstore.Event{Stream: "session-", Type: "SessionPlanned", SchemaVersion: 1, Data: []byte(`{}`)}))
}

func TestUtilisationByWeekAndSpecialty(t *testing.T) {
	l := newLog(t)
	// Week of Monday 2027-01-11: two 110 lists (one cancelled), one 130 list.
	l.do("a", plan("a", "2027-01-11", "08:30", "12:30", "110", session.ListTheatre)) // 240 min
	l.do("b", plan("b", "2027-01-13", "08:30", "12:30", "110", session.ListTheatre))
	l.do("c", plan("c", "2027-01-17", "08:30", "10:30", "130", session.ListDayCase)) // Sunday, 120 min
	l.do("d", plan("d", "2027-01-18", "08:30", "12:30", "110", session.ListTheatre)) // next week
	l.do("e", plan("e", "2027-01-19", "08:30", "12:30", "110", session.ListTheatre))
	l.do("a", session.SchedulePatient{BookingID: "bk1", ExpectedMinutes: 100, Patient: patient("p1")})
	l.do("a", session.SchedulePatient{BookingID: "bk2", ExpectedMinutes: 95, Patient: patient("p2")}) // 100+95+15 = 210
	l.do("b", session.SchedulePatient{BookingID: "bk3", ExpectedMinutes: 60, Patient: patient("p3")})
	l.do("b", session.CancelSession{CancelledOn: today, Reason: "theatre maintenance"})
	l.do("e", session.ReleaseSession{Reason: "surgeon on leave"})

	// Judged on 2026-12-14: fill_by is 4 weeks before each list and a checkpoint is
	// at risk in the 7 days up to it. c (fill_by 2026-12-20) and d (2026-12-21) are
	// empty inside that window; a is filled.
	u := l.m.Utilisation(rtt.MustParseDate("2027-01-11"), rtt.MustParseDate("2027-01-24"), "", session.MilestonePolicy{}, rtt.MustParseDate("2026-12-14"))
	require.Len(t, u.Rows, 3)
	w1 := u.Rows[0]
	assert.Equal(t, "110", w1.SpecialtyCode)
	assert.Equal(t, "2027-01-11", w1.WeekStarting.String())
	assert.Equal(t, 2, w1.Sessions)
	assert.Equal(t, 1, w1.RunningSessions)
	assert.Equal(t, 1, w1.CancelledSessions)
	assert.Equal(t, 1, w1.CancelledCases)
	assert.Equal(t, 240, w1.CapacityMinutes)
	assert.Equal(t, 210, w1.BookedMinutes)
	assert.Equal(t, 0.875, w1.Utilisation)
	assert.Equal(t, 2, w1.Cases)
	assert.Equal(t, 0, w1.UnderFilled, "87.5% is over the 85% fill threshold")

	assert.Equal(t, "130", u.Rows[1].SpecialtyCode, "Sunday belongs to the week that started on Monday")
	assert.Equal(t, "2027-01-11", u.Rows[1].WeekStarting.String())
	assert.Equal(t, 1, u.Rows[1].UnderFilled)

	w2 := u.Rows[2]
	assert.Equal(t, "2027-01-18", w2.WeekStarting.String())
	assert.Equal(t, 1, w2.ReleasedSessions)
	assert.Equal(t, 240, w2.CapacityMinutes, "a released list has no capacity to fill")
	assert.Equal(t, 1, w2.UnderFilled, "d is empty a week before its fill_by")

	assert.Equal(t, 5, u.Total.Sessions)
	assert.Equal(t, 600, u.Total.CapacityMinutes)
	assert.Equal(t, 0.35, u.Total.Utilisation)
	require.Len(t, u.Warnings, 2)
	assert.Equal(t, "c", u.Warnings[0].SessionID)
	assert.Equal(t, session.AtRisk, u.Warnings[0].Status)
	assert.Equal(t, "2026-12-20", u.Warnings[0].FillBy.String())
	assert.Equal(t, 120, u.Warnings[0].RemainingMinutes)
	assert.Equal(t, "d", u.Warnings[1].SessionID)
	late := l.m.Utilisation(rtt.MustParseDate("2027-01-11"), rtt.MustParseDate("2027-01-24"), "", session.MilestonePolicy{}, rtt.MustParseDate("2026-12-22"))
	require.Len(t, late.Warnings, 2)
	assert.Equal(t, session.Missed, late.Warnings[1].Status, "an empty list past its fill_by")

	only := l.m.Utilisation(rtt.MustParseDate("2027-01-11"), rtt.MustParseDate("2027-01-24"), "130", session.MilestonePolicy{}, today)
	require.Len(t, only.Rows, 1)
	assert.Equal(t, "6,4,2", only.Rule)
}

// The snapshot keys each session by its stream, as Apply does: a session never
// planned (a log written around Decide) and one whose plan names another id come
// back where they were, instead of failing the restore or moving.
func TestSnapshotKeysSessionsByTheirStream(t *testing.T) {
	m := sessions.New()
	pos := uint64(0)
	apply := func(stream string, e session.Event) {
		typ, data, err := session.Encode(e)
		require.NoError(t, err)
		pos++
		require.NoError(t, m.Apply(eventstore.Event{Stream: sessions.StreamPrefix + stream, Type: typ,
			SchemaVersion: session.SchemaVersion, Data: data, Position: pos}))
	}
	planned, err := session.Decide(session.State{}, plan("other", "2027-01-11", "08:30", "12:30", "110", session.ListTheatre),
		session.DecideContext{Today: today})
	require.NoError(t, err)
	apply("a", planned[0])
	apply("b", session.PatientScheduled{SessionID: "b", PathwayID: "p1", BookingID: "bk", ExpectedMinutes: 30,
		ScheduledOn: today, AdmissionOn: today.AddDays(7)})

	var buf bytes.Buffer
	require.NoError(t, m.Snapshot(&buf))
	back := sessions.New()
	require.NoError(t, back.Restore(&buf))
	for _, id := range []string{"a", "b"} {
		want, ok := m.Get(id)
		require.True(t, ok, id)
		got, ok := back.Get(id)
		require.True(t, ok, "session %s restored under its stream", id)
		assert.Equal(t, want, got)
	}
	_, moved := back.Get("other")
	assert.False(t, moved)
	assert.Equal(t, m.PlacementsOf("p1"), back.PlacementsOf("p1"))
}
