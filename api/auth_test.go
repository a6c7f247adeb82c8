package api

import (
	"encoding/json"
	"net/http"
	"strings"
	"testing"

	"github.com/labstack/echo/v4"
	"github.com/stretchr/testify/require"
)

// area is one access area of issue 4 item 5 mounted on a test route.
type area struct {
	name   string
	method string
	path   string
	roles  RoleSet
}

var areas = []area{
	{"commands", http.MethodPost, "/v1/t/commands", CommandRoles},
	{"validations", http.MethodPost, "/v1/t/validations", ValidationRoles},
	{"reads", http.MethodGet, "/v1/t/reads", ReadRoles},
	{"audit", http.MethodGet, "/v1/t/audit", AuditRoles},
	{"reports", http.MethodGet, "/v1/t/reports", ReportRoles},
	{"admin", http.MethodGet, "/v1/t/admin", AdminRoles},
	{"any", http.MethodGet, "/v1/t/any", AuthenticatedRoles},
}

func mountAreas(s *Server) {
	for _, a := range areas {
		s.Group("/t", a.roles).Add(a.method, strings.TrimPrefix(a.path, "/v1/t"), okHandler(a.name))
	}
}

func TestRoleMatrix(t *testing.T) {
	env := newEnv(t, nil)
	mountAreas(env.srv)
	allowed := map[Role][]string{
		RoleBooking:   {"commands", "any"},
		RoleValidator: {"validations", "reads", "reports", "any"},
		RoleAuditor:   {"reads", "audit", "reports", "any"},
		RoleReader:    {"reports", "any"},
		RoleAdmin:     {"commands", "validations", "reads", "audit", "reports", "admin", "any"},
	}
	for role, names := range allowed {
		for _, a := range areas {
			rec := env.do(t, call{method: a.method, path: a.path, token: env.tok[role]})
			if contains(names, a.name) {
				require.Equal(t, http.StatusOK, rec.Code, "%s on %s: %s", role, a.name, rec.Body)
				var got map[string]string
				require.NoError(t, json.Unmarshal(rec.Body.Bytes(), &got))
				require.Equal(t, map[string]string{"route": a.name, "user": "user-" + string(role), "role": string(role)}, got)
				continue
			}
			p := problemOf(t, rec, http.StatusForbidden)
			require.Equal(t, TypeForbidden, p.Type, "%s on %s", role, a.name)
			require.Contains(t, p.Detail, "role "+string(role)+" may not use this route")
		}
	}
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

func TestAdminTokenActsAsAdminUser(t *testing.T) {
	env := newEnv(t, nil)
	mountAreas(env.srv)
	for _, a := range areas {
		rec := env.do(t, call{method: a.method, path: a.path, token: testAdminToken})
		require.Equal(t, http.StatusOK, rec.Code, a.name)
		require.JSONEq(t, `{"route":"`+a.name+`","user":"admin","role":"admin"}`, rec.Body.String())
	}
}

func TestUnauthenticatedRequestsAre401(t *testing.T) {
	env := newEnv(t, nil)
	mountAreas(env.srv)
	revokedSecret, tok, err := env.tokens.Create("leaver", "booking")
	require.NoError(t, err)
	_, err = env.tokens.Revoke(tok.ID)
	require.NoError(t, err)

	for name, auth := range map[string]string{
		"none":              "",
		"basic":             "Basic dXNlcjpwYXNz",
		"empty bearer":      "Bearer ",
		"unknown token":     "Bearer plt_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA",
		"revoked token":     "Bearer " + revokedSecret,
		"admin token typo":  "Bearer " + testAdminToken + "x",
		"admin token short": "Bearer " + testAdminToken[:len(testAdminToken)-1],
		"two tokens":        "Bearer " + env.tok[RoleAdmin] + " " + env.tok[RoleAdmin],
	} {
		req := call{method: http.MethodPost, path: "/v1/t/commands", header: map[string]string{}}
		if auth != "" {
			req.header["Authorization"] = auth
		}
		rec := env.do(t, req)
		p := problemOf(t, rec, http.StatusUnauthorized)
		require.Equal(t, TypeUnauthenticated, p.Type, name)
		require.Equal(t, `Bearer realm="ledger"`, rec.Header().Get("WWW-Authenticate"), name)
	}
	require.Contains(t, env.logs.String(), `"msg":"revoked token used","token_id":"`+tok.ID+`"`)
	require.NotContains(t, env.logs.String(), revokedSecret)
	require.NotContains(t, env.logs.String(), testAdminToken)
}

func TestBearerSchemeIsCaseInsensitive(t *testing.T) {
	env := newEnv(t, nil)
	mountAreas(env.srv)
	rec := env.do(t, call{method: http.MethodGet, path: "/v1/t/reports",
		header: map[string]string{"Authorization": "bearer " + env.tok[RoleReader]}})
	require.Equal(t, http.StatusOK, rec.Code)
}

func TestUnknownV1RoutesNeedCredentialsBeforeSaying404(t *testing.T) {
	env := newEnv(t, nil)
	mountAreas(env.srv)
	rec := env.do(t, call{method: http.MethodGet, path: "/v1/no/such/route"})
	problemOf(t, rec, http.StatusUnauthorized)

	rec = env.do(t, call{method: http.MethodGet, path: "/v1/no/such/route", token: env.tok[RoleReader]})
	p := problemOf(t, rec, http.StatusNotFound)
	require.Equal(t, TypeNotFound, p.Type)

	rec = env.do(t, call{method: http.MethodDelete, path: "/v1/t/reports", token: env.tok[RoleReader]})
	p = problemOf(t, rec, http.StatusMethodNotAllowed)
	require.Equal(t, TypeMethodNotAllowed, p.Type)
}

func TestWithoutTokenStoreOnlyAdminWorks(t *testing.T) {
	env := newEnv(t, func(o *Options) { o.Tokens = nil })
	mountAreas(env.srv)
	rec := env.do(t, call{method: http.MethodGet, path: "/v1/t/reports", token: env.tok[RoleReader]})
	problemOf(t, rec, http.StatusUnauthorized)
	rec = env.do(t, call{method: http.MethodGet, path: "/v1/t/reports", token: testAdminToken})
	require.Equal(t, http.StatusOK, rec.Code)
}

func TestShortAdminTokenIsRefused(t *testing.T) {
	_, err := New(Options{AdminToken: "short"})
	require.ErrorContains(t, err, "at least 16 characters")
}

func TestActorFromIsTheCaller(t *testing.T) {
	env := newEnv(t, nil)
	var got []string
	env.srv.Group("/actor", CommandRoles).POST("", func(c echo.Context) error {
		a := ActorFrom(c)
		got = append(got, a.User+"/"+a.Role)
		return c.NoContent(http.StatusNoContent)
	})
	require.Equal(t, http.StatusNoContent, env.do(t, call{method: http.MethodPost, path: "/v1/actor", token: env.tok[RoleBooking]}).Code)
	require.Equal(t, http.StatusNoContent, env.do(t, call{method: http.MethodPost, path: "/v1/actor", token: testAdminToken}).Code)
	require.Equal(t, []string{"user-booking/booking", "admin/admin"}, got)
}

func TestParseRole(t *testing.T) {
	for _, r := range AllRoles() {
		got, err := ParseRole(string(r))
		require.NoError(t, err)
		require.Equal(t, r, got)
	}
	for _, bad := range []string{"", "Admin", "root", "booking "} {
		_, err := ParseRole(bad)
		require.ErrorContains(t, err, "unknown role", bad)
	}
	require.Equal(t, "booking, admin", CommandRoles.String())
	require.False(t, ReadRoles.Admits(Role("root")))
	require.True(t, ReadRoles.With(RoleBooking).Admits(RoleBooking))
	require.False(t, ReadRoles.Admits(RoleBooking), "With returns a copy")
}
