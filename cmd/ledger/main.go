// Command ledger runs and operates Pathway Ledger: the API server, imports, replays,
// verification and data generation.
package main

import (
	"context"
	"fmt"
	"io"
	"os"
	_ "time/tzdata" // RTT dates are Europe/London days on any machine, zoneinfo or not.
)

// version is set at build time with -ldflags "-X main.version=...".
var version = "dev"

func main() {
	stop := startProfile(os.Stderr)
	code := run(os.Args[1:], os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}

func run(args []string, stdout, stderr io.Writer) int {
	if len(args) == 0 {
		usage(stderr)
		return 2
	}
	switch args[0] {
	case "version", "--version":
		fmt.Fprintf(stdout, "ledger %s\n", version)
		return 0
	case "verify":
		return verify(context.Background(), args[1:], stdout, stderr)
	case "serve":
		return serve(context.Background(), args[1:], stdout, stderr)
	case "token":
		return token(args[1:], stdout, stderr)
	case "generate":
		return generate(context.Background(), args[1:], stdout, stderr)
	case "export":
		return export(context.Background(), args[1:], stdout, stderr)
	case "import":
		return importCmd(context.Background(), args[1:], stdout, stderr)
	case "replay":
		return replay(context.Background(), args[1:], stdout, stderr)
	case "help", "-h", "--help":
		usage(stdout)
		return 0
	default:
		fmt.Fprintf(stderr, "ledger: unknown command %q\n\n", args[0])
		usage(stderr)
		return 2
	}
}

func usage(w io.Writer) {
	fmt.Fprint(w, `Usage: ledger <command> [flags]

Commands:
  version   print the ledger version
  verify    walk every stream's hash chain; non-zero exit and the first broken link on failure
  serve     run the REST API (--addr 127.0.0.1:8080, env LEDGER_ADDR; LEDGER_ADMIN_TOKEN)
  token     create, list or revoke API bearer tokens (ledger token help)
  generate  write a realistic synthetic trust (--pathways N --seed S; --ndjson FILE for NDJSON)
  replay    rebuild every read model from position 0 and write fresh snapshots (progress, closing rate)
  import    a PTL CSV extract or an NDJSON event file; every row checked first, refused rows reported
  export    rtt: the monthly RTT return in NHS England's 121-column layout (--census DATE [--as-of T]);
            ptl: the PTL as CSV, longest wait first (--on DATE [--bom]);
            wlmds: WLMDS-style open pathways, one row per open RTT period
            (--on DATE [--as-of T] [--provider CODE] [--bom])
  help      show this help

Every command that opens a store takes --data DIR (default ./data, env LEDGER_DATA)
and --store URL (env LEDGER_STORE; kurrentdb://host:2113?tls=false selects KurrentDB).
export and verify only read: they run beside a serve that holds the same folder.
`)
}
