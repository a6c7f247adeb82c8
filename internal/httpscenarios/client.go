// Package httpscenarios drives the worked cases of SCENARIOS.md through the v1 REST
// API as an outside client would: the same script runs against an in-process server
// (api/v1 tests, every exchange checked against the OpenAPI document) and against the
// built binary (cmd/ledger's end-to-end test, across a SIGKILL and a restart).
package httpscenarios

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"testing"

	"github.com/stretchr/testify/require"
)

// Client calls one server with one bearer token.
type Client struct {
	Base  string // e.g. "http://127.0.0.1:8080"
	Token string
	HTTP  *http.Client
	// Check, when set, sees every exchange (the OpenAPI validator in process).
	Check func(t testing.TB, req *http.Request, status int, header http.Header, body []byte)
}

// As is the same client with another token.
func (c *Client) As(token string) *Client {
	cp := *c
	cp.Token = token
	return &cp
}

// Reply is one answer.
type Reply struct {
	Status int
	Header http.Header
	Body   []byte
}

// Decode unmarshals the body into v, failing t when it is not JSON of that shape.
func (r Reply) Decode(t testing.TB, v any) {
	t.Helper()
	require.NoError(t, json.Unmarshal(r.Body, v), "body: %s", r.Body)
}

// Do sends one request; headers come in name, value pairs.
func (c *Client) Do(t testing.TB, method, path string, body any, headers ...string) Reply {
	t.Helper()
	var raw []byte
	switch b := body.(type) {
	case nil:
	case string:
		raw = []byte(b)
	case []byte:
		raw = b
	default:
		var err error
		raw, err = json.Marshal(b)
		require.NoError(t, err)
	}
	req, err := http.NewRequest(method, c.Base+path, bytes.NewReader(raw))
	require.NoError(t, err)
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	if c.Token != "" {
		req.Header.Set("Authorization", "Bearer "+c.Token)
	}
	for i := 0; i+1 < len(headers); i += 2 {
		req.Header.Set(headers[i], headers[i+1])
	}
	hc := c.HTTP
	if hc == nil {
		hc = http.DefaultClient
	}
	resp, err := hc.Do(req)
	require.NoError(t, err)
	defer resp.Body.Close()
	out, err := io.ReadAll(resp.Body)
	require.NoError(t, err)
	if c.Check != nil {
		c.Check(t, req, resp.StatusCode, resp.Header, out)
	}
	return Reply{Status: resp.StatusCode, Header: resp.Header, Body: out}
}

// Expect sends a request and fails t unless the answer has the status.
func (c *Client) Expect(t testing.TB, status int, method, path string, body any, headers ...string) Reply {
	t.Helper()
	r := c.Do(t, method, path, body, headers...)
	require.Equal(t, status, r.Status, "%s %s: %s", method, path, r.Body)
	return r
}

// Problem is the RFC 9457 body of an error answer.
type Problem struct {
	Type   string `json:"type"`
	Title  string `json:"title"`
	Status int    `json:"status"`
	Detail string `json:"detail"`
	Rule   string `json:"rule"`
	Errors []struct {
		Field  string `json:"field"`
		Detail string `json:"detail"`
	} `json:"errors"`
}

// Refused sends a request that must be refused with the status, and returns the problem.
func (c *Client) Refused(t testing.TB, status int, method, path string, body any, headers ...string) Problem {
	t.Helper()
	r := c.Expect(t, status, method, path, body, headers...)
	require.Contains(t, r.Header.Get("Content-Type"), "application/problem+json")
	var p Problem
	r.Decode(t, &p)
	require.Equal(t, status, p.Status)
	return p
}
