package pathways

// recentCap is how many pathways the model keeps decoded: those touched last. A
// pathway's events mostly arrive close together (an appointment's outcome and its
// clock stop, a cancellation and the rebooking), so a few thousand keep nearly every
// event from unpacking a state or re-reading a stream, at a few MB.
const recentCap = 4096

// catchUpFactor widens the recent list while the model folds the log in pages (a
// replay, a catch-up, a rebuild, an as-of build) and the list proves too short: in
// a live log's date order a pathway's events are weeks apart, and at a trust's size
// a list of recentCap evicts most pathways between two of their events, so that 40%
// of the fold went into unpacking and packing states again and some finished
// pathways were re-read from the store. Eight times the list costs ~60 MB more
// while catching up, and Settle gives it back once the model follows the log's
// tail. A log in pathway order (a migrated history: each pathway appended whole)
// meets few packed states and is left at recentCap, where it runs faster: evicting
// a state long after its pathway's last event finds it out of the processor's caches.
const catchUpFactor = 8

// bulkRecent is the list's length in a bulk load (a replay, an as-of build) until
// it proves too short: nothing queries the model meanwhile, and a log in pathway
// order needs only the pathway being folded decoded. The 4,096 states of
// recentCap were 6 MB of a million-pathway replay's peak for nothing; a log in
// date order widens the list to recentCap times catchUpFactor as before.
const bulkRecent = 512

// missShare: a run of a page widens the list when more than one event in missShare
// met a pathway no longer decoded.
const missShare = 16

// Once the widened list is full, it is judged over every futileWindow list-lengths
// of events: if more than one event in futileShare still met a pathway no longer
// decoded, the log interleaves more pathways than the list can hold and it goes
// back to recentCap until Settle. A million pathways in date order missed on 42% of
// events with the list widened (100,000 on under 1%): the widening bought no speed
// and its 28,000 more decoded states were 55 MB of the replay's peak.
const (
	futileShare  = 4
	futileWindow = 2
)

// judgeWidth counts a run of a page that met misses pathways no longer decoded in
// events, once the widened list is full, and judges it every futileWindow
// list-lengths of events.
func (m *ReadModel) judgeWidth(events int) {
	wide := m.recentCap * catchUpFactor
	if !m.catchingUp || m.wideFutile || m.recent.n < wide {
		return
	}
	m.wideMisses += m.misses
	m.wideEvents += events
	if m.wideEvents < futileWindow*wide {
		return
	}
	m.wideFutile = m.wideMisses*futileShare > m.wideEvents
	m.wideMisses, m.wideEvents = 0, 0
}

// endCatchUp forgets the width's judgement with the catch-up it was made in.
func (m *ReadModel) endCatchUp() {
	m.wideFutile = false
	m.wideMisses, m.wideEvents = 0, 0
}

// recent is the list of decoded pathways, most recently touched first, linked
// through the recs themselves so that touching one allocates nothing.
type recent struct {
	head, tail *rec
	n          int
}

func (l *recent) unlink(p *rec) {
	if p.prev != nil {
		p.prev.next = p.next
	} else {
		l.head = p.next
	}
	if p.next != nil {
		p.next.prev = p.prev
	} else {
		l.tail = p.prev
	}
	p.prev, p.next = nil, nil
	l.n--
}

func (l *recent) pushFront(p *rec) {
	p.prev, p.next = nil, l.head
	if l.head != nil {
		l.head.prev = p
	}
	l.head = p
	if l.tail == nil {
		l.tail = p
	}
	l.n++
}
