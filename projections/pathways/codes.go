package pathways

import (
	"slices"
	"strings"

	"github.com/pathway-ledger/ledger/aggregates/pathway"
	"github.com/pathway-ledger/ledger/projections/rttreport"
)

// codes numbers the specialty and stop-status codes periods refer to, and the list
// types and priorities the PTL filters on (smalls; 0 is none).
type codes struct {
	specs, statuses, smalls []string
	specIdx                 map[string]uint16
	statusIdx, smallIdx     map[string]uint8
	// dtas holds the rare lists of earlier decisions to admit, never reused: a
	// period re-folded leaves its old list behind, a few bytes.
	dtas    [][]rttreport.DTA
	scratch []rttreport.Period
}

func newCodes() codes {
	return codes{specIdx: map[string]uint16{}, statusIdx: map[string]uint8{}, smalls: []string{""}, smallIdx: map[string]uint8{"": 0}}
}

// small numbers a list type or priority: closed national lists of a handful each.
func (c *codes) small(s string) uint8 {
	if i, ok := c.smallIdx[s]; ok {
		return i
	}
	if len(c.smalls) == 1<<8 {
		panic("pathways: more than 255 list types and priorities")
	}
	i := uint8(len(c.smalls))
	s = strings.Clone(s)
	c.smalls, c.smallIdx[s] = append(c.smalls, s), i
	return i
}

func (c *codes) spec(s string) uint16 {
	if i, ok := c.specIdx[s]; ok {
		return i
	}
	// Treatment function codes are a national list of a few hundred; a model that
	// met 65,536 distinct ones is being fed something else.
	if len(c.specs) == 1<<16 {
		panic("pathways: more than 65,536 specialty codes")
	}
	i := uint16(len(c.specs))
	s = strings.Clone(s) // not a view into an unpacked state's string block
	c.specs, c.specIdx[s] = append(c.specs, s), i
	return i
}

func (c *codes) status(s string) uint8 {
	if i, ok := c.statusIdx[s]; ok {
		return i
	}
	if len(c.statuses) == 1<<8 {
		panic("pathways: more than 256 stop status codes")
	}
	i := uint8(len(c.statuses))
	s = strings.Clone(s)
	c.statuses, c.statusIdx[s] = append(c.statuses, s), i
	return i
}

// periodsOf compacts the return's records of a pathway.
func (c *codes) periodsOf(s *pathway.State, into []period) []period {
	if !s.Exists {
		return into
	}
	c.scratch = rttreport.AppendFromPathway(c.scratch[:0], s)
	for _, r := range c.scratch {
		p := period{start: r.StartedOn, stop: r.StoppedOn, dtaFrom: r.DTAFrom, dtaUntil: r.DTAUntil,
			spec: c.spec(r.SpecialtyCode), status: c.status(r.StopStatus)}
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
	return rttreport.Period{EarlierDTAs: earlier, SpecialtyCode: c.specs[p.spec], StartedOn: p.start, Stopped: p.flags&fStopped != 0,
		StoppedOn: p.stop, StopStatus: c.statuses[p.status], Nullified: p.flags&fNullified != 0,
		Admitted: p.flags&fAdmitted != 0, Transferred: p.flags&fTransferred != 0,
		HasDTA: p.flags&fHasDTA != 0, DTAFrom: p.dtaFrom, HasDTAUntil: p.flags&fHasDTAUntil != 0, DTAUntil: p.dtaUntil}
}
