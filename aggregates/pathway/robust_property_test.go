package pathway_test

import (
	"reflect"
	"testing"

	"pgregory.net/rapid"

	"github.com/pathway-ledger/ledger/aggregates/pathway"
	"github.com/pathway-ledger/ledger/aggregates/pathway/pathwaytest"
	"github.com/pathway-ledger/ledger/rtt"
)

// A history in any order, with admissible codes, folds, steps, derives and
// decides without a panic: a log written around Decide must not crash what reads it.
func TestPropertyAnyAdmissibleHistoryFoldsWithoutPanic(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		history := pathwaytest.History(t, "p", 30)
		for _, r := range history {
			if err := pathway.CheckRecorded(r.Event); err != nil {
				t.Fatalf("the generator drew an event the import refuses: %v", err)
			}
		}
		s := pathway.Fold(history)
		stepped := pathway.New()
		evolved := pathway.New()
		for _, r := range history {
			if !pathway.StepInPlace(&stepped, r) {
				stepped = pathway.Fold(history[:r.StreamVersion+1]).WithoutHistory()
			}
			evolved = pathway.Evolve(evolved, r)
		}
		// The read model steps states and re-folds on a retraction; the aggregate
		// folds whole: both must agree on any log, not only on Decide's.
		if !reflect.DeepEqual(stepped, s.WithoutHistory()) {
			t.Fatalf("stepping differs from folding:\n%+v\nwant\n%+v", stepped, s.WithoutHistory())
		}
		if !reflect.DeepEqual(evolved.WithoutHistory(), s.WithoutHistory()) || len(evolved.History()) != len(history) {
			t.Fatalf("evolving differs from folding:\n%+v\nwant\n%+v", evolved, s)
		}
		on := rtt.MustParseDate("2024-01-01").AddDays(rapid.IntRange(0, 800).Draw(t, "on"))
		pathway.DeriveState(s, on, pathway.DeriveOptions{})
		pathway.Derive(history, on, pathway.DeriveOptions{})
		ctx := pathway.DecideContext{Today: rtt.MustParseDate("2027-01-01")}
		for _, cmd := range []pathway.Command{
			pathway.RecordActivity{OccurredOn: on, Kind: "outpatient_follow_up", RTTStatus: "30"},
			pathway.RecordActivity{OccurredOn: on, Kind: "admission", RTTStatus: "33", Attendance: "did_not_attend"},
			pathway.AddToWaitingList{DecidedOn: on, ListType: "inpatient", Priority: "P2"},
			pathway.ChangePriority{ChangedOn: on, Priority: "P3"},
			pathway.MakeOffer{OfferID: "a", OfferedOn: on, AppointmentOn: on.AddDays(21)},
			pathway.DeclineOffer{OfferID: "a", DeclinedOn: on},
			pathway.BookAdmission{BookingID: "b", AdmissionOn: on.AddDays(14), BookedOn: on},
			pathway.CancelBooking{BookingID: "b", CancelledOn: on, CancelledBy: "patient", Reason: "r"},
			pathway.CorrectClockStart{PeriodStartedOn: on, CorrectedStart: on.AddDays(-3), CorrectedOn: on, Reason: "r"},
		} {
			_, _ = pathway.Decide(s, cmd, ctx)
		}
	})
}
