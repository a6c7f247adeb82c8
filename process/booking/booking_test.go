package booking_test

import (
	"bytes"
	"context"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/pathway-ledger/ledger/aggregates/pathway"
	"github.com/pathway-ledger/ledger/aggregates/session"
	"github.com/pathway-ledger/ledger/eventstore"
	"github.com/pathway-ledger/ledger/eventstore/sqlite"
	"github.com/pathway-ledger/ledger/process/booking"
	"github.com/pathway-ledger/ledger/rtt"
)

const (
	pw1 = "0f8c2e4a-1111-4a6b-9c1d-000000000001"
	pw2 = "0f8c2e4a-1111-4a6b-9c1d-000000000002"
	s1  = "5e55a0a0-2222-4b6b-9c1d-000000000001"
)

var officer = eventstore.Actor{User: "b.officer", Role: "booking"}

// world is a store with a tracker fed from it, as the projection runner would feed it.
type world struct {
	t       *testing.T
	ctx     context.Context
	store   *sqlite.Store
	tracker *booking.Tracker
	worker  *booking.Worker
	fed     uint64
	today   rtt.Date
}

func newWorld(t *testing.T) *world {
	store, err := sqlite.Open(t.TempDir())
	require.NoError(t, err)
	t.Cleanup(func() { _ = store.Close() })
	w := &world{t: t, ctx: context.Background(), store: store, tracker: booking.NewTracker(),
		today: rtt.MustParseDate("2026-12-01")}
	w.worker = &booking.Worker{Store: store, Tracker: w.tracker, Today: func() rtt.Date { return w.today }}
	return w
}

func (w *world) feed() {
	w.t.Helper()
	evs, err := w.store.ReadAll(w.ctx, w.fed, 0)
	require.NoError(w.t, err)
	for _, ev := range evs {
		require.NoError(w.t, w.tracker.Apply(ev))
		w.fed = ev.Position
	}
}

func (w *world) pathway(id string, cmd pathway.Command) {
	w.t.Helper()
	s, err := booking.LoadPathway(w.ctx, w.store, "pathway-"+id)
	expected := eventstore.NoStream()
	if err == nil {
		expected = eventstore.Exact(uint64(s.Version))
	} else {
		s = pathway.New()
	}
	evs, err := pathway.Decide(s, cmd, pathway.DecideContext{Today: w.today})
	require.NoError(w.t, err)
	var data []eventstore.EventData
	for _, e := range evs {
		typ, raw, err := pathway.Encode(e)
		require.NoError(w.t, err)
		data = append(data, eventstore.EventData{Type: typ, SchemaVersion: pathway.SchemaVersion, OccurredOn: e.On().String(), Actor: officer, Data: raw})
	}
	_, err = w.store.Append(w.ctx, "pathway-"+id, expected, data...)
	require.NoError(w.t, err)
}

func (w *world) session(cmd session.Command) {
	w.t.Helper()
	s, version, err := booking.LoadSession(w.ctx, w.store, "session-"+s1)
	expected := eventstore.Exact(version)
	if err != nil {
		s, expected = session.State{}, eventstore.NoStream()
	}
	evs, err := session.Decide(s, cmd, session.DecideContext{Today: w.today})
	require.NoError(w.t, err)
	var data []eventstore.EventData
	for _, e := range evs {
		typ, raw, err := session.Encode(e)
		require.NoError(w.t, err)
		data = append(data, eventstore.EventData{Type: typ, SchemaVersion: session.SchemaVersion, OccurredOn: e.On().String(), Actor: officer, Data: raw})
	}
	_, err = w.store.Append(w.ctx, "session-"+s1, expected, data...)
	require.NoError(w.t, err)
}

func (w *world) pathwayState(id string) pathway.State {
	s, err := booking.LoadPathway(w.ctx, w.store, "pathway-"+id)
	require.NoError(w.t, err)
	return s
}

func (w *world) sessionState() session.State {
	s, _, err := booking.LoadSession(w.ctx, w.store, "session-"+s1)
	require.NoError(w.t, err)
	return s
}

// ready refers two patients to trauma and orthopaedics, plans a theatre list on
// 2026-12-29 and puts both on it — on the session stream only, as if the process
// died after each session append and before the pathway append.
func ready(t *testing.T) *world {
	w := newWorld(t)
	for i, id := range []string{pw1, pw2} {
		w.pathway(id, pathway.Refer{PathwayID: id, Patient: pathway.Patient{NHSNumber: []string{"9990000018", "9990000026"}[i]},
			SpecialtyCode: "110", ReceivedOn: rtt.MustParseDate("2026-09-01")})
	}
	w.session(session.PlanSession{SessionID: s1, Date: rtt.MustParseDate("2026-12-29"), StartTime: session.MustParseClock("08:30"),
		EndTime: session.MustParseClock("12:30"), SpecialtyCode: "110", ListType: session.ListClinic})
	w.session(session.SchedulePatient{BookingID: "b0000001-0000-4000-8000-000000000001", ExpectedMinutes: 60,
		Patient: session.PatientFacts{PathwayID: pw1, SpecialtyCode: "110"}})
	w.session(session.SchedulePatient{BookingID: "b0000001-0000-4000-8000-000000000002", ExpectedMinutes: 60,
		Patient: session.PatientFacts{PathwayID: pw2, SpecialtyCode: "110"}})
	w.feed()
	return w
}

func TestAKillBetweenTheAppendsIsCompletedFromTheLog(t *testing.T) {
	w := ready(t)
	pending := w.tracker.Pending()
	require.Len(t, pending, 2)
	assert.Equal(t, booking.Book, pending[0].Kind)
	assert.Equal(t, pw1, pending[0].PathwayID)

	w.worker.Drain(w.ctx)
	for i, id := range []string{pw1, pw2} {
		s := w.pathwayState(id)
		require.Len(t, s.Bookings, 1, id)
		b := s.Bookings[0]
		assert.Equal(t, pending[i].BookingID, b.BookingID)
		assert.Equal(t, s1, b.SessionID)
		assert.Equal(t, "2026-12-29", b.AdmissionOn.String())
		assert.Equal(t, "2026-12-01", b.BookedOn.String())
	}
	evs, err := w.store.ReadStream(w.ctx, "pathway-"+pw1, 0, 0)
	require.NoError(t, err)
	last := evs[len(evs)-1]
	assert.Equal(t, "AdmissionBooked", last.Type)
	assert.Equal(t, officer, last.Actor, "the booking officer who scheduled the patient is the actor")
	assert.Equal(t, pending[0].Cause, last.CausationID)

	w.feed()
	assert.Empty(t, w.tracker.Pending(), "the log now shows both streams agreeing")
	before, _ := w.store.HeadPosition(w.ctx)
	w.worker.Drain(w.ctx)
	after, _ := w.store.HeadPosition(w.ctx)
	assert.Equal(t, before, after, "nothing is owed, nothing is written")
}

func TestARetryRacingTheAPIWritesNothingTwice(t *testing.T) {
	w := ready(t)
	a := w.tracker.Pending()[0]
	out, err := w.worker.Do(w.ctx, a)
	require.NoError(t, err)
	assert.Equal(t, booking.Done, out)
	out, err = w.worker.Do(w.ctx, a)
	require.NoError(t, err)
	assert.Equal(t, booking.AlreadyDone, out)
	assert.Len(t, w.pathwayState(pw1).Bookings, 1)
}

func TestRemovalAndSessionCancellationCancelThePathwayBookings(t *testing.T) {
	w := ready(t)
	w.worker.Drain(w.ctx)
	w.feed()

	w.session(session.UnschedulePatient{PathwayID: pw1, Reason: "surgeon's list overbooked"})
	w.feed()
	require.Len(t, w.tracker.Pending(), 1)
	w.worker.Drain(w.ctx)
	b := w.pathwayState(pw1).Bookings[0]
	require.True(t, b.Cancelled)
	assert.Equal(t, "hospital", b.Cancelation.CancelledBy)
	assert.Equal(t, "surgeon's list overbooked", b.Cancelation.Reason)
	_, guaranteed := b.Guarantee()
	assert.False(t, guaranteed, "taken off four weeks ahead: no 28-day guarantee")

	// On the day, the hospital cancels the whole list for a non-clinical reason.
	w.today = rtt.MustParseDate("2026-12-29")
	w.session(session.CancelSession{CancelledOn: w.today, Reason: "no theatre staff"})
	w.feed()
	w.worker.Drain(w.ctx)
	b = w.pathwayState(pw2).Bookings[0]
	require.True(t, b.Cancelled)
	assert.Equal(t, "session cancelled: no theatre staff", b.Cancelation.Reason)
	deadline, guaranteed := b.Guarantee()
	require.True(t, guaranteed, "cancelled on the day, not clinical: 28-day guarantee")
	assert.Equal(t, "2027-01-26", deadline.String())
	w.feed()
	assert.Empty(t, w.tracker.Pending())
}

func TestAPathwayThatRefusesTheBookingLeavesTheList(t *testing.T) {
	w := ready(t)
	// pw2 is discharged (stop 34) before its booking reaches it.
	w.pathway(pw2, pathway.RecordActivity{OccurredOn: w.today, Kind: "outpatient_follow_up", RTTStatus: "34"})
	w.feed()
	w.worker.Drain(w.ctx)
	assert.Len(t, w.pathwayState(pw1).Bookings, 1)
	assert.Empty(t, w.pathwayState(pw2).Bookings)
	s := w.sessionState()
	require.Len(t, s.Bookings, 1, "the list gave up the patient the pathway refused")
	assert.Equal(t, pw1, s.Bookings[0].PathwayID)
	evs, err := w.store.ReadStream(w.ctx, "session-"+s1, 0, 0)
	require.NoError(t, err)
	assert.Contains(t, evs[len(evs)-1].Reason, "the pathway refused the booking")
	w.feed()
	assert.Empty(t, w.tracker.Pending())
}

func TestAPatientCancellingOnThePathwayFreesTheSlot(t *testing.T) {
	w := ready(t)
	w.worker.Drain(w.ctx)
	w.feed()
	bid := w.pathwayState(pw1).Bookings[0].BookingID
	w.pathway(pw1, pathway.CancelBooking{BookingID: bid, CancelledOn: w.today, CancelledBy: "patient", Reason: "on holiday"})
	w.feed()
	p := w.tracker.Pending()
	require.Len(t, p, 1)
	assert.Equal(t, booking.Unschedule, p[0].Kind)
	w.worker.Drain(w.ctx)
	s := w.sessionState()
	require.Len(t, s.Bookings, 1)
	assert.Equal(t, pw2, s.Bookings[0].PathwayID)
	w.feed()
	assert.Empty(t, w.tracker.Pending())
	b := w.pathwayState(pw1).Bookings[0]
	assert.Equal(t, "patient", b.Cancelation.CancelledBy, "the patient's cancellation stands")
	_, guaranteed := b.Guarantee()
	assert.False(t, guaranteed, "a patient's cancellation starts no 28-day guarantee")
	evs, err := w.store.ReadStream(w.ctx, "session-"+s1, 0, 0)
	require.NoError(t, err)
	assert.Contains(t, evs[len(evs)-1].Reason, "booking cancelled on the pathway by the patient: on holiday")
}

func TestTrackerSnapshotKeepsTheOutstandingWork(t *testing.T) {
	w := ready(t)
	var buf bytes.Buffer
	require.NoError(t, w.tracker.Snapshot(&buf))
	back := booking.NewTracker()
	require.NoError(t, back.Restore(&buf))
	assert.Equal(t, w.tracker.Pending(), back.Pending())
	back.Reset()
	assert.Empty(t, back.Pending())
	require.Error(t, back.Restore(bytes.NewReader([]byte("{"))))
}
