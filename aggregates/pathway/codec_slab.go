package pathway

// A Slab decodes events into blocks it keeps and reuses, for a replay that folds
// millions of them: boxing each decoded event (Decode) was more than a quarter of
// what a replay allocated, for values dead as soon as they were folded. A Slab
// hands out a pointer to each event instead (*E for the event type E, as any,
// which holds a pointer without allocating); the caller copies the event out,
// into an interface on its own stack, before it resets the slab. The pointers
// are valid until then. Not safe for concurrent use; a Slab may be handed from
// goroutine to goroutine.
type Slab struct {
	stashes []stasher // by the type's index in the decoder table (into)
}

// slabBlock is the events a block holds: blocks are never moved once made, so a
// pointer handed out stays valid while the slab goes on decoding.
const slabBlock = 128

type stasher interface{ reset() }

// stash is one type's blocks and how many of their slots are handed out.
type stash[E any] struct {
	blocks []*[slabBlock]E
	n      int
}

// next is the next slot, zero: a reader fills only the members present. A block
// is zero when made, and reset zeroes the slots handed out (a refused event's too).
func (st *stash[E]) next() *E {
	b, i := st.n/slabBlock, st.n%slabBlock
	if b == len(st.blocks) {
		st.blocks = append(st.blocks, new([slabBlock]E))
	}
	st.n++
	return &st.blocks[b][i]
}

// reset zeroes the slots handed out, which lets the strings they hold go too.
func (st *stash[E]) reset() {
	for b := 0; st.n > 0; b++ {
		n := min(st.n, slabBlock)
		clear(st.blocks[b][:n])
		st.n -= n
	}
}

// slabTypes counts the types into has numbered, when the decoder table is built.
var slabTypes int

// into makes a type's Slab decoder: its reader, into the type's next slot.
func into[E Event](read func(data []byte, e *E) error) func(*Slab, []byte) (any, error) {
	k := slabTypes
	slabTypes++
	return func(sl *Slab, data []byte) (any, error) {
		if len(sl.stashes) == 0 {
			sl.stashes = make([]stasher, slabTypes)
		}
		st, _ := sl.stashes[k].(*stash[E])
		if st == nil {
			st = &stash[E]{}
			sl.stashes[k] = st
		}
		p := st.next()
		if err := read(data, p); err != nil {
			return nil, err
		}
		return p, nil
	}
}

// Decode is the package's Decode into the slab: the same checks and errors, a
// pointer to the event (*E for its type E) instead of a box.
func (sl *Slab) Decode(typ string, schemaVersion int, data []byte) (any, error) {
	c, err := codecFor(typ, schemaVersion)
	if err != nil {
		return nil, err
	}
	p, err := c.into(sl, data)
	if err != nil {
		return nil, decodeError(typ, err)
	}
	return p, nil
}

// Reset lets the slab reuse every slot it has handed out.
func (sl *Slab) Reset() {
	for _, st := range sl.stashes {
		if st != nil {
			st.reset()
		}
	}
}

// Clone is e in a box of its own, for a caller that keeps an event it boxed on its
// own stack (a replay's from a Slab): keeping e itself would move that box, and
// every event boxed where it was, to the heap. e must be of one of this package's
// event types (returning e itself for another would let e escape all the same).
func Clone(e Event) Event {
	switch v := e.(type) {
	case ReferralReceived:
		return v
	case ActivityRecorded:
		return v
	case ClockStarted:
		return v
	case ClockStopped:
		return v
	case ClockNullified:
		return v
	case PatientDidNotAttend:
		return v
	case TransferredOut:
		return v
	case AddedToWaitingList:
		return v
	case PriorityChanged:
		return v
	case RemovedFromWaitingList:
		return v
	case PreOpAssessmentCompleted:
		return v
	case AlertFlagged:
		return v
	case AlertCleared:
		return v
	case OfferMade:
		return v
	case OfferDeclined:
		return v
	case OfferAccepted:
		return v
	case PatientUnavailable:
		return v
	case AdmissionBooked:
		return v
	case BookingCancelled:
		return v
	case ValidationRecorded:
		return v
	case ClockStartCorrected:
		return v
	case EventRetracted:
		return v
	}
	panic("pathway: Clone of an event of another package's type")
}
