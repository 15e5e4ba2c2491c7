package onboarding

import (
	"context"
	"errors"
	"fmt"

	"github.com/aws/aws-sdk-go-v2/service/sts"

	"github.com/tenantrole/externalid"
	"github.com/tenantrole/externalid/internal/awserr"
)

// DefaultVerifySessionName is the role session name of the probes, as the
// customer's CloudTrail shows it.
const DefaultVerifySessionName = "externalid-verify"

// DefaultStages are the staging labels whose values [Verifier.Verify] tests
// when the resolver is an [externalid.StagedResolver].
var DefaultStages = []string{externalid.StageCurrent, externalid.StagePending, externalid.StagePrevious}

// STSAPIClient is the STS operations a [Verifier] calls, with the SDK's
// exact signatures: *sts.Client satisfies it. GetCallerIdentity is called
// with the probe's credentials through a per-call option.
type STSAPIClient interface {
	AssumeRole(ctx context.Context, params *sts.AssumeRoleInput, optFns ...func(*sts.Options)) (*sts.AssumeRoleOutput, error)
	GetCallerIdentity(ctx context.Context, params *sts.GetCallerIdentityInput, optFns ...func(*sts.Options)) (*sts.GetCallerIdentityOutput, error)
}

// VerifierOptions configures a [Verifier].
type VerifierOptions struct {
	// RoleSessionName names the probes' sessions. Defaults to
	// [DefaultVerifySessionName].
	RoleSessionName string

	// Stages are the staging labels whose values are tested when the
	// resolver is an [externalid.StagedResolver]. Defaults to
	// [DefaultStages].
	Stages []string

	// Principal is the SaaS principal that the remedy's trust policy names.
	// Defaults to the caller of the STS client, as GetCallerIdentity reports
	// it (an assumed-role session becomes its role ARN).
	Principal string
}

// Verifier checks that a customer's role requires the tenant's ExternalId.
//
// A Verifier is immutable after construction and safe for concurrent use.
type Verifier struct {
	client   STSAPIClient
	resolver externalid.Resolver
	opts     VerifierOptions // validated copy
}

// NewVerifier returns a Verifier that assumes roles through client (the
// SaaS's own STS client) and reads ExternalIds through resolver. A nil
// client or resolver, or invalid options, are an error wrapping
// [ErrInvalidArgument].
func NewVerifier(client STSAPIClient, resolver externalid.Resolver, optFns ...func(*VerifierOptions)) (*Verifier, error) {
	if awserr.IsNil(client) || awserr.IsNil(resolver) {
		return nil, fmt.Errorf("%w: NewVerifier needs an STS client and a Resolver", ErrInvalidArgument)
	}
	var opts VerifierOptions
	for _, fn := range optFns {
		fn(&opts)
	}
	if opts.RoleSessionName == "" {
		opts.RoleSessionName = DefaultVerifySessionName
	}
	if len(opts.Stages) == 0 {
		opts.Stages = DefaultStages
	}
	opts.Stages = append([]string(nil), opts.Stages...)
	if opts.Principal != "" {
		if err := validatePrincipal(opts.Principal); err != nil {
			return nil, err
		}
	}
	return &Verifier{client: client, resolver: resolver, opts: opts}, nil
}

// stagedValue is a value to test, and the label it carries.
type stagedValue struct {
	stage string
	id    externalid.ExternalID
}

// Verify runs three probes against roleARN for tenantID:
//
//  1. AssumeRole with the tenant's ExternalId succeeds, and
//     GetCallerIdentity with those credentials shows the role's account;
//  2. AssumeRole without an ExternalId is denied;
//  3. AssumeRole with a random wrong ExternalId is denied.
//
// It also tests each staged value (AWSCURRENT, AWSPENDING, AWSPREVIOUS)
// when the resolver is an [externalid.StagedResolver], and reports which
// the role accepts. If the resolver is an [externalid.Invalidator], the
// tenant's cached values are dropped first so that fresh ones are tested.
//
// The report is returned whenever the probes ran. If probe 2 or 3 was
// allowed, the error is a [*VerifyError] wrapping [ErrTrustNotEnforced]
// and Report.Remedy holds the condition to add; if probe 1 failed, it wraps
// [ErrRoleNotAssumable]. A failure that says nothing about the role (a
// resolver error, throttling, a network error) is returned as such.
func (v *Verifier) Verify(ctx context.Context, tenantID, roleARN string) (*Report, error) {
	if err := checkTarget(tenantID, roleARN); err != nil {
		return nil, err
	}
	if inv, ok := v.resolver.(externalid.Invalidator); ok {
		inv.Invalidate(tenantID)
	}
	values, err := v.values(ctx, tenantID)
	if err != nil {
		return nil, err
	}
	return v.check(ctx, tenantID, roleARN, values)
}

func checkTarget(tenantID, roleARN string) error {
	if err := externalid.ValidateTenantID(tenantID); err != nil {
		return fmt.Errorf("onboarding: %w", err)
	}
	if _, err := externalid.ParseRoleARN(roleARN); err != nil {
		return fmt.Errorf("onboarding: %w", err)
	}
	return nil
}

// values reads the tenant's current value and, with a StagedResolver, its
// other staged values. The first is the one probe 1 uses.
func (v *Verifier) values(ctx context.Context, tenantID string) ([]stagedValue, error) {
	current, err := v.resolver.ResolveExternalID(ctx, tenantID)
	if err != nil {
		return nil, fmt.Errorf("onboarding: read the ExternalId of tenant %q: %w", tenantID, err)
	}
	if current.IsZero() {
		return nil, fmt.Errorf("onboarding: the resolver returned no ExternalId for tenant %q: %w", tenantID, externalid.ErrMissingExternalID)
	}
	values := []stagedValue{{stage: externalid.StageCurrent, id: current}}
	sr, ok := v.resolver.(externalid.StagedResolver)
	if !ok {
		return values, nil
	}
	for _, stage := range v.opts.Stages {
		if stage == externalid.StageCurrent {
			continue
		}
		id, err := sr.ResolveExternalIDStage(ctx, tenantID, stage)
		switch {
		case errors.Is(err, externalid.ErrExternalIDNotFound):
			continue // no version carries the label
		case err != nil:
			return nil, fmt.Errorf("onboarding: read the %s ExternalId of tenant %q: %w", stage, tenantID, err)
		}
		values = append(values, stagedValue{stage: stage, id: id})
	}
	return values, nil
}

// check runs the probes with values[0] as the tenant's ExternalId, then
// tests the other values.
func (v *Verifier) check(ctx context.Context, tenantID, roleARN string, values []stagedValue) (*Report, error) {
	role, _ := externalid.ParseRoleARN(roleARN)
	r := &Report{TenantID: tenantID, RoleARN: roleARN, AccountID: role.AccountID}
	principal := v.opts.Principal
	if caller, err := v.client.GetCallerIdentity(ctx, &sts.GetCallerIdentityInput{}); err == nil && caller.Arn != nil {
		r.CallerARN = *caller.Arn
		if principal == "" {
			principal = PrincipalOf(*caller.Arn)
		}
	}

	first := v.probeWith(ctx, tenantID, roleARN, role.AccountID, values[0].id)
	without := v.probeWithout(ctx, roleARN)
	wrong, err := v.probeWrong(ctx, roleARN)
	if err != nil {
		return nil, err
	}
	r.Probes = []ProbeResult{first, without, wrong}
	for _, p := range r.Probes {
		if p.Got == OutcomeError {
			return r, fmt.Errorf("onboarding: verify role %s for tenant %q: probe %s could not run (%s); try again", roleARN, tenantID, p.Name, p.Detail)
		}
	}

	r.Stages = append(r.Stages, StageResult{Stage: values[0].stage, Fingerprint: values[0].id.Fingerprint(), Accepted: first.Got == OutcomeAllowed})
	for _, sv := range values[1:] {
		r.Stages = append(r.Stages, v.probeStage(ctx, tenantID, roleARN, role.AccountID, sv, r.Stages))
	}

	var sentinels []error
	if !r.TrustEnforced() {
		r.Remedy = remedy(tenantID, roleARN, principal, values)
		sentinels = append(sentinels, ErrTrustNotEnforced)
	}
	if !first.Passed() {
		sentinels = append(sentinels, ErrRoleNotAssumable)
	}
	if len(sentinels) > 0 {
		return r, &VerifyError{Report: r, Err: errors.Join(sentinels...)}
	}
	return r, nil
}

// probeStage tests one staged value, reusing the result of an equal value.
func (v *Verifier) probeStage(ctx context.Context, tenantID, roleARN, accountID string, sv stagedValue, done []StageResult) StageResult {
	res := StageResult{Stage: sv.stage, Fingerprint: sv.id.Fingerprint()}
	for _, d := range done {
		if d.Fingerprint == res.Fingerprint {
			res.Accepted, res.Detail = d.Accepted, d.Detail
			return res
		}
	}
	p := v.probeWith(ctx, tenantID, roleARN, accountID, sv.id)
	res.Accepted = p.Got == OutcomeAllowed && p.Passed()
	res.Detail = p.Detail
	return res
}

// remedy is the condition to add, with a placeholder for the value: a
// report never holds an ExternalId.
func remedy(tenantID, roleARN, principal string, values []stagedValue) string {
	if principal == "" {
		principal = "<the SaaS principal ARN>"
	}
	policy, err := renderPolicy(principal, []string{Placeholder(tenantID, values[0].id)})
	if err != nil {
		policy = ""
	}
	return fmt.Sprintf("Replace the trust policy of %s with this one (its Condition is what is missing), "+
		"filling in the value from: externalid trust-policy --tenant %s --principal %s\n%s",
		roleARN, tenantID, principal, policy)
}
