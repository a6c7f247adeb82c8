package main

import (
	"bytes"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/pathway-ledger/ledger/api/tokens"
)

func runLedger(args ...string) (code int, stdout, stderr string) {
	var out, errOut bytes.Buffer
	code = run(args, &out, &errOut)
	return code, out.String(), errOut.String()
}

var tokenLine = regexp.MustCompile(`^plt_[A-Za-z0-9_-]{43}\n$`)

func TestTokenCreateListRevoke(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "data")
	code, out, errOut := runLedger("token", "create", "--data", dir, "--user", "jane.doe@nhs.net", "--role", "validator")
	require.Equal(t, 0, code, errOut)
	require.Regexp(t, tokenLine, out, "stdout holds the token alone, for scripts")
	secret := strings.TrimSpace(out)
	id := regexp.MustCompile(`tok_[0-9a-f]{16}`).FindString(errOut)
	require.NotEmpty(t, id, errOut)
	require.Contains(t, errOut, "shown only now")

	store, err := tokens.Open(dir)
	require.NoError(t, err)
	got, err := store.Lookup(secret)
	require.NoError(t, err)
	require.Equal(t, "jane.doe@nhs.net", got.User)
	require.Equal(t, "validator", got.Role)
	file, err := os.ReadFile(filepath.Join(dir, tokens.FileName))
	require.NoError(t, err)
	require.NotContains(t, string(file), secret)

	code, out, errOut = runLedger("token", "list", "--data", dir)
	require.Equal(t, 0, code, errOut)
	require.Regexp(t, `^ID\s+USER\s+ROLE\s+CREATED\s+REVOKED\n`+id+`\s+jane\.doe@nhs\.net\s+validator\s+\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ\s+-\n$`, out)
	require.NotContains(t, out, secret)

	// Flags may follow the id.
	code, out, errOut = runLedger("token", "revoke", id, "--data", dir)
	require.Equal(t, 0, code, errOut)
	require.Regexp(t, `^revoked `+id+` \(user jane\.doe@nhs\.net, role validator\) at \d{4}-`, out)
	_, err = store.Lookup(secret)
	require.ErrorIs(t, err, tokens.ErrRevoked)

	code, out, _ = runLedger("token", "list", "--data", dir)
	require.Equal(t, 0, code)
	require.NotRegexp(t, `validator\s+\S+\s+-\n`, out, "the revoked column is filled")
}

func TestTokenUsesLedgerDataFromEnvironment(t *testing.T) {
	dir := t.TempDir()
	t.Setenv("LEDGER_DATA", dir)
	code, _, errOut := runLedger("token", "create", "--user", "bot", "--role", "admin")
	require.Equal(t, 0, code, errOut)
	_, err := os.Stat(filepath.Join(dir, tokens.FileName))
	require.NoError(t, err)
}

func TestTokenRefusesBadInput(t *testing.T) {
	dir := t.TempDir()
	for _, c := range []struct {
		args []string
		code int
		msg  string
	}{
		{[]string{"token"}, 2, "Usage:"},
		{[]string{"token", "mint"}, 2, `unknown subcommand "mint"`},
		{[]string{"token", "create", "--data", dir, "--user", "u"}, 2, "--user and --role are required"},
		{[]string{"token", "create", "--data", dir, "--user", "u", "--role", "root"}, 2, `unknown role "root"`},
		{[]string{"token", "create", "--data", dir, "--user", "has space", "--role", "reader"}, 1, "invalid argument"},
		{[]string{"token", "create", "--data", dir, "--user", "u", "--role", "reader", "extra"}, 2, "want 0 argument(s), got 1"},
		{[]string{"token", "revoke", "--data", dir}, 2, "want 1 argument(s), got 0"},
		{[]string{"token", "revoke", "--data", dir, "tok_0123456789abcdef"}, 1, "no token with this id"},
		{[]string{"token", "revoke", "--data", dir, "alice"}, 1, "invalid argument"},
	} {
		code, out, errOut := runLedger(c.args...)
		require.Equal(t, c.code, code, "%v: %s", c.args, errOut)
		require.Contains(t, errOut, c.msg, c.args)
		require.Empty(t, out, c.args)
	}
	_, err := os.Stat(filepath.Join(dir, tokens.FileName))
	require.ErrorIs(t, err, os.ErrNotExist, "nothing was created")
}
