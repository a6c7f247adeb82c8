package pathways

import (
	"encoding/base64"
	"errors"
	"sort"
	"strings"

	"github.com/pathway-ledger/ledger/aggregates/pathway"
	"github.com/pathway-ledger/ledger/rtt"
)

// ErrBadCursor: the cursor was not one this model issued.
var ErrBadCursor = errors.New("pathways: cursor is not valid")

// Query selects a page of the waiting list (API.md GET /v1/waiting-list).
type Query struct {
	On                                rtt.Date
	SpecialtyCode, ListType, Priority string
	MinWeeks, MaxWeeks                *int
	BreachWithinDays                  *int
	Limit                             int
	Cursor                            string
}

// Item is one open RTT period on the PTL. It carries no patient identifier.
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

// DefaultLimit and MaxLimit bound a page.
const (
	DefaultLimit = 50
	MaxLimit     = 500
)

type indexEntry struct {
	start rtt.Date
	id    string
}

// ordered returns running periods by start date then id, rebuilding the index only
// after events changed it. Callers hold at least the read lock; the rebuild takes
// the write lock itself.
func (m *ReadModel) ordered() []indexEntry {
	m.mu.RLock()
	if !m.dirty {
		idx := m.index
		m.mu.RUnlock()
		return idx
	}
	m.mu.RUnlock()
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.dirty {
		idx := make([]indexEntry, 0, len(m.paths))
		for id, s := range m.paths {
			if p := s.Running(); p != nil {
				idx = append(idx, indexEntry{p.StartedOn, id})
			}
		}
		sort.Slice(idx, func(i, j int) bool {
			if c := idx[i].start.Compare(idx[j].start); c != 0 {
				return c < 0
			}
			return idx[i].id < idx[j].id
		})
		m.index, m.dirty = idx, false
	}
	return m.index
}

func encodeCursor(e indexEntry) string {
	return base64.RawURLEncoding.EncodeToString([]byte(e.start.String() + "|" + e.id))
}

func decodeCursor(c string) (indexEntry, error) {
	b, err := base64.RawURLEncoding.DecodeString(c)
	if err != nil {
		return indexEntry{}, ErrBadCursor
	}
	day, id, ok := strings.Cut(string(b), "|")
	d, err := rtt.ParseDate(day)
	if !ok || err != nil || id == "" {
		return indexEntry{}, ErrBadCursor
	}
	return indexEntry{d, id}, nil
}

// WaitingList returns a page of open periods, longest wait first, and the cursor of
// the next page ("" at the end).
func (m *ReadModel) WaitingList(q Query) ([]Item, string, error) {
	limit := q.Limit
	if limit <= 0 {
		limit = DefaultLimit
	}
	limit = min(limit, MaxLimit)
	idx := m.ordered()
	from := 0
	if q.Cursor != "" {
		c, err := decodeCursor(q.Cursor)
		if err != nil {
			return nil, "", err
		}
		from = sort.Search(len(idx), func(i int) bool {
			if cmp := idx[i].start.Compare(c.start); cmp != 0 {
				return cmp > 0
			}
			return idx[i].id > c.id
		})
	}
	m.mu.RLock()
	defer m.mu.RUnlock()
	items := make([]Item, 0, limit)
	for i := from; i < len(idx); i++ {
		s := m.paths[idx[i].id]
		if s == nil || s.Running() == nil || !matches(s, q) {
			continue
		}
		if len(items) == limit {
			return items, encodeCursor(idx[i-1]), nil
		}
		items = append(items, item(s, q.On))
	}
	return items, "", nil
}

func matches(s *pathway.State, q Query) bool {
	if q.SpecialtyCode != "" && s.SpecialtyCode != q.SpecialtyCode {
		return false
	}
	en := s.OpenEntry()
	if q.ListType != "" && (en == nil || en.ListType != q.ListType) {
		return false
	}
	if q.Priority != "" && (en == nil || string(en.Priority) != q.Priority) {
		return false
	}
	start := s.Running().StartedOn
	weeks := rtt.WaitDays(start, q.On) / 7
	if q.MinWeeks != nil && weeks < *q.MinWeeks {
		return false
	}
	if q.MaxWeeks != nil && weeks > *q.MaxWeeks {
		return false
	}
	if q.BreachWithinDays != nil && rtt.BreachDate(start).After(q.On.AddDays(*q.BreachWithinDays)) {
		return false
	}
	return true
}

func item(s *pathway.State, on rtt.Date) Item {
	v := pathway.DeriveState(*s, on, pathway.DeriveOptions{})
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
	return it
}
