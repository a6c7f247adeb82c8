package pathway_test

import (
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/pathway-ledger/ledger/aggregates/pathway"
	"github.com/pathway-ledger/ledger/rtt"
)

// FuzzDecodeMatchesReference feeds arbitrary bytes to Decode and to the encoding/json
// reference for every event type. Whatever Decode accepts the reference accepts with
// an equal value; whatever only the reference accepts is one of Decode's documented
// strictnesses, and its canonical form (Encode of the reference's value) is accepted.
// (rules_test.go's FuzzDecode checks that Decode's results encode.)
func FuzzDecodeMatchesReference(f *testing.F) {
	types := pathway.EventTypes()
	index := map[string]uint8{}
	for i, typ := range types {
		index[typ] = uint8(i)
	}
	seeds := map[string]int{}
	for _, s := range generatedMix(f) {
		if seeds[s.typ] < 3 {
			seeds[s.typ]++
			f.Add(index[s.typ], s.data)
		}
	}
	for _, e := range sampleEvents {
		typ, data, err := pathway.Encode(e)
		require.NoError(f, err)
		f.Add(index[typ], data)
	}
	f.Fuzz(func(t *testing.T, i uint8, data []byte) {
		typ := types[int(i)%len(types)]
		got, err := pathway.Decode(typ, pathway.SchemaVersion, data)
		want, wantErr := pathway.DecodeReference(typ, pathway.SchemaVersion, data)
		if err == nil {
			require.NoError(t, wantErr, "Decode accepted what encoding/json refuses: %q", data)
			require.Equal(t, want, got, "%q", data)
			return
		}
		if wantErr != nil || hasUnknownPriority(want) {
			return
		}
		_, canonical, encErr := pathway.Encode(want)
		require.NoError(t, encErr)
		got, err = pathway.Decode(typ, pathway.SchemaVersion, canonical)
		require.NoError(t, err, "%q (from %q)", canonical, data)
		require.Equal(t, want, got, "%q", canonical)
	})
}

func hasUnknownPriority(e pathway.Event) bool {
	var p rtt.Priority
	switch e := e.(type) {
	case pathway.AddedToWaitingList:
		p = e.Priority
	case pathway.PriorityChanged:
		p = e.Priority
	default:
		return false
	}
	_, err := rtt.ParsePriority(string(p))
	return err != nil
}

func datePtr(s string) *rtt.Date { d := rtt.MustParseDate(s); return &d }

// sampleEvents holds one of each type with every field set, including the types the
// generator does not produce.
var sampleEvents = func() []pathway.Event {
	d := rtt.MustParseDate
	return []pathway.Event{
		pathway.ReferralReceived{PathwayID: "p1", Patient: pathway.Patient{NHSNumber: "9990000018", FamilyName: "O’Brien",
			GivenName: "Zoë", BirthDate: datePtr("1950-02-28")}, SpecialtyCode: "110", ReceivedOn: d("2025-01-06"),
			ClockStartOn: d("2024-12-01"), ReferralPriority: "urgent", Source: "transfer_in"},
		pathway.ActivityRecorded{OccurredOn: d("2025-02-03"), Kind: "outpatient_first", RTTStatus: "20", Attendance: "attended",
			Discharged: true, ClinicalDecisionOn: datePtr("2025-02-01"), PatientAgreed: true},
		pathway.ClockStarted{StartedOn: d("2025-03-01"), Status: "10"},
		pathway.ClockStopped{StoppedOn: d("2025-03-01"), Status: "30", Admitted: true},
		pathway.ClockNullified{NullifiedOn: d("2025-03-01")},
		pathway.PatientDidNotAttend{MissedOn: d("2025-03-01"), Kind: "outpatient_first", First: true, Discharged: true},
		pathway.TransferredOut{TransferredOn: d("2025-03-01")},
		pathway.AddedToWaitingList{DecidedOn: d("2025-03-03"), ListType: "inpatient", Priority: rtt.P1a, ProcedureCode: "W37.1",
			ExpectedMinutes: 90},
		pathway.PriorityChanged{ChangedOn: d("2025-03-04"), Priority: rtt.P4},
		pathway.RemovedFromWaitingList{RemovedOn: d("2025-03-05"), Reason: "treated elsewhere"},
		pathway.PreOpAssessmentCompleted{AssessedOn: d("2025-03-10"), Outcome: "fit", ValidUntil: datePtr("2025-09-10"),
			Requirements: pathway.Requirements{HDUBed: true, Kit: []string{"arthroscopy stack", "C-arm"}, Radiology: true,
				AnaesthetistGrade: "consultant"}},
		pathway.AlertFlagged{FlaggedOn: d("2025-03-10"), Code: "interpreter", Detail: "Polish <urgent> & \"verbal\"\n"},
		pathway.AlertCleared{ClearedOn: d("2025-03-11"), Code: "interpreter"},
		pathway.OfferMade{OfferID: "o1", OfferedOn: d("2025-03-11"), AppointmentOn: d("2025-04-08"), Kind: "admission",
			ProviderCode: "RX1", Reasonable: true},
		pathway.OfferDeclined{OfferID: "o1", DeclinedOn: d("2025-03-12"), Reason: "on holiday"},
		pathway.OfferAccepted{OfferID: "o1", AcceptedOn: d("2025-03-12")},
		pathway.PatientUnavailable{From: d("2025-05-01"), To: d("2025-05-14"), Reason: "holiday"},
		pathway.AdmissionBooked{BookingID: "b1", AdmissionOn: d("2025-06-02"), SessionID: "s1", BookedOn: d("2025-05-15")},
		pathway.BookingCancelled{BookingID: "b1", CancelledOn: d("2025-05-20"), CancelledBy: "hospital", Reason: "no bed",
			Clinical: false, OnTheDay: true},
		pathway.ValidationRecorded{ValidationID: "v1", ValidatedOn: d("2025-05-22"), Outcome: "confirmed",
			Checks: []string{"clock start", "status"}, Notes: "checked"},
		pathway.ValidationRecorded{ValidationID: "v2", ValidatedOn: d("2025-05-22"), Outcome: "confirmed", Checks: []string{}},
		pathway.ClockStartCorrected{PeriodStartedOn: d("2025-01-06"), CorrectedStart: d("2025-01-02"), CorrectedOn: d("2025-05-23"),
			Reason: "referral letter date"},
		pathway.EventRetracted{EventID: "e7", RetractedOn: d("2025-05-24"), Reason: "entered on the wrong pathway"},
	}
}()

// Every type has a sample, and the samples decode to themselves.
func TestSampleEventsCoverEveryType(t *testing.T) {
	seen := map[string]bool{}
	for _, e := range sampleEvents {
		typ, data, err := pathway.Encode(e)
		require.NoError(t, err)
		got, err := pathway.Decode(typ, pathway.SchemaVersion, data)
		require.NoError(t, err)
		require.Equal(t, e, got)
		seen[typ] = true
	}
	require.Len(t, seen, len(pathway.EventTypes()))
}
