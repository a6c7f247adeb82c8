// Package pathway is the patient pathway aggregate: one stream per pathway
// (pathway-<uuid>) holding the referral, its RTT periods, the waiting-list entry,
// offers, bookings, cancellations, pre-operative assessment, alerts, validations and
// corrections.
//
// Decide(state, command) returns the events a command produces or a *RuleError
// naming the rule that refuses it; Evolve(state, event) folds one event in. Derive
// evaluates the pathway on a date: periods with waits, bands and breach dates, the
// open waiting-list entry, offers, bookings with their 28-day guarantees, and the
// findings a validator reviews. Nothing here reads the clock, the disk or the network.
//
// The national RTT clock has had no pause since October 2015: patient-initiated
// delays are recorded and shown as delay days, never subtracted from a wait.
package pathway
