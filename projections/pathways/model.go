// Package pathways is the pathways read model: every pathway stream folded exactly
// as the aggregate folds it (retractions and clock-start corrections included), the
// patient-tracking list of running periods ordered by longest wait, the RTT return's
// period records, duplicate-pathway detection and 28-day guarantees. It is a
// projections.Projection named "pathways"; BuildAsOf makes a one-off model of what
// the ledger knew at an instant.
//
// It is shaped for memory: a trust's log holds several finished pathways for each
// open one, and the model must stay near a kilobyte per open pathway. A pathway
// something live depends on (a running period, an untreated 28-day guarantee) is
// kept whole: decoded while it is among the last few thousand touched, packed
// (packed.go) otherwise. Every other pathway is kept only as its return records
// (cold.go); an event for it re-reads its stream through the model's Loader, as does
// a retraction, since no history is held.
package pathways

import (
	"fmt"
	"slices"
	"strings"
	"sync"
	"unsafe"

	"github.com/pathway-ledger/ledger/aggregates/pathway"
	"github.com/pathway-ledger/ledger/eventstore"
	"github.com/pathway-ledger/ledger/rtt"
)

// Name is the projection's name (its snapshot file is pathways.snap).
const Name = "pathways"

// snapshotVersion changes with the snapshot encoding or the meaning of Apply.
const snapshotVersion = 5

// StreamPrefix starts every pathway stream name; other streams are not read here.
const StreamPrefix = "pathway-"

// ReadModel is safe for concurrent use: the runner applies events while queries run.
type ReadModel struct {
	mu   sync.RWMutex
	load Loader
	// byID holds the pathways kept whole.
	byID map[string]*rec
	// last is the rec the last event applied went to, while byID holds it.
	last *rec
	// recent lists the decoded ones; recentCap bounds it (a field for tests), times
	// catchUpFactor while catchingUp.
	recent     recent
	recentCap  int
	catchingUp bool
	// misses counts events that met a pathway no longer decoded (unpacked or
	// re-read): what tells a batch that the list is too short for the log's order.
	misses int
	// wideFutile is set, until Settle, when the widened list still missed on too
	// many events (judgeWidth); wideMisses and wideEvents count towards the next
	// judgement.
	wideFutile             bool
	wideMisses, wideEvents int
	// parked lists, oldest first from parkedHead, pathways packed rather than
	// dropped while catching up because they may restart (mayRestart); Settle
	// drops those still parked.
	parked     []*rec
	parkedHead int
	cold       coldStore
	codes      codes
	ptl        ptlIndex
	// dups maps NHS number and specialty to the first of the listed pathways of
	// that patient in that specialty, which chain through rec.dupNext: nearly every
	// key has one pathway, and a slice each cost 56 bytes a listed pathway.
	dups   map[dupKey]*rec
	intern map[string]string
	// bySpecialty holds, per specialty code (an index in codes.specs), the pathways
	// a session of that specialty may take (running period and open waiting-list
	// entry), for suggestions.
	bySpecialty [][]*rec
	// ptlBySpecialty orders each specialty code's running periods as ptl does, so a PTL
	// filtered by specialty (the common booking-team view) scans only that specialty.
	ptlBySpecialty []*ptlIndex
	// exists counts the pathways in byID whose referral stands.
	exists int
	// bulk: nothing reads the model until Settle (BeginBulk), so the PTL and
	// duplicate indexes are filed there, once, rather than kept event by event.
	bulk    bool
	scratch []byte
	spare   []*pathway.State
	// spares are the buffers of the states a bulk load let go (release).
	spares pathway.Spares
	// spareRecs are dropped recs a bulk load reuses (recycle); recycled counts
	// them, for the tests.
	spareRecs []*rec
	recycled  int
	// batch holds the decoded events of ApplyBatch's short batches, reused
	// batch after batch.
	batch []decoded
	// prepFree holds Prepare's buffers for reuse; Prepare runs beside the fold,
	// so they pass through a channel rather than under mu.
	prepFree  chan *prepBuf
	lastActor pathway.Actor
	// lastUser and lastRole are the strings lastActor was made from.
	lastUser, lastRole string
}

// rec is one pathway kept whole. Exactly one of state and packed is set: state while
// it is in the recent list. *state changes only under the write lock, and stepping
// it copies every slice it changes (pathway.StepInPlace), so a reader that copies it
// under the read lock holds a value no later event alters. Codes are indexes in the
// model's code tables, to keep each of the hundreds of thousands of recs small:
// the fields are ordered so that none needs padding, and a rec takes 160 bytes.
type rec struct {
	// id is the model's key for the rec (byID's too); for an id of up to idInline
	// bytes (a UUID) its bytes are idBuf, so that finding the rec in byID, which
	// compares keys, touches the rec's own memory rather than a string elsewhere.
	id    string
	state *pathway.State
	// packed is never altered once set: a string is its bytes without a capacity.
	packed     string
	prev, next *rec
	// periods are its return records.
	periods []period
	// cand is what a session needs to rank p, nil when p is no candidate.
	cand *candidate
	// dup is its key in the duplicate index (0 when it has none), dupNext the
	// next pathway filed under the same key.
	dup     dupKey
	dupNext *rec
	idBuf   [idInline]byte
	// start is the running period's start, its key in the PTL indexes while listed.
	start rtt.Date
	// candIdx is its place in bySpecialty[candSpec] while cand is set.
	candIdx int32
	// spec is the pathway's specialty; ptlSpec and candSpec the specialty index it
	// was filed under while listed or a candidate.
	spec, ptlSpec, candSpec uint16
	// listType and priority of the open waiting-list entry (0: none), the PTL's
	// filters, so that a scan reads no state.
	listType, priority uint8
	exists             bool
	// stale: in a bulk load, an event changed what the indexes and return records
	// are built from since reindex last ran; it runs once the pathway leaves the
	// recent list or the load settles, not after each such event (a pathway's
	// events arrive together in a generated or migrated log, and re-indexing after
	// each was a quarter of the fold).
	stale     bool
	guarantee bool
	listed    bool
}

// isLive: something depends on the pathway (running period, which is what lists it,
// or an untreated guarantee), so it stays whole when it leaves the recent list.
func (p *rec) isLive() bool { return p.listed || p.guarantee }

// idInline: a canonical UUID, what the API and the generator issue.
const idInline = 36

// newRec is a rec for id, holding its own copy of the id.
func newRec(id string) *rec {
	p := &rec{}
	if len(id) > idInline || id == "" {
		p.id = strings.Clone(id)
		return p
	}
	n := copy(p.idBuf[:], id)
	// The rec never moves and idBuf is never written again: the string stays valid
	// and keeps the rec alive, as any pointer into it does.
	p.id = unsafe.String(&p.idBuf[0], n)
	return p
}

// dupKey is an NHS number and a specialty code index: NHS numbers are ten digits
// (Decide refuses any other, so such a pathway is never a duplicate candidate).
type dupKey uint64

func dupKeyOf(nhs string, spec uint16) dupKey {
	if len(nhs) != 10 {
		return 0
	}
	var n uint64
	for i := 0; i < len(nhs); i++ {
		if nhs[i] < '0' || nhs[i] > '9' {
			return 0
		}
		n = n*10 + uint64(nhs[i]-'0')
	}
	return dupKey(n<<16|uint64(spec)) + 1<<62
}

// Option configures a model.
type Option func(*ReadModel)

// WithLoader gives the model the way to re-read a pathway's earlier events. Without
// one, an event for a cold pathway or a retraction fails with ErrNoLoader.
func WithLoader(l Loader) Option { return func(m *ReadModel) { m.load = l } }

// WithRecent sets how many pathways the model keeps decoded (recentCap when not
// given; at least 1). Fewer saves a little memory and costs unpacking; tests use 1
// so that every event goes through packing, going cold and re-reading the log.
func WithRecent(n int) Option { return func(m *ReadModel) { m.recentCap = max(n, 1) } }

// New returns an empty read model.
func New(opts ...Option) *ReadModel {
	m := &ReadModel{recentCap: recentCap, prepFree: make(chan *prepBuf, preparedPages)}
	for _, o := range opts {
		o(m)
	}
	m.resetLocked()
	return m
}

func (m *ReadModel) resetLocked() {
	m.byID = map[string]*rec{}
	m.last = nil
	m.recent = recent{}
	m.cold = newColdStore()
	m.codes = newCodes()
	m.ptl = ptlIndex{}
	m.dups = map[dupKey]*rec{}
	m.intern = map[string]string{}
	m.lastActor, m.lastUser, m.lastRole = pathway.Actor{}, "", ""
	m.spare, m.spareRecs, m.spares = nil, nil, pathway.Spares{}
	m.catchingUp = false
	m.endCatchUp()
	m.parked, m.parkedHead = nil, 0
	m.bySpecialty = nil
	m.ptlBySpecialty = nil
	m.exists = 0
	m.bulk = false
}

// Name implements projections.Projection.
func (m *ReadModel) Name() string { return Name }

// SnapshotVersion implements projections.Projection.
func (m *ReadModel) SnapshotVersion() uint32 { return snapshotVersion }

// Reset implements projections.Projection.
func (m *ReadModel) Reset() {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.resetLocked()
}

// Apply folds one event of the global log in. Events of other streams are ignored;
// an event of a pathway stream that the aggregate cannot decode is refused (the
// runner stops on it rather than skip a fact).
func (m *ReadModel) Apply(ev eventstore.Event) error {
	d := decodeOne(&ev)
	if d.err != nil || d.id == "" {
		return d.err
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	r := recorded(&ev, nil)
	r.Actor = m.actor(ev.Actor.User, ev.Actor.Role)
	return m.applyLocked(d.id, ev.Position, d.e, r)
}

// applyLocked folds e, with r's envelope (r.Event is not read), into pathway id. It
// keeps copies of e's fields, never e: a replay's events are boxed on the folding
// goroutine's stack (applySlabbed), and keeping one would move them all to the heap.
func (m *ReadModel) applyLocked(id string, pos uint64, e pathway.Event, r pathway.Recorded) error {
	if err := m.codes.admit(e); err != nil {
		return err
	}
	// A pathway's events often come one after another (an import, a generated
	// trust, a busy morning's bookings): the last one applied is tried first.
	p := m.last
	if p == nil || p.id != id {
		p = m.byID[id]
	}
	// st is the state to step, the model's own: stepped in place, since copying a
	// state in and out of each step was a tenth of the fold.
	var st *pathway.State
	switch {
	case p == nil && r.StreamVersion == 0:
		// A stream's first event: the log holds nothing earlier to re-read.
		st = m.newState()
		*st = pathway.New()
	case p == nil:
		m.misses++
	case p.state != nil:
		st = p.state
	default:
		m.misses++
		s, err := m.stateOf(p)
		if err != nil {
			return err
		}
		st = m.newState()
		*st = s
	}
	// StepInPlace refuses a retraction, leaving st as it was: only a re-fold of the
	// history honours one.
	// In a bulk load nothing reads the model before it settles, so no reader's
	// copy of a state shares its slices: they are changed in place (owned).
	refold := st == nil || !pathway.StepWith(st, e, r, m.bulk, &m.spares)
	if refold {
		r.Event = pathway.Clone(e) // the re-fold keeps it in the history it folds
		next, err := m.refold(id, pos, r)
		if err != nil {
			if st != nil && (p == nil || st != p.state) {
				m.release(st)
			}
			return err
		}
		if st == nil {
			st = m.newState()
		}
		*st = next
	}
	switch {
	case p == nil:
		if refold {
			m.cold.take(id)
		}
		p = m.newRec(id)
		m.byID[p.id] = p
	case p.state != nil:
		m.recent.unlink(p)
	}
	p.state, p.packed = st, ""
	m.last = p
	m.recent.pushFront(p)
	switch {
	case !refold && indexNeutral(e):
	case m.bulk:
		p.stale = true
	default:
		m.reindex(p)
	}
	m.evict()
	return nil
}

// refold builds a pathway from what the log holds before pos, then r: for a pathway
// kept cold or unseen, and for a retraction, which only a re-fold honours.
func (m *ReadModel) refold(id string, pos uint64, r pathway.Recorded) (pathway.State, error) {
	if m.load == nil {
		return pathway.State{}, fmt.Errorf("%w: pathway %s", ErrNoLoader, id)
	}
	h, err := m.load(id, pos)
	if err != nil {
		return pathway.State{}, err
	}
	// Positions already bound what the loader returns; the stream version guards the
	// fold too, so an engine reporting positions differently can never fold the
	// event being applied (or a later one) twice.
	kept := h[:0]
	for i := range h {
		if h[i].StreamVersion >= r.StreamVersion {
			continue
		}
		h[i].Actor = pathway.Actor{User: m.str(h[i].Actor.User), Role: m.str(h[i].Actor.Role)}
		kept = append(kept, h[i])
	}
	return pathway.Fold(append(kept, r)).WithoutHistory(), nil
}

// stateOf is p's state, unpacking it when it is not decoded.
func (m *ReadModel) stateOf(p *rec) (pathway.State, error) {
	if p.state != nil {
		return *p.state, nil
	}
	s, err := unpack(unsafe.Slice(unsafe.StringData(p.packed), len(p.packed)), p.id)
	if err != nil {
		return pathway.State{}, fmt.Errorf("pathways: pathway %s: %w", p.id, err)
	}
	return s, nil
}

// evict lets the least recently touched pathways go once the recent list is full:
// packed when something live depends on them, else down to their return records.
func (m *ReadModel) evict() {
	limit := m.recentCap
	switch {
	case m.catchingUp && m.wideFutile:
	case m.catchingUp:
		limit *= catchUpFactor
	case m.bulk:
		limit = min(limit, bulkRecent)
	}
	for m.recent.n > limit {
		p := m.recent.tail
		m.recent.unlink(p)
		if p.stale {
			m.reindex(p)
		}
		live := p.isLive()
		parking := !live && m.catchingUp && mayRestart(p.state)
		if live || parking {
			// Packed into a scratch buffer and copied at its exact size: growing
			// each in place would leave up to half of it spare.
			m.scratch = appendPacked(m.scratch[:0], p.state, p.id)
			m.release(p.state)
			p.packed, p.state = string(m.scratch), nil
			if parking {
				m.park(p)
			}
			continue
		}
		m.dropLocked(p)
	}
}

// dropLocked turns p into its return records. It holds no index entry: only a live
// pathway is listed, a duplicate, a candidate or a guarantee.
func (m *ReadModel) dropLocked(p *rec) {
	keepsID := m.cold.put(p.id, p.periods, p.exists)
	if p.exists {
		m.exists--
	}
	delete(m.byID, p.id)
	if m.last == p {
		m.last = nil
	}
	if p.state != nil {
		m.release(p.state)
		p.state = nil
	}
	if !keepsID {
		m.recycle(p)
	}
}

// spareRecs bounds the recs kept for reuse: a bulk load in a log's pathway order
// drops pathways as fast as it meets new ones.
const spareRecs = 256

// recycle keeps p, dropped, for newRec in a bulk load: a million-pathway replay
// made a rec for every pathway and dropped four in five (150 MB of what it
// allocated). Only there: nothing reads the model before it settles, so no
// answer holds p.id, which is p's own memory and takes the next pathway's id.
// Nothing else holds p either: a dropped pathway is in no index (checked here
// too), its cold record keeps no string of its id (the caller checks), and no
// rec is taken while any is parked (the parked list keeps pointing at a parked
// rec once it is dropped, and tells them apart by identity).
func (m *ReadModel) recycle(p *rec) {
	if !m.bulk || len(m.spareRecs) == spareRecs || m.parkedHead != len(m.parked) ||
		len(p.id) > idInline || p.cand != nil || p.dupNext != nil || p.listed || p.prev != nil || p.next != nil {
		return
	}
	periods := p.periods[:0]
	*p = rec{periods: periods}
	m.spareRecs = append(m.spareRecs, p)
	m.recycled++
}

// newRec is a rec for id: a recycled one when a bulk load has one.
func (m *ReadModel) newRec(id string) *rec {
	n := len(m.spareRecs)
	if n == 0 || len(id) > idInline || id == "" {
		return newRec(id)
	}
	p := m.spareRecs[n-1]
	m.spareRecs[n-1] = nil
	m.spareRecs = m.spareRecs[:n-1]
	p.id = unsafe.String(&p.idBuf[0], copy(p.idBuf[:], id))
	return p
}

// spareStates bounds the decoded states kept for reuse.
const spareStates = 64

// newState and release recycle the decoded states of pathways that leave the
// recent list: in a log's order, where a pathway's events are weeks apart, a
// replay decodes and packs one for nearly every event of an open pathway, and the
// collector would otherwise sweep up a state's worth of memory each time. Nothing
// but the rec points at its state (readers copy the value), so it is free to reuse
// once the rec lets it go.
func (m *ReadModel) newState() *pathway.State {
	if n := len(m.spare); n > 0 {
		s := m.spare[n-1]
		m.spare = m.spare[:n-1]
		return s
	}
	return new(pathway.State)
}

func (m *ReadModel) release(s *pathway.State) {
	if m.bulk {
		// Nothing reads the model in a bulk load, so no reader's copy shares the
		// state's slices: they are kept for the next states' (pathway.Spares).
		m.spares.Keep(s)
	}
	if len(m.spare) < spareStates {
		*s = pathway.State{}
		m.spare = append(m.spare, s)
	}
}

// actor interns an event's actor; a log's events mostly come from the same few
// callers in runs, so the last one is checked before the table.
func (m *ReadModel) actor(user, role string) pathway.Actor {
	// Compared with the caller's strings of the last event rather than the interned
	// copies: a store's reader interns them too, so equal ones are mostly the same
	// memory and compare without reading it.
	if user == m.lastUser && role == m.lastRole {
		return m.lastActor
	}
	m.lastActor = pathway.Actor{User: m.str(user), Role: m.str(role)}
	m.lastUser, m.lastRole = user, role
	return m.lastActor
}

// str interns the few distinct actor names and roles so that each event does not
// hold its own copy.
func (m *ReadModel) str(s string) string {
	if v, ok := m.intern[s]; ok {
		return v
	}
	v := strings.Clone(s)
	m.intern[v] = v
	return v
}

// Pathway returns the folded pathway (retractions and corrections honoured) when the
// model keeps it whole, without its history: a running period or an untreated
// guarantee keeps it, as do the last few thousand touched. Others are answered from
// the log (the API folds the stream). The State is a copy: safe to read while
// events keep arriving.
func (m *ReadModel) Pathway(id string) (pathway.State, bool, error) {
	m.mu.RLock()
	defer m.mu.RUnlock()
	p := m.byID[id]
	if p == nil || !p.exists {
		return pathway.State{}, false, nil
	}
	s, err := m.stateOf(p)
	return s, err == nil, err
}

// DuplicateCandidates lists the other pathways with a running period for the same
// NHS number and specialty as id, sorted; none when id itself has no running
// period (a finished pathway is not a duplicate of a new referral).
func (m *ReadModel) DuplicateCandidates(id string) []string {
	m.mu.RLock()
	defer m.mu.RUnlock()
	p := m.byID[id]
	if p == nil {
		return nil
	}
	return m.candidatesLocked(p)
}

func (m *ReadModel) candidatesLocked(p *rec) []string {
	if p.dup == 0 {
		return nil
	}
	var out []string
	for x := m.dups[p.dup]; x != nil; x = x.dupNext {
		if x != p {
			out = append(out, x.id)
		}
	}
	slices.Sort(out)
	return out
}

// OpenPathways counts the pathways with a running RTT period (the PTL's length).
func (m *ReadModel) OpenPathways() int {
	m.mu.RLock()
	defer m.mu.RUnlock()
	return m.ptl.n
}

// Pathways counts every pathway the model knows, open or not.
func (m *ReadModel) Pathways() int {
	m.mu.RLock()
	defer m.mu.RUnlock()
	return m.exists + m.cold.exists
}

func (p *rec) String() string { return fmt.Sprintf("%s@%s", p.id, p.start) }
