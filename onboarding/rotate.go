package onboarding

import (
	"context"
	"errors"
	"fmt"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/secretsmanager"

	"github.com/tenantrole/externalid"
	"github.com/tenantrole/externalid/internal/awserr"
)

// RotationAPIClient is the Secrets Manager operations a [Rotator] calls,
// with the SDK's exact signatures: *secretsmanager.Client satisfies it.
type RotationAPIClient interface {
	DescribeSecret(ctx context.Context, params *secretsmanager.DescribeSecretInput, optFns ...func(*secretsmanager.Options)) (*secretsmanager.DescribeSecretOutput, error)
	GetSecretValue(ctx context.Context, params *secretsmanager.GetSecretValueInput, optFns ...func(*secretsmanager.Options)) (*secretsmanager.GetSecretValueOutput, error)
	PutSecretValue(ctx context.Context, params *secretsmanager.PutSecretValueInput, optFns ...func(*secretsmanager.Options)) (*secretsmanager.PutSecretValueOutput, error)
	UpdateSecretVersionStage(ctx context.Context, params *secretsmanager.UpdateSecretVersionStageInput, optFns ...func(*secretsmanager.Options)) (*secretsmanager.UpdateSecretVersionStageOutput, error)
}

// RotatorOptions configures a [Rotator].
type RotatorOptions struct {
	// SecretID maps a tenant id to its secret's name. Defaults to
	// [externalid.DefaultSecretID]; use the resolver's function.
	SecretID func(tenantID string) string

	// JSONKey, when set, says the secret is a JSON object holding the
	// ExternalId under this key; other keys are carried over to the new
	// version. Defaults to "".
	JSONKey string
}

// PromoteOptions configures one [Rotator.Promote].
type PromoteOptions struct {
	// Force promotes without checking that the role accepts the pending
	// value. Providers keep working with AWSPREVIOUS until the customer
	// updates the trust policy (unless built with
	// [externalid.ProviderOptions.DisableStageFallback]).
	// Defaults to false.
	Force bool
}

// Rotation describes a tenant's secret versions. It holds fingerprints,
// never values. It is plain data, like [Report].
type Rotation struct {
	TenantID string `json:"tenantId"`
	SecretID string `json:"secretId"`

	Current  Version  `json:"current"`
	Pending  *Version `json:"pending,omitempty"`  // nil when no rotation is in progress
	Previous *Version `json:"previous,omitempty"` // nil before the first promotion

	// Started is true when this call of [Rotator.Start] stored the
	// pending value, false when it found one in place (stored by an earlier
	// or a concurrent Start). Of concurrent Starts that begin the same
	// rotation, exactly one says true.
	Started bool `json:"started,omitempty"`
	// Promoted is true when [Rotator.Promote] moved AWSCURRENT.
	Promoted bool `json:"promoted,omitempty"`
	// Report is Promote's verification; nil when forced.
	Report *Report `json:"report,omitempty"`
}

// Version is one labelled version of a tenant's secret.
type Version struct {
	VersionID   string `json:"versionId"`
	Fingerprint string `json:"fingerprint"`
}

// Rotator rotates tenants' ExternalIds without downtime:
//
//  1. [Rotator.Start] stores a new value, staged AWSPENDING;
//  2. the customer attaches [Rotator.TrustPolicy], which accepts both;
//  3. [Rotator.Promote] moves AWSCURRENT to the new value once the role
//     accepts it (the old value becomes AWSPREVIOUS);
//  4. the customer attaches the one-value policy of [Rotator.TrustPolicy].
//
// A Rotator is immutable after construction and safe for concurrent use.
// Concurrent or retried Starts of the same tenant store one pending value
// between them and all report it (see [Rotator.Start]); the other methods
// only read, or move staging labels.
type Rotator struct {
	client   RotationAPIClient
	verifier *Verifier
	opts     RotatorOptions
}

// NewRotator returns a Rotator that stores values through client and checks
// them with verifier before promoting. A nil client or verifier is an error
// wrapping [ErrInvalidArgument].
func NewRotator(client RotationAPIClient, verifier *Verifier, optFns ...func(*RotatorOptions)) (*Rotator, error) {
	if awserr.IsNil(client) || awserr.IsNil(verifier) {
		return nil, fmt.Errorf("%w: NewRotator needs a Secrets Manager client and a Verifier", ErrInvalidArgument)
	}
	var opts RotatorOptions
	for _, fn := range optFns {
		fn(&opts)
	}
	if opts.SecretID == nil {
		opts.SecretID = externalid.DefaultSecretID
	}
	return &Rotator{client: client, verifier: verifier, opts: opts}, nil
}

// versions is what DescribeSecret says about the labelled versions.
type versions struct {
	secretID                   string
	arn                        string // the secret's ARN, as DescribeSecret reports it
	current, pending, previous string // version ids; "" when absent
}

// rotating reports whether a rotation is in progress: an AWSPENDING version
// other than AWSCURRENT exists.
func (vs versions) rotating() bool { return vs.pending != "" && vs.pending != vs.current }

func (r *Rotator) describe(ctx context.Context, tenantID string) (versions, error) {
	if err := externalid.ValidateTenantID(tenantID); err != nil {
		return versions{}, fmt.Errorf("onboarding: %w", err)
	}
	vs := versions{secretID: r.opts.SecretID(tenantID)}
	out, err := r.client.DescribeSecret(ctx, &secretsmanager.DescribeSecretInput{SecretId: aws.String(vs.secretID)})
	if err != nil {
		return vs, fmt.Errorf("onboarding: describe secret %q of tenant %q (onboard the tenant first): %w", vs.secretID, tenantID, err)
	}
	vs.arn = aws.ToString(out.ARN)
	for id, stages := range out.VersionIdsToStages {
		for _, s := range stages {
			switch s {
			case externalid.StageCurrent:
				vs.current = id
			case externalid.StagePending:
				vs.pending = id
			case externalid.StagePrevious:
				vs.previous = id
			}
		}
	}
	if vs.current == "" {
		return vs, fmt.Errorf("onboarding: secret %q of tenant %q has no AWSCURRENT version: %w", vs.secretID, tenantID, externalid.ErrExternalIDNotFound)
	}
	return vs, nil
}

// read returns the ExternalId of one version.
func (r *Rotator) read(ctx context.Context, secretID, versionID string) (externalid.ExternalID, error) {
	id, _, err := r.readContent(ctx, secretID, versionID)
	return id, err
}

// readContent returns the ExternalId of one version and its SecretString.
func (r *Rotator) readContent(ctx context.Context, secretID, versionID string) (externalid.ExternalID, string, error) {
	out, err := r.client.GetSecretValue(ctx, &secretsmanager.GetSecretValueInput{SecretId: aws.String(secretID), VersionId: aws.String(versionID)})
	if err != nil {
		return externalid.ExternalID{}, "", fmt.Errorf("onboarding: read version %s of secret %q: %w", versionID, secretID, err)
	}
	id, err := externalid.ParseSecret(out.SecretString, r.opts.JSONKey)
	if err != nil {
		return externalid.ExternalID{}, "", fmt.Errorf("onboarding: version %s of secret %q: %w", versionID, secretID, err)
	}
	return id, aws.ToString(out.SecretString), nil
}

// Status describes tenantID's labelled versions.
func (r *Rotator) Status(ctx context.Context, tenantID string) (*Rotation, error) {
	vs, err := r.describe(ctx, tenantID)
	if err != nil {
		return nil, err
	}
	return r.status(ctx, tenantID, vs)
}

func (r *Rotator) status(ctx context.Context, tenantID string, vs versions) (*Rotation, error) {
	rot := &Rotation{TenantID: tenantID, SecretID: vs.secretID}
	version := func(versionID string) (*Version, error) {
		id, err := r.read(ctx, vs.secretID, versionID)
		if err != nil {
			return nil, err
		}
		return &Version{VersionID: versionID, Fingerprint: id.Fingerprint()}, nil
	}
	cur, err := version(vs.current)
	if err != nil {
		return nil, err
	}
	rot.Current = *cur
	if vs.rotating() {
		if rot.Pending, err = version(vs.pending); err != nil {
			return nil, err
		}
	}
	if vs.previous != "" {
		if rot.Previous, err = version(vs.previous); err != nil {
			return nil, err
		}
	}
	return rot, nil
}

// TrustPolicyOptions configures one [Rotator.TrustPolicy].
type TrustPolicyOptions struct {
	// Redact renders each ExternalId as a placeholder naming the tenant and
	// the value's fingerprint (see [Placeholder]) instead of the value, for
	// a preview that may be logged. Such a policy is not for the customer
	// to attach. Defaults to false: the values.
	Redact bool
}

// TrustPolicy renders the trust policy for tenantID's role: during a
// rotation it accepts the current and the pending value, otherwise only the
// current one. Like [TrustPolicy], the result holds ExternalId values and
// is meant for the customer, unless [TrustPolicyOptions.Redact] is set.
func (r *Rotator) TrustPolicy(ctx context.Context, tenantID, principal string, optFns ...func(*TrustPolicyOptions)) (string, error) {
	var opts TrustPolicyOptions
	for _, fn := range optFns {
		fn(&opts)
	}
	vs, err := r.describe(ctx, tenantID)
	if err != nil {
		return "", err
	}
	ids := make([]externalid.ExternalID, 0, 2)
	versionIDs := []string{vs.current}
	if vs.rotating() {
		versionIDs = append(versionIDs, vs.pending)
	}
	for _, versionID := range versionIDs {
		id, err := r.read(ctx, vs.secretID, versionID)
		if err != nil {
			return "", err
		}
		ids = append(ids, id)
	}
	if opts.Redact {
		return redactedTrustPolicy(principal, tenantID, ids)
	}
	return TrustPolicy(principal, ids[0], ids[1:]...)
}

// Promote makes tenantID's pending value current: AWSCURRENT moves to it,
// the old value becomes AWSPREVIOUS, and AWSPENDING is removed. Unless
// forced, it first verifies roleARN with the current and pending values and
// refuses, with an error wrapping [ErrPendingNotAccepted] or
// [ErrTrustNotEnforced], unless the role accepts the pending value and
// enforces the ExternalId. Without a pending value the error wraps
// [ErrNoPendingRotation]. A Promote that stopped half-way is finished by
// calling it again.
func (r *Rotator) Promote(ctx context.Context, tenantID, roleARN string, optFns ...func(*PromoteOptions)) (*Rotation, error) {
	var opts PromoteOptions
	for _, fn := range optFns {
		fn(&opts)
	}
	if err := checkTarget(tenantID, roleARN); err != nil {
		return nil, err
	}
	vs, err := r.describe(ctx, tenantID)
	if err != nil {
		return nil, err
	}
	switch {
	case vs.pending == "":
		return nil, fmt.Errorf("%w: secret %q of tenant %q has no AWSPENDING version; run Start first", ErrNoPendingRotation, vs.secretID, tenantID)
	case vs.pending == vs.current: // promoted, AWSPENDING not yet removed
		if err := r.clearPending(ctx, vs); err != nil {
			return nil, err
		}
		return r.finish(ctx, tenantID, nil)
	}
	var report *Report
	if !opts.Force {
		report, err = r.verifyPending(ctx, tenantID, roleARN, vs)
		if err != nil {
			return &Rotation{TenantID: tenantID, SecretID: vs.secretID, Report: report}, err
		}
	}
	if _, err := r.client.UpdateSecretVersionStage(ctx, &secretsmanager.UpdateSecretVersionStageInput{
		SecretId:            aws.String(vs.secretID),
		VersionStage:        aws.String(externalid.StageCurrent),
		MoveToVersionId:     aws.String(vs.pending),
		RemoveFromVersionId: aws.String(vs.current),
	}); err != nil {
		return nil, fmt.Errorf("onboarding: move AWSCURRENT of secret %q to the pending version: %w", vs.secretID, err)
	}
	vs.current = vs.pending
	if err := r.clearPending(ctx, vs); err != nil {
		return nil, err
	}
	return r.finish(ctx, tenantID, report)
}

// verifyPending checks that the role accepts the pending value and
// enforces the ExternalId.
func (r *Rotator) verifyPending(ctx context.Context, tenantID, roleARN string, vs versions) (*Report, error) {
	current, err := r.read(ctx, vs.secretID, vs.current)
	if err != nil {
		return nil, err
	}
	pending, err := r.read(ctx, vs.secretID, vs.pending)
	if err != nil {
		return nil, err
	}
	report, err := r.verifier.check(ctx, tenantID, roleARN, []stagedValue{
		{stage: externalid.StageCurrent, id: current},
		{stage: externalid.StagePending, id: pending},
	})
	var verr *VerifyError
	switch {
	case errors.Is(err, ErrTrustNotEnforced):
		return report, fmt.Errorf("onboarding: not promoting the pending ExternalId of tenant %q: %w", tenantID, err)
	case err != nil && !errors.As(err, &verr):
		return report, err // the probes could not run
	case !report.Accepts(externalid.StagePending):
		return report, fmt.Errorf("%w: role %s denies the pending ExternalId (fingerprint %s) of tenant %q; give the customer the two-value trust policy, then promote again (or force it)",
			ErrPendingNotAccepted, roleARN, pending.Fingerprint(), tenantID)
	}
	return report, nil // the current value may be refused already: promoting fixes that
}

func (r *Rotator) clearPending(ctx context.Context, vs versions) error {
	_, err := r.client.UpdateSecretVersionStage(ctx, &secretsmanager.UpdateSecretVersionStageInput{
		SecretId:            aws.String(vs.secretID),
		VersionStage:        aws.String(externalid.StagePending),
		RemoveFromVersionId: aws.String(vs.current),
	})
	if err != nil {
		return fmt.Errorf("onboarding: remove AWSPENDING from the new current version of secret %q (run Promote again to finish): %w", vs.secretID, err)
	}
	return nil
}

func (r *Rotator) finish(ctx context.Context, tenantID string, report *Report) (*Rotation, error) {
	rot, err := r.Status(ctx, tenantID)
	if err != nil {
		return nil, err
	}
	rot.Promoted, rot.Report = true, report
	return rot, nil
}
