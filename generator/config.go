// Package generator makes a realistic synthetic trust, deterministic by seed: pathways
// across the booking team's specialties with referral mixes, DNAs, decisions to admit,
// FSSA priorities, offers and declines, cancellations, active monitoring, transfers and
// treatment, plus a plan of theatre and endoscopy sessions. Every event is produced by
// the aggregates' Decide, so every generated fact obeys the ledger's rules.
package generator

import (
	"fmt"

	"github.com/pathway-ledger/ledger/rtt"
)

// Config sizes and dates a generated trust.
type Config struct {
	Pathways int
	Seed     uint64
	// Today is the last day anything may have happened; referrals spread over the
	// HistoryDays before it.
	Today       rtt.Date
	HistoryDays int
	// SessionWeeks of theatre, endoscopy and day-case sessions are planned from Today.
	SessionWeeks int
}

// Validate refuses a configuration that cannot produce a trust.
func (c Config) Validate() error {
	switch {
	case c.Pathways < 0 || c.Pathways > 20_000_000:
		return fmt.Errorf("generator: pathways must be 0 to 20,000,000, got %d", c.Pathways)
	case c.HistoryDays < 30:
		return fmt.Errorf("generator: history must be at least 30 days, got %d", c.HistoryDays)
	case c.SessionWeeks < 0 || c.SessionWeeks > 52:
		return fmt.Errorf("generator: session weeks must be 0 to 52, got %d", c.SessionWeeks)
	}
	return nil
}

// specialty is one of the booking team's specialties (RTT.md §7) with its share of
// referrals and the shape of its pathways.
type specialty struct {
	code        string
	weight      int     // share of referrals
	twoWeekWait float64 // share of suspected-cancer referrals
	admitRate   float64 // share of first outpatient outcomes that are a decision to admit
	listType    string  // the list its admissions go on
	minutes     [2]int  // expected procedure minutes, min and max
}

var specialties = []specialty{
	{"100", 14, 0.10, 0.45, "inpatient", [2]int{60, 180}},
	{"101", 10, 0.15, 0.40, "day_case", [2]int{30, 120}},
	{"103", 5, 0.40, 0.50, "day_case", [2]int{45, 120}},
	{"104", 6, 0.25, 0.45, "endoscopy", [2]int{20, 45}},
	{"106", 4, 0.25, 0.40, "endoscopy", [2]int{20, 40}},
	{"107", 3, 0.02, 0.40, "inpatient", [2]int{90, 240}},
	{"110", 18, 0.01, 0.50, "inpatient", [2]int{60, 200}},
	{"130", 14, 0.01, 0.55, "day_case", [2]int{20, 45}},
	{"140", 5, 0.03, 0.45, "day_case", [2]int{30, 90}},
	{"160", 4, 0.05, 0.45, "day_case", [2]int{30, 120}},
	{"191", 3, 0.00, 0.35, "day_case", [2]int{20, 40}},
	{"301", 6, 0.15, 0.50, "endoscopy", [2]int{15, 40}},
	{"502", 8, 0.10, 0.45, "day_case", [2]int{30, 120}},
}

var totalWeight = func() int {
	n := 0
	for _, s := range specialties {
		n += s.weight
	}
	return n
}()
