// Package externalid provides AWS credentials for a SaaS that acts inside its
// customers' AWS accounts, and makes it impossible to assume a customer's role
// without the tenant's sts:ExternalId.
//
// # The problem
//
// A customer lets the SaaS assume an IAM role in their account. The role's
// trust policy allows sts:AssumeRole only when sts:ExternalId equals the
// ExternalId the SaaS issued to that customer: the standard defence against
// the confused deputy. In the AWS SDKs the ExternalId is an optional field, so
// it gets forgotten (STS answers AccessDenied, and CloudTrail shows
// "externalId": null), hard-coded, or sent empty.
//
// # The provider
//
// [NewProvider] takes a [Resolver] where an SDK takes an optional *string.
// No exported function, field or option of this package accepts an ExternalId
// as a string, so AssumeRole without one cannot be written:
//
//	resolver := externalid.NewSecretsManagerResolver(secretsmanager.NewFromConfig(cfg))
//	provider, err := externalid.NewProvider(sts.NewFromConfig(cfg),
//		"arn:aws:iam::111122223333:role/SaaSAccess", "acme", resolver)
//	if err != nil {
//		return err
//	}
//	customerCfg := provider.Config(cfg) // credentials cached until they expire
//	s3Client := s3.NewFromConfig(customerCfg)
//
// # Resolution
//
// [SecretsManagerResolver] reads each tenant's ExternalId from AWS Secrets
// Manager (by default the secret "externalid/<tenant>", AWSCURRENT), caches
// it for [DefaultTTL], shares one GetSecretValue among concurrent callers,
// serves the last good value through throttling and outages for up to
// [DefaultMaxStale], and bounds memory with an LRU of [DefaultMaxEntries]
// tenants.
//
// When STS denies AssumeRole, the provider re-reads the tenant's value (at
// most once per [DenialRecheckInterval]) and retries if it was rotated; then,
// with a [StagedResolver], it tries the AWSPENDING or AWSPREVIOUS value once,
// so that a rotation never fails a request.
//
// # Many tenants
//
// A [Pool] serves thousands of (tenant, role ARN) pairs: one AssumeRole per
// credential lifetime, refreshed ahead of expiry in the background, valid
// credentials served through STS failures, denials remembered with backoff,
// and bounded by an LRU and an idle timeout:
//
//	pool := externalid.NewPool(sts.NewFromConfig(cfg), resolver)
//	defer pool.Close()
//	customerCfg, err := pool.Config(cfg, tenantID, roleARN)
//
// # Related packages
//
// Package onboarding generates and stores ExternalIds, renders the trust
// policy and CloudFormation template a customer needs, verifies that a role
// really requires the ExternalId, and rotates it. Package externalidtest is
// an in-process AWS that enforces trust policies, for tests. The analyzer in
// passes/externalidvet finds raw SDK calls that send no ExternalId.
//
// # The value
//
// An [ExternalID] is validated against STS's constraints by [New], or made by
// [Generate]. It prints as a redacted form with a [ExternalID.Fingerprint]
// in every fmt verb, JSON, text and slog; only [ExternalID.Value] reveals it.
//
// # Errors
//
// Errors wrap sentinels for [errors.Is]: [ErrInvalidExternalID],
// [ErrMissingExternalID], [ErrExternalIDNotFound], [ErrInvalidTenantID],
// [ErrInvalidRoleARN], [ErrInvalidOptions] and [ErrAccessDenied]. A denied
// AssumeRole is an [*AssumeRoleError] whose message lists the likely causes.
// No error holds an ExternalId value.
package externalid
