package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/pathway-ledger/ledger/eventstore"
	"github.com/pathway-ledger/ledger/eventstore/sqlite"
)

const e2eAdminToken = "e2e-admin-token-0123456789"

type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// listenAddr waits for the server's "listening" log line and returns its address.
func listenAddr(t testing.TB, logs func() string, exited <-chan int) string {
	t.Helper()
	deadline := time.After(20 * time.Second)
	for {
		for _, line := range strings.Split(logs(), "\n") {
			var l struct{ Msg, Addr string }
			if json.Unmarshal([]byte(line), &l) == nil && l.Msg == "listening" {
				return l.Addr
			}
		}
		select {
		case code := <-exited:
			t.Fatalf("serve exited %d before listening: %s", code, logs())
		case <-deadline:
			t.Fatalf("serve did not listen: %s", logs())
		case <-time.After(time.Millisecond):
		}
	}
}

func get(t testing.TB, url, token string) (int, string) {
	t.Helper()
	req, err := http.NewRequest(http.MethodGet, url, nil)
	require.NoError(t, err)
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	resp, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	require.NoError(t, err)
	return resp.StatusCode, string(b)
}

func TestTokenCreateThenServe(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "data")
	t.Setenv("LEDGER_ADMIN_TOKEN", e2eAdminToken)
	code, out, errOut := runLedger("token", "create", "--data", dir, "--user", "clerk1", "--role", "booking")
	require.Equal(t, 0, code, errOut)
	secret := strings.TrimSpace(out)

	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var logs syncBuffer
	exited := make(chan int, 1)
	go func() { exited <- serve(ctx, []string{"--addr", "127.0.0.1:0", "--data", dir}, io.Discard, &logs) }()
	base := "http://" + listenAddr(t, logs.String, exited)

	status, body := get(t, base+"/healthz", "")
	require.Equal(t, http.StatusOK, status)
	require.JSONEq(t, `{"status":"ok"}`, body)
	// Snapshots restore and the log is caught up in the background after listening.
	require.Eventually(t, func() bool { status, body = get(t, base+"/readyz", ""); return status == http.StatusOK },
		30*time.Second, 10*time.Millisecond, "readyz")
	require.JSONEq(t, `{"status":"ready","checks":{"server":"serving","store":"ok","projections":"caught_up"}}`, body)

	status, body = get(t, base+"/v1/pathways", "")
	require.Equal(t, http.StatusUnauthorized, status)
	require.Contains(t, body, `"type":"urn:pathway-ledger:problem:unauthenticated"`)
	status, _ = get(t, base+"/v1/no-such-route", secret)
	require.Equal(t, http.StatusNotFound, status, "the created token authenticates")
	status, _ = get(t, base+"/v1/no-such-route", e2eAdminToken)
	require.Equal(t, http.StatusNotFound, status, "LEDGER_ADMIN_TOKEN authenticates")

	// A token revoked while the server runs stops working at once.
	code, out, _ = runLedger("token", "list", "--data", dir)
	require.Equal(t, 0, code)
	id := strings.Fields(strings.Split(out, "\n")[1])[0]
	code, _, errOut = runLedger("token", "revoke", "--data", dir, id)
	require.Equal(t, 0, code, errOut)
	status, _ = get(t, base+"/v1/no-such-route", secret)
	require.Equal(t, http.StatusUnauthorized, status)

	status, body = get(t, base+"/metrics", "")
	require.Equal(t, http.StatusOK, status)
	require.Contains(t, body, `ledger_http_request_duration_seconds_count{method="GET",route="/healthz",status="200"} 1`)
	require.Contains(t, body, "ledger_store_head_position 0")

	cancel()
	require.Equal(t, 0, <-exited, logs.String())
	require.NotContains(t, logs.String(), secret)
	require.NotContains(t, logs.String(), e2eAdminToken)
	require.Contains(t, logs.String(), `"msg":"stopped"`)

	// The store was closed: the folder can be opened again.
	st, err := sqlite.Open(dir)
	require.NoError(t, err)
	require.NoError(t, st.Close())
}

func TestServeRefusesALockedFolderAndBadFlags(t *testing.T) {
	dir := t.TempDir()
	st, err := sqlite.Open(dir)
	require.NoError(t, err)
	defer st.Close()
	var logs syncBuffer
	code := serve(context.Background(), []string{"--addr", "127.0.0.1:0", "--data", dir}, io.Discard, &logs)
	require.Equal(t, 1, code)
	require.Contains(t, logs.String(), "cannot open the event store")
	require.Contains(t, logs.String(), "in use by process")

	t.Setenv("LEDGER_ADMIN_TOKEN", "short")
	code = serve(context.Background(), []string{"--addr", "127.0.0.1:0", "--data", t.TempDir()}, io.Discard, &logs)
	require.Equal(t, 1, code)
	require.Contains(t, logs.String(), "the admin token must be at least 16 characters")

	var errOut bytes.Buffer
	require.Equal(t, 2, serve(context.Background(), []string{"--log-level", "loud"}, io.Discard, &errOut))
	require.Equal(t, 2, serve(context.Background(), []string{"extra"}, io.Discard, &errOut))
	require.Equal(t, 2, serve(context.Background(), []string{"--nope"}, io.Discard, &errOut))
}

// The real binary: started on a data folder, answering, and draining on SIGTERM.
func TestServeProcessStopsCleanlyOnSIGTERM(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the ledger binary")
	}
	bin := filepath.Join(t.TempDir(), "ledger")
	build := exec.Command("go", "build", "-o", bin, ".")
	build.Stderr = os.Stderr
	require.NoError(t, build.Run())

	dir := t.TempDir()
	cmd := exec.Command(bin, "serve", "--addr", "127.0.0.1:0")
	cmd.Env = append(os.Environ(), "LEDGER_DATA="+dir, "LEDGER_ADMIN_TOKEN="+e2eAdminToken)
	stderr, err := cmd.StderrPipe()
	require.NoError(t, err)
	require.NoError(t, cmd.Start())
	var logs syncBuffer
	go func() {
		sc := bufio.NewScanner(stderr)
		for sc.Scan() {
			logs.Write(append(sc.Bytes(), '\n'))
		}
	}()
	exited := make(chan int, 1)
	base := "http://" + listenAddr(t, logs.String, exited)
	require.Eventually(t, func() bool { status, _ := get(t, base+"/readyz", ""); return status == http.StatusOK },
		30*time.Second, 10*time.Millisecond, "readyz")
	status, _ := get(t, base+"/v1/x", e2eAdminToken)
	require.Equal(t, http.StatusNotFound, status)

	require.NoError(t, cmd.Process.Signal(syscall.SIGTERM))
	err = cmd.Wait()
	var ee *exec.ExitError
	require.False(t, errors.As(err, &ee), "exit status: %v\n%s", err, logs.String())
	require.NoError(t, err)
	require.Contains(t, logs.String(), `"msg":"shutting down"`)
	require.Contains(t, logs.String(), `"msg":"stopped"`)
}

// BenchmarkServeStartup measures `ledger serve` on an existing data folder of 100k
// events, from invocation to a ready answer of /readyz (and back down).
func BenchmarkServeStartup(b *testing.B) {
	dir := b.TempDir()
	st, err := sqlite.Open(dir)
	require.NoError(b, err)
	batch := make([]eventstore.EventData, 1000)
	for i := range batch {
		batch[i] = eventstore.EventData{Type: "ActivityRecorded", SchemaVersion: 1, OccurredOn: "2025-01-06",
			Actor: eventstore.Actor{User: "bench", Role: "booking"}, Data: []byte(`{"rtt_status":"20","kind":"outpatient_follow_up"}`)}
	}
	for s := range 100 {
		_, err := st.Append(context.Background(), "pathway-"+string(rune('a'+s%26))+strings.Repeat("x", s/26), eventstore.Any(), batch...)
		require.NoError(b, err)
	}
	require.NoError(b, st.Close())
	b.ResetTimer()
	for b.Loop() {
		ctx, cancel := context.WithCancel(context.Background())
		var logs syncBuffer
		exited := make(chan int, 1)
		go func() { exited <- serve(ctx, []string{"--addr", "127.0.0.1:0", "--data", dir}, io.Discard, &logs) }()
		base := "http://" + listenAddr(b, logs.String, exited)
		for {
			if status, _ := get(b, base+"/readyz", ""); status == http.StatusOK {
				break
			}
		}
		cancel()
		if code := <-exited; code != 0 {
			b.Fatalf("exit %d: %s", code, logs.String())
		}
	}
}
