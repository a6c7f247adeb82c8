package sqlite

import (
	"context"
	"sync/atomic"
	"time"

	"github.com/pathway-ledger/ledger/eventstore"
)

type appendReq struct {
	stream   string
	expected eventstore.ExpectedVersion
	events   []eventstore.EventData
	bytes    int
	res      chan appendRes
}

type appendRes struct {
	r   eventstore.AppendResult
	err error
}

// Append implements eventstore.Store. The events are validated, queued for the single
// writer, committed with whatever other appends arrived meanwhile (one fsync for
// all), and acknowledged only after that commit is durable.
func (s *Store) Append(ctx context.Context, stream string, expected eventstore.ExpectedVersion, events ...eventstore.EventData) (eventstore.AppendResult, error) {
	wait, err := s.AppendQueued(ctx, stream, expected, events...)
	if err != nil {
		return eventstore.AppendResult{}, err
	}
	return wait()
}

// AppendQueued implements eventstore.QueuedAppender: Append up to the queueing. The
// single writer takes requests first in, first out, so what one caller queues is
// written in that order.
func (s *Store) AppendQueued(ctx context.Context, stream string, expected eventstore.ExpectedVersion, events ...eventstore.EventData) (func() (eventstore.AppendResult, error), error) {
	if s.opts.readOnly {
		return nil, ErrReadOnly
	}
	if s.opts.forReplay {
		return nil, ErrReplayOnly
	}
	prepared, err := eventstore.Prepare(stream, events)
	if err != nil {
		return nil, err
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	req := &appendReq{stream: stream, expected: expected, events: prepared, res: make(chan appendRes, 1)}
	for i := range prepared {
		req.bytes += len(prepared[i].Data)
	}
	// The read lock orders this send before Close, so the writer's final drain sees
	// every queued request and none waits forever.
	s.sendMu.RLock()
	if _, closed := s.waitCh(); closed {
		s.sendMu.RUnlock()
		return nil, eventstore.ErrClosed
	}
	select {
	case s.reqs <- req:
		s.sendMu.RUnlock()
	case <-ctx.Done():
		s.sendMu.RUnlock()
		return nil, ctx.Err()
	}
	// Once queued, the append is decided by the writer; waiting for it even if ctx
	// ends keeps the answer truthful (a retry with the same ids is then idempotent).
	return func() (eventstore.AppendResult, error) {
		r := <-req.res
		return r.r, r.err
	}, nil
}

func (s *Store) writeLoop() {
	defer s.wg.Done()
	expect := 1
	linger := time.NewTimer(time.Hour)
	linger.Stop()
	for {
		select {
		case <-s.done:
			s.drain()
			return
		case first := <-s.reqs:
			s.writeMu.Lock()
			expect = s.commitGroup(&queued{s: s, first: first, expect: expect, timer: linger})
			s.writeMu.Unlock()
		}
	}
}

// maxLinger bounds how long the writer waits, in all, for a group to fill.
const maxLinger = 200 * time.Microsecond

// source yields the appends of one transaction; nil ends it.
type source interface{ next() *appendReq }

// queued takes the first append, then those queued behind it up to the group
// limits: what arrived while the previous commit was being made durable. Writers
// whose appends were just acknowledged are usually about to append again, so while
// fewer than the previous group's size have come, the writer waits for them (up to
// maxLinger in all) rather than commit a small group and make the rest wait a whole
// fsync. Each append is written as it arrives, so the wait overlaps the inserts.
type queued struct {
	s             *Store
	first         *appendReq
	expect, n     int
	events, bytes int
	lingered      time.Duration
	timer         *time.Timer
}

func (q *queued) next() *appendReq {
	if r := q.first; r != nil {
		q.first = nil
		return q.took(r)
	}
	if q.n >= q.s.opts.maxGroupAppends || q.events >= eventstore.MaxEventsPerAppend || q.bytes >= q.s.opts.maxGroupBytes {
		return nil
	}
	select {
	case r := <-q.s.reqs:
		return q.took(r)
	default:
	}
	if q.n >= q.expect || q.lingered >= maxLinger {
		return nil
	}
	start := time.Now()
	q.timer.Reset(maxLinger - q.lingered)
	defer q.timer.Stop()
	select {
	case r := <-q.s.reqs:
		q.lingered += time.Since(start)
		return q.took(r)
	case <-q.timer.C:
		q.lingered = maxLinger
	case <-q.s.done:
	}
	return nil
}

func (q *queued) took(r *appendReq) *appendReq {
	q.n++
	q.events += len(r.events)
	q.bytes += r.bytes
	return r
}

// listed yields a fixed list of appends.
type listed []*appendReq

func (l *listed) next() *appendReq {
	if len(*l) == 0 {
		return nil
	}
	r := (*l)[0]
	*l = (*l)[1:]
	return r
}

// drain commits appends queued before Close; later ones were refused by Append.
func (s *Store) drain() {
	for {
		select {
		case r := <-s.reqs:
			s.commitGroup(&listed{r})
		default:
			return
		}
	}
}

// commitGroup writes the appends src yields in one transaction, acknowledges each
// once the commit is durable and returns how many there were. If the transaction
// fails (a full disk, an event id already stored by another append), the group is
// replayed one append per transaction, so only the appends that cannot be written
// are refused and nothing is half-written.
func (s *Store) commitGroup(src source) int {
	now := s.opts.now()
	group, results, head, err := s.w.run(src, s.head, now)
	if err != nil && s.resync() {
		again := listed(group)
		group, results, head, err = s.w.run(&again, s.head, now)
	}
	if err == nil {
		s.counted(results, head)
		for i, r := range group {
			r.res <- results[i]
		}
		return len(group)
	}
	if len(group) == 1 {
		group[0].res <- appendRes{err: err}
		return 1
	}
	for _, r := range group {
		_, results, head, err := s.w.run(&listed{r}, s.head, now)
		if err != nil {
			r.res <- appendRes{err: err}
			continue
		}
		s.counted(results, head)
		r.res <- results[0]
	}
	return len(group)
}

// resync reads the file's last position after a failed transaction. Only this
// process appends (the folder lock), but anyone with write access to the file can
// insert a row the triggers accept; the writer then moves past it instead of failing
// every append, and Verify reports the row.
func (s *Store) resync() bool {
	last, err := s.w.lastPosition()
	if err != nil || last == s.head {
		return false
	}
	s.published(last)
	return true
}

// Stats counts the writer's work since Open.
type Stats struct {
	Commits uint64 // transactions made durable, one fsync each
	Appends uint64 // appends written (refusals and idempotent retries not counted)
	Events  uint64 // events written
}

// Stats returns the counts so far.
func (s *Store) Stats() Stats {
	return Stats{Commits: s.stats.commits.Load(), Appends: s.stats.appends.Load(), Events: s.stats.events.Load()}
}

type counters struct{ commits, appends, events atomic.Uint64 }

// counted publishes a committed transaction's new head and counts it.
func (s *Store) counted(results []appendRes, head uint64) {
	if head == s.head {
		return
	}
	s.stats.commits.Add(1)
	s.stats.events.Add(head - s.head)
	for _, r := range results {
		if r.err == nil && r.r.Position > s.head {
			s.stats.appends.Add(1)
		}
	}
	s.published(head)
}
