package main

import (
	"bufio"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/pathway-ledger/ledger/internal/httpscenarios"
)

// ledgerProcess is the built binary serving a data folder.
type ledgerProcess struct {
	cmd  *exec.Cmd
	base string
	logs *syncBuffer
}

func startLedger(t *testing.T, bin, dir string) *ledgerProcess {
	t.Helper()
	cmd := exec.Command(bin, "serve", "--addr", "127.0.0.1:0", "--data", dir)
	cmd.Env = append(os.Environ(), "LEDGER_ADMIN_TOKEN="+e2eAdminToken)
	stderr, err := cmd.StderrPipe()
	require.NoError(t, err)
	require.NoError(t, cmd.Start())
	p := &ledgerProcess{cmd: cmd, logs: &syncBuffer{}}
	t.Cleanup(func() { _ = cmd.Process.Kill(); _ = cmd.Wait() })
	go func() {
		sc := bufio.NewScanner(stderr)
		for sc.Scan() {
			p.logs.Write(append(sc.Bytes(), '\n'))
		}
	}()
	p.base = "http://" + listenAddr(t, p.logs.String, make(chan int))
	require.Eventually(t, func() bool {
		status, _ := get(t, p.base+"/readyz", "")
		return status == http.StatusOK
	}, 30*time.Second, 10*time.Millisecond, "readyz: %s", p.logs.String())
	return p
}

// The SCENARIOS.md cases driven over HTTP against the built binary; then SIGKILL,
// a restart on the same folder, and the same answers to the same questions.
func TestEndToEndScenariosSurviveAKill(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the ledger binary")
	}
	bin := filepath.Join(t.TempDir(), "ledger")
	build := exec.Command("go", "build", "-o", bin, ".")
	build.Stderr = os.Stderr
	require.NoError(t, build.Run())
	dir := filepath.Join(t.TempDir(), "data")

	tokens := map[string]string{}
	for _, role := range []string{"booking", "validator", "auditor", "reader"} {
		code, out, errOut := runLedger("token", "create", "--data", dir, "--user", role+"-1", "--role", role)
		require.Equal(t, 0, code, errOut)
		tokens[role] = strings.TrimSpace(out)
	}
	p := startLedger(t, bin, dir)
	client := &httpscenarios.Client{Base: p.base}
	s := &httpscenarios.Script{Team: httpscenarios.Team{Booking: client.As(tokens["booking"]),
		Validator: client.As(tokens["validator"]), Auditor: client.As(tokens["auditor"]), Reader: client.As(tokens["reader"])}}
	s.Run(t)
	require.NotEmpty(t, s.Probes)
	before := map[string]string{}
	for _, path := range s.Probes {
		before[path] = string(s.Auditor.Expect(t, http.StatusOK, "GET", path, nil).Body)
	}

	// Acknowledged writes just before the kill must be there after it.
	id := httpscenarios.PathwayID(99)
	s.Booking.Expect(t, http.StatusCreated, "POST", "/v1/pathways", map[string]any{"pathway_id": id,
		"patient": map[string]any{"nhs_number": "9990000026"}, "specialty_code": "110", "referral_received_on": "2025-03-01"})
	require.NoError(t, p.cmd.Process.Kill())
	_ = p.cmd.Wait()

	p2 := startLedger(t, bin, dir)
	auditor := s.Auditor.As(tokens["auditor"])
	auditor.Base = p2.base
	for _, path := range s.Probes {
		if strings.HasPrefix(path, "/v1/waiting-list") || strings.HasPrefix(path, "/v1/reports") || path == "/v1/integrity" {
			continue // these include pathway 99
		}
		require.JSONEq(t, before[path], string(auditor.Expect(t, http.StatusOK, "GET", path, nil).Body), path)
	}
	var pw httpscenarios.Pathway
	auditor.Expect(t, http.StatusOK, "GET", "/v1/pathways/"+id+"?on=2025-03-31", nil).Decode(t, &pw)
	require.Equal(t, 30, pw.CurrentPeriod.WaitDays, "the last acknowledged write survived the kill")
	var wl struct{ Items []httpscenarios.Item }
	auditor.Expect(t, http.StatusOK, "GET", "/v1/waiting-list?on=2025-03-31", nil).Decode(t, &wl)
	var ids []string
	for _, it := range wl.Items {
		ids = append(ids, it.PathwayID)
	}
	require.Equal(t, []string{httpscenarios.PathwayID(3), httpscenarios.PathwayID(10), id, httpscenarios.PathwayID(50),
		httpscenarios.PathwayID(15)}, ids, "the rebuilt PTL, longest wait first")
	var integrity struct {
		OK bool `json:"ok"`
	}
	auditor.Expect(t, http.StatusOK, "GET", "/v1/integrity", nil).Decode(t, &integrity)
	require.True(t, integrity.OK)

	// And it takes writes where it left off.
	booking := s.Booking.As(tokens["booking"])
	booking.Base = p2.base
	r := booking.Expect(t, http.StatusCreated, "POST", "/v1/pathways/"+id+"/activities",
		map[string]any{"occurred_on": "2025-04-01", "kind": "outpatient_first", "rtt_status": "20"}, "If-Match", `"0"`)
	require.Equal(t, `"1"`, r.Header.Get("ETag"))
}
