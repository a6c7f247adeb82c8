package importer

import (
	"testing"

	"github.com/google/uuid"
	"github.com/stretchr/testify/assert"
	"pgregory.net/rapid"
)

// Golden values (cross-checked with Python uuid.uuid5) pin the namespace and name layout: if either changes, a re-run of an
// already imported file would write every pathway again under new ids.
func TestIDsAreStable(t *testing.T) {
	p := PathwayID("RXX", "PPID-0001")
	assert.Equal(t, uuid.Version(5), p.Version())
	assert.Equal(t, "957a0c27-0ca5-5bbd-82f8-f115c90f1a98", p.String())
	assert.Equal(t, "095b1cb9-e5ac-5d10-8f10-ccb209635eab", EventID(p, StepReferral).String())
}

func TestPathwayIDProviderIsCaseInsensitive(t *testing.T) {
	assert.Equal(t, PathwayID("RXX", "A1"), PathwayID(" rxx ", "A1"))
	assert.NotEqual(t, PathwayID("RXX", "A1"), PathwayID("RXY", "A1"))
	assert.NotEqual(t, PathwayID("RXX", "A1"), PathwayID("RXX", "a1"), "local ids are case-sensitive in PAS")
}

func TestIDsDistinct(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		prov := rapid.StringMatching(`[A-Z0-9]{3,5}`).Draw(t, "prov")
		a := rapid.StringN(1, 20, -1).Draw(t, "a")
		b := rapid.StringN(1, 20, -1).Draw(t, "b")
		if first, again := PathwayID(prov, a), PathwayID(prov, a); first != again {
			t.Fatal("PathwayID is not deterministic")
		}
		if a != b && PathwayID(prov, a) == PathwayID(prov, b) {
			t.Fatalf("local ids %q and %q share a pathway id", a, b)
		}
		// The separator keeps provider and local id apart: "RX"+"X1" is not "RXX"+"1".
		if PathwayID(prov[:len(prov)-1], prov[len(prov)-1:]+a) == PathwayID(prov, a) {
			t.Fatal("provider and local id run together")
		}
		p := PathwayID(prov, a)
		steps := []string{StepReferral, StepActivity, StepWaitingListEntry, StepBooking}
		seen := map[uuid.UUID]bool{p: true}
		for _, s := range steps {
			id := EventID(p, s)
			if seen[id] {
				t.Fatalf("step %s repeats an id", s)
			}
			seen[id] = true
		}
	})
}
