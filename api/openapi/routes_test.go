package openapi_test

import (
	"fmt"
	"net/http"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/labstack/echo/v4"
	"github.com/stretchr/testify/require"
	"pgregory.net/rapid"

	"github.com/pathway-ledger/ledger/api/openapi"
)

var braceParam = regexp.MustCompile(`\{([a-z_]+)\}`)

// echoForm turns "POST /v1/pathways/{id}" into the route Echo would list.
func echoForm(route string) openapi.Route {
	method, path, _ := strings.Cut(route, " ")
	return openapi.Route{Method: method, Path: braceParam.ReplaceAllString(path, ":$1")}
}

func servedAPIRoutes() []openapi.Route {
	out := make([]openapi.Route, len(apiRoutes))
	for i, r := range apiRoutes {
		out[i] = echoForm(r)
	}
	return out
}

func TestCheckRoutesPassesWhenServerAndDocumentAgree(t *testing.T) {
	routes := servedAPIRoutes()
	require.Equal(t, openapi.Route{Method: "POST", Path: "/v1/sessions/:id/bookings/:pathway_id/removal"},
		routes[slices.Index(apiRoutes, "POST /v1/sessions/{id}/bookings/{pathway_id}/removal")])
	require.Empty(t, failures(func(tb testing.TB) { openapi.CheckRoutes(tb, routes) }))
	// Echo's not-found pseudo-routes and repeats are not routes of the API.
	routes = append(routes, routes[0], openapi.Route{Method: echo.RouteNotFound, Path: "/v1/*"})
	require.Empty(t, failures(func(tb testing.TB) { openapi.CheckRoutes(tb, routes) }))
}

func TestCheckRoutesListsMissingAndExtraRoutes(t *testing.T) {
	var routes []openapi.Route
	for _, r := range servedAPIRoutes() {
		switch r.Path {
		case "/v1/integrity", "/metrics":
			continue // not served
		case "/v1/pathways/:id/offers/:offer_id/accept":
			r.Path = "/v1/pathways/:id/offers/:oid/accept" // renamed parameter
		}
		routes = append(routes, r)
	}
	routes = append(routes,
		openapi.Route{Method: http.MethodDelete, Path: "/v1/pathways/:id"},
		openapi.Route{Method: http.MethodGet, Path: "/v1/debug/*"},
	)
	errs := failures(func(tb testing.TB) { openapi.CheckRoutes(tb, routes) })
	require.Equal(t, []string{"openapi: the server's routes and the document differ\n" +
		"served but not in openapi.yaml (3):\n" +
		"  DELETE /v1/pathways/{id}\n" +
		"  GET /v1/debug/*\n" +
		"  POST /v1/pathways/{id}/offers/{oid}/accept\n" +
		"in openapi.yaml but not served (3):\n" +
		"  GET /metrics\n" +
		"  GET /v1/integrity\n" +
		"  POST /v1/pathways/{id}/offers/{offer_id}/accept"}, errs)
}

func TestEchoRoutesReadsEchosTable(t *testing.T) {
	e := echo.New()
	noop := func(echo.Context) error { return nil }
	e.GET("/healthz", noop)
	v1 := e.Group("/v1", func(next echo.HandlerFunc) echo.HandlerFunc { return next })
	v1.GET("/pathways/:id", noop)
	v1.POST("/pathways/:id/offers/:offer_id/decline", noop)

	var pseudo int
	for _, r := range e.Routes() {
		if r.Method == echo.RouteNotFound {
			pseudo++
		}
	}
	require.Positive(t, pseudo, "a group with middleware adds not-found routes; the filter must matter")
	require.ElementsMatch(t, []openapi.Route{
		{Method: http.MethodGet, Path: "/healthz"},
		{Method: http.MethodGet, Path: "/v1/pathways/:id"},
		{Method: http.MethodPost, Path: "/v1/pathways/:id/offers/:offer_id/decline"},
	}, openapi.EchoRoutes(e.Routes()))
}

func TestOpenAPIPath(t *testing.T) {
	cases := map[string]string{
		"/healthz":         "/healthz",
		"/v1/pathways/:id": "/v1/pathways/{id}",
		"/v1/pathways/:id/offers/:offer_id/decline":     "/v1/pathways/{id}/offers/{offer_id}/decline",
		"/v1/sessions/:id/bookings/:pathway_id/removal": "/v1/sessions/{id}/bookings/{pathway_id}/removal",
		"/v1/files/*":  "/v1/files/*",
		"/v1/odd/:":    "/v1/odd/:",
		"/v1/time:now": "/v1/time:now",
		"":             "",
	}
	for in, want := range cases {
		require.Equal(t, want, openapi.OpenAPIPath(in), in)
	}
}

// Converting changes parameter segments only, and each into its braced name.
func TestOpenAPIPathProperty(t *testing.T) {
	segment := rapid.StringMatching(`[a-z][a-z0-9_-]{0,8}`)
	rapid.Check(t, func(t *rapid.T) {
		n := rapid.IntRange(0, 6).Draw(t, "segments")
		var echoSegs, wantSegs []string
		for i := range n {
			name := segment.Draw(t, "name")
			if rapid.Bool().Draw(t, fmt.Sprintf("param%d", i)) {
				echoSegs, wantSegs = append(echoSegs, ":"+name), append(wantSegs, "{"+name+"}")
			} else {
				echoSegs, wantSegs = append(echoSegs, name), append(wantSegs, name)
			}
		}
		got := openapi.OpenAPIPath("/" + strings.Join(echoSegs, "/"))
		if want := "/" + strings.Join(wantSegs, "/"); got != want {
			t.Fatalf("OpenAPIPath(%q) = %q, want %q", "/"+strings.Join(echoSegs, "/"), got, want)
		}
	})
}
