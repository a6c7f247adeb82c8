package sqlite

import (
	"context"
	"fmt"

	"github.com/pathway-ledger/ledger/eventstore"
)

type scanner interface{ Scan(dest ...any) error }

func scanEvent(row scanner) (eventstore.Event, error) {
	var e eventstore.Event
	var recordedAt string
	var data []byte
	err := row.Scan(&e.Position, &e.Stream, &e.StreamVersion, &e.EventID, &e.Type, &e.SchemaVersion,
		&e.OccurredOn, &recordedAt, &e.Actor.User, &e.Actor.Role, &e.CorrelationID, &e.CausationID,
		&e.Reason, &data, &e.PrevHash, &e.Hash)
	if err != nil {
		return e, err
	}
	e.Data = data
	if e.RecordedAt, err = eventstore.ParseRecordedAt(recordedAt); err != nil {
		return e, fmt.Errorf("%w: event %d recorded_at %q: %v", eventstore.ErrStorage, e.Position, recordedAt, err)
	}
	return e, nil
}

func (s *Store) checkOpen() error {
	if _, closed := s.waitCh(); closed {
		return eventstore.ErrClosed
	}
	return nil
}

func (s *Store) query(ctx context.Context, q string, capacity int, args ...any) ([]eventstore.Event, error) {
	if err := s.checkOpen(); err != nil {
		return nil, err
	}
	rows, err := s.rdb.QueryContext(ctx, q, args...)
	if err != nil {
		return nil, storageErr("read", err)
	}
	defer rows.Close()
	out := make([]eventstore.Event, 0, capacity)
	for rows.Next() {
		e, err := scanEvent(rows)
		if err != nil {
			return nil, storageErr("read", err)
		}
		out = append(out, e)
	}
	if err := rows.Err(); err != nil {
		return nil, storageErr("read", err)
	}
	return out, nil
}

func capFor(limit int) (int, int) {
	if limit <= 0 {
		return -1, 64
	}
	if limit > 4096 {
		return limit, 4096
	}
	return limit, limit
}

// ReadStream implements eventstore.Reader.
func (s *Store) ReadStream(ctx context.Context, stream string, fromVersion uint64, limit int) ([]eventstore.Event, error) {
	if err := eventstore.ValidateStream(stream); err != nil {
		return nil, err
	}
	lim, c := capFor(limit)
	evs, err := s.query(ctx, `SELECT `+columns+` FROM events WHERE stream = ? AND stream_version >= ? ORDER BY stream_version LIMIT ?`,
		c, stream, fromVersion, lim)
	if err != nil {
		return nil, err
	}
	if len(evs) == 0 && fromVersion == 0 {
		return nil, fmt.Errorf("%w: %s", eventstore.ErrStreamNotFound, stream)
	}
	if len(evs) == 0 {
		var n int
		if err := s.rdb.QueryRowContext(ctx, `SELECT COUNT(*) FROM (SELECT 1 FROM events WHERE stream = ? LIMIT 1)`, stream).Scan(&n); err != nil {
			return nil, storageErr("read", err)
		}
		if n == 0 {
			return nil, fmt.Errorf("%w: %s", eventstore.ErrStreamNotFound, stream)
		}
	}
	return evs, nil
}

// ReadAll implements eventstore.Reader.
func (s *Store) ReadAll(ctx context.Context, after uint64, limit int) ([]eventstore.Event, error) {
	lim, c := capFor(limit)
	return s.query(ctx, `SELECT `+columns+` FROM events WHERE position > ? ORDER BY position LIMIT ?`, c, after, lim)
}
