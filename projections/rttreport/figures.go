package rttreport

import (
	"sort"

	"github.com/pathway-ledger/ledger/rtt"
)

// Figures are the published measures of one group of periods (percent 0–100). Median and percentiles
// are nil when suppressed (fewer than 50 periods), as in the published tables.
type Figures struct {
	Total                int            `json:"total"`
	Within18Weeks        int            `json:"within_18_weeks"`
	PercentWithin18Weeks *float64       `json:"percent_within_18_weeks"`
	Over52Weeks          int            `json:"over_52_weeks"`
	Over65Weeks          int            `json:"over_65_weeks"`
	Over78Weeks          int            `json:"over_78_weeks"`
	Over104Weeks         int            `json:"over_104_weeks"`
	MedianWeeks          *float64       `json:"median_weeks"`
	P92Weeks             *float64       `json:"p92_weeks"`
	P95Weeks             *float64       `json:"p95_weeks"`
	Bands                [rtt.Bands]int `json:"bands"`
}

// LineFigures are the figures of one national reporting line (C_100 … X06).
type LineFigures struct {
	Code string `json:"code"`
	Figures
}

// Part is one part of the return: a total and its split by reporting line.
type Part struct {
	Figures
	ByTreatmentFunction []LineFigures `json:"by_treatment_function"`
}

// tally accumulates waits into bands; figures are finished once at the end so that
// adding a wait is a couple of integer operations.
type tally struct {
	bands [rtt.Bands]int
	total int
	over  [4]int // 52, 65, 78, 104 weeks
}

var overWeeks = [4]int{52, 65, 78, 104}

func (t *tally) add(days int) {
	t.bands[rtt.WeekBand(days)]++
	t.total++
	for i, w := range overWeeks {
		if rtt.Over(days, w) {
			t.over[i]++
		}
	}
}

func (t *tally) figures() Figures {
	f := Figures{Total: t.total, Bands: t.bands}
	for k := 0; k < 18; k++ {
		f.Within18Weeks += t.bands[k]
	}
	f.Over52Weeks, f.Over65Weeks, f.Over78Weeks, f.Over104Weeks = t.over[0], t.over[1], t.over[2], t.over[3]
	if t.total > 0 {
		pct := 100 * float64(f.Within18Weeks) / float64(t.total)
		f.PercentWithin18Weeks = &pct
	}
	bands := t.bands[:]
	if m, ok := rtt.Median(bands); ok {
		f.MedianWeeks = &m
	}
	if p, ok := rtt.BandPercentile(bands, 0.92); ok {
		f.P92Weeks = &p
	}
	if p, ok := rtt.BandPercentile(bands, 0.95); ok {
		f.P95Weeks = &p
	}
	return f
}

// partTally is a tally in total and per reporting line.
type partTally struct {
	all   tally
	lines map[string]*tally
}

func newPartTally() *partTally { return &partTally{lines: map[string]*tally{}} }

func (p *partTally) add(line string, days int) {
	p.all.add(days)
	t := p.lines[line]
	if t == nil {
		t = &tally{}
		p.lines[line] = t
	}
	t.add(days)
}

func (p *partTally) part() Part {
	out := Part{Figures: p.all.figures(), ByTreatmentFunction: make([]LineFigures, 0, len(p.lines))}
	for code, t := range p.lines {
		out.ByTreatmentFunction = append(out.ByTreatmentFunction, LineFigures{Code: code, Figures: t.figures()})
	}
	sort.Slice(out.ByTreatmentFunction, func(i, j int) bool {
		return out.ByTreatmentFunction[i].Code < out.ByTreatmentFunction[j].Code
	})
	return out
}
