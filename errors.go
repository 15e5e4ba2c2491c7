package externalid

import "errors"

// Sentinel errors, for [errors.Is]. Invalid input, a missing or unusable
// ExternalId and a denied AssumeRole wrap one of them. Transient failures
// (throttling, 5xx, network, cancellation) wrap no sentinel: they are
// [*ResolveError] or [*AssumeRoleError] around the SDK's error, or the
// context's error.
var (
	// ErrInvalidExternalID reports a value that breaks STS's constraints for
	// sts:ExternalId, or secret content from which no valid value can be read.
	ErrInvalidExternalID = errors.New("externalid: invalid ExternalId")

	// ErrMissingExternalID reports that a resolver returned the zero
	// ExternalID. STS is never called without an ExternalId.
	ErrMissingExternalID = errors.New("externalid: missing ExternalId")

	// ErrExternalIDNotFound reports that the tenant's secret does not exist
	// or has been deleted. Onboard the tenant, or fix the secret naming.
	ErrExternalIDNotFound = errors.New("externalid: ExternalId not found")

	// ErrInvalidTenantID reports a tenant id that is empty, longer than 128
	// characters, or holds characters outside [A-Za-z0-9_+=.@-].
	ErrInvalidTenantID = errors.New("externalid: invalid tenant id")

	// ErrInvalidRoleARN reports a role ARN that is not an IAM role ARN.
	ErrInvalidRoleARN = errors.New("externalid: invalid role ARN")

	// ErrInvalidOptions reports options outside STS's or the package's limits,
	// or a required argument that is nil.
	ErrInvalidOptions = errors.New("externalid: invalid options")

	// ErrAccessDenied reports that STS denied AssumeRole. See [AssumeRoleError]
	// for the likely causes.
	ErrAccessDenied = errors.New("externalid: access denied")
)
