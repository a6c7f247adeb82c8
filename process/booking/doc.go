// Package booking keeps two streams in step: a patient scheduled on a session list
// must hold a booking (TCI on the session date, with the session id) on their pathway,
// and a patient taken off a list, or on a cancelled list, must have that booking
// cancelled by the hospital. The two appends cannot be one transaction (they are
// different streams, and KurrentDB has no multi-stream append), so the session stream
// leads and the pathway follows:
//
//   - Tracker is a projection of the global log that knows, from the log alone,
//     which pathway changes the session streams still owe (a scheduled booking not
//     yet on the pathway, a removal or cancellation not yet cancelled there). The
//     projection runner keeps it with the other read models, snapshots and all, so a
//     restart resumes with exactly the outstanding work.
//   - Worker does that work: it loads the pathway, decides the booking or
//     cancellation with the pathway aggregate and appends it, idempotently (a booking
//     id that is already there is done). When the pathway refuses a booking (it was
//     closed meanwhile, say), the worker compensates by taking the patient off the
//     list, with the refusal as the reason. The API runs the same step right after
//     its session append, so a client normally sees both at once; the worker
//     finishes whatever a crash between the two appends left undone.
//
// Pathway events written here carry the session event's actor (who decided the
// booking), its id as causation id and a deterministic event id, so a retry that
// races the API writes nothing twice.
package booking
