package pathways

import (
	"cmp"
	"encoding/binary"
	"math"
	"slices"

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

// span locates a cold pathway's periods: off is a block's index times the block
// size plus the first period's place in it. The referral stands (standsBit in n) unless
// the stream's referral was retracted (cold, but no pathway).
type span struct{ off, n uint32 }

// standsBit marks, in span.n, a pathway whose referral stands: the flag rides in the
// count to keep a span at 8 bytes (a pathway never has 2^31 periods).
const standsBit = 1 << 31

// gone is the span of a key taken out of a sealed run.
const gone = math.MaxUint32

func (s span) count() uint32 { return s.n &^ standsBit }

func (s span) stands() bool { return s.n&standsBit != 0 }

// Sizes of the cold store's pieces: a run of keys is 384 KiB (the open map that
// fills it, a few MB at its fullest, is what bounds it), a block of periods 1.5
// MB. Neither ever grows by copying, so the store has no spare capacity beyond
// its last run and block, and no moment holding two copies of itself.
const (
	runSize   = 1 << 14
	blockSize = 1 << 16
)

// sizes are a store's run and block sizes, and how many dead periods or taken keys
// it lets stand before compacting (when they are also half of all); tests make
// them small.
type sizes struct{ run, block, slack int }

// coldKey files a UUID-keyed cold pathway in a sealed run.
type coldKey struct {
	key [16]byte
	sp  span
}

// coldStore holds the pathways nothing live depends on (no running period, no
// untreated 28-day guarantee) as their return records only. A pathway id that is a
// canonical UUID (what the API and the generator issue) is keyed by its 16 bytes;
// any other id by its string. An event for a cold pathway re-reads its stream.
//
// At a trust's size these are most pathways it has ever had, so they are kept
// densely: UUID keys in sorted runs of 24-byte entries (a map of them took 38
// bytes an entry and doubled its tables as it grew), the newest in a small map
// until there are runSize of them (a restore or a compaction files all it has as
// one run); periods in fixed blocks. Finding a key is a binary search per run,
// which only an event for a cold pathway does (it then re-reads the pathway's
// stream, which costs far more).
type coldStore struct {
	sizes
	runs   [][]coldKey
	open   map[[16]byte]span
	byName map[string]span
	blocks [][]period
	// uuids counts the UUID-keyed cold pathways; taken, the keys marked gone in
	// runs; dead, the periods of taken pathways, both until a compaction.
	uuids, taken, dead, periods int
	// exists counts the cold pathways whose referral stands.
	exists int
}

func newColdStore() coldStore { return newColdStoreSized(sizes{runSize, blockSize, 4096}) }

func newColdStoreSized(s sizes) coldStore {
	return coldStore{sizes: s, open: map[[16]byte]span{}, byName: map[string]span{}}
}

// uuidKey is id's 16 bytes when id is a canonical lower-case UUID, so that the key
// turns back into the same id.
func uuidKey(id string) ([16]byte, bool) { return canonicalUUID(id) }

func uuidString(k []byte) string { return uuid.UUID(k).String() }

func (c *coldStore) has(id string) bool {
	if k, ok := uuidKey(id); ok {
		_, _, found := c.findUUID(k)
		return found
	}
	_, found := c.byName[id]
	return found
}

// findUUID returns k's span and where it is filed: run -1 for the open map.
func (c *coldStore) findUUID(k [16]byte) (run, at int, found bool) {
	if _, ok := c.open[k]; ok {
		return -1, 0, true
	}
	for r := len(c.runs) - 1; r >= 0; r-- {
		keys := c.runs[r]
		i, ok := slices.BinarySearchFunc(keys, k, func(e coldKey, k [16]byte) int { return compareKeys(&e.key, &k) })
		if ok && keys[i].sp.n != gone {
			return r, i, true
		}
	}
	return 0, 0, false
}

// put files a pathway's periods under id (which must not be cold already), copying
// them. It reports whether it keeps id itself: a UUID is kept as its 16 bytes.
func (c *coldStore) put(id string, ps []period, exists bool) (keepsID bool) {
	sp := c.store(ps, exists)
	k, ok := uuidKey(id)
	if !ok {
		c.byName[id] = sp
		return true
	}
	c.open[k] = sp
	c.uuids++
	if len(c.open) >= c.run {
		c.seal()
	}
	return false
}

// store keeps a cold pathway's periods and returns their span, to be filed under
// the pathway's id.
func (c *coldStore) store(ps []period, exists bool) span {
	sp := span{off: c.appendPeriods(ps), n: uint32(len(ps))}
	if exists {
		sp.n |= standsBit
		c.exists++
	}
	return sp
}

// fileAll files keys as one run, sorting them: pathways whose periods store has
// kept, none of them filed yet. It reports the first key it finds twice, filing
// nothing then.
func (c *coldStore) fileAll(keys []coldKey) (dup [16]byte, ok bool) {
	slices.SortFunc(keys, byKey)
	for i := 1; i < len(keys); i++ {
		if keys[i].key == keys[i-1].key {
			return keys[i].key, false
		}
	}
	if len(keys) > 0 {
		c.runs = append(c.runs, keys)
		c.uuids += len(keys)
	}
	return dup, true
}

// byKey orders keys as bytes.Compare does, comparing two integers rather than
// calling it: sealing a run sorts 16,384 of them.
func byKey(a, b coldKey) int { return compareKeys(&a.key, &b.key) }

func compareKeys(a, b *[16]byte) int {
	if c := cmp.Compare(binary.BigEndian.Uint64(a[:8]), binary.BigEndian.Uint64(b[:8])); c != 0 {
		return c
	}
	return cmp.Compare(binary.BigEndian.Uint64(a[8:]), binary.BigEndian.Uint64(b[8:]))
}

// seal turns the open map into a sorted run: filed by first byte as it is copied
// out (the keys are UUIDs, spread evenly over it), each byte's few dozen then
// sorted: half the time one sort of the whole run took (BenchmarkColdSeal, 3.3
// against 6.3 ms a run), on the fold's own goroutine.
func (c *coldStore) seal() {
	var at [257]int
	for k := range c.open {
		at[int(k[0])+1]++
	}
	for b := 1; b < len(at); b++ {
		at[b] += at[b-1]
	}
	run := make([]coldKey, len(c.open))
	next := at
	for k, sp := range c.open {
		run[next[k[0]]] = coldKey{k, sp}
		next[k[0]]++
	}
	for b := range 256 {
		slices.SortFunc(run[at[b]:at[b+1]], byKey)
	}
	c.runs = append(c.runs, run)
	clear(c.open)
}

// appendPeriods stores ps whole in one block and returns where (0 for none).
func (c *coldStore) appendPeriods(ps []period) uint32 {
	if len(ps) == 0 {
		return 0
	}
	n := len(c.blocks)
	if n == 0 || len(c.blocks[n-1])+len(ps) > cap(c.blocks[n-1]) {
		c.blocks = append(c.blocks, make([]period, 0, max(c.block, len(ps))))
		n++
	}
	b := &c.blocks[n-1]
	off := uint32((n-1)*c.block + len(*b))
	*b = append(*b, ps...)
	c.periods += len(ps)
	return off
}

// at is the periods sp locates; they stay in place until a compaction.
func (c *coldStore) at(sp span) []period {
	if sp.count() == 0 {
		return nil
	}
	b, i := int(sp.off)/c.block, int(sp.off)%c.block
	return c.blocks[b][i : i+int(sp.count())]
}

// take removes id from the store, reporting whether it was there. Its periods stay
// in place, marked dead, until enough are dead to be worth compacting.
func (c *coldStore) take(id string) bool {
	var sp span
	if k, ok := uuidKey(id); ok {
		run, i, found := c.findUUID(k)
		if !found {
			return false
		}
		if run < 0 {
			sp = c.open[k]
			delete(c.open, k)
		} else {
			sp = c.runs[run][i].sp
			c.runs[run][i].sp.n = gone
			c.taken++
		}
		c.uuids--
	} else {
		s, found := c.byName[id]
		if !found {
			return false
		}
		sp = s
		delete(c.byName, id)
	}
	ps := c.at(sp)
	for i := range ps {
		ps[i].flags |= fDead
	}
	c.dead += len(ps)
	if sp.stands() {
		c.exists--
	}
	if c.dead > c.slack && c.dead > c.periods/2 || c.taken > c.slack && c.taken > c.uuids/2 {
		c.compact()
	}
	return true
}

// eachUUID calls fn with every UUID-keyed cold pathway until it returns false.
func (c *coldStore) eachUUID(fn func(k [16]byte, sp span) bool) {
	for k, sp := range c.open {
		if !fn(k, sp) {
			return
		}
	}
	for _, run := range c.runs {
		for i := range run {
			if run[i].sp.n != gone && !fn(run[i].key, run[i].sp) {
				return
			}
		}
	}
}

// eachPeriod calls fn with every period of every cold pathway until it returns
// false.
func (c *coldStore) eachPeriod(fn func(*period) bool) {
	for _, b := range c.blocks {
		for i := range b {
			if p := &b[i]; p.flags&fDead == 0 && !fn(p) {
				return
			}
		}
	}
}

// compact files every cold pathway afresh, leaving out what was taken, the
// UUID-keyed ones in one run.
func (c *coldStore) compact() {
	fresh := newColdStoreSized(c.sizes)
	keys := make([]coldKey, 0, c.uuids)
	c.eachUUID(func(k [16]byte, sp span) bool {
		keys = append(keys, coldKey{k, span{off: fresh.appendPeriods(c.at(sp)), n: sp.n}})
		return true
	})
	fresh.fileAll(keys)
	for id, sp := range c.byName {
		fresh.byName[id] = span{off: fresh.appendPeriods(c.at(sp)), n: sp.n}
	}
	fresh.exists = c.exists
	*c = fresh
}
