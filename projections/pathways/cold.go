package pathways

import (
	"github.com/google/uuid"

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

// uuidKey is id's 16 bytes when id is a canonical lower-case UUID, so that the key
// turns back into the same id.
func uuidKey(id string) ([16]byte, bool) { return canonicalUUID(id) }

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
