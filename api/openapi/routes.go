package openapi

import (
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/labstack/echo/v4"
)

// Route is one route the server serves, with its path in Echo form
// ("/v1/pathways/:id").
type Route struct {
	Method string
	Path   string
}

// EchoRoutes turns Echo's route table (e.Routes()) into Routes, leaving out Echo's
// internal not-found routes, which a group with middleware registers by itself.
func EchoRoutes(rs []*echo.Route) []Route {
	out := make([]Route, 0, len(rs))
	for _, r := range rs {
		if r.Method == echo.RouteNotFound {
			continue
		}
		out = append(out, Route{Method: r.Method, Path: r.Path})
	}
	return out
}

// CheckRoutes fails t unless routes and the document's operations are the same set,
// listing the routes served but not documented and those documented but not served.
// Path parameters must have the same names (":id" is "{id}").
func CheckRoutes(t testing.TB, routes []Route) {
	t.Helper()
	doc, err := Load()
	if err != nil {
		t.Fatalf("openapi: %v", err)
		return
	}
	served := map[string]bool{}
	for _, r := range routes {
		if r.Method == echo.RouteNotFound {
			continue
		}
		served[strings.ToUpper(r.Method)+" "+OpenAPIPath(r.Path)] = true
	}
	documented := map[string]bool{}
	for path, item := range doc.Paths.Map() {
		for method := range item.Operations() {
			documented[strings.ToUpper(method)+" "+path] = true
		}
	}
	extra, missing := difference(served, documented), difference(documented, served)
	if len(extra) == 0 && len(missing) == 0 {
		return
	}
	var b strings.Builder
	b.WriteString("openapi: the server's routes and the document differ")
	if len(extra) > 0 {
		fmt.Fprintf(&b, "\nserved but not in openapi.yaml (%d):\n  %s", len(extra), strings.Join(extra, "\n  "))
	}
	if len(missing) > 0 {
		fmt.Fprintf(&b, "\nin openapi.yaml but not served (%d):\n  %s", len(missing), strings.Join(missing, "\n  "))
	}
	t.Errorf("%s", b.String())
}

// OpenAPIPath converts an Echo path to the document's form: each ":name" segment
// becomes "{name}". Anything else, a "*" wildcard included, is kept as is, so a
// wildcard route shows up as undocumented.
func OpenAPIPath(echoPath string) string {
	segs := strings.Split(echoPath, "/")
	for i, s := range segs {
		if len(s) > 1 && s[0] == ':' {
			segs[i] = "{" + s[1:] + "}"
		}
	}
	return strings.Join(segs, "/")
}

func difference(a, b map[string]bool) []string {
	var out []string
	for k := range a {
		if !b[k] {
			out = append(out, k)
		}
	}
	slices.Sort(out)
	return out
}
