// Package pathways is the pathways read model: every pathway stream folded exactly
// as the aggregate folds it (retractions and clock-start corrections included), the
// patient-tracking list of running periods ordered by longest wait, the RTT return's
// period records, duplicate-pathway detection and validation history. It is a
// projections.Projection named "pathways"; BuildAsOf makes a one-off model of what
// the ledger knew at an instant.
package pathways

import (
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"

	"github.com/pathway-ledger/ledger/aggregates/pathway"
	"github.com/pathway-ledger/ledger/eventstore"
	"github.com/pathway-ledger/ledger/rtt"
)

// Name is the projection's name (its snapshot file is pathways.snap).
const Name = "pathways"

// snapshotVersion changes with the snapshot encoding or the meaning of Apply.
const snapshotVersion = 1

// StreamPrefix starts every pathway stream name; other streams are not read here.
const StreamPrefix = "pathway-"

// ReadModel is safe for concurrent use: the runner applies events while queries run.
type ReadModel struct {
	mu sync.RWMutex
	// all holds every pathway in order of its first event: a deterministic order
	// for report records and snapshots.
	all  []*rec
	byID map[string]*rec
	ptl  ptlIndex
	// dups maps NHS number and specialty to the listed pathways of that patient
	// in that specialty.
	dups   map[string][]*rec
	intern map[string]string
	// bySpecialty holds, per specialty, the pathways a session of that specialty
	// may take (running period and open waiting-list entry), for suggestions.
	bySpecialty map[string][]*rec
	// ptlBySpecialty orders each specialty's running periods as ptl does, so a PTL
	// filtered by specialty (the common booking-team view) scans only that specialty.
	ptlBySpecialty map[string]*ptlIndex
}

// rec is one pathway. state is only ever replaced by pathway.Evolve, which copies
// what it changes, so a State value handed to a reader stays valid after later
// events.
type rec struct {
	id    string
	state pathway.State
	// listed: the pathway has a running period and sits in the PTL index under
	// start; dup is its key in the duplicate index ("" when it has none).
	listed bool
	start  rtt.Date
	dup    string
	// cand is what a session needs to rank p, nil when p is no candidate; candSpec
	// is its key in bySpecialty.
	cand     *candidate
	candSpec string
	candIdx  int
	// ptlSpec is the specialty index p sits in while listed.
	ptlSpec string
}

// New returns an empty read model.
func New() *ReadModel {
	m := &ReadModel{}
	m.resetLocked()
	return m
}

func (m *ReadModel) resetLocked() {
	m.all = nil
	m.byID = map[string]*rec{}
	m.ptl = ptlIndex{}
	m.dups = map[string][]*rec{}
	m.intern = map[string]string{}
	m.bySpecialty = map[string][]*rec{}
	m.ptlBySpecialty = map[string]*ptlIndex{}
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
	id, ok := strings.CutPrefix(ev.Stream, StreamPrefix)
	if !ok {
		return nil
	}
	if id == "" {
		return errors.New("pathways: pathway stream without an id")
	}
	e, err := pathway.Decode(ev.Type, ev.SchemaVersion, ev.Data)
	if err != nil {
		return err
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	m.applyLocked(id, pathway.Recorded{Event: e, EventID: ev.EventID, StreamVersion: ev.StreamVersion,
		RecordedAt: ev.RecordedAt, Actor: pathway.Actor{User: m.str(ev.Actor.User), Role: m.str(ev.Actor.Role)}})
	return nil
}

func (m *ReadModel) applyLocked(id string, r pathway.Recorded) {
	p := m.byID[id]
	if p == nil {
		p = &rec{id: strings.Clone(id), state: pathway.New()}
		m.byID[p.id] = p
		m.all = append(m.all, p)
	}
	p.state = pathway.Evolve(p.state, r)
	m.reindex(p)
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

// reindex brings the PTL and duplicate indexes in line with p's state: a clock
// start, stop, nullification, transfer, correction or retraction can each move it.
func (m *ReadModel) reindex(p *rec) {
	running := p.state.Exists && p.state.Running() != nil
	var start rtt.Date
	dup := ""
	if running {
		start = p.state.Running().StartedOn
		if nhs := p.state.Patient.NHSNumber; nhs != "" {
			dup = nhs + "/" + p.state.SpecialtyCode
		}
	}
	if p.listed && (!running || !p.start.Equal(start) || p.ptlSpec != p.state.SpecialtyCode) {
		m.ptl.remove(p.start, p)
		m.specialtyPTL(p.ptlSpec).remove(p.start, p)
		p.listed = false
	}
	if running && !p.listed {
		m.ptl.insert(start, p)
		p.ptlSpec = p.state.SpecialtyCode
		m.specialtyPTL(p.ptlSpec).insert(start, p)
		p.listed, p.start = true, start
	}
	if p.dup != dup {
		if p.dup != "" {
			m.dropDup(p)
		}
		p.dup = dup
		if dup != "" {
			m.dups[dup] = append(m.dups[dup], p)
		}
	}
	m.recandidate(p)
}

func (m *ReadModel) specialtyPTL(spec string) *ptlIndex {
	x := m.ptlBySpecialty[spec]
	if x == nil {
		x = &ptlIndex{}
		m.ptlBySpecialty[spec] = x
	}
	return x
}

func (m *ReadModel) dropDup(p *rec) {
	set := slices.DeleteFunc(m.dups[p.dup], func(x *rec) bool { return x == p })
	if len(set) == 0 {
		delete(m.dups, p.dup)
		return
	}
	m.dups[p.dup] = set
}

// Pathway returns the folded pathway (retractions and corrections honoured). The
// State is the model's own value, never changed afterwards: safe to read while
// events keep arriving, not to modify.
func (m *ReadModel) Pathway(id string) (pathway.State, bool) {
	m.mu.RLock()
	defer m.mu.RUnlock()
	p := m.byID[id]
	if p == nil || !p.state.Exists {
		return pathway.State{}, false
	}
	return p.state, true
}

// View evaluates a pathway on a date with its duplicate candidates: the Pathway
// resource of GET /v1/pathways/{id}.
func (m *ReadModel) View(id string, on rtt.Date) (pathway.View, bool) {
	m.mu.RLock()
	p := m.byID[id]
	if p == nil || !p.state.Exists {
		m.mu.RUnlock()
		return pathway.View{}, false
	}
	s, dups := p.state, m.candidatesLocked(p)
	m.mu.RUnlock()
	return pathway.DeriveState(s, on, pathway.DeriveOptions{DuplicateCandidates: dups}), true
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
	if p.dup == "" {
		return nil
	}
	var out []string
	for _, x := range m.dups[p.dup] {
		if x != p {
			out = append(out, x.id)
		}
	}
	slices.Sort(out)
	return out
}

// Validations returns the validators' decisions on a pathway, oldest first, each
// with the validator and when it was recorded; nil for an unknown pathway.
func (m *ReadModel) Validations(id string) []pathway.Validation {
	m.mu.RLock()
	defer m.mu.RUnlock()
	p := m.byID[id]
	if p == nil || !p.state.Exists {
		return nil
	}
	return append([]pathway.Validation{}, p.state.Validations...)
}

// OpenPathways counts the pathways with a running RTT period (the PTL's length).
func (m *ReadModel) OpenPathways() int {
	m.mu.RLock()
	defer m.mu.RUnlock()
	return m.ptl.n
}

// Pathways counts every pathway the model holds, open or not.
func (m *ReadModel) Pathways() int {
	m.mu.RLock()
	defer m.mu.RUnlock()
	n := 0
	for _, p := range m.all {
		if p.state.Exists {
			n++
		}
	}
	return n
}

func (p *rec) String() string { return fmt.Sprintf("%s@%s", p.id, p.start) }
