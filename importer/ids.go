package importer

import (
	"strings"

	"github.com/google/uuid"
)

// Namespace is the UUIDv5 namespace of every id the importer derives. It is fixed
// forever: changing it would give a re-run of an old file new ids, and the store's
// idempotent append would then write every pathway a second time.
var Namespace = uuid.MustParse("ae8a2809-4b4e-4ad2-81c7-abcc2e419e5b")

// Steps name the commands one PTL row becomes, for EventID. A mapper must use these
// (and add new names rather than reuse one) so that a re-run derives the same ids.
const (
	StepReferral         = "referral"
	StepActivity         = "activity"
	StepWaitingListEntry = "waiting_list_entry"
	StepBooking          = "booking"
)

// PathwayID derives the ledger pathway id of a trust's local pathway: the same
// provider (ODS code, compared case-insensitively) and local pathway id always give
// the same UUID, so importing a file twice addresses the same streams.
func PathwayID(providerCode, localPathwayID string) uuid.UUID {
	provider := strings.ToUpper(strings.TrimSpace(providerCode))
	return uuid.NewSHA1(Namespace, []byte("ledger-import/v1\x00pathway\x00"+provider+"\x00"+localPathwayID))
}

// EventID derives the id of the event (or booking, offer...) a pathway's import step
// writes: the idempotency key that lets the store recognise a re-sent append.
func EventID(pathwayID uuid.UUID, step string) uuid.UUID {
	return uuid.NewSHA1(Namespace, []byte("ledger-import/v1\x00event\x00"+pathwayID.String()+"\x00"+step))
}
