package pathways

import (
	"github.com/pathway-ledger/ledger/aggregates/pathway"
	"github.com/pathway-ledger/ledger/rtt"
)

// DefaultLimit and MaxLimit bound a page of the waiting list.
const (
	DefaultLimit = 50
	MaxLimit     = 500
)

// Query selects a page of the waiting list (API.md GET /v1/waiting-list). On is the
// date waits are evaluated on; empty strings and nil pointers do not filter.
type Query struct {
	On                                rtt.Date
	SpecialtyCode, ListType, Priority string
	// MinWeeks and MaxWeeks bound the whole weeks waited on On (floor(days/7)).
	MinWeeks, MaxWeeks *int
	// BreachWithinDays keeps periods whose breach date is on or before On + N days,
	// those already breached included.
	BreachWithinDays *int
	// Limit is the page size: 0 means DefaultLimit, more than MaxLimit is MaxLimit.
	Limit  int
	Cursor string
}

// Item is one running RTT period on the PTL (API.md WaitingListItem). It carries no
// patient identifier. ListType, Priority and DecidedOn are nil while the period has
// no open decision to admit.
type Item struct {
	PathwayID        string            `json:"pathway_id"`
	SpecialtyCode    string            `json:"specialty_code"`
	ReportingLine    string            `json:"reporting_line"`
	ReferralPriority string            `json:"referral_priority"`
	StartedOn        rtt.Date          `json:"started_on"`
	WaitDays         int               `json:"wait_days"`
	WeeksWaited      int               `json:"weeks_waited"`
	WeekBand         string            `json:"week_band"`
	BreachOn         rtt.Date          `json:"breach_on"`
	DaysToBreach     int               `json:"days_to_breach"`
	ListType         *string           `json:"list_type"`
	Priority         *string           `json:"priority"`
	PriorityDueOn    *rtt.Date         `json:"priority_due_on"`
	DecidedOn        *rtt.Date         `json:"decided_on"`
	NextTCIOn        *rtt.Date         `json:"next_tci_on"`
	Findings         []pathway.Finding `json:"findings"`
}

// WaitingList returns a page of running periods, longest wait first (started_on,
// then pathway_id), and the cursor of the next page ("" after the last). A cursor
// names the last item's key, so a page after it neither repeats nor skips a period
// whose start did not change in between. Errors are *QueryError: ErrBadCursor or
// ErrBadQuery.
func (m *ReadModel) WaitingList(q Query) (items []Item, nextCursor string, err error) {
	sc, err := newScan(q)
	if err != nil {
		return nil, "", err
	}
	type hit struct {
		state pathway.State
		dups  []string
	}
	hits := make([]hit, 0, sc.limit)
	more := false
	m.mu.RLock()
	sc.codes = &m.codes
	index := &m.ptl
	if q.SpecialtyCode != "" {
		index = &ptlIndex{}
		if i, ok := m.codes.specs.lookup(q.SpecialtyCode); ok && int(i) < len(m.ptlBySpecialty) && m.ptlBySpecialty[i] != nil {
			index = m.ptlBySpecialty[i]
		}
	}
	index.ascend(sc.from, sc.bounded, sc.afterID, sc.after, func(p *rec) bool {
		if sc.past(p.start) {
			return false
		}
		if !sc.matches(p) {
			return true
		}
		if len(hits) == sc.limit {
			more = true
			return false
		}
		s, serr := m.stateOf(p)
		if serr != nil {
			err = serr
			return false
		}
		hits = append(hits, hit{s, m.candidatesLocked(p)})
		return true
	})
	m.mu.RUnlock()
	if err != nil {
		return nil, "", err
	}
	// The states are immutable values: findings are derived outside the lock.
	items = make([]Item, len(hits))
	for i := range hits {
		items[i] = itemOf(pathway.DeriveState(hits[i].state, q.On, pathway.DeriveOptions{DuplicateCandidates: hits[i].dups}), q.On)
	}
	if more {
		last := items[len(items)-1]
		nextCursor = encodeCursor(last.StartedOn, last.PathwayID)
	}
	return items, nextCursor, nil
}

func itemOf(v pathway.View, on rtt.Date) Item {
	p := v.CurrentPeriod
	it := Item{PathwayID: v.PathwayID, SpecialtyCode: v.SpecialtyCode, ReportingLine: v.ReportingLine,
		ReferralPriority: v.ReferralPriority, StartedOn: p.StartedOn, WaitDays: p.WaitDays, WeeksWaited: p.WaitDays / 7,
		WeekBand: p.WeekBand, BreachOn: p.BreachOn, DaysToBreach: rtt.DaysBetween(on, p.BreachOn), Findings: v.Findings}
	if wl := v.WaitingList; wl != nil {
		lt, pr, dec := wl.ListType, string(wl.Priority), wl.DecidedOn
		it.ListType, it.Priority, it.DecidedOn, it.PriorityDueOn = &lt, &pr, &dec, wl.PriorityDueOn
	}
	for _, b := range v.Bookings {
		if b.Status == "booked" && !b.AdmissionOn.Before(on) && (it.NextTCIOn == nil || b.AdmissionOn.Before(*it.NextTCIOn)) {
			d := b.AdmissionOn
			it.NextTCIOn = &d
		}
	}
	if it.Findings == nil {
		it.Findings = []pathway.Finding{}
	}
	return it
}

// EachRunning calls fn with every pathway that has a running period, longest wait
// first (started_on, then pathway_id), and its duplicate candidates, until fn
// returns an error. It holds the read lock throughout: for offline exports of a
// model nothing else writes to, not for a server.
func (m *ReadModel) EachRunning(fn func(s pathway.State, duplicates []string) error) error {
	m.mu.RLock()
	defer m.mu.RUnlock()
	var err error
	m.ptl.ascend(rtt.Date{}, false, "", false, func(p *rec) bool {
		s, serr := m.stateOf(p)
		if serr == nil {
			serr = fn(s, m.candidatesLocked(p))
		}
		err = serr
		return err == nil
	})
	return err
}
