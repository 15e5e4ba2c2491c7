package externalid

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync/atomic"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/aws/arn"
	"github.com/aws/aws-sdk-go-v2/service/sts"

	"github.com/tenantrole/externalid/internal/awserr"
)

// ProviderName is the Source of the credentials a [Provider] returns.
const ProviderName = "ExternalIDAssumeRoleProvider"

// AssumeRoleAPIClient is the one STS operation a [Provider] calls. It has the
// SDK's exact signature, so *sts.Client satisfies it.
type AssumeRoleAPIClient interface {
	AssumeRole(ctx context.Context, params *sts.AssumeRoleInput, optFns ...func(*sts.Options)) (*sts.AssumeRoleOutput, error)
}

// Provider is an [aws.CredentialsProvider] that assumes one tenant's role in
// the customer's account, always with the tenant's ExternalId.
//
// Each Retrieve resolves the ExternalId through the [Resolver] and calls STS
// AssumeRole with it; there is no way to call AssumeRole without one. Wrap a
// Provider in [aws.NewCredentialsCache] (see [Provider.Config]) so that STS is
// called once per credential lifetime, or use a [Pool] for many tenants.
//
// A Provider is immutable after construction and safe for concurrent use.
type Provider struct {
	client   AssumeRoleAPIClient
	resolver Resolver
	tenantID string
	roleARN  string
	opts     ProviderOptions // validated copy

	nextRecheck atomic.Int64 // unix nanoseconds before which a denial does not re-read the value
}

// DenialRecheckInterval is how often, at most, a [Provider] that STS denies
// drops the tenant's cached ExternalId and reads it again.
const DenialRecheckInterval = 30 * time.Second

var _ aws.CredentialsProvider = (*Provider)(nil)

// NewProvider returns a Provider that assumes roleARN for tenantID with the
// ExternalId that resolver returns. The role ARN, the tenant id and the options
// are validated here; the errors wrap [ErrInvalidRoleARN],
// [ErrInvalidTenantID] or [ErrInvalidOptions]. A nil client or resolver is an
// error wrapping [ErrInvalidOptions].
func NewProvider(client AssumeRoleAPIClient, roleARN, tenantID string, resolver Resolver, optFns ...func(*ProviderOptions)) (*Provider, error) {
	if isNil(client) {
		return nil, fmt.Errorf("%w: NewProvider needs an STS client, got nil", ErrInvalidOptions)
	}
	if isNil(resolver) {
		return nil, fmt.Errorf("%w: NewProvider needs a Resolver, got nil; the ExternalId must come from a resolver such as NewSecretsManagerResolver", ErrInvalidOptions)
	}
	if _, err := ParseRoleARN(roleARN); err != nil {
		return nil, err
	}
	if err := ValidateTenantID(tenantID); err != nil {
		return nil, err
	}
	var opts ProviderOptions
	for _, fn := range optFns {
		fn(&opts)
	}
	opts, err := opts.validate(tenantID)
	if err != nil {
		return nil, err
	}
	return &Provider{client: client, resolver: resolver, tenantID: tenantID, roleARN: roleARN, opts: opts}, nil
}

// TenantID returns the tenant the provider acts for.
func (p *Provider) TenantID() string { return p.tenantID }

// RoleARN returns the role the provider assumes.
func (p *Provider) RoleARN() string { return p.roleARN }

// Retrieve resolves the tenant's ExternalId and assumes the role with it.
//
// If STS denies the call and the resolver is an [Invalidator], the cached
// value is dropped and resolved again; if it changed (it was rotated), the
// call is retried once with the new value. That re-read happens at most once
// per [DenialRecheckInterval] per provider, so a role that stays denied
// (behind an [aws.CredentialsCache], which does not cache errors) does not
// turn every request into Secrets Manager reads. If the re-read fails, its
// error is joined to the denial.
//
// If STS still denies it and the resolver is a [StagedResolver] (unless
// [ProviderOptions.DisableStageFallback] is set), the call is retried once with the other
// staged value: AWSPENDING if a version carries it, else AWSPREVIOUS. This
// keeps requests working while a customer's trust policy and the secret's
// AWSCURRENT disagree during a rotation. When that retry succeeds,
// [ProviderOptions.OnStage] reports the stage. When every attempt is denied,
// the error is the first denial.
func (p *Provider) Retrieve(ctx context.Context) (aws.Credentials, error) {
	id, err := p.resolve(ctx)
	if err != nil {
		return aws.Credentials{}, err
	}
	creds, err := p.assumeRole(ctx, id)
	if !errors.Is(err, ErrAccessDenied) {
		return creds, err
	}
	tried := []ExternalID{id}
	if inv, ok := p.resolver.(Invalidator); ok && p.mayRecheck() {
		inv.Invalidate(p.tenantID)
		next, rerr := p.resolve(ctx)
		switch {
		case rerr != nil:
			return aws.Credentials{}, errors.Join(err, rerr)
		case !next.Equal(id):
			creds, nerr := p.assumeRole(ctx, next)
			if !errors.Is(nerr, ErrAccessDenied) {
				return creds, nerr
			}
			tried = append(tried, next)
		}
	}
	return p.retryStaged(ctx, err, tried...)
}

// mayRecheck reports whether a denial may invalidate and re-read the
// tenant's value now, and if so closes that door for DenialRecheckInterval.
func (p *Provider) mayRecheck() bool {
	now := p.opts.Now().UnixNano()
	next := p.nextRecheck.Load()
	return now >= next && p.nextRecheck.CompareAndSwap(next, now+int64(DenialRecheckInterval))
}

// ProviderSources reports the credential source for the SDK's user agent.
func (p *Provider) ProviderSources() []aws.CredentialSource {
	return []aws.CredentialSource{aws.CredentialSourceSTSAssumeRole}
}

// Config returns a copy of base whose Credentials are p behind
// [aws.NewCredentialsCache]. Build it once and share it: each call makes a
// new cache.
func (p *Provider) Config(base aws.Config) aws.Config {
	cfg := base.Copy()
	cfg.Credentials = aws.NewCredentialsCache(p)
	return cfg
}

func (p *Provider) resolve(ctx context.Context) (ExternalID, error) {
	id, err := p.resolver.ResolveExternalID(ctx, p.tenantID)
	if err != nil {
		var re *ResolveError
		if errors.As(err, &re) {
			return ExternalID{}, err // names the tenant already
		}
		return ExternalID{}, fmt.Errorf("externalid: tenant %q: %w", p.tenantID, err)
	}
	if id.IsZero() {
		return ExternalID{}, fmt.Errorf("%w: the resolver returned a zero ExternalID for tenant %q; STS was not called", ErrMissingExternalID, p.tenantID)
	}
	return id, nil
}

func (p *Provider) assumeRole(ctx context.Context, id ExternalID) (aws.Credentials, error) {
	out, err := p.client.AssumeRole(ctx, p.input(id))
	if err != nil {
		return aws.Credentials{}, newAssumeRoleError(p.tenantID, p.roleARN, id, err)
	}
	return credentialsFrom(out)
}

func (p *Provider) input(id ExternalID) *sts.AssumeRoleInput {
	in := &sts.AssumeRoleInput{
		RoleArn:           aws.String(p.roleARN),
		RoleSessionName:   aws.String(p.opts.RoleSessionName),
		ExternalId:        aws.String(id.Value()),
		DurationSeconds:   aws.Int32(int32(p.opts.Duration / time.Second)),
		PolicyArns:        p.opts.PolicyARNs,
		Tags:              p.opts.Tags,
		TransitiveTagKeys: p.opts.TransitiveTagKeys,
	}
	if p.opts.Policy != "" {
		in.Policy = aws.String(p.opts.Policy)
	}
	if p.opts.SourceIdentity != "" {
		in.SourceIdentity = aws.String(p.opts.SourceIdentity)
	}
	return in
}

// isNil reports whether v is nil, or a typed nil that a plain check misses.
func isNil(v any) bool { return awserr.IsNil(v) }

// errNoCredentials reports an AssumeRole response without credentials.
var errNoCredentials = errors.New("externalid: STS AssumeRole returned no credentials")

func credentialsFrom(out *sts.AssumeRoleOutput) (aws.Credentials, error) {
	if out == nil {
		return aws.Credentials{}, errNoCredentials
	}
	c := out.Credentials
	if c == nil || c.AccessKeyId == nil || c.SecretAccessKey == nil || c.Expiration == nil {
		return aws.Credentials{}, errNoCredentials
	}
	creds := aws.Credentials{
		AccessKeyID:     *c.AccessKeyId,
		SecretAccessKey: *c.SecretAccessKey,
		SessionToken:    aws.ToString(c.SessionToken),
		Source:          ProviderName,
		CanExpire:       true,
		Expires:         *c.Expiration,
	}
	if u := out.AssumedRoleUser; u != nil && u.Arn != nil {
		if a, err := arn.Parse(*u.Arn); err == nil {
			creds.AccountID = strings.Clone(a.AccountID) // do not keep the whole ARN alive
		}
	}
	return creds, nil
}
