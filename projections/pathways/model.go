// Package pathways is the read model of every pathway: the PTL (waiting list), the
// periods behind the monthly RTT return, the duplicate-pathway index and each
// pathway's validation history, fed from the global log by the projection runner.
package pathways

import (
	"encoding/json"
	"fmt"
	"io"
	"strings"
	"sync"
	"time"

	"github.com/pathway-ledger/ledger/aggregates/pathway"
	"github.com/pathway-ledger/ledger/eventstore"
)

// Name of the projection (snapshot file pathways.snap).
const Name = "pathways"

// ReadModel holds every pathway folded from its events. It keeps each pathway's
// recorded events so that a retraction re-folds exactly as the aggregate does.
type ReadModel struct {
	mu    sync.RWMutex
	paths map[string]*pathway.State // by pathway id
	dirty bool                      // the wait-ordered index must be rebuilt
	index []indexEntry              // running periods, longest wait first
}

// New makes an empty read model.
func New() *ReadModel { return &ReadModel{paths: map[string]*pathway.State{}} }

func (m *ReadModel) Name() string            { return Name }
func (m *ReadModel) SnapshotVersion() uint32 { return 1 }

// Apply folds one pathway event in; other streams are not this model's.
func (m *ReadModel) Apply(ev eventstore.Event) error {
	id, ok := strings.CutPrefix(ev.Stream, "pathway-")
	if !ok {
		return nil
	}
	e, err := pathway.Decode(ev.Type, ev.SchemaVersion, ev.Data)
	if err != nil {
		return err
	}
	rec := pathway.Recorded{Event: e, EventID: ev.EventID, StreamVersion: ev.StreamVersion,
		RecordedAt: ev.RecordedAt, Actor: pathway.Actor{User: ev.Actor.User, Role: ev.Actor.Role}}
	m.mu.Lock()
	defer m.mu.Unlock()
	s := m.paths[id]
	if s == nil {
		ns := pathway.New()
		s = &ns
		m.paths[id] = s
	}
	*s = pathway.Evolve(*s, rec)
	m.dirty = true
	return nil
}

// Reset empties the model.
func (m *ReadModel) Reset() {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.paths, m.index, m.dirty = map[string]*pathway.State{}, nil, false
}

type snapEvent struct {
	ID         string          `json:"id"`
	Version    uint64          `json:"v"`
	Type       string          `json:"t"`
	Data       json.RawMessage `json:"d"`
	RecordedAt time.Time       `json:"at"`
	Actor      pathway.Actor   `json:"a"`
}

// Snapshot writes every pathway's recorded events; Restore re-folds them.
func (m *ReadModel) Snapshot(w io.Writer) error {
	m.mu.RLock()
	defer m.mu.RUnlock()
	enc := json.NewEncoder(w)
	for id, s := range m.paths {
		h := s.History()
		evs := make([]snapEvent, len(h))
		for i, r := range h {
			typ, data, err := pathway.Encode(r.Event)
			if err != nil {
				return err
			}
			evs[i] = snapEvent{r.EventID, r.StreamVersion, typ, data, r.RecordedAt, r.Actor}
		}
		if err := enc.Encode(struct {
			ID     string      `json:"pathway_id"`
			Events []snapEvent `json:"events"`
		}{id, evs}); err != nil {
			return err
		}
	}
	return nil
}

func (m *ReadModel) Restore(r io.Reader) error {
	dec := json.NewDecoder(r)
	paths := map[string]*pathway.State{}
	for dec.More() {
		var p struct {
			ID     string      `json:"pathway_id"`
			Events []snapEvent `json:"events"`
		}
		if err := dec.Decode(&p); err != nil {
			return fmt.Errorf("pathways: snapshot: %w", err)
		}
		h := make([]pathway.Recorded, len(p.Events))
		for i, e := range p.Events {
			ev, err := pathway.Decode(e.Type, pathway.SchemaVersion, e.Data)
			if err != nil {
				return fmt.Errorf("pathways: snapshot: %w", err)
			}
			h[i] = pathway.Recorded{Event: ev, EventID: e.ID, StreamVersion: e.Version, RecordedAt: e.RecordedAt, Actor: e.Actor}
		}
		s := pathway.Fold(h)
		paths[p.ID] = &s
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	m.paths, m.dirty = paths, true
	return nil
}

// OpenPathways counts pathways with a running clock.
func (m *ReadModel) OpenPathways() int {
	m.mu.RLock()
	defer m.mu.RUnlock()
	n := 0
	for _, s := range m.paths {
		if s.Running() != nil {
			n++
		}
	}
	return n
}

// Pathway returns a pathway's folded state (a copy: Evolve never changes it).
func (m *ReadModel) Pathway(id string) (pathway.State, bool) {
	m.mu.RLock()
	defer m.mu.RUnlock()
	s, ok := m.paths[id]
	if !ok {
		return pathway.State{}, false
	}
	return *s, true
}

// Validations returns a pathway's validation history, oldest first.
func (m *ReadModel) Validations(id string) []pathway.Validation {
	s, ok := m.Pathway(id)
	if !ok {
		return nil
	}
	return append([]pathway.Validation(nil), s.Validations...)
}

// DuplicateCandidates lists other open pathways of the same patient and specialty.
func (m *ReadModel) DuplicateCandidates(id string) []string {
	m.mu.RLock()
	defer m.mu.RUnlock()
	me, ok := m.paths[id]
	if !ok {
		return nil
	}
	var out []string
	for other, s := range m.paths {
		if other != id && s.Running() != nil && s.Patient.NHSNumber == me.Patient.NHSNumber && s.SpecialtyCode == me.SpecialtyCode {
			out = append(out, other)
		}
	}
	return out
}
