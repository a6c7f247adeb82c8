package rttreport

import (
	"fmt"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/pathway-ledger/ledger/aggregates/pathway"
)

func fold(t *testing.T, cmds ...pathway.Command) pathway.State {
	s := pathway.New()
	for _, c := range cmds {
		evs, err := pathway.Decide(s, c, pathway.DecideContext{Today: d("2027-01-01")})
		require.NoError(t, err)
		for _, e := range evs {
			s = pathway.Evolve(s, pathway.Recorded{Event: e, EventID: fmt.Sprint(s.Version + 1), StreamVersion: uint64(s.Version + 1)})
		}
	}
	return s
}

func TestFromPathwayFeedsEveryPart(t *testing.T) {
	refer := pathway.Refer{PathwayID: "p", Patient: pathway.Patient{NHSNumber: "9990000018"}, SpecialtyCode: "110", ReceivedOn: d("2025-01-06")}
	listed := fold(t, refer, pathway.AddToWaitingList{DecidedOn: d("2025-03-03"), ListType: "inpatient", Priority: "P3"})
	treated := fold(t, refer, pathway.AddToWaitingList{DecidedOn: d("2025-03-03"), ListType: "inpatient", Priority: "P3"},
		pathway.RecordActivity{OccurredOn: d("2025-03-20"), Kind: "admission", RTTStatus: "30"})
	transferred := fold(t, refer, pathway.RecordActivity{OccurredOn: d("2025-03-10"), Kind: "administrative", RTTStatus: "21"})

	var ps []Period
	for _, s := range []pathway.State{listed, treated, transferred} {
		ps = append(ps, FromPathway(&s)...)
	}
	r := Compute(d("2025-03-31"), ps)
	require.Equal(t, 1, r.Incomplete.Total, "the listed pathway; the transfer left on 10 Mar")
	require.Equal(t, 1, r.IncompleteWithDTA.Total)
	require.Equal(t, 1, r.CompletedAdmitted.Total)
	require.Equal(t, 0, r.CompletedNonAdmitted.Total, "a transfer is not a completed pathway")

	early := Compute(d("2025-02-28"), ps)
	require.Equal(t, 3, early.Incomplete.Total)
	require.Equal(t, 0, early.IncompleteWithDTA.Total, "no decision to admit yet in February")
}
