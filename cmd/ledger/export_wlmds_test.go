package main

import (
	"bytes"
	"context"
	"encoding/csv"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/pathway-ledger/ledger/aggregates/pathway"
	"github.com/pathway-ledger/ledger/eventstore"
	"github.com/pathway-ledger/ledger/eventstore/sqlite"
	"github.com/pathway-ledger/ledger/rtt"
)

// wlmdsLedger appends pathway events as the API would have recorded them, stamping
// each with the knowledge time the test sets.
type wlmdsLedger struct {
	t   *testing.T
	s   *sqlite.Store
	now time.Time
}

func (l *wlmdsLedger) record(id string, events ...pathway.Event) {
	l.t.Helper()
	for _, e := range events {
		typ, data, err := pathway.Encode(e)
		require.NoError(l.t, err)
		_, err = l.s.Append(context.Background(), "pathway-"+id, eventstore.Any(), eventstore.EventData{
			EventID: uuid.NewString(), Type: typ, SchemaVersion: pathway.SchemaVersion, OccurredOn: "2026-01-01",
			Actor: eventstore.Actor{User: "booker", Role: "booking"}, Data: data})
		require.NoError(l.t, err)
	}
}

func d(s string) rtt.Date { return rtt.MustParseDate(s) }

func referral(id, nhs, specialty, priority, start string) pathway.ReferralReceived {
	return pathway.ReferralReceived{PathwayID: id, Patient: pathway.Patient{NHSNumber: nhs}, SpecialtyCode: specialty,
		ReceivedOn: d(start), ClockStartOn: d(start), ReferralPriority: priority, Source: "gp"}
}

// Pathway ids sort in the order the tie-break on clock start must produce.
const (
	wlDayCase      = "a0000000-0000-4000-8000-000000000001"
	wlSameStart    = "00000000-0000-4000-8000-000000000008"
	wlNew          = "b0000000-0000-4000-8000-000000000002"
	wlTreated      = "c0000000-0000-4000-8000-000000000003"
	wlStopsLater   = "d0000000-0000-4000-8000-000000000004"
	wlNotStarted   = "e0000000-0000-4000-8000-000000000005"
	wlTransferred  = "f0000000-0000-4000-8000-000000000006"
	wlRecordedLate = "f1000000-0000-4000-8000-000000000007"
)

const wlCensus = "2026-03-01"

func buildWLMDSLedger(t *testing.T) string {
	dir := t.TempDir()
	l := &wlmdsLedger{t: t, now: time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)}
	s, err := sqlite.Open(dir, sqlite.WithClock(func() time.Time { return l.now }))
	require.NoError(t, err)
	l.s = s

	// Day case: re-prioritised before the census, one booking cancelled before it
	// and one live after it; an activity after the census must not count.
	l.record(wlDayCase, referral(wlDayCase, "9434765919", "110", "routine", "2025-12-01"),
		pathway.ActivityRecorded{OccurredOn: d("2026-01-10"), Kind: "outpatient", RTTStatus: "20", Attendance: "attended"},
		pathway.AddedToWaitingList{DecidedOn: d("2026-01-10"), ListType: "day_case", Priority: rtt.P3, ProcedureCode: "W401"},
		pathway.PriorityChanged{ChangedOn: d("2026-02-01"), Priority: rtt.P2},
		pathway.AdmissionBooked{BookingID: "b1", AdmissionOn: d("2026-03-05"), BookedOn: d("2026-02-02")},
		pathway.BookingCancelled{BookingID: "b1", CancelledOn: d("2026-02-20"), CancelledBy: "patient", Reason: "holiday"},
		pathway.AdmissionBooked{BookingID: "b2", AdmissionOn: d("2026-03-15"), BookedOn: d("2026-02-21")},
		pathway.AdmissionBooked{BookingID: "b3", AdmissionOn: d("2026-03-08"), BookedOn: d("2026-03-02")},
		pathway.ValidationRecorded{ValidationID: "v1", ValidatedOn: d("2026-02-15"), Outcome: "confirmed"},
		pathway.ActivityRecorded{OccurredOn: d("2026-03-05"), Kind: "pre_op", RTTStatus: "20", Attendance: "attended"})
	l.record(wlSameStart, referral(wlSameStart, "9434765870", "130", "routine", "2025-12-01"))
	l.record(wlNew, referral(wlNew, "9434765889", "101", "urgent", "2026-02-20"))
	l.record(wlTreated, referral(wlTreated, "9434765897", "110", "routine", "2025-11-01"),
		pathway.ClockStopped{StoppedOn: d("2026-02-01"), Status: "30", Admitted: true})
	// Open at the census and treated after it: the week's file still lists it, with
	// the priority it had then.
	l.record(wlStopsLater, referral(wlStopsLater, "9434765900", "301", "two_week_wait", "2025-10-01"),
		pathway.AddedToWaitingList{DecidedOn: d("2025-12-01"), ListType: "endoscopy", Priority: rtt.P2},
		pathway.PriorityChanged{ChangedOn: d("2026-03-05"), Priority: rtt.P1b},
		pathway.ClockStopped{StoppedOn: d("2026-03-10"), Status: "30", Admitted: true})
	l.record(wlNotStarted, referral(wlNotStarted, "9434765918", "110", "routine", "2026-03-05"))
	l.record(wlTransferred, referral(wlTransferred, "9434765926", "110", "routine", "2025-09-01"),
		pathway.TransferredOut{TransferredOn: d("2026-02-15")})
	l.now = time.Date(2026, 3, 9, 9, 0, 0, 0, time.UTC)
	l.record(wlRecordedLate, referral(wlRecordedLate, "9434765934", "502", "routine", "2026-02-25"))
	require.NoError(t, s.Close())
	return dir
}

func TestExportWLMDSListsThePeriodsOpenAtTheCensus(t *testing.T) {
	dir := buildWLMDSLedger(t)
	file := filepath.Join(t.TempDir(), "wlmds.csv")
	var out, errOut bytes.Buffer
	require.Equal(t, 0, run([]string{"export", "wlmds", "--data", dir, "--on", wlCensus, "--provider", "RTH", "--out", file}, &out, &errOut), errOut.String())
	require.Contains(t, errOut.String(), "WLMDS open pathways on 2026-03-01: 5 rows for RTH")
	raw, err := os.ReadFile(file)
	require.NoError(t, err)
	rows, err := csv.NewReader(bytes.NewReader(raw)).ReadAll()
	require.NoError(t, err)

	require.Equal(t, []string{"NHS_NUMBER", "PATIENT_PATHWAY_IDENTIFIER", "ORGANISATION_CODE_PROVIDER",
		"TREATMENT_FUNCTION_CODE", "REFERRAL_TO_TREATMENT_PERIOD_START_DATE", "WAITING_LIST_TYPE", "LOCAL_LIST_TYPE",
		"PRIORITY_TYPE_CODE", "CLINICAL_PRIORITY", "DECIDED_TO_ADMIT_DATE", "TCI_DATE", "CENSUS_DATE",
		"DAYS_WAITED", "WEEKS_WAITED", "WEEK_BAND", "LAST_ACTIVITY_DATE", "LAST_VALIDATION_DATE"}, rows[0])
	require.Len(t, rows, 1+5, "treated, transferred and not-yet-started pathways are not on the list")

	var ids []string
	for _, r := range rows[1:] {
		ids = append(ids, r[1])
		require.Len(t, r, len(rows[0]))
		assert.Equal(t, "RTH", r[2])
		assert.Equal(t, wlCensus, r[11])
	}
	require.Equal(t, []string{wlStopsLater, wlSameStart, wlDayCase, wlNew, wlRecordedLate}, ids,
		"earliest clock start first, then pathway id")

	// 2025-10-01 to 2026-03-01 is 151 days: 21 completed weeks, band ceil(151/7)-1.
	assert.Equal(t, []string{"9434765900", wlStopsLater, "RTH", "301", "2025-10-01", "DIAGNOSTIC", "endoscopy",
		"3", "P2", "2025-12-01", "", wlCensus, "151", "21", "21-22", "", ""}, rows[1])
	// 90 days; the TCI is the live booking, not the one cancelled before the census
	// nor the one booked after it; the P3 became P2 before the census.
	assert.Equal(t, []string{"9434765919", wlDayCase, "RTH", "110", "2025-12-01", "ADMITTED", "day_case",
		"1", "P2", "2026-01-10", "2026-03-15", wlCensus, "90", "12", "12-13", "2026-01-10", "2026-02-15"}, rows[3])
	// 9 days, no decision to admit.
	assert.Equal(t, []string{"9434765889", wlNew, "RTH", "101", "2026-02-20", "NON_ADMITTED", "",
		"2", "", "", "", wlCensus, "9", "1", "1-2", "", ""}, rows[4])
	assert.Equal(t, "4", rows[5][12])
	assert.Equal(t, "0-1", rows[5][14])
}

func TestExportWLMDSAsOfAndBOM(t *testing.T) {
	dir := buildWLMDSLedger(t)
	var out, errOut bytes.Buffer
	require.Equal(t, 0, run([]string{"export", "wlmds", "--data", dir, "--on", wlCensus, "--as-of", "2026-03-05T00:00:00Z", "--bom"}, &out, &errOut), errOut.String())
	require.True(t, strings.HasPrefix(out.String(), "\ufeffNHS_NUMBER,"))
	rows, err := csv.NewReader(strings.NewReader(strings.TrimPrefix(out.String(), "\ufeff"))).ReadAll()
	require.NoError(t, err)
	require.Len(t, rows, 1+4, "the referral recorded after --as-of is not known yet")
	assert.Contains(t, errOut.String(), "4 rows for RXX", "the documented default provider")
	for _, r := range rows[1:] {
		assert.NotEqual(t, wlRecordedLate, r[1])
		assert.Equal(t, defaultProvider, r[2])
	}
}

func TestExportWLMDSRefusesBadFlags(t *testing.T) {
	var out, errOut bytes.Buffer
	require.Equal(t, 2, run([]string{"export", "wlmds", "--on", "2026-02-30"}, &out, &errOut))
	require.Equal(t, 2, run([]string{"export", "wlmds", "--as-of", "yesterday"}, &out, &errOut))
	errOut.Reset()
	require.Equal(t, 2, run([]string{"export", "wlmds", "--provider", "R-1"}, &out, &errOut))
	require.Contains(t, errOut.String(), "--provider")
	errOut.Reset()
	require.Equal(t, 2, run([]string{"export"}, &out, &errOut))
	require.Contains(t, errOut.String(), "ledger export wlmds")
}
