package eventstore

import "context"

// AppendReader is a Reader that can read the global log into the caller's memory:
// ReadAllAppend is ReadAll with the events appended to dst, which it grows only when
// dst lacks the room. A long read (a replay) that hands its pages back
// (Page.Recycle) then allocates no page per page; at 248 bytes an envelope, pages
// were a quarter of what a replay allocated. Engines implement it where they can.
type AppendReader interface {
	ReadAllAppend(ctx context.Context, after uint64, limit int, dst []Event) ([]Event, error)
}

// FoldReader reads the global log as AppendReader does, but can leave out the hash
// chain: ReadAllForFold is ReadAllAppend with every event's PrevHash and Hash empty. A projection folds
// events and never looks at their hashes, which are a third of an event's bytes;
// a replay reads them with ReadAheadForFold. Whatever checks the chain (ledger
// verify, the audit routes) or records a position by its event's hash reads
// events whole.
type FoldReader interface {
	ReadAllForFold(ctx context.Context, after uint64, limit int, dst []Event) ([]Event, error)
}

// Page is one ReadAll page of ReadAhead: Events, or the error that ended the read.
type Page struct {
	Events []Event
	Err    error
	free   chan<- []Event
}

// Recycle hands the page's memory to the read-ahead for a later page: call it when
// nothing refers to the Events slice or its elements any more. Values copied out of
// it (strings, Data) stay valid: they are not the page's. Calling it is optional.
func (p Page) Recycle() {
	if p.free == nil || cap(p.Events) == 0 {
		return
	}
	select {
	case p.free <- p.Events[:0]:
	default:
	}
}

// ReadAhead reads the global log after a position in pages of batch events, a couple
// of pages ahead of the consumer, so that reading (which decodes envelopes) and
// whatever the caller does with a page overlap. The channel always ends with an empty
// page at the head of the log or a page holding the error (ctx's included), unless
// stop was called first; stop ends the reading early and waits for it, and must be
// called. Events own their bytes, so a page read ahead stays valid while an earlier
// one is used. From an AppendReader, pages the consumer recycles are read into again.
func ReadAhead(ctx context.Context, r Reader, after uint64, batch int) (pages <-chan Page, stop func()) {
	var into func(context.Context, uint64, int, []Event) ([]Event, error)
	if ar, ok := r.(AppendReader); ok {
		into = ar.ReadAllAppend
	}
	return readAhead(ctx, r, into, after, batch)
}

// ReadAheadForFold is ReadAhead for a consumer that never looks at the hash chain:
// from a FoldReader, the events' PrevHash and Hash are empty; from another reader,
// they are whatever it reads.
func ReadAheadForFold(ctx context.Context, r Reader, after uint64, batch int) (pages <-chan Page, stop func()) {
	if fr, ok := r.(FoldReader); ok {
		return readAhead(ctx, r, fr.ReadAllForFold, after, batch)
	}
	return ReadAhead(ctx, r, after, batch)
}

// readAhead reads pages with into (recycling them) when it is set, else ReadAll.
func readAhead(ctx context.Context, r Reader, into func(context.Context, uint64, int, []Event) ([]Event, error), after uint64, batch int) (pages <-chan Page, stop func()) {
	ctx, cancel := context.WithCancel(ctx)
	ch := make(chan Page, 2)
	// Pages in use at most: two in the channel, one read into, one with the consumer.
	free := make(chan []Event, 4)
	quit := make(chan struct{})
	done := make(chan struct{})
	go func() {
		defer close(done)
		defer close(ch)
		for {
			var evs []Event
			var err error
			if into != nil {
				var dst []Event
				select {
				case dst = <-free:
				default:
				}
				evs, err = into(ctx, after, batch, dst)
			} else {
				evs, err = r.ReadAll(ctx, after, batch)
			}
			// Where to read next is taken before the page is handed over: it is
			// the consumer's from then on, to filter or clear in place.
			last := len(evs) == 0 || err != nil
			if !last {
				after = evs[len(evs)-1].Position
			}
			select {
			case ch <- Page{Events: evs, Err: err, free: free}:
			case <-quit:
				return
			}
			if last {
				return
			}
		}
	}()
	return ch, func() {
		close(quit)
		cancel()
		<-done
	}
}
