package pathway

import (
	"fmt"
	"testing"
)

// thirtyEvents is a realistic 30-event pathway: referral, outpatients, a decision to
// admit, pre-op, offers and declines, bookings and a cancellation, validations,
// treatment.
func thirtyEvents(b *testing.B) []Recorded {
	r := newRun(&testing.T{})
	r.do(refer("2025-01-06"))
	r.do(activity("2025-02-03", "outpatient_first", "20"))
	r.do(activity("2025-03-03", "outpatient_follow_up", "20"))
	r.do(AddToWaitingList{DecidedOn: d("2025-03-03"), ListType: "inpatient", Priority: "P3", ExpectedMinutes: 90})
	r.do(RecordPreOp{AssessedOn: d("2025-03-10"), Outcome: "fit", ValidUntil: dp("2025-09-10")})
	r.do(FlagAlert{FlaggedOn: d("2025-03-10"), Code: "interpreter"})
	for i := 0; i < 6; i++ {
		id := fmt.Sprintf("o%d", i)
		on := d("2025-03-11").AddDays(i * 7)
		r.do(MakeOffer{OfferID: id, OfferedOn: on, AppointmentOn: on.AddDays(28)})
		r.do(DeclineOffer{OfferID: id, DeclinedOn: on.AddDays(1)})
	}
	r.do(DeclareUnavailability{From: d("2025-05-01"), To: d("2025-05-14")})
	for i := 0; i < 4; i++ {
		id := fmt.Sprintf("b%d", i)
		r.do(BookAdmission{BookingID: id, AdmissionOn: d("2025-06-02").AddDays(i * 7), BookedOn: d("2025-05-15")})
		if i < 3 {
			r.do(CancelBooking{BookingID: id, CancelledOn: d("2025-05-20"), CancelledBy: "patient", Reason: "unwell"})
		}
	}
	r.do(ChangePriority{ChangedOn: d("2025-05-21"), Priority: "P2"})
	r.do(RecordValidation{ValidationID: "v1", ValidatedOn: d("2025-05-22"), Outcome: "confirmed", Notes: "checked"})
	r.do(activity("2025-06-23", "admission", "30"))
	if len(r.history) < 30 {
		b.Fatalf("only %d events", len(r.history))
	}
	return r.history[:30]
}

// BenchmarkFoldAndDerive30: fold and derive a 30-event pathway; events/s counts
// events applied (fold) per second.
func BenchmarkFoldAndDerive30(b *testing.B) {
	h := thirtyEvents(b)
	on := d("2025-07-01")
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		v := Derive(h, on, DeriveOptions{})
		if len(v.Periods) == 0 {
			b.Fatal("no periods")
		}
	}
	b.ReportMetric(float64(b.N*len(h))/b.Elapsed().Seconds(), "events/s")
}

// BenchmarkFold30: the fold alone, as a command handler loads a pathway.
func BenchmarkFold30(b *testing.B) {
	h := thirtyEvents(b)
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		s := Fold(h)
		if !s.Exists {
			b.Fatal("no pathway")
		}
	}
	b.ReportMetric(float64(b.N*len(h))/b.Elapsed().Seconds(), "events/s")
}
