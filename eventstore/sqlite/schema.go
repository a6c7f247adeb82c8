package sqlite

// schema is the archival format of the log. Auditors read it with the standard
// sqlite3 tool; the README documents it. The triggers make the invariants part of the
// file itself: positions are 1, 2, 3 … with no gap, each stream's versions are 0, 1,
// 2 … with no gap, and no row is ever updated or deleted.
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
  correlation_id TEXT    NOT NULL,
  causation_id   TEXT    NOT NULL,
  reason         TEXT    NOT NULL,
  data           TEXT    NOT NULL,             -- the event's JSON document
  prev_hash      TEXT    NOT NULL,             -- hash of the stream's previous event ('' first)
  hash           TEXT    NOT NULL,             -- SHA-256 chain, see eventstore.ComputeHash
  UNIQUE (stream, stream_version)
);
CREATE TRIGGER IF NOT EXISTS events_position_gap_free BEFORE INSERT ON events
WHEN NEW.position IS NOT (SELECT COALESCE(MAX(position), 0) + 1 FROM events)
BEGIN SELECT RAISE(ABORT, 'events.position must be the next integer'); END;
CREATE TRIGGER IF NOT EXISTS events_version_gap_free BEFORE INSERT ON events
WHEN NEW.stream_version IS NOT (SELECT COALESCE(MAX(stream_version), -1) + 1 FROM events WHERE stream = NEW.stream)
BEGIN SELECT RAISE(ABORT, 'events.stream_version must be the next version of its stream'); END;
CREATE TRIGGER IF NOT EXISTS events_no_update BEFORE UPDATE ON events
BEGIN SELECT RAISE(ABORT, 'events are immutable'); END;
CREATE TRIGGER IF NOT EXISTS events_no_delete BEFORE DELETE ON events
BEGIN SELECT RAISE(ABORT, 'events are immutable'); END;
CREATE TABLE IF NOT EXISTS ledger_meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
INSERT OR IGNORE INTO ledger_meta (key, value) VALUES ('format', 'pathway-ledger-events/1');
`

const columns = `position, stream, stream_version, event_id, type, schema_version, occurred_on,
  recorded_at, actor_user, actor_role, correlation_id, causation_id, reason, data, prev_hash, hash`
