package sqlite

// schema is the archival format of the log; the README's section "The event store
// file (for auditors)" documents it. Every envelope field is a readable column, and
// the file itself keeps the invariants, whoever writes to it: positions are 1, 2, 3 …
// with no gap, each stream's versions are 0, 1, 2 … with no gap, and no row is ever
// updated or deleted. STRICT makes SQLite refuse a value of the wrong type.
//
// The gap checks raise ROLLBACK rather than ABORT, and the engine inserts with OR
// ROLLBACK: any violation undoes the whole transaction, so SQLite needs no statement
// journal per insert (the engine replays a group that fails, one append at a time).
const schema = `
CREATE TABLE IF NOT EXISTS events (
  position       INTEGER PRIMARY KEY,          -- global order, 1-based, gap-free
  stream         TEXT    NOT NULL,             -- e.g. pathway-<uuid>
  stream_version INTEGER NOT NULL,             -- 0-based, gap-free per stream
  event_id       TEXT    NOT NULL UNIQUE,      -- UUID, the idempotency key
  type           TEXT    NOT NULL,             -- past tense, e.g. ClockStopped
  schema_version INTEGER NOT NULL,
  occurred_on    TEXT    NOT NULL,             -- business date YYYY-MM-DD
  recorded_at    TEXT    NOT NULL,             -- UTC instant, RFC 3339, microseconds
  actor_user     TEXT    NOT NULL,
  actor_role     TEXT    NOT NULL,
  correlation_id TEXT    NOT NULL,             -- '' when none
  causation_id   TEXT    NOT NULL,             -- '' when none
  reason         TEXT    NOT NULL,             -- '' when none
  data           TEXT    NOT NULL,             -- the event's JSON document
  prev_hash      TEXT    NOT NULL,             -- hash of the stream's previous event ('' first)
  hash           TEXT    NOT NULL,             -- SHA-256 chain, see eventstore.ComputeHash
  UNIQUE (stream, stream_version)
) STRICT;
CREATE TRIGGER IF NOT EXISTS events_position_gap_free BEFORE INSERT ON events
WHEN NEW.position IS NOT (SELECT COALESCE(MAX(position), 0) + 1 FROM events)
BEGIN SELECT RAISE(ROLLBACK, 'events.position must be the next integer'); END;
CREATE TRIGGER IF NOT EXISTS events_version_gap_free BEFORE INSERT ON events
WHEN NEW.stream_version IS NOT (SELECT COALESCE(MAX(stream_version), -1) + 1 FROM events WHERE stream = NEW.stream)
BEGIN SELECT RAISE(ROLLBACK, 'events.stream_version must be the next version of its stream'); END;
CREATE TRIGGER IF NOT EXISTS events_no_update BEFORE UPDATE ON events
BEGIN SELECT RAISE(ABORT, 'events are immutable'); END;
CREATE TRIGGER IF NOT EXISTS events_no_delete BEFORE DELETE ON events
BEGIN SELECT RAISE(ABORT, 'events are immutable'); END;
CREATE TABLE IF NOT EXISTS ledger_meta (key TEXT PRIMARY KEY, value TEXT NOT NULL) STRICT;
INSERT OR IGNORE INTO ledger_meta (key, value) VALUES ('format', 'pathway-ledger-events/1');
`

// columns lists the envelope in the order the engine reads and writes it.
const columns = `position, stream, stream_version, event_id, type, schema_version, occurred_on,
  recorded_at, actor_user, actor_role, correlation_id, causation_id, reason, data, prev_hash, hash`

// foldColumns reads the columns as columns does but the hash chain, which a fold
// never looks at: empty strings in their place, so that a row decodes the same way.
const foldColumns = `position, stream, stream_version, event_id, type, schema_version, occurred_on,
  recorded_at, actor_user, actor_role, correlation_id, causation_id, reason, data, '' AS prev_hash, '' AS hash`

// Column indexes of a row read with columns.
const (
	colPosition = iota
	colStream
	colVersion
	colEventID
	colType
	colSchemaVersion
	colOccurredOn
	colRecordedAt
	colActorUser
	colActorRole
	colCorrelation
	colCausation
	colReason
	colData
	colPrevHash
	colHash
)
