package externalid

import (
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/hex"
	"fmt"
)

// Limits that AWS STS places on an ExternalId.
const (
	// MinExternalIDLen is the shortest ExternalId STS accepts.
	MinExternalIDLen = 2
	// MaxExternalIDLen is the longest ExternalId STS accepts.
	MaxExternalIDLen = 1224
)

// ExternalID is a validated sts:ExternalId value.
//
// The raw value is readable only through [ExternalID.Value]. Every other way
// of rendering it (fmt verbs, JSON, text marshalling, slog) prints a redacted
// form that carries the [ExternalID.Fingerprint]. The value is held inside a
// closure, so even reflection-based printing of a struct that holds an
// ExternalID in an unexported field (which bypasses the methods) shows a
// function address, not the secret.
//
// The zero value is invalid: it reports IsZero, and [Provider] refuses it with
// [ErrMissingExternalID]. ExternalIDs are not comparable with ==; use
// [ExternalID.Equal].
//
// An ExternalID is immutable and safe for concurrent use.
type ExternalID struct {
	fingerprint string
	value       func() string // nil for the zero value; a closure hides the value from reflection
}

// New validates value against STS's constraints for sts:ExternalId: 2 to 1224
// characters from [\w+=,.@:/-]. On failure it returns an error wrapping
// [ErrInvalidExternalID] that describes the problem without echoing the value.
func New(value string) (ExternalID, error) {
	if err := validateExternalID(value); err != nil {
		return ExternalID{}, err
	}
	return ExternalID{fingerprint: fingerprint(value), value: func() string { return value }}, nil
}

func validateExternalID(value string) error {
	if n := len(value); n < MinExternalIDLen || n > MaxExternalIDLen {
		return fmt.Errorf("%w: length is %d characters; STS requires %d to %d",
			ErrInvalidExternalID, n, MinExternalIDLen, MaxExternalIDLen)
	}
	for i := 0; i < len(value); i++ {
		if !isExternalIDChar(value[i]) {
			return fmt.Errorf("%w: character %d is not allowed; STS accepts only letters, digits and _+=,.@:/-",
				ErrInvalidExternalID, i+1)
		}
	}
	return nil
}

func isWordChar(c byte) bool {
	return 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' || c == '_'
}

func isExternalIDChar(c byte) bool {
	switch c {
	case '+', '=', ',', '.', '@', ':', '/', '-':
		return true
	}
	return isWordChar(c)
}

// Generate returns a new random ExternalId: 26 characters of base32 carrying
// 130 bits from crypto/rand. The SaaS generates ExternalIds; customers do not
// choose them, which is what makes them unguessable by another customer.
func Generate() (ExternalID, error) {
	return New(rand.Text())
}

// Value returns the raw ExternalId, for the one place it is needed: the
// ExternalId parameter of an STS AssumeRole request, or a trust policy.
// It returns "" for the zero ExternalID.
func (id ExternalID) Value() string {
	if id.value == nil {
		return ""
	}
	return id.value()
}

// IsZero reports whether id is the zero ExternalID, which holds no value.
func (id ExternalID) IsZero() bool { return id.value == nil }

// Equal reports whether id and other hold the same value, in constant time.
// Two zero ExternalIDs are equal.
func (id ExternalID) Equal(other ExternalID) bool {
	if id.IsZero() || other.IsZero() {
		return id.IsZero() == other.IsZero()
	}
	return subtle.ConstantTimeCompare([]byte(id.value()), []byte(other.value())) == 1
}

// Fingerprint returns a short, stable, one-way identifier of the value that is
// safe to log: "sha256:" followed by the first 12 hex digits of the SHA-256 of
// the value. An operator can compare it with the customer's configured value:
//
//	printf '%s' "$EXTERNAL_ID" | sha256sum | cut -c1-12
//
// It returns "" for the zero ExternalID.
func (id ExternalID) Fingerprint() string {
	return id.fingerprint
}

// FingerprintOf returns the fingerprint that [New] would give value, without
// validating it. Operators use it to compare a customer's configured value.
func FingerprintOf(value string) string { return fingerprint(value) }

func fingerprint(value string) string {
	sum := sha256.Sum256([]byte(value))
	return "sha256:" + hex.EncodeToString(sum[:6])
}
