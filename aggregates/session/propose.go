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
// The walk is done without sorting: qualifying candidates go into one heap per
// expected-minutes value, and each step takes the most urgent head among the buckets
// that still fit. Because the minutes left only shrink, a patient passed over once
// never fits later, so this takes exactly the patients the walk in urgency order
// takes. A run costs O(n + cases × remaining minutes + cases × log n).
func ProposeList(session View, candidates []Candidate, today rtt.Date) Proposal {
	f := factsOfView(&session)
	p := Proposal{Candidates: []Suggestion{}, BookedMinutes: f.booked, RemainingMinutes: f.left(),
		Utilisation: utilisation(f.booked, f.capacity)}
	if f.sessionRefusal(today) != nil {
		return p
	}
	k := ranker{candidates}
	moreUrgent := k.moreUrgent
	buckets := bucketByMinutes(f, candidates, session.Date, moreUrgent)
	var last ranked
	for {
		left := f.left()
		best := -1
		for m := 1; m <= left && m < len(buckets); m++ {
			if len(buckets[m]) > 0 && (best < 0 || k.moreUrgent(&buckets[m][0], &buckets[best][0])) {
				best = m
			}
		}
		if best < 0 {
			break
		}
		var r ranked
		r, buckets[best] = popHeap(buckets[best], moreUrgent)
		c := &candidates[r.i]
		if proposed(p.Candidates, c.PathwayID) {
			continue // the same pathway offered twice: it can go on the list once
		}
		last = r
		p.Candidates = append(p.Candidates, suggestion(c, f, today, left))
		if f.cases > 0 {
			f.booked += f.turnaround
		}
		f.booked += c.ExpectedMinutes
		f.cases++
	}
	if len(p.Candidates) > 0 {
		// Everyone not taken is still in a bucket.
		for _, b := range buckets {
			for j := range b {
				if k.moreUrgent(&b[j], &last) {
					p.PassedOver++
				}
			}
		}
	}
	p.BookedMinutes, p.RemainingMinutes = f.booked, f.left()
	p.Utilisation = utilisation(f.booked, f.capacity)
	return p
}

// bucketByMinutes screens the candidates and places the qualifying ones in one heap
// per expected-minutes value (a counting sort into a single backing slice).
func bucketByMinutes(f *listFacts, candidates []Candidate, sessionDate rtt.Date, moreUrgent func(a, b *ranked) bool) [][]ranked {
	left := f.left()
	counts := make([]int, left+2)
	eligible := make([]int32, 0, len(candidates)/2)
	for i := range candidates {
		c := &candidates[i]
		if f.eligible(&c.PatientFacts, c.ExpectedMinutes) {
			eligible = append(eligible, int32(i))
			counts[c.ExpectedMinutes+1]++
		}
	}
	for m := 1; m < len(counts); m++ {
		counts[m] += counts[m-1]
	}
	entries := make([]ranked, len(eligible))
	next := append([]int(nil), counts...)
	for _, i := range eligible {
		m := candidates[i].ExpectedMinutes
		entries[next[m]] = rankOf(&candidates[i], int(i), sessionDate)
		next[m]++
	}
	buckets := make([][]ranked, left+1)
	for m := range buckets {
		buckets[m] = entries[counts[m]:counts[m+1]]
		heapify(buckets[m], moreUrgent)
	}
	return buckets
}

func proposed(ss []Suggestion, pathwayID string) bool {
	for i := range ss {
		if ss[i].PathwayID == pathwayID {
			return true
		}
	}
	return false
}

func utilisation(booked, capacity int) float64 {
	if capacity <= 0 {
		return 0
	}
	return math.Round(float64(booked)/float64(capacity)*10000) / 10000
}
