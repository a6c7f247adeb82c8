package tokens

import (
	"encoding/base64"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

var t0 = time.Date(2025, 3, 4, 9, 30, 15, 500, time.UTC)

func clock(at *time.Time) Option { return WithClock(func() time.Time { return *at }) }

func TestCreateIssuesPrefixedRandomTokenOnce(t *testing.T) {
	now := t0
	s, err := Open(t.TempDir(), clock(&now))
	require.NoError(t, err)

	secret, tok, err := s.Create("jane.doe@nhs.net", "booking")
	require.NoError(t, err)
	require.True(t, strings.HasPrefix(secret, Prefix))
	raw, err := base64.RawURLEncoding.DecodeString(strings.TrimPrefix(secret, Prefix))
	require.NoError(t, err)
	require.Len(t, raw, 32)
	require.Regexp(t, `^tok_[0-9a-f]{16}$`, tok.ID)
	require.Equal(t, "jane.doe@nhs.net", tok.User)
	require.Equal(t, "booking", tok.Role)
	require.Equal(t, time.Date(2025, 3, 4, 9, 30, 15, 0, time.UTC), tok.CreatedAt)
	require.Nil(t, tok.RevokedAt)

	other, _, err := s.Create("jane.doe@nhs.net", "booking")
	require.NoError(t, err)
	require.NotEqual(t, secret, other)
}

func TestFileHoldsOnlyHashesWithMode0600(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "data")
	s, err := Open(dir)
	require.NoError(t, err)
	secret, tok, err := s.Create("auditor1", "auditor")
	require.NoError(t, err)

	fi, err := os.Stat(filepath.Join(dir, FileName))
	require.NoError(t, err)
	// Windows has no permission bits (Go reports 0666 for any writable file): there
	// the data folder's ACL is what guards the file, as README says.
	if runtime.GOOS != "windows" {
		require.Equal(t, os.FileMode(0o600), fi.Mode().Perm())
	}
	b, err := os.ReadFile(filepath.Join(dir, FileName))
	require.NoError(t, err)
	require.NotContains(t, string(b), secret)
	require.NotContains(t, string(b), strings.TrimPrefix(secret, Prefix))
	require.Contains(t, string(b), tok.SHA256)
	require.Contains(t, string(b), `"user": "auditor1"`)

	entries, err := os.ReadDir(dir)
	require.NoError(t, err)
	for _, e := range entries {
		require.False(t, strings.HasSuffix(e.Name(), ".tmp"), "temporary file %s left behind", e.Name())
	}
}

func TestLookupFindsLiveTokensAndRefusesOthers(t *testing.T) {
	s, err := Open(t.TempDir())
	require.NoError(t, err)
	a, ta, err := s.Create("alice", "booking")
	require.NoError(t, err)
	b, tb, err := s.Create("bob", "reader")
	require.NoError(t, err)

	got, err := s.Lookup(a)
	require.NoError(t, err)
	require.Equal(t, ta.ID, got.ID)
	require.Equal(t, "booking", got.Role)
	got, err = s.Lookup(b)
	require.NoError(t, err)
	require.Equal(t, tb.ID, got.ID)

	for _, bad := range []string{"", Prefix, a[:len(a)-1], a + "x", strings.ToUpper(a), ta.SHA256} {
		_, err := s.Lookup(bad)
		require.ErrorIs(t, err, ErrUnknown, "lookup %q", bad)
	}
}

func TestRevokeTakesEffectAndIsRecorded(t *testing.T) {
	now := t0
	dir := t.TempDir()
	s, err := Open(dir, clock(&now))
	require.NoError(t, err)
	secret, tok, err := s.Create("carol", "validator")
	require.NoError(t, err)

	now = t0.Add(48 * time.Hour)
	rev, err := s.Revoke(tok.ID)
	require.NoError(t, err)
	require.NotNil(t, rev.RevokedAt)
	require.Equal(t, time.Date(2025, 3, 6, 9, 30, 15, 0, time.UTC), *rev.RevokedAt)

	got, err := s.Lookup(secret)
	require.ErrorIs(t, err, ErrRevoked)
	require.Equal(t, tok.ID, got.ID)

	now = t0.Add(72 * time.Hour)
	again, err := s.Revoke(tok.ID)
	require.NoError(t, err)
	require.Equal(t, *rev.RevokedAt, *again.RevokedAt, "a second revoke keeps the first date")

	list, err := s.List()
	require.NoError(t, err)
	require.Len(t, list, 1)
	require.True(t, list[0].Revoked())

	_, err = s.Revoke("tok_0000000000000000")
	require.ErrorIs(t, err, ErrNotFound)
	_, err = s.Revoke("carol")
	require.ErrorIs(t, err, ErrInvalid)
}

func TestAnotherProcessesChangesAreSeen(t *testing.T) {
	dir := t.TempDir()
	server, err := Open(dir)
	require.NoError(t, err)
	cli, err := Open(dir)
	require.NoError(t, err)

	secret, tok, err := cli.Create("dave", "reader")
	require.NoError(t, err)
	_, err = server.Lookup(secret)
	require.NoError(t, err, "a token created by another process is usable at once")

	_, err = cli.Revoke(tok.ID)
	require.NoError(t, err)
	_, err = server.Lookup(secret)
	require.ErrorIs(t, err, ErrRevoked, "a revocation by another process applies at once")
}

func TestConcurrentCreatesLoseNothing(t *testing.T) {
	dir := t.TempDir()
	const writers, each = 4, 5
	var wg sync.WaitGroup
	for w := range writers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			s, err := Open(dir) // one Store per writer, as separate processes would have
			if err != nil {
				t.Error(err)
				return
			}
			for range each {
				if _, _, err := s.Create("user"+string(rune('a'+w)), "reader"); err != nil {
					t.Error(err)
				}
			}
		}()
	}
	wg.Wait()
	s, err := Open(dir)
	require.NoError(t, err)
	list, err := s.List()
	require.NoError(t, err)
	require.Len(t, list, writers*each)
}

func TestCreateRejectsBadUsersAndRoles(t *testing.T) {
	s, err := Open(t.TempDir())
	require.NoError(t, err)
	for _, c := range []struct{ user, role string }{
		{"", "reader"},
		{"has space", "reader"},
		{"new\nline", "reader"},
		{".dot-first", "reader"},
		{strings.Repeat("a", 129), "reader"},
		{"ok", ""},
		{"ok", "Reader"},
		{"ok", "read er"},
	} {
		_, _, err := s.Create(c.user, c.role)
		require.ErrorIs(t, err, ErrInvalid, "user %q role %q", c.user, c.role)
	}
	_, err = os.Stat(s.Path())
	require.ErrorIs(t, err, os.ErrNotExist, "a refused create writes nothing")
}

func TestCorruptFileIsReported(t *testing.T) {
	dir := t.TempDir()
	require.NoError(t, os.WriteFile(filepath.Join(dir, FileName), []byte(`{"version":1,"tokens":[{"id":"tok_1","sha256":"zz"}]}`), 0o600))
	_, err := Open(dir)
	require.ErrorIs(t, err, ErrCorrupt)

	require.NoError(t, os.WriteFile(filepath.Join(dir, FileName), []byte(`{"version":2,"tokens":[]}`), 0o600))
	_, err = Open(dir)
	require.ErrorIs(t, err, ErrCorrupt)

	require.NoError(t, os.WriteFile(filepath.Join(dir, FileName), []byte(`not json`), 0o600))
	_, err = Open(dir)
	require.ErrorIs(t, err, ErrCorrupt)
}

func TestMissingFileIsAnEmptyStore(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "not-yet")
	s, err := Open(dir)
	require.NoError(t, err)
	list, err := s.List()
	require.NoError(t, err)
	require.Empty(t, list)
	_, err = s.Lookup(Prefix + "anything")
	require.ErrorIs(t, err, ErrUnknown)
	_, err = os.Stat(dir)
	require.ErrorIs(t, err, os.ErrNotExist, "reading creates nothing")
}

func BenchmarkLookup100Tokens(b *testing.B) {
	s, err := Open(b.TempDir())
	require.NoError(b, err)
	var last string
	for range 100 {
		last, _, err = s.Create("user", "reader")
		require.NoError(b, err)
	}
	b.ResetTimer()
	for b.Loop() {
		if _, err := s.Lookup(last); err != nil {
			b.Fatal(err)
		}
	}
}
