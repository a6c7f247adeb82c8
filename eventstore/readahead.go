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
//
// When data is not nil, the events' Data are read into its blocks, and are valid
// only until data.Reset: a fold decodes Data and keeps nothing of it (the contract
// of a projection), so a replay can read page after page into the same memory
// instead of allocating the log's documents again (a quarter of what a replay
// allocated). With a nil data, Data is the event's own, as from ReadAllAppend.
type FoldReader interface {
	ReadAllForFold(ctx context.Context, after uint64, limit int, dst []Event, data *DataBuffer) ([]Event, error)
}

// Page is one ReadAll page of ReadAhead: Events, or the error that ended the read.
type Page struct {
	Events []Event
	Err    error
	mem    pageMemory
	free   chan<- pageMemory
}

// pageMemory is what a page's events were read into: the envelopes, and for a fold
// the blocks their Data were read into (nil otherwise).
type pageMemory struct {
	events []Event
	data   *DataBuffer
}

// Recycle hands the page's memory to the read-ahead for a later page: call it when
// nothing refers to the Events slice or its elements any more. Values copied out of
// it (strings) stay valid: they are not the page's. So does Data, except in a page
// of ReadAheadForFold, whose Data are read into memory of the page (FoldReader) and
// must not be read after Recycle. Calling it is optional.
func (p Page) Recycle() {
	if p.free == nil || cap(p.Events) == 0 {
		return
	}
	mem := pageMemory{events: p.Events[:0], data: p.mem.data}
	select {
	case p.free <- mem:
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
	var into readInto
	if ar, ok := r.(AppendReader); ok {
		into = func(ctx context.Context, after uint64, limit int, mem pageMemory) ([]Event, error) {
			return ar.ReadAllAppend(ctx, after, limit, mem.events)
		}
	}
	return readAhead(ctx, r, into, false, after, batch)
}

// ReadAheadForFold is ReadAhead for a consumer that never looks at the hash chain
// and keeps nothing of an event's Data once it recycles its page: from a FoldReader,
// the events' PrevHash and Hash are empty, and a recycled page's Data memory is
// read into again; from another reader, events are whatever it reads.
func ReadAheadForFold(ctx context.Context, r Reader, after uint64, batch int) (pages <-chan Page, stop func()) {
	if fr, ok := r.(FoldReader); ok {
		into := func(ctx context.Context, after uint64, limit int, mem pageMemory) ([]Event, error) {
			return fr.ReadAllForFold(ctx, after, limit, mem.events, mem.data)
		}
		return readAhead(ctx, r, into, true, after, batch)
	}
	return ReadAhead(ctx, r, after, batch)
}

// readInto reads a page into mem (whose events it may grow).
type readInto func(ctx context.Context, after uint64, limit int, mem pageMemory) ([]Event, error)

// readAhead reads pages with into (recycling them) when it is set, else ReadAll;
// with data set, each page has a DataBuffer of its own.
func readAhead(ctx context.Context, r Reader, into readInto, data bool, after uint64, batch int) (pages <-chan Page, stop func()) {
	ctx, cancel := context.WithCancel(ctx)
	ch := make(chan Page, 2)
	// Pages in use at most: two in the channel, one read into, one with the consumer.
	free := make(chan pageMemory, 4)
	quit := make(chan struct{})
	done := make(chan struct{})
	go func() {
		defer close(done)
		defer close(ch)
		for {
			var evs []Event
			var mem pageMemory
			var err error
			if into != nil {
				select {
				case mem = <-free:
				default:
				}
				if data {
					if mem.data == nil {
						mem.data = new(DataBuffer)
					}
					// The consumer recycled the page: nothing reads its Data now.
					mem.data.Reset()
				}
				evs, err = into(ctx, after, batch, mem)
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
			case ch <- Page{Events: evs, Err: err, mem: mem, free: free}:
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
