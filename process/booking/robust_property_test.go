package booking_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"testing"
	"time"

	"pgregory.net/rapid"

	"github.com/pathway-ledger/ledger/aggregates/pathway"
	"github.com/pathway-ledger/ledger/aggregates/session"
	"github.com/pathway-ledger/ledger/eventstore"
	"github.com/pathway-ledger/ledger/process/booking"
	"github.com/pathway-ledger/ledger/projections/sessions"
	"github.com/pathway-ledger/ledger/rtt"
)

var robustEpoch = rtt.MustParseDate("2026-11-01")

// sessionEvent draws a session event of any type for session sid; pathways and
// bookings come from small sets so that they meet.
func sessionEvent(t *rapid.T, sid string) session.Event {
	on := robustEpoch.AddDays(rapid.IntRange(0, 60).Draw(t, "on"))
	pid := rapid.SampledFrom([]string{"p1", "p2", "p3"}).Draw(t, "pathway")
	bid := rapid.SampledFrom([]string{"b1", "b2", "b3"}).Draw(t, "booking")
	switch rapid.IntRange(0, 6).Draw(t, "type") {
	case 0:
		start := session.NewClock(rapid.IntRange(7, 12).Draw(t, "hour"), 0)
		end := session.NewClock(rapid.IntRange(13, 20).Draw(t, "end hour"), 30)
		return session.SessionPlanned{SessionID: sid, PlannedOn: on, Date: on.AddDays(rapid.IntRange(0, 30).Draw(t, "ahead")),
			StartTime: start, EndTime: end, CapacityMinutes: start.MinutesUntil(end), TurnaroundMinutes: rapid.IntRange(0, 30).Draw(t, "turnaround"),
			SpecialtyCode: "110", ListType: rapid.SampledFrom([]string{session.ListTheatre, session.ListDayCase}).Draw(t, "list")}
	case 1:
		return session.PatientScheduled{SessionID: sid, PathwayID: pid, BookingID: bid, ExpectedMinutes: rapid.IntRange(1, 400).Draw(t, "minutes"),
			ScheduledOn: on, AdmissionOn: on.AddDays(7)}
	case 2:
		return session.PatientUnscheduled{SessionID: sid, PathwayID: pid, BookingID: bid, ExpectedMinutes: 30, UnscheduledOn: on}
	case 3:
		return session.SessionMilestoneReached{SessionID: sid, Milestone: rapid.SampledFrom([]string{session.MilestoneConfirm, session.MilestoneFill, session.MilestoneLock}).Draw(t, "milestone"),
			ReachedOn: on, FillLevel: 0.5}
	case 4:
		return session.SessionFinalised{SessionID: sid, FinalisedOn: on, Cases: 2, BookedMinutes: 90}
	case 5:
		return session.SessionCancelled{SessionID: sid, CancelledOn: on, Reason: "r", Clinical: rapid.Bool().Draw(t, "clinical"),
			CancelledBookings: []session.BookingRef{{PathwayID: pid, BookingID: bid}}}
	default:
		return session.SessionReleased{SessionID: sid, ReleasedOn: on}
	}
}

// bookingEvent draws one of the two pathway events the tracker follows, for a
// pathway and booking from small sets.
func bookingEvent(t *rapid.T) (stream, typ string, data []byte, err error) {
	pid := rapid.SampledFrom([]string{"p1", "p2", "p3"}).Draw(t, "pathway")
	var e pathway.Event = pathway.AdmissionBooked{BookingID: rapid.SampledFrom([]string{"b1", "b2"}).Draw(t, "booking"), AdmissionOn: robustEpoch, BookedOn: robustEpoch}
	if rapid.Bool().Draw(t, "cancel") {
		e = pathway.BookingCancelled{BookingID: "b1", CancelledOn: robustEpoch, CancelledBy: "patient", Reason: "r"}
	}
	typ, data, err = pathway.Encode(e)
	return "pathway-" + pid, typ, data, err
}

// appendEvent appends the envelope of stream's next event, recorded at at.
func appendEvent(log []eventstore.Event, versions map[string]uint64, at time.Time, stream, typ string, data []byte) []eventstore.Event {
	ev := eventstore.Event{EventID: fmt.Sprint("e", len(log)), Stream: stream, StreamVersion: versions[stream], Position: uint64(len(log) + 1),
		Type: typ, SchemaVersion: 1, OccurredOn: robustEpoch.String(), RecordedAt: at, Data: json.RawMessage(data)}
	versions[stream]++
	return append(log, ev)
}

// Session streams in any order (a third-party writer need not plan first), and
// the pathway booking events the tracker follows: the sessions model and the
// booking tracker fold them without a panic, answer every query, and survive a
// snapshot and restore; the session aggregate decides on whatever state results.
func TestPropertySessionLogsInAnyOrderFoldWithoutPanic(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		m, tr := sessions.New(), booking.NewTracker()
		states := map[string]session.State{}
		at := time.Date(2026, 11, 1, 9, 0, 0, 0, time.UTC)
		versions := map[string]uint64{}
		var log []eventstore.Event
		for range rapid.IntRange(1, 40).Draw(t, "events") {
			var stream, typ string
			var data []byte
			var err error
			if rapid.IntRange(0, 4).Draw(t, "pathway event") == 0 {
				stream, typ, data, err = bookingEvent(t)
			} else {
				sid := rapid.SampledFrom([]string{"s1", "s2"}).Draw(t, "session")
				e := sessionEvent(t, sid)
				states[sid] = session.Evolve(states[sid], e)
				stream = "session-" + sid
				typ, data, err = session.Encode(e)
			}
			if err != nil {
				t.Fatal(err)
			}
			at = at.Add(time.Minute)
			log = appendEvent(log, versions, at, stream, typ, data)
			ev := log[len(log)-1]
			if err := m.Apply(ev); err != nil {
				t.Logf("sessions refused %s: %v", typ, err)
			}
			if err := tr.Apply(ev); err != nil {
				t.Logf("tracker refused %s: %v", typ, err)
			}
		}
		today := robustEpoch.AddDays(rapid.IntRange(0, 60).Draw(t, "today"))
		askSessions(t, m, today)
		tr.Pending()
		for _, s := range states {
			v := s.View(session.DefaultMilestonePolicy(), today)
			session.ProposeList(v, nil, today)
			for _, c := range []session.Command{session.ConfirmSession{}, session.FinaliseSession{}, session.ReleaseSession{Reason: "r"},
				session.CancelSession{CancelledOn: today, Reason: "r"}, session.UnschedulePatient{PathwayID: "p1", Reason: "r"}} {
				_, _ = session.Decide(s, c, session.DecideContext{Today: today})
			}
		}
		var snap, tsnap bytes.Buffer
		if err := m.Snapshot(&snap); err != nil {
			t.Fatalf("sessions snapshot: %v", err)
		}
		if err := tr.Snapshot(&tsnap); err != nil {
			t.Fatalf("tracker snapshot: %v", err)
		}
		back, tback := sessions.New(), booking.NewTracker()
		if err := back.Restore(&snap); err != nil {
			t.Fatalf("sessions restore: %v", err)
		}
		if err := tback.Restore(&tsnap); err != nil {
			t.Fatalf("tracker restore: %v", err)
		}
		askSessions(t, back, today)
		tback.Pending()
	})
}

func askSessions(t *rapid.T, m *sessions.ReadModel, today rtt.Date) {
	for _, sid := range []string{"s1", "s2"} {
		m.Get(sid)
	}
	m.List(sessions.Filter{})
	m.PlacementsOf("p1")
	m.PlacementsOn(today.AddDays(7))
	u := m.Utilisation(robustEpoch, robustEpoch.AddDays(90), "", session.DefaultMilestonePolicy(), today)
	if _, err := json.Marshal(u); err != nil {
		t.Fatalf("utilisation does not encode: %v", err)
	}
	_ = m.Len()
}
