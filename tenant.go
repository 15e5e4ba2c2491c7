package externalid

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
)

// MaxTenantIDLen is the longest tenant id the package accepts.
const MaxTenantIDLen = 128

// ValidateTenantID reports whether tenantID is 1 to 128 characters from
// [A-Za-z0-9_+=.@-]. The alphabet has no "/", so a tenant id cannot address a
// secret outside its own name, and every character is valid in an STS role
// session name. The error wraps [ErrInvalidTenantID].
func ValidateTenantID(tenantID string) error {
	if n := len(tenantID); n == 0 || n > MaxTenantIDLen {
		return fmt.Errorf("%w: length is %d; want 1 to %d characters", ErrInvalidTenantID, n, MaxTenantIDLen)
	}
	for i := 0; i < len(tenantID); i++ {
		if !isTenantChar(tenantID[i]) {
			return fmt.Errorf("%w: character %d of %q is not in [A-Za-z0-9_+=.@-]",
				ErrInvalidTenantID, i+1, tenantID)
		}
	}
	return nil
}

func isTenantChar(c byte) bool {
	switch c {
	case '+', '=', '.', '@', '-':
		return true
	}
	return isWordChar(c)
}

// Limits on an STS role session name.
const (
	minSessionNameLen = 2
	maxSessionNameLen = 64
	sessionNamePrefix = "externalid-"
)

// DefaultRoleSessionName returns the session name a [Provider] uses for
// tenantID when none is set: "externalid-" followed by the tenant id, so the
// customer's CloudTrail shows which tenant acted. A name longer than STS's 64
// characters keeps a prefix of the tenant id and ends with 8 hex digits of its
// SHA-256, so that two long tenant ids never share a session name.
func DefaultRoleSessionName(tenantID string) string {
	name := sessionNamePrefix + tenantID
	if len(name) <= maxSessionNameLen {
		return name
	}
	sum := sha256.Sum256([]byte(tenantID))
	suffix := "-" + hex.EncodeToString(sum[:4])
	return name[:maxSessionNameLen-len(suffix)] + suffix
}
