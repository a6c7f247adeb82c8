package pathways

import "github.com/pathway-ledger/ledger/aggregates/pathway"

// parkCap bounds the pathways parked at once: at a million pathways in date order,
// nine in ten of the nullified pathways that met another event did so within
// 128,000 events, some 20,000 pathways dropped later.
const parkCap = 32768

// mayRestart: nothing live depends on the pathway, but its last period ended in a
// way that the rules expect to be followed by a new clock on the same pathway — a
// nullified first-appointment DNA (33) the patient is rebooked after, or active
// monitoring (31, 32) until a decision to treat. In a live log's order such a
// pathway's next event comes weeks later; dropped to its return records, that
// event re-read its stream from the store (~120 µs, 14% of a million-pathway
// date-ordered replay), where a packed state unpacks in about 1.5 µs.
func mayRestart(s *pathway.State) bool {
	if s == nil || !s.Exists {
		return false
	}
	p := s.Current()
	return p != nil && (p.Nullified || (p.Stopped && (p.StopStatus == "31" || p.StopStatus == "32")))
}

// park keeps p, packed, among the pathways of byID until Settle or until parkCap
// later parkings, whichever comes first.
func (m *ReadModel) park(p *rec) {
	m.parked = append(m.parked, p)
	m.unpark(parkCap)
}

// unpark drops the oldest parked pathways until at most keep are parked. One that
// has been touched since (decoded again, or live) is only let go of: the recent
// list or its liveness keeps it.
func (m *ReadModel) unpark(keep int) {
	for len(m.parked)-m.parkedHead > keep {
		p := m.parked[m.parkedHead]
		m.parked[m.parkedHead] = nil
		m.parkedHead++
		if p.state == nil && p.packed != "" && !p.isLive() && m.byID[p.id] == p {
			m.dropLocked(p)
		}
	}
	if m.parkedHead == len(m.parked) {
		m.parked, m.parkedHead = m.parked[:0], 0
	} else if m.parkedHead > len(m.parked)/2 {
		n := copy(m.parked, m.parked[m.parkedHead:])
		clear(m.parked[n:])
		m.parked, m.parkedHead = m.parked[:n], 0
	}
}
