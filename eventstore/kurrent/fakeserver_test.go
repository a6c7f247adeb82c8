package kurrent

import (
	"errors"
	"fmt"
	"io"
	"net"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/EventStore/EventStore-Client-Go/v4/esdb"
	"github.com/EventStore/EventStore-Client-Go/v4/protos/shared"
	api "github.com/EventStore/EventStore-Client-Go/v4/protos/streams"
	"github.com/google/uuid"
	"github.com/stretchr/testify/require"
	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"
)

// fakeKurrent is an in-memory stand-in for one KurrentDB node's Streams service,
// speaking the real gRPC protocol to the real v4.2.0 client. It models what the engine
// relies on, as the KurrentDB source does it: per-event commit positions equal to
// prepare positions (strictly increasing, with gaps), the append idempotency check
// (IndexWriter.CheckCommit: by id at the expected revision, by a cache of ids for Any
// and StreamExists), inclusive $all reads, exclusive subscription starts, event-type
// filters and checkpoints. Faults are injected per call.
type fakeKurrent struct {
	mu      sync.Mutex
	records []fakeRecord
	streams map[string][]int
	byID    map[uuid.UUID]int
	next    uint64
	changed chan struct{}

	// Faults, each consumed by the calls it hits.
	appendFail    int   // appends refused unavailable before writing
	appendLoseAck int   // appends committed, then answered unavailable
	readFail      int   // reads (not subscriptions) failing unavailable
	staleReads    int   // stream reads answered as a lagging follower would: without the last event
	subDrops      []int // successive subscriptions end unavailable after this many events
	noPosition    bool  // successful appends carry no position
	appends       int   // append calls received
	subscriptions int   // subscriptions opened

	addr string
	srv  *grpc.Server
}

type fakeRecord struct {
	id          uuid.UUID
	stream      string
	number      uint64
	typ         string
	contentType string
	data, meta  []byte
	pos         uint64
	created     int64
}

type fakeService struct {
	api.UnimplementedStreamsServer
	f *fakeKurrent
}

// startFake runs a fake node on a free local port until the test ends.
func startFake(t *testing.T) *fakeKurrent {
	t.Helper()
	f := &fakeKurrent{streams: map[string][]int{}, byID: map[uuid.UUID]int{}, next: 1000, changed: make(chan struct{})}
	// A fresh KurrentDB log starts with system records.
	f.addRaw("$settings", "$metadata", []byte(`{}`), nil)
	f.addRaw("$stats-127.0.0.1:2113", "$statsCollected", []byte(`{}`), nil)
	f.serve(t, "127.0.0.1:0")
	t.Cleanup(f.stop)
	return f
}

func (f *fakeKurrent) url() string { return "esdb://" + f.addr + "?tls=false" }

func (f *fakeKurrent) serve(t *testing.T, addr string) {
	t.Helper()
	var lis net.Listener
	var err error
	for try := 0; try < 50; try++ {
		if lis, err = net.Listen("tcp", addr); err == nil {
			break
		}
		time.Sleep(20 * time.Millisecond)
	}
	require.NoError(t, err)
	srv := grpc.NewServer(grpc.MaxRecvMsgSize(32<<20), grpc.MaxSendMsgSize(32<<20))
	api.RegisterStreamsServer(srv, &fakeService{f: f})
	f.mu.Lock()
	f.addr, f.srv = lis.Addr().String(), srv
	f.mu.Unlock()
	go func() { _ = srv.Serve(lis) }()
}

// stop takes the node down: open calls fail, new calls are refused.
func (f *fakeKurrent) stop() {
	f.mu.Lock()
	srv := f.srv
	f.srv = nil
	f.mu.Unlock()
	if srv != nil {
		srv.Stop()
	}
}

// restart brings the node back on the same address with the same log.
func (f *fakeKurrent) restart(t *testing.T) { f.serve(t, f.addr) }

// addRaw writes a record as another writer would (no ledger envelope needed).
func (f *fakeKurrent) addRaw(stream, typ string, data, meta []byte) uint64 {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.writeLocked(uuid.New(), stream, typ, "application/json", data, meta)
}

func (f *fakeKurrent) writeLocked(id uuid.UUID, stream, typ, contentType string, data, meta []byte) uint64 {
	idx := len(f.records)
	r := fakeRecord{id: id, stream: stream, number: uint64(len(f.streams[stream])), typ: typ, contentType: contentType,
		data: data, meta: meta, pos: f.next, created: time.Now().UnixNano() / 100}
	f.next += 64 + uint64(len(data)+len(meta)+len(typ)+len(stream))
	f.records = append(f.records, r)
	f.streams[stream] = append(f.streams[stream], idx)
	f.byID[id] = idx
	close(f.changed)
	f.changed = make(chan struct{})
	return r.pos
}

func (f *fakeKurrent) count(stream string) int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return len(f.streams[stream])
}

var errUnavailable = status.Error(codes.Unavailable, "fake: node unavailable")

func protoID(id uuid.UUID) *shared.UUID {
	most, least := esdb.UUIDAsInt64(id)
	return &shared.UUID{Value: &shared.UUID_Structured_{Structured: &shared.UUID_Structured{
		MostSignificantBits: most, LeastSignificantBits: least}}}
}

func (s *fakeService) Append(stream api.Streams_AppendServer) error {
	f := s.f
	req, err := stream.Recv()
	if err != nil {
		return err
	}
	opts := req.GetOptions()
	if opts == nil {
		return status.Error(codes.InvalidArgument, "fake: options first")
	}
	var msgs []*api.AppendReq_ProposedMessage
	for {
		req, err := stream.Recv()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return err
		}
		msgs = append(msgs, req.GetProposedMessage())
	}
	f.mu.Lock()
	f.appends++
	if f.appendFail > 0 {
		f.appendFail--
		f.mu.Unlock()
		return errUnavailable
	}
	resp, wrote, err := f.appendLocked(string(opts.StreamIdentifier.StreamName), opts, msgs)
	lose := wrote && f.appendLoseAck > 0
	if lose {
		f.appendLoseAck--
	}
	f.mu.Unlock()
	if err != nil {
		return err
	}
	if lose {
		return status.Error(codes.Unavailable, "fake: connection lost after the commit")
	}
	return stream.SendAndClose(resp)
}

const (
	fakeAny          = -2
	fakeNoStream     = -1
	fakeStreamExists = -4
)

// appendLocked follows KurrentDB's commit check. wrote: new records were written.
func (f *fakeKurrent) appendLocked(name string, opts *api.AppendReq_Options, msgs []*api.AppendReq_ProposedMessage) (*api.AppendResp, bool, error) {
	var expected int64
	switch e := opts.ExpectedStreamRevision.(type) {
	case *api.AppendReq_Options_Any:
		expected = fakeAny
	case *api.AppendReq_Options_NoStream:
		expected = fakeNoStream
	case *api.AppendReq_Options_StreamExists:
		expected = fakeStreamExists
	case *api.AppendReq_Options_Revision:
		expected = int64(e.Revision)
	}
	ids := make([]uuid.UUID, len(msgs))
	for i, m := range msgs {
		s := m.Id.GetStructured()
		id, err := esdb.ParseUUIDFromInt64(s.MostSignificantBits, s.LeastSignificantBits)
		if err != nil {
			return nil, false, status.Error(codes.InvalidArgument, "fake: event id")
		}
		ids[i] = id
	}
	idxs := f.streams[name]
	cur := int64(len(idxs)) - 1
	if expected == fakeStreamExists && cur < 0 {
		return f.wrongLocked(expected, cur), false, nil
	}
	if expected == fakeAny || expected == fakeStreamExists {
		var last int
		for i, id := range ids {
			idx, ok := f.byID[id]
			if !ok || f.records[idx].stream != name {
				if i == 0 {
					return f.commitLocked(name, msgs, ids), true, nil
				}
				return nil, false, status.Error(codes.InvalidArgument, "fake: corrupted idempotency")
			}
			last = idx
		}
		return f.successLocked(f.records[last]), false, nil
	}
	if expected < cur {
		n := expected
		for i, id := range ids {
			n++
			if n > cur || f.records[idxs[n]].id != id {
				if i == 0 {
					return f.wrongLocked(expected, cur), false, nil
				}
				return nil, false, status.Error(codes.InvalidArgument, "fake: corrupted idempotency")
			}
		}
		return f.successLocked(f.records[idxs[n]]), false, nil
	}
	if expected > cur {
		return f.wrongLocked(expected, cur), false, nil
	}
	return f.commitLocked(name, msgs, ids), true, nil
}

func (f *fakeKurrent) commitLocked(name string, msgs []*api.AppendReq_ProposedMessage, ids []uuid.UUID) *api.AppendResp {
	for i, m := range msgs {
		f.writeLocked(ids[i], name, m.Metadata["type"], m.Metadata["content-type"], m.Data, m.CustomMetadata)
	}
	idxs := f.streams[name]
	return f.successLocked(f.records[idxs[len(idxs)-1]])
}

func (f *fakeKurrent) successLocked(last fakeRecord) *api.AppendResp {
	ok := &api.AppendResp_Success{CurrentRevisionOption: &api.AppendResp_Success_CurrentRevision{CurrentRevision: last.number}}
	if f.noPosition {
		ok.PositionOption = &api.AppendResp_Success_NoPosition{NoPosition: &shared.Empty{}}
	} else {
		ok.PositionOption = &api.AppendResp_Success_Position{Position: &api.AppendResp_Position{CommitPosition: last.pos, PreparePosition: last.pos}}
	}
	return &api.AppendResp{Result: &api.AppendResp_Success_{Success: ok}}
}

func (f *fakeKurrent) wrongLocked(expected, cur int64) *api.AppendResp {
	w := &api.AppendResp_WrongExpectedVersion{}
	if cur < 0 {
		w.CurrentRevisionOption = &api.AppendResp_WrongExpectedVersion_CurrentNoStream{CurrentNoStream: &shared.Empty{}}
	} else {
		w.CurrentRevisionOption = &api.AppendResp_WrongExpectedVersion_CurrentRevision{CurrentRevision: uint64(cur)}
	}
	switch expected {
	case fakeAny:
		w.ExpectedRevisionOption = &api.AppendResp_WrongExpectedVersion_ExpectedAny{ExpectedAny: &shared.Empty{}}
	case fakeNoStream:
		w.ExpectedRevisionOption = &api.AppendResp_WrongExpectedVersion_ExpectedNoStream{ExpectedNoStream: &shared.Empty{}}
	case fakeStreamExists:
		w.ExpectedRevisionOption = &api.AppendResp_WrongExpectedVersion_ExpectedStreamExists{ExpectedStreamExists: &shared.Empty{}}
	default:
		w.ExpectedRevisionOption = &api.AppendResp_WrongExpectedVersion_ExpectedRevision{ExpectedRevision: uint64(expected)}
	}
	return &api.AppendResp{Result: &api.AppendResp_WrongExpectedVersion_{WrongExpectedVersion: w}}
}

func (r *fakeRecord) event() *api.ReadResp {
	return &api.ReadResp{Content: &api.ReadResp_Event{Event: &api.ReadResp_ReadEvent{
		Event: &api.ReadResp_ReadEvent_RecordedEvent{
			Id:               protoID(r.id),
			StreamIdentifier: &shared.StreamIdentifier{StreamName: []byte(r.stream)},
			StreamRevision:   r.number, PreparePosition: r.pos, CommitPosition: r.pos,
			Metadata: map[string]string{"type": r.typ, "content-type": r.contentType,
				"created": strconv.FormatInt(r.created, 10)},
			CustomMetadata: r.meta, Data: r.data,
		},
		Position: &api.ReadResp_ReadEvent_CommitPosition{CommitPosition: r.pos},
	}}}
}

func (s *fakeService) Read(req *api.ReadReq, srv api.Streams_ReadServer) error {
	f := s.f
	o := req.Options
	if o.GetSubscription() != nil {
		return f.subscribe(o, srv)
	}
	f.mu.Lock()
	if f.readFail > 0 {
		f.readFail--
		f.mu.Unlock()
		return errUnavailable
	}
	var out []fakeRecord
	var missing bool
	count := o.GetCount()
	back := o.ReadDirection == api.ReadReq_Options_Backwards
	if so := o.GetStream(); so != nil {
		idxs := f.streams[string(so.StreamIdentifier.StreamName)]
		if f.staleReads > 0 && len(idxs) > 0 {
			f.staleReads--
			idxs = idxs[:len(idxs)-1]
		}
		missing = len(idxs) == 0
		switch {
		case missing:
		case back:
			from := int64(len(idxs)) - 1
			if r, ok := so.RevisionOption.(*api.ReadReq_Options_StreamOptions_Revision); ok {
				from = min(from, int64(r.Revision))
			}
			for n := from; n >= 0 && uint64(len(out)) < count; n-- {
				out = append(out, f.records[idxs[n]])
			}
		default:
			var from uint64
			if r, ok := so.RevisionOption.(*api.ReadReq_Options_StreamOptions_Revision); ok {
				from = r.Revision
			}
			for n := from; n < uint64(len(idxs)) && uint64(len(out)) < count; n++ {
				out = append(out, f.records[idxs[n]])
			}
		}
	} else {
		all := o.GetAll()
		switch p := all.AllOption.(type) {
		case *api.ReadReq_Options_AllOptions_Start:
			if !back {
				out = f.fromLocked(0, count)
			}
		case *api.ReadReq_Options_AllOptions_End:
			if back {
				for i := len(f.records) - 1; i >= 0 && uint64(len(out)) < count; i-- {
					out = append(out, f.records[i])
				}
			}
		case *api.ReadReq_Options_AllOptions_Position:
			if back {
				for i := len(f.records) - 1; i >= 0 && uint64(len(out)) < count; i-- {
					if f.records[i].pos < p.Position.CommitPosition {
						out = append(out, f.records[i])
					}
				}
			} else {
				out = f.fromLocked(p.Position.CommitPosition, count)
			}
		}
	}
	f.mu.Unlock()
	if missing {
		so := o.GetStream()
		return srv.Send(&api.ReadResp{Content: &api.ReadResp_StreamNotFound_{StreamNotFound: &api.ReadResp_StreamNotFound{
			StreamIdentifier: so.StreamIdentifier}}})
	}
	for i := range out {
		if err := srv.Send(out[i].event()); err != nil {
			return err
		}
	}
	return nil
}

// fromLocked returns up to count records at or after position pos.
func (f *fakeKurrent) fromLocked(pos, count uint64) []fakeRecord {
	var out []fakeRecord
	for i := range f.records {
		if uint64(len(out)) >= count {
			break
		}
		if f.records[i].pos >= pos {
			out = append(out, f.records[i])
		}
	}
	return out
}

func (f *fakeKurrent) subscribe(o *api.ReadReq_Options, srv api.Streams_ReadServer) error {
	all := o.GetAll()
	if all == nil {
		return status.Error(codes.Unimplemented, "fake: only $all subscriptions")
	}
	allow := func(fakeRecord) bool { return true }
	interval := uint64(32)
	if fo := o.GetFilter(); fo != nil {
		expr := fo.GetEventType()
		byType := expr != nil
		if !byType {
			expr = fo.GetStreamIdentifier()
		}
		var re *regexp.Regexp
		if expr.Regex != "" {
			re = regexp.MustCompile(expr.Regex)
		}
		allow = func(r fakeRecord) bool {
			subject := r.stream
			if byType {
				subject = r.typ
			}
			if re != nil {
				return re.MatchString(subject)
			}
			for _, p := range expr.Prefix {
				if strings.HasPrefix(subject, p) {
					return true
				}
			}
			return false
		}
		if m := fo.GetMax(); m > 0 {
			interval = uint64(m) * uint64(max(fo.CheckpointIntervalMultiplier, 1))
		}
	}
	f.mu.Lock()
	f.subscriptions++
	drop := -1
	if len(f.subDrops) > 0 {
		drop, f.subDrops = f.subDrops[0], f.subDrops[1:]
	}
	var after uint64
	switch p := all.AllOption.(type) {
	case *api.ReadReq_Options_AllOptions_Position:
		after = p.Position.CommitPosition
	case *api.ReadReq_Options_AllOptions_End:
		if n := len(f.records); n > 0 {
			after = f.records[n-1].pos
		}
	}
	f.mu.Unlock()
	if err := srv.Send(&api.ReadResp{Content: &api.ReadResp_Confirmation{Confirmation: &api.ReadResp_SubscriptionConfirmation{
		SubscriptionId: uuid.NewString()}}}); err != nil {
		return err
	}
	var considered, sent uint64
	checkpoint := func() error {
		return srv.Send(&api.ReadResp{Content: &api.ReadResp_Checkpoint_{Checkpoint: &api.ReadResp_Checkpoint{
			CommitPosition: after, PreparePosition: after}}})
	}
	for {
		f.mu.Lock()
		var batch []fakeRecord
		for i := range f.records {
			if f.records[i].pos > after {
				batch = append(batch, f.records[i])
			}
		}
		changed := f.changed
		f.mu.Unlock()
		for _, r := range batch {
			after = r.pos
			considered++
			if allow(r) {
				if drop >= 0 && sent == uint64(drop) {
					return status.Error(codes.Unavailable, "fake: subscription dropped")
				}
				if err := srv.Send(r.event()); err != nil {
					return err
				}
				sent++
			}
			if considered%interval == 0 {
				if err := checkpoint(); err != nil {
					return err
				}
			}
		}
		if len(batch) > 0 {
			if err := checkpoint(); err != nil {
				return err
			}
		}
		select {
		case <-changed:
		case <-srv.Context().Done():
			return srv.Context().Err()
		}
	}
}

func (f *fakeKurrent) String() string {
	f.mu.Lock()
	defer f.mu.Unlock()
	return fmt.Sprintf("fake KurrentDB at %s: %d records", f.addr, len(f.records))
}
