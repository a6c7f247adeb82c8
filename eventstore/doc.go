// Package eventstore defines the ledger's event log: the Store contract every engine
// implements, the stored envelope, the per-stream SHA-256 hash chain and its
// verification. It imports no engine; engines live in sub-packages.
package eventstore
