// Package eventstore defines the ledger's event log: the Store contract every engine
// implements, the stored envelope (DESIGN §3), the per-stream SHA-256 hash chain and
// its verification. It imports no engine; engines live in sub-packages and all pass
// the contract suite in storetest.
//
// Writers send EventData; Prepare validates it against the documented limits
// (MaxStreamNameBytes, MaxTypeBytes, MaxMetadataBytes, MaxDataBytes, MaxEventsPerAppend,
// MaxAppendBytes) and gives every event without an id a UUID v7. An engine stores an
// Event: the data plus stream, stream version (0-based), global position (strictly
// increasing), recorded_at (UTC, microseconds) and the hash chain. Hashes are
// computed here, not by engines, so every engine's log verifies the same way: Hash is
// SHA-256 over the previous event's hash and the canonical envelope
// (AppendCanonical), and Verify walks every stream's chain and reports the first
// broken link of each.
//
// Errors are sentinel values matched with errors.Is; engines wrap them with the cause
// (ErrStorage wraps the file system's or the server's error).
package eventstore
