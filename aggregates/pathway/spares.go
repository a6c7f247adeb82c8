package pathway

// Spares are the buffers of states that a read model folded in place (StepWith,
// owned) and let go, for the states it folds next: a replay builds a state for
// every pathway of the log and lets four in five go, and growing their periods,
// entries, offers and bookings, and boxing their pre-op assessments, was a third
// of what it allocated. Only a state nothing else holds a slice of may be kept
// (Keep), and only a state folded in place takes from them.
type Spares struct {
	periods  [][]Period
	entries  [][]Entry
	offers   [][]Offer
	bookings [][]Booking
	preOps   []*PreOpAssessmentCompleted
}

// spareDepth bounds the buffers of each kind kept: a read model lets states go
// about as fast as it starts new ones.
const spareDepth = 64

// Keep takes s's buffers for later states, emptied, and leaves s New. Nothing may
// hold any of s's slices or its pre-op assessment.
func (sp *Spares) Keep(s *State) {
	keep(&sp.periods, s.Periods)
	keep(&sp.entries, s.Entries)
	keep(&sp.offers, s.Offers)
	keep(&sp.bookings, s.Bookings)
	if s.PreOp != nil && len(sp.preOps) < spareDepth {
		*s.PreOp = PreOpAssessmentCompleted{}
		sp.preOps = append(sp.preOps, s.PreOp)
	}
	*s = New()
}

// keep files xs's buffer, cleared so that what its elements held can go.
func keep[T any](pool *[][]T, xs []T) {
	if cap(xs) == 0 || len(*pool) == spareDepth {
		return
	}
	clear(xs)
	*pool = append(*pool, xs[:0])
}

// take is an empty buffer of the pool, or nil; sp may be nil.
func take[T any](sp *Spares, pool func(*Spares) *[][]T) []T {
	if sp == nil {
		return nil
	}
	p := pool(sp)
	n := len(*p)
	if n == 0 {
		return nil
	}
	xs := (*p)[n-1]
	(*p)[n-1] = nil
	*p = (*p)[:n-1]
	return xs
}

func periodsOf(sp *Spares) *[][]Period   { return &sp.periods }
func entriesOf(sp *Spares) *[][]Entry    { return &sp.entries }
func offersOf(sp *Spares) *[][]Offer     { return &sp.offers }
func bookingsOf(sp *Spares) *[][]Booking { return &sp.bookings }

// grow is xs to append to: when owned, xs itself, or a spare buffer when xs has
// none; otherwise a copy (a reader may hold xs).
func grow[T any](owned bool, xs []T, sp *Spares, pool func(*Spares) *[][]T) []T {
	if !owned {
		return clone(xs)
	}
	if xs == nil {
		return take(sp, pool)
	}
	return xs
}

// preOp is where to put a pre-op assessment: a spare one when there is one.
func (sp *Spares) preOp() *PreOpAssessmentCompleted {
	if sp == nil || len(sp.preOps) == 0 {
		return new(PreOpAssessmentCompleted)
	}
	n := len(sp.preOps)
	p := sp.preOps[n-1]
	sp.preOps[n-1] = nil
	sp.preOps = sp.preOps[:n-1]
	return p
}
