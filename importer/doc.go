// Package importer is the input side of `ledger import`: it reads a trust's PTL CSV
// extract or an NDJSON file of commands and events, validates every row before
// anything is written, and reports each refused row by line, field and rule without
// ever echoing a patient identifier. Valid rows carry deterministic pathway and event
// ids, so importing the same file twice writes nothing twice. The package does not
// write to a store: mapping rows to pathway commands is the caller's job.
package importer
