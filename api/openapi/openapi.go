// Package openapi holds the OpenAPI 3.1 document of the v1 REST API (API.md) and the
// test machinery that keeps it true: a request/response validator for route tests and
// a two-way comparison of the server's routes with the document's paths.
//
// The document is authored as openapi.yaml (comments, anchors) and served as JSON.
// The JSON is made once, from a plain YAML-to-JSON conversion rather than a round
// trip through kin-openapi's types, so what is served is exactly what was written;
// encoding/json sorts object keys, so the bytes are stable across runs and builds.
package openapi

import (
	"bytes"
	"context"
	_ "embed"
	"encoding/json"
	"fmt"
	"sync"

	"github.com/getkin/kin-openapi/openapi3"
	yaml "go.yaml.in/yaml/v4"
)

// ContentType is the media type Spec is served with.
const ContentType = "application/json"

//go:embed openapi.yaml
var source []byte

var spec = sync.OnceValues(func() ([]byte, error) { return toJSON(source) })

// Spec returns the document as JSON, for GET /v1/openapi.json. Each call returns a
// fresh copy, so a caller may keep or change it. It panics if the embedded document
// cannot be converted, which the package's own tests rule out before any commit.
func Spec() []byte {
	b, err := spec()
	if err != nil {
		panic(err)
	}
	return bytes.Clone(b)
}

// Load parses Spec into kin-openapi's model and validates it (OpenAPI 3.1, JSON
// Schema 2020-12). Each call returns a new document the caller may change. The
// document carries a "uuid" string format validator, which kin-openapi does not
// define by default, so that request and response validation checks ids.
func Load() (*openapi3.T, error) {
	b, err := spec()
	if err != nil {
		return nil, err
	}
	loader := openapi3.NewLoader()
	doc, err := loader.LoadFromData(b)
	if err != nil {
		return nil, fmt.Errorf("openapi: load: %w", err)
	}
	doc.SetStringFormatValidator("uuid", openapi3.NewRegexpFormatValidator(uuidPattern))
	if err := doc.Validate(context.Background()); err != nil {
		return nil, fmt.Errorf("openapi: invalid document: %w", err)
	}
	return doc, nil
}

// uuidPattern is the canonical lower- or upper-case 8-4-4-4-12 form. Versions are
// not constrained: ids may be client-chosen (v4) or made by the ledger (v7).
const uuidPattern = `^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$`

// toJSON converts the YAML document to indented JSON. It refuses what JSON cannot say
// faithfully: YAML timestamps (an unquoted date) and non-string mapping keys (an
// unquoted response code), so an authoring slip fails the build's tests instead of
// being served in some guessed form.
func toJSON(src []byte) ([]byte, error) {
	var v any
	if err := yaml.Unmarshal(src, &v); err != nil {
		return nil, fmt.Errorf("openapi: openapi.yaml: %w", err)
	}
	plain, err := plainJSON(v, "")
	if err != nil {
		return nil, fmt.Errorf("openapi: openapi.yaml: %w", err)
	}
	out, err := json.MarshalIndent(plain, "", "  ")
	if err != nil {
		return nil, fmt.Errorf("openapi: openapi.yaml: %w", err)
	}
	return append(out, '\n'), nil
}

func plainJSON(v any, at string) (any, error) {
	switch v := v.(type) {
	case map[string]any:
		out := make(map[string]any, len(v))
		for k, x := range v {
			p, err := plainJSON(x, at+"/"+k)
			if err != nil {
				return nil, err
			}
			out[k] = p
		}
		return out, nil
	case map[any]any:
		out := make(map[string]any, len(v))
		for k, x := range v {
			ks, ok := k.(string)
			if !ok {
				return nil, fmt.Errorf("%s: key %v is a %T; quote it", at, k, k)
			}
			p, err := plainJSON(x, at+"/"+ks)
			if err != nil {
				return nil, err
			}
			out[ks] = p
		}
		return out, nil
	case []any:
		out := make([]any, len(v))
		for i, x := range v {
			p, err := plainJSON(x, fmt.Sprintf("%s/%d", at, i))
			if err != nil {
				return nil, err
			}
			out[i] = p
		}
		return out, nil
	case nil, string, bool, int, int64, uint64, float64:
		return v, nil
	default:
		return nil, fmt.Errorf("%s: value %v is a YAML %T; quote it", at, v, v)
	}
}
