package pathway

import (
	"bytes"
	"encoding/json"
	"fmt"
)

// decodeReference is Decode as it is today, encoding/json with unknown fields
// disallowed, kept so a faster Decode can be held to it: whatever Decode accepts,
// this must accept with an equal value.
func decodeReference(typ string, schemaVersion int, data []byte) (Event, error) {
	f, ok := registry[typ]
	if !ok {
		return nil, fmt.Errorf("%w: %q", ErrUnknownEvent, typ)
	}
	if schemaVersion != SchemaVersion {
		return nil, fmt.Errorf("pathway: %s schema version %d is not supported", typ, schemaVersion)
	}
	ptr := f()
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	if err := dec.Decode(ptr); err != nil {
		return nil, fmt.Errorf("pathway: decode %s: %w", typ, err)
	}
	return deref(ptr), nil
}
