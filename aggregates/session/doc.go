// Package session is the theatre, endoscopy, day-case and clinic session aggregate:
// a list with a date, a start and end time, a specialty and the capabilities it
// offers, onto which patients are scheduled. It is pure: Decide turns a command and
// the state folded from past events into new events or a *RuleError; Evolve folds one
// event into the state. Time comes in as a value (DecideContext.Today).
//
// The package never imports the pathway aggregate: what a booking needs to know about
// a pathway (specialty, open or closed, latest pre-operative assessment, bookings on
// the session day) arrives on the command as PatientFacts, filled in by the caller
// from the pathway read model.
//
// Choices the sources leave open (ours, documented where they are made):
//   - Capacity is end − start in minutes. Booked minutes are the expected minutes of
//     every case plus one turnaround between consecutive cases: turnaround × (cases − 1).
//     No turnaround is counted before the first case or after the last.
//   - A pre-operative assessment is in date when the session falls on or before its
//     valid_until; without valid_until it is valid for PreOpValidityDays (12 weeks)
//     from the day it was done.
//   - Milestones follow 6-4-2 by default; a list counts as filled at 85% utilisation
//     and a milestone is at risk in the 7 days up to its date (MilestonePolicy).
//   - Clinic lists need no pre-operative assessment and check no theatre
//     capabilities. On other lists a pre-op requirement of anaesthetist grade "any"
//     needs an anaesthetist (a session naming one without a grade counts), and
//     "consultant" needs a consultant anaesthetist.
//   - A released session has its own status, "released", next to planned, finalised
//     and cancelled. Only an empty, unlocked session can be released; a finalised list
//     can still lose a patient (removal) or be cancelled, but takes no one new.
//   - Changes to a session whose date has passed are refused, except a cancellation
//     recorded late (dated no later than the session).
//   - SessionMilestoneReached records each checkpoint the first time it is reached:
//     confirm (ConfirmSession), fill (the booking that lifts utilisation to the
//     configured threshold) and lock (with SessionFinalised). Checkpoint status is
//     computed on read by Milestones, from the current state and today.
package session
