package session

import (
	"math"

	"github.com/pathway-ledger/ledger/rtt"
)

// Proposal is a whole-list proposal: the patients to add, in urgency order, and what
// the list would look like with them.
type Proposal struct {
	Candidates       []Suggestion `json:"candidates"`
	BookedMinutes    int          `json:"booked_minutes"`
	RemainingMinutes int          `json:"remaining_minutes"`
	Utilisation      float64      `json:"utilisation"`
	// PassedOver counts qualifying patients more urgent than the last one proposed who
	// did not fit the minutes left at their turn.
	PassedOver int `json:"passed_over"`
}

// ProposeList proposes patients to fill the session's remaining minutes. It walks the
// qualifying candidates (as Suggest) in urgency order and takes each one whose
// expected minutes, plus a turnaround when the list already has a case, fit the
// minutes still free. So a patient is left out only when, at their turn, the minutes
// left after every more urgent patient already taken cannot hold them; no less urgent
// patient is ever preferred to a more urgent one who fits, and shorter, less urgent
// cases fill the gaps the urgent ones leave. That rule determines the proposal: no
// other list keeps it.
//
// The candidates are heapified rather than sorted and the walk stops once the minutes
// left are below the shortest qualifying case, so a run costs O(n + k log n).
func ProposeList(session View, candidates []Candidate, today rtt.Date) Proposal {
	f := factsOfView(&session)
	p := Proposal{Candidates: []Suggestion{}, BookedMinutes: f.booked, RemainingMinutes: f.left()}
	if f.sessionRefusal(today) != nil {
		p.Utilisation = utilisation(f.booked, f.capacity)
		return p
	}
	h := make([]ranked, 0, 64)
	shortest := math.MaxInt
	for i := range candidates {
		c := &candidates[i]
		if f.eligible(&c.PatientFacts, c.ExpectedMinutes) {
			h = append(h, rankOf(c, i, session.Date))
			shortest = min(shortest, c.ExpectedMinutes)
		}
	}
	heapify(h, moreUrgent)
	skipped := 0
	for len(h) > 0 && f.left() >= shortest {
		var r ranked
		r, h = popHeap(h, moreUrgent)
		c := &candidates[r.i]
		left := f.left()
		if c.ExpectedMinutes > left {
			skipped++
			continue
		}
		p.Candidates = append(p.Candidates, suggestion(c, f, today, left))
		p.PassedOver += skipped
		skipped = 0
		if f.cases > 0 {
			f.booked += f.turnaround
		}
		f.booked += c.ExpectedMinutes
		f.cases++
	}
	p.BookedMinutes, p.RemainingMinutes = f.booked, f.left()
	p.Utilisation = utilisation(f.booked, f.capacity)
	return p
}

func utilisation(booked, capacity int) float64 {
	if capacity <= 0 {
		return 0
	}
	return math.Round(float64(booked)/float64(capacity)*10000) / 10000
}
