package main

import (
	"flag"
	"fmt"
	"io"
	"text/tabwriter"
	"time"

	"github.com/pathway-ledger/ledger/api"
	"github.com/pathway-ledger/ledger/api/tokens"
)

const tokenUsage = `Usage:
  ledger token create --user U --role R   issue a token; it is printed once, on stdout
  ledger token list                       list tokens (never their text)
  ledger token revoke ID                  revoke a token by its id (tok_...)

Every token subcommand takes --data DIR (default ./data, env LEDGER_DATA); the
tokens are kept, hashed, in DIR/tokens.json. A running server sees changes at once.
Roles: booking, validator, auditor, reader, admin.
`

// token manages the bearer tokens of the data folder.
func token(args []string, stdout, stderr io.Writer) int {
	if len(args) == 0 {
		fmt.Fprint(stderr, tokenUsage)
		return 2
	}
	fs := flag.NewFlagSet("token "+args[0], flag.ContinueOnError)
	fs.SetOutput(stderr)
	data := fs.String("data", envOr("LEDGER_DATA", "./data"), "data folder holding tokens.json (env LEDGER_DATA)")
	switch args[0] {
	case "create":
		user := fs.String("user", "", "user the token authenticates (recorded as the actor of its events)")
		role := fs.String("role", "", "role: booking, validator, auditor, reader or admin")
		if !parseAll(fs, args[1:], 0) {
			return 2
		}
		if *user == "" || *role == "" {
			fmt.Fprintln(stderr, "ledger token create: --user and --role are required")
			return 2
		}
		r, err := api.ParseRole(*role)
		if err != nil {
			fmt.Fprintf(stderr, "ledger token create: %v\n", err)
			return 2
		}
		return tokenCreate(*data, *user, r, stdout, stderr)
	case "list":
		if !parseAll(fs, args[1:], 0) {
			return 2
		}
		return tokenList(*data, stdout, stderr)
	case "revoke":
		if !parseAll(fs, args[1:], 1) {
			return 2
		}
		return tokenRevoke(*data, fs.Arg(0), stdout, stderr)
	case "help", "-h", "--help":
		fmt.Fprint(stdout, tokenUsage)
		return 0
	default:
		fmt.Fprintf(stderr, "ledger token: unknown subcommand %q\n\n%s", args[0], tokenUsage)
		return 2
	}
}

// parseAll parses flags placed before or after the positional arguments, of which
// it demands exactly want; they are left in fs.Args().
func parseAll(fs *flag.FlagSet, args []string, want int) bool {
	var pos []string
	for {
		if err := fs.Parse(args); err != nil {
			return false
		}
		if fs.NArg() == 0 {
			break
		}
		pos = append(pos, fs.Arg(0))
		args = fs.Args()[1:]
	}
	if len(pos) != want {
		fmt.Fprintf(fs.Output(), "ledger %s: want %d argument(s), got %d\n", fs.Name(), want, len(pos))
		return false
	}
	_ = fs.Parse(append([]string{"--"}, pos...))
	return true
}

func tokenCreate(data, user string, role api.Role, stdout, stderr io.Writer) int {
	s, err := tokens.Open(data)
	if err != nil {
		fmt.Fprintf(stderr, "ledger token create: %v\n", err)
		return 1
	}
	secret, t, err := s.Create(user, string(role))
	if err != nil {
		fmt.Fprintf(stderr, "ledger token create: %v\n", err)
		return 1
	}
	fmt.Fprintln(stdout, secret)
	fmt.Fprintf(stderr, "created %s for user %s with role %s; the token above is shown only now\n", t.ID, t.User, t.Role)
	return 0
}

func tokenList(data string, stdout, stderr io.Writer) int {
	s, err := tokens.Open(data)
	if err != nil {
		fmt.Fprintf(stderr, "ledger token list: %v\n", err)
		return 1
	}
	list, err := s.List()
	if err != nil {
		fmt.Fprintf(stderr, "ledger token list: %v\n", err)
		return 1
	}
	w := tabwriter.NewWriter(stdout, 0, 0, 2, ' ', 0)
	fmt.Fprintln(w, "ID\tUSER\tROLE\tCREATED\tREVOKED")
	for _, t := range list {
		revoked := "-"
		if t.RevokedAt != nil {
			revoked = t.RevokedAt.UTC().Format(time.RFC3339)
		}
		fmt.Fprintf(w, "%s\t%s\t%s\t%s\t%s\n", t.ID, t.User, t.Role, t.CreatedAt.UTC().Format(time.RFC3339), revoked)
	}
	if err := w.Flush(); err != nil {
		fmt.Fprintf(stderr, "ledger token list: %v\n", err)
		return 1
	}
	return 0
}

func tokenRevoke(data, id string, stdout, stderr io.Writer) int {
	s, err := tokens.Open(data)
	if err != nil {
		fmt.Fprintf(stderr, "ledger token revoke: %v\n", err)
		return 1
	}
	t, err := s.Revoke(id)
	if err != nil {
		fmt.Fprintf(stderr, "ledger token revoke: %v\n", err)
		return 1
	}
	fmt.Fprintf(stdout, "revoked %s (user %s, role %s) at %s\n", t.ID, t.User, t.Role, t.RevokedAt.UTC().Format(time.RFC3339))
	return 0
}
