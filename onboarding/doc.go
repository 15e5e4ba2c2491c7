// Package onboarding provides the SaaS side of the ExternalId pattern beyond
// assuming the role: it stores a new tenant's ExternalId, renders what the
// customer must attach to their role, checks that the role really requires
// the ExternalId, and rotates the ExternalId without downtime.
//
// # Generate and store
//
// [StoreExternalID] creates the tenant's secret in AWS Secrets Manager with a
// value from [externalid.Generate], under the resolver's naming
// ([externalid.DefaultSecretID] unless told otherwise), tagged with the
// tenant. It is idempotent: an existing secret is kept, never overwritten,
// once it is checked to be this tenant's and to hold an ExternalId the
// resolver accepts.
//
//	res, err := onboarding.StoreExternalID(ctx, secretsmanager.NewFromConfig(cfg), "acme")
//	// res.Created is false when the secret already existed.
//
// # Hand over the trust policy
//
// [TrustPolicy] renders the trust policy the customer attaches to the role;
// [CloudFormationTemplate] renders a template that creates the role, and
// [QuickCreateURL] a console link that opens it with the ExternalId filled in.
// These are the only outputs of the package that hold an ExternalId value:
// they are meant for the customer. For a preview that may be logged,
// [Rotator.TrustPolicy] with [TrustPolicyOptions.Redact] renders a
// [Placeholder] for each value.
//
// # Verify
//
// Passing an ExternalId proves nothing: STS accepts one that the trust
// policy does not require. [Verifier.Verify] runs three probes: AssumeRole
// with the tenant's ExternalId must succeed (and GetCallerIdentity must show
// the role's account), while AssumeRole without an ExternalId and with a
// random wrong one must be denied. If either is allowed, the error wraps
// [ErrTrustNotEnforced] and the [Report] carries the remedy. The negative
// probes are internal: the package offers no way to assume a role without
// an ExternalId. Reports hold fingerprints, never values.
//
//	v, err := onboarding.NewVerifier(sts.NewFromConfig(cfg), resolver)
//	report, err := v.Verify(ctx, "acme", "arn:aws:iam::444455556666:role/SaaSAccess")
//	if errors.Is(err, onboarding.ErrTrustNotEnforced) {
//		fmt.Println(report.Remedy)
//	}
//
// # Rotate
//
// A [Rotator] stores a new value as AWSPENDING ([Rotator.Start]), renders
// the two-value trust policy for the customer ([Rotator.TrustPolicy]), and
// promotes the new value to AWSCURRENT once the role accepts it
// ([Rotator.Promote]). Providers keep working throughout, through their
// staged fallback (see [externalid.ProviderOptions.DisableStageFallback]).
//
// # Concurrency
//
// Every function and type of the package is safe for concurrent use.
package onboarding
