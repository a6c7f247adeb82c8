package sessions

import (
	"encoding/json"
	"fmt"
	"io"

	"github.com/pathway-ledger/ledger/aggregates/session"
)

// The snapshot is JSON: each session's id and its events as stored; Restore
// re-folds them. Session streams are short and few (a trust plans thousands of
// lists a year), so readability wins over compactness here.
type snapFile struct {
	Sessions []snapSession `json:"sessions"`
}

type snapSession struct {
	ID     string   `json:"id"`
	Events []stored `json:"events"`
}

// Snapshot implements projections.Projection.
func (m *ReadModel) Snapshot(w io.Writer) error {
	m.mu.RLock()
	f := snapFile{Sessions: make([]snapSession, 0, len(m.order))}
	for _, r := range m.order {
		// The stream's id, as Apply keys it: a session's own id is empty until it is
		// planned, and a log written around Decide may spell it otherwise.
		f.Sessions = append(f.Sessions, snapSession{ID: r.id, Events: r.events})
	}
	m.mu.RUnlock()
	return json.NewEncoder(w).Encode(f)
}

// Restore implements projections.Projection.
func (m *ReadModel) Restore(r io.Reader) error {
	var f snapFile
	if err := json.NewDecoder(r).Decode(&f); err != nil {
		return fmt.Errorf("sessions: snapshot: %w", err)
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	m.resetLocked()
	for _, s := range f.Sessions {
		if s.ID == "" || len(s.Events) == 0 {
			return fmt.Errorf("sessions: snapshot: a session without id or events")
		}
		for _, st := range s.Events {
			e, err := session.Decode(st.Type, st.Schema, st.Data)
			if err != nil {
				return fmt.Errorf("sessions: snapshot: session %s: %w", s.ID, err)
			}
			m.applyLocked(s.ID, e, st)
		}
	}
	return nil
}
