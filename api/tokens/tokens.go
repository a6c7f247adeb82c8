// Package tokens is the ledger's bearer-token store: one JSON file in the data folder
// (DIR/tokens.json, mode 0600) that holds only SHA-256 hashes of the tokens it issued,
// with their user, role and lifecycle dates. The token text is shown once, at
// creation, and never stored.
package tokens

import (
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"sync"
	"time"
)

// FileName is the store's file inside the data folder; lockName serialises writers
// from several processes (a running server and `ledger token` commands).
const (
	FileName = "tokens.json"
	lockName = "tokens.lock"
)

// Prefix marks ledger tokens so that secret scanners and people recognise a leaked one.
const Prefix = "plt_"

// secretBytes of randomness make a token unguessable; base64url keeps it header-safe.
const secretBytes = 32

var (
	// ErrUnknown: no token has this text.
	ErrUnknown = errors.New("tokens: unknown token")
	// ErrRevoked: the token exists but was revoked.
	ErrRevoked = errors.New("tokens: token revoked")
	// ErrNotFound: no token has this id.
	ErrNotFound = errors.New("tokens: no token with this id")
	// ErrInvalid: a user, role or id breaks the format rules.
	ErrInvalid = errors.New("tokens: invalid argument")
	// ErrCorrupt: the token file cannot be read as a token store.
	ErrCorrupt = errors.New("tokens: token file is corrupt")
)

// User names are recorded as the actor of every event and appear in logs, so they are
// restricted to a plain, printable set (e-mail addresses fit).
var (
	userPattern = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9._@+-]{0,127}$`)
	rolePattern = regexp.MustCompile(`^[a-z][a-z_]{0,31}$`)
	idPattern   = regexp.MustCompile(`^tok_[0-9a-f]{16}$`)
)

// Token is one issued credential as stored: never the token text, only its hash.
type Token struct {
	ID        string     `json:"id"`
	User      string     `json:"user"`
	Role      string     `json:"role"`
	SHA256    string     `json:"sha256"`
	CreatedAt time.Time  `json:"created_at"`
	RevokedAt *time.Time `json:"revoked_at,omitempty"`
}

// Revoked reports whether the token has been revoked.
func (t Token) Revoked() bool { return t.RevokedAt != nil }

type fileData struct {
	Version int     `json:"version"`
	Tokens  []Token `json:"tokens"`
}

const fileVersion = 1

// Store reads and writes DIR/tokens.json. Lookups reload the file when another
// process has replaced it, so `ledger token revoke` takes effect on a running server
// at its next request.
type Store struct {
	dir  string
	now  func() time.Time
	mu   sync.Mutex
	seen os.FileInfo // the file version cached below; nil: no file yet
	list []Token
	sums [][sha256.Size]byte
}

// Option tunes a Store.
type Option func(*Store)

// WithClock replaces the clock that stamps created_at and revoked_at (tests).
func WithClock(now func() time.Time) Option { return func(s *Store) { s.now = now } }

// Open returns the store for data folder dir. Nothing is created until the first
// token is; a missing file is an empty store.
func Open(dir string, opts ...Option) (*Store, error) {
	if dir == "" {
		return nil, fmt.Errorf("%w: empty data folder", ErrInvalid)
	}
	s := &Store{dir: dir, now: time.Now}
	for _, o := range opts {
		o(s)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if err := s.refresh(); err != nil {
		return nil, err
	}
	return s, nil
}

// Path is the token file.
func (s *Store) Path() string { return filepath.Join(s.dir, FileName) }

// Create issues a token for user with role and returns its text, which is not kept.
func (s *Store) Create(user, role string) (string, Token, error) {
	if !userPattern.MatchString(user) {
		return "", Token{}, fmt.Errorf("%w: user must be 1-128 of letters, digits and . _ @ + - starting with a letter or digit", ErrInvalid)
	}
	if !rolePattern.MatchString(role) {
		return "", Token{}, fmt.Errorf("%w: role must be lower-case letters", ErrInvalid)
	}
	raw := make([]byte, secretBytes)
	idRaw := make([]byte, 8)
	if _, err := rand.Read(raw); err != nil {
		return "", Token{}, fmt.Errorf("tokens: random: %w", err)
	}
	if _, err := rand.Read(idRaw); err != nil {
		return "", Token{}, fmt.Errorf("tokens: random: %w", err)
	}
	secret := Prefix + base64.RawURLEncoding.EncodeToString(raw)
	sum := sha256.Sum256([]byte(secret))
	t := Token{
		ID:        "tok_" + hex.EncodeToString(idRaw),
		User:      user,
		Role:      role,
		SHA256:    hex.EncodeToString(sum[:]),
		CreatedAt: s.now().UTC().Truncate(time.Second),
	}
	err := s.update(func(list []Token) ([]Token, error) { return append(list, t), nil })
	if err != nil {
		return "", Token{}, err
	}
	return secret, t, nil
}

// Revoke marks the token with id revoked. Revoking a revoked token changes nothing
// and returns it as it is.
func (s *Store) Revoke(id string) (Token, error) {
	if !idPattern.MatchString(id) {
		return Token{}, fmt.Errorf("%w: a token id looks like tok_ and 16 hex digits", ErrInvalid)
	}
	var out Token
	err := s.update(func(list []Token) ([]Token, error) {
		for i := range list {
			if list[i].ID != id {
				continue
			}
			if list[i].RevokedAt == nil {
				at := s.now().UTC().Truncate(time.Second)
				list[i].RevokedAt = &at
			}
			out = list[i]
			return list, nil
		}
		return nil, ErrNotFound
	})
	return out, err
}

// List returns every token, revoked ones included, oldest first.
func (s *Store) List() ([]Token, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if err := s.refresh(); err != nil {
		return nil, err
	}
	return append([]Token(nil), s.list...), nil
}

// Lookup finds the token whose text is secret. Every stored hash is compared in
// constant time, whatever matches, so the answer's timing says nothing about which
// token (or how much of one) was guessed. A revoked token is returned with ErrRevoked
// so that its use can be logged by id.
func (s *Store) Lookup(secret string) (Token, error) {
	sum := sha256.Sum256([]byte(secret))
	s.mu.Lock()
	defer s.mu.Unlock()
	if err := s.refresh(); err != nil {
		return Token{}, err
	}
	found := -1
	for i := range s.sums {
		eq := subtle.ConstantTimeCompare(sum[:], s.sums[i][:])
		unset := subtle.ConstantTimeEq(int32(found), -1)
		found = subtle.ConstantTimeSelect(eq&unset, i, found)
	}
	if found < 0 {
		return Token{}, ErrUnknown
	}
	t := s.list[found]
	if t.Revoked() {
		return t, ErrRevoked
	}
	return t, nil
}
