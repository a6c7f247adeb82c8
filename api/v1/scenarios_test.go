package v1_test

import (
	"testing"

	"github.com/pathway-ledger/ledger/internal/httpscenarios"
)

// Every SCENARIOS.md case a REST client can drive, over HTTP, each exchange checked
// against the OpenAPI document.
func TestScenariosOverHTTP(t *testing.T) {
	e := newEnv(t)
	s := &httpscenarios.Script{Team: e.team}
	s.Run(t)
}
