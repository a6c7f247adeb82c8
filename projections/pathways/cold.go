package pathways

import (
	"slices"
	"strings"

	"github.com/google/uuid"

	"github.com/pathway-ledger/ledger/aggregates/pathway"
	"github.com/pathway-ledger/ledger/projections/rttreport"
	"github.com/pathway-ledger/ledger/rtt"
)

// period is one RTT period as the return counts it (rttreport.Period without the
// pathway id), in 24 bytes: most pathways a trust has ever had are finished, and
// for those this is all the model keeps.
type period struct {
	start, stop, dtaFrom, dtaUntil rtt.Date
	// earlier is 1 + the index in codes.dtas of the decisions to admit closed
	// before the latest (0: none, nearly always).
	earlier uint32
	spec    uint16 // index in codes.specs
	status  uint8  // index in codes.statuses
	flags   uint8
}

const (
	fStopped uint8 = 1 << iota
	fNullified
	fAdmitted
	fTransferred
	fHasDTA
	fHasDTAUntil
	fDead // a cold pathway came back: its old records no longer count
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

// span locates a cold pathway's periods in coldStore.periods; stands is false for a
// stream whose referral was retracted (cold, but no pathway).
type span struct{ off, n uint32 }

// standsBit marks, in span.n, a pathway whose referral stands: the flag rides in the
// count to keep the map's values at 8 bytes (a pathway never has 2^31 periods).
const standsBit = 1 << 31

func (s span) count() uint32 { return s.n &^ standsBit }

func (s span) stands() bool { return s.n&standsBit != 0 }

// coldStore holds the pathways nothing live depends on (no running period, no
// untreated 28-day guarantee) as their return records only. A pathway id that is a
// canonical UUID (what the API and the generator issue) is keyed by its 16 bytes;
// any other id by its string. An event for a cold pathway re-reads its stream.
type coldStore struct {
	byUUID  map[[16]byte]span
	byName  map[string]span
	periods []period
	dead    int
	// exists counts the cold pathways whose referral stands.
	exists int
}

func newColdStore() coldStore {
	return coldStore{byUUID: map[[16]byte]span{}, byName: map[string]span{}}
}

// uuidKey is id's 16 bytes when id is a canonical lower-case UUID.
func uuidKey(id string) ([16]byte, bool) {
	if len(id) != 36 {
		return [16]byte{}, false
	}
	// A 36-byte text uuid.Parse accepts is the hyphenated form; canonical means
	// lower case as well, so that the key turns back into the same id.
	for i := 0; i < len(id); i++ {
		if c := id[i]; c >= 'A' && c <= 'F' {
			return [16]byte{}, false
		}
	}
	u, err := uuid.Parse(id)
	if err != nil {
		return [16]byte{}, false
	}
	return u, true
}

func uuidString(k []byte) string { return uuid.UUID(k).String() }

func (c *coldStore) has(id string) bool {
	if k, ok := uuidKey(id); ok {
		_, found := c.byUUID[k]
		return found
	}
	_, found := c.byName[id]
	return found
}

// put files a pathway's periods under id (which must not be cold already).
func (c *coldStore) put(id string, ps []period, exists bool) {
	sp := span{off: uint32(len(c.periods)), n: uint32(len(ps))}
	if exists {
		sp.n |= standsBit
	}
	c.periods = append(c.periods, ps...)
	if k, ok := uuidKey(id); ok {
		c.byUUID[k] = sp
	} else {
		c.byName[id] = sp
	}
	if exists {
		c.exists++
	}
}

// take removes id from the store, reporting whether it was there. Its periods stay
// in place, marked dead, until enough are dead to be worth compacting.
func (c *coldStore) take(id string) bool {
	var sp span
	if k, ok := uuidKey(id); ok {
		s, found := c.byUUID[k]
		if !found {
			return false
		}
		sp = s
		delete(c.byUUID, k)
	} else {
		s, found := c.byName[id]
		if !found {
			return false
		}
		sp = s
		delete(c.byName, id)
	}
	for i := sp.off; i < sp.off+sp.count(); i++ {
		c.periods[i].flags |= fDead
	}
	c.dead += int(sp.count())
	if sp.stands() {
		c.exists--
	}
	if c.dead > 4096 && c.dead > len(c.periods)/2 {
		c.compact()
	}
	return true
}

// compact drops dead periods, moving every span.
func (c *coldStore) compact() {
	live := make([]period, 0, len(c.periods)-c.dead)
	move := func(sp span) span {
		out := span{off: uint32(len(live)), n: sp.n}
		live = append(live, c.periods[sp.off:sp.off+sp.count()]...)
		return out
	}
	for k, sp := range c.byUUID {
		c.byUUID[k] = move(sp)
	}
	for k, sp := range c.byName {
		c.byName[k] = move(sp)
	}
	c.periods, c.dead = live, 0
}
