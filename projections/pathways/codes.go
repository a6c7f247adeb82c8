package pathways

import (
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/pathway-ledger/ledger/aggregates/pathway"
	"github.com/pathway-ledger/ledger/projections/rttreport"
)

// codes numbers the specialty and stop-status codes periods refer to, and the list
// types and priorities the PTL filters on (smalls; 0 is none).
type codes struct {
	specs           table[uint16]
	statuses, small table[uint8]
	// dtas holds the rare lists of earlier decisions to admit, never reused: a
	// period re-folded leaves its old list behind, a few bytes.
	dtas    [][]rttreport.DTA
	scratch []rttreport.Period
}

func newCodes() codes {
	c := codes{specs: newTable[uint16]("specialty"), statuses: newTable[uint8]("stop status"),
		small: newTable[uint8]("list type and priority")}
	c.small.of("") // 0 is "none"
	return c
}

// table numbers the distinct values of a closed national code list (treatment
// functions, RTT statuses, list types, priorities), so that each of hundreds of
// thousands of records holds a small index instead of a string.
type table[I uint8 | uint16] struct {
	what  string
	names []string
	index map[string]I
}

func newTable[I uint8 | uint16](what string) table[I] {
	return table[I]{what: what, index: map[string]I{}}
}

// of is s's index, numbering it when it is new. The lists are national and short;
// a model that meets more values than I can number is being fed something else.
func (t *table[I]) of(s string) I {
	if i, ok := t.index[s]; ok {
		return i
	}
	i := I(len(t.names))
	if len(t.names) > 0 && i == 0 {
		panic(fmt.Sprintf("pathways: more than %d distinct %s codes", len(t.names), t.what))
	}
	s = strings.Clone(s) // not a view into an unpacked state's string block
	t.names, t.index[s] = append(t.names, s), i
	return i
}

func (t *table[I]) name(i I) string { return t.names[i] }

// room refuses values when numbering the new ones among them would run out of
// indexes. Until a table is nearly full it looks nothing up.
func (t *table[I]) room(values ...string) error {
	limit := int(^I(0)) + 1
	if len(t.names)+len(values) <= limit {
		return nil
	}
	n := len(t.names)
	for i, v := range values {
		if _, ok := t.index[v]; !ok && !slices.Contains(values[:i], v) {
			n++
		}
	}
	if n > limit {
		return fmt.Errorf("%w: more than %d distinct %s codes (the log holds codes outside the national lists)", errTableFull, limit, t.what)
	}
	return nil
}

// errTableFull: an event carries a code the model has no index left for. Decide
// and the import refuse any code outside the national lists, which are far
// shorter; only a log written around them can get here.
var errTableFull = errors.New("pathways: code table full")

// admit refuses, before anything changes, an event carrying a code that its table
// cannot number: these are the events whose codes reach the tables (evolve puts
// them in the state, reindex and periodsOf number them).
func (c *codes) admit(e pathway.Event) error {
	switch e := e.(type) {
	case pathway.ReferralReceived:
		return c.specs.room(e.SpecialtyCode)
	case pathway.ClockStopped:
		return c.statuses.room(e.Status)
	case pathway.ClockNullified:
		return c.statuses.room(pathway.StatusNullified)
	case pathway.TransferredOut:
		return c.statuses.room(pathway.StatusTransferredOut)
	case pathway.AddedToWaitingList:
		return c.small.room(e.ListType, string(e.Priority))
	case pathway.PriorityChanged:
		return c.small.room(string(e.Priority))
	}
	return nil
}

// lookup is s's code, without numbering s when it has none (a query's filter).
func (t *table[I]) lookup(s string) (I, bool) {
	i, ok := t.index[s]
	return i, ok
}

// periodsOf compacts the return's records of a pathway.
func (c *codes) periodsOf(s *pathway.State, into []period) []period {
	if !s.Exists {
		return into
	}
	c.scratch = rttreport.AppendFromPathway(c.scratch[:0], s)
	for _, r := range c.scratch {
		p := period{start: r.StartedOn, stop: r.StoppedOn, dtaFrom: r.DTAFrom, dtaUntil: r.DTAUntil,
			spec: c.specs.of(r.SpecialtyCode), status: c.statuses.of(r.StopStatus)}
		if len(r.EarlierDTAs) > 0 {
			// A pathway re-indexed on each event keeps its list when it is unchanged
			// (into is its previous records' array).
			if n := len(into); n < cap(into) {
				if old := into[:n+1][n].earlier; old != 0 && slices.Equal(c.dtas[old-1], r.EarlierDTAs) {
					p.earlier = old
				}
			}
			if p.earlier == 0 {
				p.earlier = c.earlier(r.EarlierDTAs)
			}
		}
		for _, f := range []struct {
			on   bool
			flag uint8
		}{{r.Stopped, fStopped}, {r.Nullified, fNullified}, {r.Admitted, fAdmitted}, {r.Transferred, fTransferred},
			{r.HasDTA, fHasDTA}, {r.HasDTAUntil, fHasDTAUntil}} {
			if f.on {
				p.flags |= f.flag
			}
		}
		into = append(into, p)
	}
	return into
}

// earlier files a list of earlier decisions to admit.
func (c *codes) earlier(dtas []rttreport.DTA) uint32 {
	c.dtas = append(c.dtas, slices.Clone(dtas))
	return uint32(len(c.dtas))
}

func (c *codes) record(p *period) rttreport.Period {
	var earlier []rttreport.DTA
	if p.earlier != 0 {
		earlier = c.dtas[p.earlier-1]
	}
	return rttreport.Period{EarlierDTAs: earlier, SpecialtyCode: c.specs.name(p.spec), StartedOn: p.start, Stopped: p.flags&fStopped != 0,
		StoppedOn: p.stop, StopStatus: c.statuses.name(p.status), Nullified: p.flags&fNullified != 0,
		Admitted: p.flags&fAdmitted != 0, Transferred: p.flags&fTransferred != 0,
		HasDTA: p.flags&fHasDTA != 0, DTAFrom: p.dtaFrom, HasDTAUntil: p.flags&fHasDTAUntil != 0, DTAUntil: p.dtaUntil}
}
