package pathways

import (
	"context"
	"time"

	"github.com/pathway-ledger/ledger/eventstore"
	"github.com/pathway-ledger/ledger/projections/rttreport"
	"github.com/pathway-ledger/ledger/rtt"
)

// ReportPeriods gives the return's records of every period of every pathway.
func (m *ReadModel) ReportPeriods() []rttreport.Period {
	m.mu.RLock()
	defer m.mu.RUnlock()
	out := make([]rttreport.Period, 0, len(m.paths))
	for _, s := range m.paths {
		out = append(out, rttreport.FromPathway(s)...)
	}
	return out
}

// Report computes the monthly RTT return for a census date.
func (m *ReadModel) Report(census rtt.Date) rttreport.Report {
	return rttreport.Compute(census, m.ReportPeriods())
}

// BuildAsOf builds a fresh model from the events recorded at or before asOf: the
// ledger's knowledge at that instant, to reproduce a return exactly as submitted.
func BuildAsOf(ctx context.Context, r eventstore.Reader, asOf time.Time) (*ReadModel, error) {
	m := New()
	var after uint64
	for {
		page, err := r.ReadAll(ctx, after, 4096)
		if err != nil {
			return nil, err
		}
		if len(page) == 0 {
			return m, nil
		}
		for _, ev := range page {
			after = ev.Position
			if ev.RecordedAt.After(asOf) {
				continue
			}
			if err := m.Apply(ev); err != nil {
				return nil, err
			}
		}
	}
}
