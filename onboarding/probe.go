package onboarding

import (
	"context"
	"errors"
	"fmt"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/sts"

	"github.com/tenantrole/externalid"
	"github.com/tenantrole/externalid/internal/awserr"
)

func requestID(err error) string { return awserr.RequestID(err) }

// outcome classifies an AssumeRole result.
func outcome(err error) string {
	switch {
	case err == nil:
		return OutcomeAllowed
	case errors.Is(err, externalid.ErrAccessDenied) || apiErrorCode(err) == "AccessDenied":
		return OutcomeDenied
	default:
		return OutcomeError
	}
}

// probeWith assumes the role with id through an [externalid.Provider] (with
// a fixed resolver, so no retry or fallback blurs the answer) and checks
// the credentials' account with GetCallerIdentity.
func (v *Verifier) probeWith(ctx context.Context, tenantID, roleARN, accountID string, id externalid.ExternalID) ProbeResult {
	res := ProbeResult{Name: ProbeWithExternalID, Want: OutcomeAllowed, Fingerprint: id.Fingerprint()}
	fixed := externalid.ResolverFunc(func(context.Context, string) (externalid.ExternalID, error) { return id, nil })
	p, err := externalid.NewProvider(v.client, roleARN, tenantID, fixed, func(o *externalid.ProviderOptions) {
		o.RoleSessionName = v.opts.RoleSessionName
		o.Duration = externalid.MinDuration
	})
	if err != nil {
		res.Got, res.Detail = OutcomeError, err.Error()
		return res
	}
	creds, err := p.Retrieve(ctx)
	res.Got, res.RequestID = outcome(err), requestID(err)
	if err != nil {
		if res.Got == OutcomeDenied {
			res.Detail = "AssumeRole with the tenant's ExternalId was denied: the role may not exist, may not trust this principal, or may require another ExternalId"
		} else {
			res.Detail = err.Error()
		}
		return res
	}
	out, err := v.client.GetCallerIdentity(ctx, &sts.GetCallerIdentityInput{}, func(o *sts.Options) {
		o.Credentials = aws.CredentialsProviderFunc(func(context.Context) (aws.Credentials, error) { return creds, nil })
	})
	if err != nil {
		res.Got, res.Detail = OutcomeError, fmt.Sprintf("GetCallerIdentity with the role's credentials: %v", err)
		return res
	}
	res.AccountID = aws.ToString(out.Account)
	if res.AccountID != accountID {
		res.Got = OutcomeDenied
		res.Detail = fmt.Sprintf("the credentials belong to account %s, not the role's account %s", res.AccountID, accountID)
	}
	return res
}

// probeWithout assumes the role without an ExternalId. It must be denied.
// Any credentials it gets are dropped at once.
func (v *Verifier) probeWithout(ctx context.Context, roleARN string) ProbeResult {
	res := ProbeResult{Name: ProbeWithoutExternalID, Want: OutcomeDenied}
	//externalid:ignore the verification probe must show that a call without an ExternalId is denied
	in := &sts.AssumeRoleInput{
		RoleArn:         aws.String(roleARN),
		RoleSessionName: aws.String(v.opts.RoleSessionName),
		DurationSeconds: aws.Int32(int32(externalid.MinDuration.Seconds())),
	}
	_, err := v.client.AssumeRole(ctx, in)
	res.Got, res.RequestID = outcome(err), requestID(err)
	switch res.Got {
	case OutcomeAllowed:
		res.Detail = "STS let the SaaS assume the role without an ExternalId"
	case OutcomeError:
		res.Detail = err.Error()
	}
	return res
}

// probeWrong assumes the role with a freshly generated ExternalId, which no
// trust policy can hold. It must be denied.
func (v *Verifier) probeWrong(ctx context.Context, roleARN string) (ProbeResult, error) {
	wrong, err := externalid.Generate()
	if err != nil {
		return ProbeResult{}, fmt.Errorf("onboarding: generate a random ExternalId for the wrong-ExternalId probe: %w", err)
	}
	res := ProbeResult{Name: ProbeWrongExternalID, Want: OutcomeDenied, Fingerprint: wrong.Fingerprint()}
	_, err = v.client.AssumeRole(ctx, &sts.AssumeRoleInput{
		RoleArn:         aws.String(roleARN),
		RoleSessionName: aws.String(v.opts.RoleSessionName),
		ExternalId:      aws.String(wrong.Value()),
		DurationSeconds: aws.Int32(int32(externalid.MinDuration.Seconds())),
	})
	res.Got, res.RequestID = outcome(err), requestID(err)
	switch res.Got {
	case OutcomeAllowed:
		res.Detail = "STS let the SaaS assume the role with a random ExternalId"
	case OutcomeError:
		res.Detail = err.Error()
	}
	return res, nil
}
