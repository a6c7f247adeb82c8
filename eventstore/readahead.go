package eventstore

import "context"

// Page is one ReadAll page of ReadAhead: Events, or the error that ended the read.
type Page struct {
	Events []Event
	Err    error
}

// ReadAhead reads the global log after a position in pages of batch events, a couple
// of pages ahead of the consumer, so that reading (which decodes envelopes) and
// whatever the caller does with a page overlap. The channel always ends with an empty
// page at the head of the log or a page holding the error (ctx's included), unless
// stop was called first; stop ends the reading early and waits for it, and must be
// called. Events own their bytes, so a page read ahead stays valid while an earlier
// one is used.
func ReadAhead(ctx context.Context, r Reader, after uint64, batch int) (pages <-chan Page, stop func()) {
	ctx, cancel := context.WithCancel(ctx)
	ch := make(chan Page, 2)
	quit := make(chan struct{})
	done := make(chan struct{})
	go func() {
		defer close(done)
		defer close(ch)
		for {
			evs, err := r.ReadAll(ctx, after, batch)
			select {
			case ch <- Page{evs, err}:
			case <-quit:
				return
			}
			if err != nil || len(evs) == 0 {
				return
			}
			after = evs[len(evs)-1].Position
		}
	}()
	return ch, func() {
		close(quit)
		cancel()
		<-done
	}
}
