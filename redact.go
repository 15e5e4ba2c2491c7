package externalid

import (
	"fmt"
	"log/slog"
	"strconv"
)

// The redacted renderings below are the only ways an ExternalID prints itself.
// None of them includes the value.

const zeroRedacted = "ExternalID(zero)"

// String returns a redacted form such as "ExternalID(redacted sha256:3f2a9c1b7d4e)".
func (id ExternalID) String() string {
	if id.IsZero() {
		return zeroRedacted
	}
	return "ExternalID(redacted " + id.fingerprint + ")"
}

// GoString returns the redacted form for the %#v verb.
func (id ExternalID) GoString() string {
	return "externalid." + id.String()
}

// Format implements [fmt.Formatter] so that every verb (%v %+v %#v %s %q %x
// %X %d ...) prints the redacted form, never the value.
func (id ExternalID) Format(f fmt.State, verb rune) {
	switch {
	case verb == 'v' && f.Flag('#'):
		_, _ = f.Write([]byte(id.GoString()))
	case verb == 'q':
		_, _ = f.Write([]byte(strconv.Quote(id.String())))
	default:
		_, _ = f.Write([]byte(id.String()))
	}
}

// MarshalJSON encodes the redacted form as a JSON string.
func (id ExternalID) MarshalJSON() ([]byte, error) {
	return []byte(strconv.Quote(id.String())), nil
}

// MarshalText encodes the redacted form.
func (id ExternalID) MarshalText() ([]byte, error) {
	return []byte(id.String()), nil
}

// LogValue implements [slog.LogValuer] with the redacted form.
func (id ExternalID) LogValue() slog.Value {
	return slog.StringValue(id.String())
}
