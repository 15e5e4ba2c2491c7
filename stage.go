package externalid

import (
	"context"
	"errors"
	"fmt"

	"github.com/aws/aws-sdk-go-v2/aws"
)

// Secrets Manager's staging labels, as a rotation uses them: the new value is
// stored as AWSPENDING while the customer's trust policy accepts both values,
// then promoted to AWSCURRENT, and the old value becomes AWSPREVIOUS.
const (
	// StageCurrent labels the value in use. It is [DefaultVersionStage].
	StageCurrent = "AWSCURRENT"
	// StagePending labels a new value that is not yet in use.
	StagePending = "AWSPENDING"
	// StagePrevious labels the value in use before the last promotion.
	StagePrevious = "AWSPREVIOUS"
)

// maxStageLen is the longest staging label Secrets Manager accepts.
const maxStageLen = 256

// rotationStages are the labels that [SecretsManagerResolver.Invalidate]
// drops from the cache.
var rotationStages = []string{StageCurrent, StagePending, StagePrevious}

// A StagedResolver is a [Resolver] that can also read a tenant's ExternalId
// under a given Secrets Manager staging label, such as [StagePending] or
// [StagePrevious]. It must return an error wrapping [ErrExternalIDNotFound]
// when no version carries the label, and, like a Resolver, be safe for
// concurrent use.
//
// When STS denies AssumeRole with the tenant's current value, a [Provider]
// whose resolver is a StagedResolver tries the other staged value once (see
// [Provider.Retrieve]), so that a rotation never fails a request, unless
// [ProviderOptions.DisableStageFallback] is set.
type StagedResolver interface {
	Resolver
	ResolveExternalIDStage(ctx context.Context, tenantID, stage string) (ExternalID, error)
}

var _ StagedResolver = (*SecretsManagerResolver)(nil)

// ResolveExternalIDStage returns tenantID's ExternalId from the secret's
// version labelled stage. It shares everything with
// [SecretsManagerResolver.ResolveExternalID] (tenant validation, the partial
// ARN check, JSONKey, the TTL, MaxStale and the one-read-per-key
// singleflight) and caches each stage separately; cached stages count
// against MaxEntries. A stage that no version carries gives an error
// wrapping [ErrExternalIDNotFound]; a stage that is empty or longer than 256
// characters gives [ErrInvalidOptions].
func (r *SecretsManagerResolver) ResolveExternalIDStage(ctx context.Context, tenantID, stage string) (ExternalID, error) {
	if stage == "" || len(stage) > maxStageLen {
		return ExternalID{}, fmt.Errorf("%w: version stage must be 1 to %d characters, such as %s or %s", ErrInvalidOptions, maxStageLen, StagePending, StagePrevious)
	}
	return r.resolve(ctx, tenantID, stage)
}

// cacheKey is the cache and singleflight key of a tenant's stage: the tenant
// id for the configured stage, else tenant id + "/" + stage. A tenant id has
// no "/", so no key of one tenant can be another tenant's.
func (r *SecretsManagerResolver) cacheKey(tenantID, stage string) string {
	if stage == r.opts.VersionStage {
		return tenantID
	}
	return tenantID + "/" + stage
}

// retryStaged is the last step of [Provider.Retrieve] after STS denied every
// value tried so far: if the resolver is a [StagedResolver], it assumes the
// role once with the other staged value (AWSPENDING if a version carries it
// and it differs from the values tried, else AWSPREVIOUS under the same
// condition) and, on success, reports the stage through
// [ProviderOptions.OnStage]. Otherwise it returns denied unchanged.
func (p *Provider) retryStaged(ctx context.Context, denied error, tried ...ExternalID) (aws.Credentials, error) {
	sr, ok := p.resolver.(StagedResolver)
	if !ok || p.opts.DisableStageFallback {
		return aws.Credentials{}, denied
	}
	stage, id, ok := otherStage(ctx, sr, p.tenantID, tried)
	if !ok {
		return aws.Credentials{}, denied
	}
	creds, err := p.assumeRole(ctx, id)
	if err != nil {
		return aws.Credentials{}, denied
	}
	if p.opts.OnStage != nil {
		p.opts.OnStage(p.tenantID, stage)
	}
	return creds, nil
}

// otherStage returns the first of AWSPENDING and AWSPREVIOUS whose value
// exists and is none of tried.
func otherStage(ctx context.Context, sr StagedResolver, tenantID string, tried []ExternalID) (string, ExternalID, bool) {
	for _, stage := range []string{StagePending, StagePrevious} {
		id, err := sr.ResolveExternalIDStage(ctx, tenantID, stage)
		if err != nil && !errors.Is(err, ErrExternalIDNotFound) {
			return "", ExternalID{}, false // Secrets Manager is failing: keep the denial
		}
		if err != nil || id.IsZero() || containsID(tried, id) {
			continue
		}
		return stage, id, true
	}
	return "", ExternalID{}, false
}

func containsID(ids []ExternalID, id ExternalID) bool {
	for _, t := range ids {
		if t.Equal(id) {
			return true
		}
	}
	return false
}
