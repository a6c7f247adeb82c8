package v1_test

import (
	"net/http"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

func TestAdminRebuildGivesIdenticalAnswers(t *testing.T) {
	e := newEnv(t)
	for n := 1; n <= 5; n++ {
		seedPathway(t, e, n)
	}
	before := e.team.Reader.Expect(t, http.StatusOK, "GET", "/v1/waiting-list?on=2025-03-31&after=5", nil).Body

	p := e.admin.Refused(t, http.StatusBadRequest, "POST", "/v1/admin/projections/rebuild", `{"projections":["nope"]}`)
	require.Equal(t, []string{"projections"}, fields(p))

	e.admin.Expect(t, http.StatusAccepted, "POST", "/v1/admin/projections/rebuild", nil)
	require.Eventually(t, func() bool {
		var st struct {
			CaughtUp    bool `json:"caught_up"`
			Projections []struct {
				Rebuilding bool   `json:"rebuilding"`
				Position   uint64 `json:"position"`
			} `json:"projections"`
		}
		e.admin.Expect(t, http.StatusOK, "GET", "/v1/admin/projections", nil).Decode(t, &st)
		return st.CaughtUp && !st.Projections[0].Rebuilding && st.Projections[0].Position == 5
	}, 10*time.Second, 20*time.Millisecond)
	after := e.team.Reader.Expect(t, http.StatusOK, "GET", "/v1/waiting-list?on=2025-03-31&after=5", nil).Body
	require.JSONEq(t, string(before), string(after))
	require.Contains(t, string(after), `"wait_days":88`)
}
