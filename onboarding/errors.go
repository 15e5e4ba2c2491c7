package onboarding

import (
	"errors"
	"fmt"

	"github.com/tenantrole/externalid/internal/awserr"
)

// Sentinel errors, for [errors.Is].
var (
	// ErrTrustNotEnforced reports a role that lets the SaaS assume it
	// without the tenant's ExternalId, or with a wrong one: the customer is
	// open to the confused deputy. The [Report]'s Remedy says what to add to
	// the trust policy.
	ErrTrustNotEnforced = errors.New("onboarding: the role's trust policy does not enforce the ExternalId")

	// ErrRoleNotAssumable reports that AssumeRole with the tenant's
	// ExternalId was denied, or that the credentials belong to another
	// account than the role's.
	ErrRoleNotAssumable = errors.New("onboarding: the role cannot be assumed with the tenant's ExternalId")

	// ErrPendingNotAccepted reports that [Rotator.Promote] refused to
	// promote because the role does not accept the AWSPENDING value yet.
	// Give the customer the two-value trust policy, or promote with Force.
	ErrPendingNotAccepted = errors.New("onboarding: the role does not accept the pending ExternalId yet")

	// ErrNoPendingRotation reports that the tenant's secret has no
	// AWSPENDING version to promote. Start a rotation first.
	ErrNoPendingRotation = errors.New("onboarding: no rotation in progress")

	// ErrInvalidArgument reports an argument or option the package rejects.
	ErrInvalidArgument = errors.New("onboarding: invalid argument")
)

// apiErrorCode returns the AWS error code in err's chain, or "".
func apiErrorCode(err error) string { return awserr.Code(err) }

// TenantMismatchError reports that the secret [StoreExternalID] would use
// for a tenant exists and is tagged with another tenant: the naming
// function (SecretOptions.SecretID) maps two tenants to one secret, or the
// name is taken. It wraps [ErrInvalidArgument].
type TenantMismatchError struct {
	SecretID string // the secret's name
	TagKey   string // the tenant tag's key
	Owner    string // the tenant the secret is tagged with
	TenantID string // the tenant being onboarded
}

// Error names the secret and both tenants; it holds no secret value.
func (e *TenantMismatchError) Error() string {
	return fmt.Sprintf("onboarding: secret %q exists and is tagged %s=%q, not tenant %q; check SecretOptions.SecretID, or pick another name",
		e.SecretID, e.TagKey, e.Owner, e.TenantID)
}

// Unwrap returns [ErrInvalidArgument].
func (e *TenantMismatchError) Unwrap() error { return ErrInvalidArgument }
