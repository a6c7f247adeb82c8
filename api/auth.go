package api

import (
	"context"
	"crypto/sha256"
	"crypto/subtle"
	"errors"
	"log/slog"
	"net/http"
	"strings"

	"github.com/labstack/echo/v4"

	"github.com/pathway-ledger/ledger/api/tokens"
	"github.com/pathway-ledger/ledger/eventstore"
)

// MinAdminTokenLen is the shortest LEDGER_ADMIN_TOKEN accepted: an automation secret
// that can be guessed would open every route.
const MinAdminTokenLen = 16

// AdminUser is the actor recorded for requests made with the admin token.
const AdminUser = "admin"

// TokenLookup resolves a bearer token to the stored token (tokens.Store does).
type TokenLookup interface {
	Lookup(secret string) (tokens.Token, error)
}

// Principal is the authenticated caller of a request.
type Principal struct {
	User string
	Role Role
}

type principalKey struct{}

// PrincipalFrom returns the caller of a request under /v1.
func PrincipalFrom(c echo.Context) (Principal, bool) {
	p, ok := c.Request().Context().Value(principalKey{}).(Principal)
	return p, ok
}

// PrincipalFromContext is PrincipalFrom for code that holds only the request context.
func PrincipalFromContext(ctx context.Context) (Principal, bool) {
	p, ok := ctx.Value(principalKey{}).(Principal)
	return p, ok
}

// ActorFrom returns the caller as the actor to record on every event a route appends.
// Under /v1 there always is one; elsewhere it is the zero Actor.
func ActorFrom(c echo.Context) eventstore.Actor {
	p, _ := PrincipalFrom(c)
	return eventstore.Actor{User: p.User, Role: string(p.Role)}
}

type authenticator struct {
	admin    [sha256.Size]byte
	hasAdmin bool
	tokens   TokenLookup
	log      *slog.Logger
}

func unauthenticated(detail string) *Problem {
	return NewProblem(http.StatusUnauthorized, TypeUnauthenticated, "Unauthenticated", detail)
}

// guardV1 authenticates every request under /v1 and puts the Principal in the
// request context. The admin token is compared as a SHA-256 hash in constant time,
// so neither its length nor its prefix leaks through timing.
func (a *authenticator) guardV1(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		path := c.Request().URL.Path
		if path != V1Prefix && !strings.HasPrefix(path, V1Prefix+"/") {
			return next(c)
		}
		secret, ok := bearer(c.Request().Header.Get(echo.HeaderAuthorization))
		if !ok {
			return unauthenticated("a bearer credential is required (Authorization: Bearer <token>)")
		}
		p, err := a.principal(secret)
		if err != nil {
			return err
		}
		c.Set(logUserKey, p.User)
		ctx := context.WithValue(c.Request().Context(), principalKey{}, p)
		c.SetRequest(c.Request().WithContext(ctx))
		return next(c)
	}
}

func (a *authenticator) principal(secret string) (Principal, error) {
	sum := sha256.Sum256([]byte(secret))
	if a.hasAdmin && subtle.ConstantTimeCompare(sum[:], a.admin[:]) == 1 {
		return Principal{User: AdminUser, Role: RoleAdmin}, nil
	}
	bad := unauthenticated("the bearer credential is unknown or revoked")
	if a.tokens == nil || !strings.HasPrefix(secret, tokens.Prefix) {
		return Principal{}, bad
	}
	t, err := a.tokens.Lookup(secret)
	switch {
	case errors.Is(err, tokens.ErrRevoked):
		a.log.Warn("revoked token used", slog.String("token_id", t.ID), slog.String("user", t.User))
		return Principal{}, bad
	case errors.Is(err, tokens.ErrUnknown):
		return Principal{}, bad
	case err != nil:
		return Principal{}, err
	}
	role, err := ParseRole(t.Role)
	if err != nil {
		a.log.Warn("token with an unknown role refused", slog.String("token_id", t.ID))
		return Principal{}, bad
	}
	return Principal{User: t.User, Role: role}, nil
}

// bearer extracts the token of an "Authorization: Bearer <token>" header; the scheme
// is case-insensitive (RFC 9110 §11.1).
func bearer(h string) (string, bool) {
	scheme, token, ok := strings.Cut(h, " ")
	if !ok || !strings.EqualFold(scheme, "Bearer") {
		return "", false
	}
	token = strings.TrimLeft(token, " ")
	if token == "" || strings.ContainsAny(token, " \t") {
		return "", false
	}
	return token, true
}

// requireRoles answers 403 to a caller whose role the set does not admit.
func requireRoles(set RoleSet) echo.MiddlewareFunc {
	return func(next echo.HandlerFunc) echo.HandlerFunc {
		return func(c echo.Context) error {
			p, ok := PrincipalFrom(c)
			if !ok {
				return unauthenticated("a bearer credential is required")
			}
			if !set.Admits(p.Role) {
				return NewProblem(http.StatusForbidden, TypeForbidden, "Forbidden",
					"role "+string(p.Role)+" may not use this route (allowed: "+set.String()+")")
			}
			return next(c)
		}
	}
}
