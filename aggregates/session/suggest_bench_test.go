package session

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"testing"
	"time"

	"github.com/pathway-ledger/ledger/rtt"
)

// benchCandidates is a worst case for one session: a whole trust-sized waiting list
// of 100k open pathways, all of the session's specialty (the caller need not
// pre-filter), most with a fit pre-op in date, a quarter with special requirements,
// a few booked elsewhere that day.
func benchCandidates(n int) []Candidate {
	r := rand.New(rand.NewPCG(1, 2))
	prios := []rtt.Priority{rtt.P1b, rtt.P2, rtt.P2, rtt.P3, rtt.P3, rtt.P3, rtt.P4, rtt.P4}
	out := make([]Candidate, n)
	for i := range out {
		listed := sessionDate.AddDays(-r.IntN(300))
		p := prios[r.IntN(len(prios))]
		c := Candidate{
			PatientFacts: PatientFacts{
				PathwayID:     fmt.Sprintf("%08x-0000-7000-8000-%012x", i, i),
				SpecialtyCode: "110",
				Closed:        r.IntN(100) == 0,
			},
			ExpectedMinutes: 20 + r.IntN(160),
			Priority:        p,
			ClockStart:      listed.AddDays(-r.IntN(120)),
		}
		if due, ok := p.DueDate(listed); ok {
			c.PriorityDueOn = &due
		}
		if r.IntN(10) < 8 {
			valid := sessionDate.AddDays(r.IntN(90) - 10)
			pre := &PreOp{Outcome: PreOpFit, AssessedOn: valid.AddDays(-84), ValidUntil: &valid}
			if r.IntN(4) == 0 {
				pre.Requirements = Requirements{HDUBed: r.IntN(2) == 0, Kit: []string{"Arthroscopy stack"}, AnaesthetistGrade: GradeConsultant}
			}
			if r.IntN(20) == 0 {
				pre.Outcome = PreOpReview
			}
			c.PreOp = pre
		}
		if r.IntN(50) == 0 {
			c.OtherBookingsOnDate = []SessionRef{{SessionID: "s2", BookingID: "b"}}
		}
		out[i] = c
	}
	return out
}

// reportLatency adds p50 and p99 of the per-call durations to the benchmark output.
func reportLatency(b *testing.B, d []time.Duration) {
	slices.Sort(d)
	at := func(q float64) float64 { return float64(d[int(q*float64(len(d)-1))].Microseconds()) / 1000 }
	b.ReportMetric(at(0.50), "p50-ms")
	b.ReportMetric(at(0.99), "p99-ms")
}

func BenchmarkSuggest100k(b *testing.B) {
	cs := benchCandidates(100_000)
	v := Fold([]Event{planned(), scheduled("p0", 100)}).View(MilestonePolicy{}, today)
	var lat []time.Duration
	b.ReportAllocs()
	for b.Loop() {
		start := time.Now()
		got := Suggest(v, cs, today, 20)
		lat = append(lat, time.Since(start))
		if len(got) != 20 {
			b.Fatalf("got %d suggestions", len(got))
		}
	}
	reportLatency(b, lat)
}

func BenchmarkProposeList100k(b *testing.B) {
	cs := benchCandidates(100_000)
	v := Fold([]Event{planned()}).View(MilestonePolicy{}, today)
	var lat []time.Duration
	b.ReportAllocs()
	for b.Loop() {
		start := time.Now()
		p := ProposeList(v, cs, today)
		lat = append(lat, time.Since(start))
		if len(p.Candidates) == 0 {
			b.Fatal("empty proposal")
		}
	}
	reportLatency(b, lat)
}
