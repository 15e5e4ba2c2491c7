package externalid_test

import (
	"context"
	"errors"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	awshttp "github.com/aws/aws-sdk-go-v2/aws/transport/http"
	"github.com/aws/aws-sdk-go-v2/service/sts"
	"github.com/aws/aws-sdk-go-v2/service/sts/types"
	"github.com/aws/smithy-go"
	smithyhttp "github.com/aws/smithy-go/transport/http"

	"github.com/tenantrole/externalid"
)

const testRole = "arn:aws:iam::111122223333:role/SaaSAccess"

// staticResolver returns one value for every tenant and counts calls.
func staticResolver(value string) externalid.Resolver {
	id, err := externalid.New(value)
	return externalid.ResolverFunc(func(context.Context, string) (externalid.ExternalID, error) {
		return id, err
	})
}

func TestNewProviderValidation(t *testing.T) {
	okResolver := staticResolver(canary)
	tag := func(k, v string) types.Tag { return types.Tag{Key: aws.String(k), Value: aws.String(v)} }
	manyTags := make([]types.Tag, 51)
	for i := range manyTags {
		manyTags[i] = tag("k"+strings.Repeat("x", i), "v")
	}
	manyARNs := make([]types.PolicyDescriptorType, 11)
	for i := range manyARNs {
		manyARNs[i] = types.PolicyDescriptorType{Arn: aws.String("arn:aws:iam::aws:policy/ReadOnlyAccess")}
	}
	tests := []struct {
		name     string
		client   externalid.AssumeRoleAPIClient
		roleARN  string
		tenant   string
		resolver externalid.Resolver
		opt      func(*externalid.ProviderOptions)
		want     error
	}{
		{"nil client", nil, testRole, "acme", okResolver, nil, externalid.ErrInvalidOptions},
		{"nil resolver", &fakeSTS{}, testRole, "acme", nil, nil, externalid.ErrInvalidOptions},
		{"bad role ARN", &fakeSTS{}, "arn:aws:iam::111122223333:user/bob", "acme", okResolver, nil, externalid.ErrInvalidRoleARN},
		{"bad tenant", &fakeSTS{}, testRole, "acme/other", okResolver, nil, externalid.ErrInvalidTenantID},
		{"session name too short", &fakeSTS{}, testRole, "acme", okResolver, func(o *externalid.ProviderOptions) { o.RoleSessionName = "a" }, externalid.ErrInvalidOptions},
		{"session name bad character", &fakeSTS{}, testRole, "acme", okResolver, func(o *externalid.ProviderOptions) { o.RoleSessionName = "a b" }, externalid.ErrInvalidOptions},
		{"session name too long", &fakeSTS{}, testRole, "acme", okResolver, func(o *externalid.ProviderOptions) { o.RoleSessionName = strings.Repeat("s", 65) }, externalid.ErrInvalidOptions},
		{"duration too short", &fakeSTS{}, testRole, "acme", okResolver, func(o *externalid.ProviderOptions) { o.Duration = 14 * time.Minute }, externalid.ErrInvalidOptions},
		{"duration too long", &fakeSTS{}, testRole, "acme", okResolver, func(o *externalid.ProviderOptions) { o.Duration = 13 * time.Hour }, externalid.ErrInvalidOptions},
		{"duration not whole seconds", &fakeSTS{}, testRole, "acme", okResolver, func(o *externalid.ProviderOptions) { o.Duration = time.Hour + time.Millisecond }, externalid.ErrInvalidOptions},
		{"negative duration", &fakeSTS{}, testRole, "acme", okResolver, func(o *externalid.ProviderOptions) { o.Duration = -time.Hour }, externalid.ErrInvalidOptions},
		{"policy not JSON", &fakeSTS{}, testRole, "acme", okResolver, func(o *externalid.ProviderOptions) { o.Policy = "{not json" }, externalid.ErrInvalidOptions},
		{"policy too long", &fakeSTS{}, testRole, "acme", okResolver, func(o *externalid.ProviderOptions) { o.Policy = `{"x":"` + strings.Repeat("p", 2048) + `"}` }, externalid.ErrInvalidOptions},
		{"too many policy ARNs", &fakeSTS{}, testRole, "acme", okResolver, func(o *externalid.ProviderOptions) { o.PolicyARNs = manyARNs }, externalid.ErrInvalidOptions},
		{"policy ARN too short", &fakeSTS{}, testRole, "acme", okResolver, func(o *externalid.ProviderOptions) {
			o.PolicyARNs = []types.PolicyDescriptorType{{Arn: aws.String("arn:x")}}
		}, externalid.ErrInvalidOptions},
		{"too many tags", &fakeSTS{}, testRole, "acme", okResolver, func(o *externalid.ProviderOptions) { o.Tags = manyTags }, externalid.ErrInvalidOptions},
		{"tag key empty", &fakeSTS{}, testRole, "acme", okResolver, func(o *externalid.ProviderOptions) { o.Tags = []types.Tag{tag("", "v")} }, externalid.ErrInvalidOptions},
		{"tag key bad character", &fakeSTS{}, testRole, "acme", okResolver, func(o *externalid.ProviderOptions) { o.Tags = []types.Tag{tag("a*b", "v")} }, externalid.ErrInvalidOptions},
		{"tag value too long", &fakeSTS{}, testRole, "acme", okResolver, func(o *externalid.ProviderOptions) { o.Tags = []types.Tag{tag("k", strings.Repeat("v", 257))} }, externalid.ErrInvalidOptions},
		{"duplicate tag keys", &fakeSTS{}, testRole, "acme", okResolver, func(o *externalid.ProviderOptions) { o.Tags = []types.Tag{tag("Team", "a"), tag("team", "b")} }, externalid.ErrInvalidOptions},
		{"transitive key not a tag", &fakeSTS{}, testRole, "acme", okResolver, func(o *externalid.ProviderOptions) {
			o.Tags = []types.Tag{tag("team", "a")}
			o.TransitiveTagKeys = []string{"project"}
		}, externalid.ErrInvalidOptions},
		{"source identity bad", &fakeSTS{}, testRole, "acme", okResolver, func(o *externalid.ProviderOptions) { o.SourceIdentity = "x" }, externalid.ErrInvalidOptions},
		{"valid options", &fakeSTS{}, testRole, "acme", okResolver, func(o *externalid.ProviderOptions) {
			o.RoleSessionName = "saas@acme"
			o.Duration = 12 * time.Hour
			o.Policy = `{"Version":"2012-10-17","Statement":[]}`
			o.Tags = []types.Tag{tag("tenant", "acme"), tag("Équipe", "données 1")}
			o.TransitiveTagKeys = []string{"TENANT"}
			o.SourceIdentity = "user@example.com"
		}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var opts []func(*externalid.ProviderOptions)
			if tt.opt != nil {
				opts = append(opts, tt.opt)
			}
			p, err := externalid.NewProvider(tt.client, tt.roleARN, tt.tenant, tt.resolver, opts...)
			if !errors.Is(err, tt.want) || (tt.want == nil) != (err == nil) {
				t.Fatalf("NewProvider() error = %v; want %v", err, tt.want)
			}
			if err != nil && p != nil {
				t.Errorf("NewProvider() returned a provider with an error")
			}
		})
	}
}

func TestRetrieveSendsTheTenantsExternalID(t *testing.T) {
	client := &fakeSTS{}
	p, err := externalid.NewProvider(client, testRole, "acme", staticResolver(canary))
	if err != nil {
		t.Fatal(err)
	}
	creds, err := p.Retrieve(context.Background())
	if err != nil {
		t.Fatalf("Retrieve() error = %v", err)
	}
	in := client.calls()[0]
	if got := aws.ToString(in.ExternalId); got != canary {
		t.Errorf("AssumeRole ExternalId = %q; want the tenant's value", got)
	}
	if got := aws.ToString(in.RoleArn); got != testRole {
		t.Errorf("AssumeRole RoleArn = %q; want %q", got, testRole)
	}
	if got := aws.ToString(in.RoleSessionName); got != "externalid-acme" {
		t.Errorf("AssumeRole RoleSessionName = %q; want externalid-acme", got)
	}
	if got := aws.ToInt32(in.DurationSeconds); got != 3600 {
		t.Errorf("AssumeRole DurationSeconds = %d; want 3600", got)
	}
	if in.Policy != nil || in.SourceIdentity != nil {
		t.Errorf("unset Policy/SourceIdentity were sent")
	}
	if !creds.CanExpire || creds.Expires.IsZero() || creds.Source != externalid.ProviderName ||
		creds.AccountID != "111122223333" || creds.AccessKeyID == "" || creds.SessionToken != "fake-token" {
		t.Errorf("Retrieve() = %+v; want expiring credentials from %s for account 111122223333", creds, externalid.ProviderName)
	}
	if p.TenantID() != "acme" || p.RoleARN() != testRole {
		t.Errorf("TenantID(), RoleARN() = %q, %q", p.TenantID(), p.RoleARN())
	}
}

func TestRetrievePassesOptions(t *testing.T) {
	client := &fakeSTS{}
	tags := []types.Tag{{Key: aws.String("tenant"), Value: aws.String("acme")}}
	p, err := externalid.NewProvider(client, testRole, "acme", staticResolver(canary), func(o *externalid.ProviderOptions) {
		o.RoleSessionName = "custom-session"
		o.Duration = 30 * time.Minute
		o.Policy = `{"Version":"2012-10-17"}`
		o.PolicyARNs = []types.PolicyDescriptorType{{Arn: aws.String("arn:aws:iam::aws:policy/ReadOnlyAccess")}}
		o.Tags = tags
		o.TransitiveTagKeys = []string{"tenant"}
		o.SourceIdentity = "operator"
	})
	if err != nil {
		t.Fatal(err)
	}
	tags[0].Value = aws.String("changed after NewProvider")
	if _, err := p.Retrieve(context.Background()); err != nil {
		t.Fatal(err)
	}
	in := client.calls()[0]
	if aws.ToString(in.RoleSessionName) != "custom-session" || aws.ToInt32(in.DurationSeconds) != 1800 ||
		aws.ToString(in.Policy) != `{"Version":"2012-10-17"}` || len(in.PolicyArns) != 1 ||
		len(in.TransitiveTagKeys) != 1 || aws.ToString(in.SourceIdentity) != "operator" {
		t.Errorf("AssumeRole input = %+v; want every option passed through", in)
	}
	if len(in.Tags) != 1 || aws.ToString(in.Tags[0].Value) != "acme" {
		t.Errorf("tags = %v; want the options as they were at construction", in.Tags)
	}
}

func TestRetrieveNeverCallsSTSWithoutExternalID(t *testing.T) {
	tests := []struct {
		name     string
		resolver externalid.Resolver
		want     error
	}{
		{"zero ExternalID", externalid.ResolverFunc(func(context.Context, string) (externalid.ExternalID, error) {
			return externalid.ExternalID{}, nil
		}), externalid.ErrMissingExternalID},
		{"resolver fails", externalid.ResolverFunc(func(context.Context, string) (externalid.ExternalID, error) {
			return externalid.ExternalID{}, externalid.ErrExternalIDNotFound
		}), externalid.ErrExternalIDNotFound},
		{"value rejected by New", staticResolver(""), externalid.ErrInvalidExternalID},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			client := &fakeSTS{}
			p, err := externalid.NewProvider(client, testRole, "acme", tt.resolver)
			if err != nil {
				t.Fatal(err)
			}
			if _, err := p.Retrieve(context.Background()); !errors.Is(err, tt.want) {
				t.Fatalf("Retrieve() error = %v; want %v", err, tt.want)
			}
			if n := len(client.calls()); n != 0 {
				t.Fatalf("AssumeRole called %d times; want 0", n)
			}
		})
	}
}

// deniedError is an STS AccessDenied as the SDK returns it, with a request id.
func deniedError(message string) error {
	return &smithy.OperationError{
		ServiceID:     "STS",
		OperationName: "AssumeRole",
		Err: &awshttp.ResponseError{
			ResponseError: &smithyhttp.ResponseError{
				Response: &smithyhttp.Response{Response: &http.Response{StatusCode: 403}},
				Err:      &smithy.GenericAPIError{Code: "AccessDenied", Message: message, Fault: smithy.FaultClient},
			},
			RequestID: "req-0001",
		},
	}
}

func TestRetrieveAccessDenied(t *testing.T) {
	client := &fakeSTS{deny: func(*sts.AssumeRoleInput) error {
		return deniedError("User: arn:aws:iam::999988887777:user/saas is not authorized to perform: sts:AssumeRole on resource: " + testRole)
	}}
	p, _ := externalid.NewProvider(client, testRole, "acme", staticResolver(canary))
	_, err := p.Retrieve(context.Background())
	if !errors.Is(err, externalid.ErrAccessDenied) {
		t.Fatalf("Retrieve() error = %v; want ErrAccessDenied", err)
	}
	var are *externalid.AssumeRoleError
	if !errors.As(err, &are) {
		t.Fatalf("Retrieve() error is not an *AssumeRoleError: %v", err)
	}
	id, _ := externalid.New(canary)
	if are.TenantID != "acme" || are.RoleARN != testRole || are.RequestID != "req-0001" || are.Fingerprint != id.Fingerprint() {
		t.Errorf("AssumeRoleError = %+v; want tenant, role, request id and fingerprint", are)
	}
	msg := err.Error()
	for _, want := range []string{"sts:ExternalId", id.Fingerprint(), "trust policy", "another account", "req-0001"} {
		if !strings.Contains(msg, want) {
			t.Errorf("message lacks %q: %s", want, msg)
		}
	}
	if strings.Index(msg, "sts:ExternalId") > strings.Index(msg, "principal") {
		t.Errorf("the ExternalId mismatch should be listed first: %s", msg)
	}
	if strings.Contains(msg, canary) {
		t.Fatalf("message leaks the ExternalId: %s", msg)
	}
	var apiErr smithy.APIError
	if !errors.As(err, &apiErr) || apiErr.ErrorCode() != "AccessDenied" {
		t.Errorf("errors.As(smithy.APIError) = %v; want code AccessDenied", apiErr)
	}
}

func TestRetrieveOtherSTSErrorsAreNotDenials(t *testing.T) {
	client := &fakeSTS{deny: func(*sts.AssumeRoleInput) error { return apiError("Throttling") }}
	p, _ := externalid.NewProvider(client, testRole, "acme", staticResolver(canary))
	_, err := p.Retrieve(context.Background())
	var are *externalid.AssumeRoleError
	if !errors.As(err, &are) || errors.Is(err, externalid.ErrAccessDenied) {
		t.Fatalf("Retrieve() error = %v; want an AssumeRoleError that is not ErrAccessDenied", err)
	}
	if strings.Contains(err.Error(), "likely causes") {
		t.Errorf("a throttling error should not list denial causes: %v", err)
	}
}

func TestRetrieveRedactsAnEchoedValue(t *testing.T) {
	client := &fakeSTS{deny: func(in *sts.AssumeRoleInput) error {
		return &smithy.GenericAPIError{Code: "ValidationError", Message: "Value '" + aws.ToString(in.ExternalId) + "' at 'externalId' failed to satisfy constraint"}
	}}
	p, _ := externalid.NewProvider(client, testRole, "acme", staticResolver(canary))
	_, err := p.Retrieve(context.Background())
	if err == nil || strings.Contains(err.Error(), canary) {
		t.Fatalf("Retrieve() error = %v; want an error without the value", err)
	}
	var apiErr smithy.APIError
	if !errors.As(err, &apiErr) || apiErr.ErrorCode() != "ValidationError" {
		t.Errorf("redacted error lost its code: %v", err)
	}
}

func TestRetrieveRedactsAQueryEscapedEcho(t *testing.T) {
	const value = "tenant:a/b+c=d"
	client := &fakeSTS{deny: func(in *sts.AssumeRoleInput) error {
		return &smithy.GenericAPIError{Code: "ValidationError", Message: "bad request: ExternalId=" + url.QueryEscape(aws.ToString(in.ExternalId))}
	}}
	p, _ := externalid.NewProvider(client, testRole, "acme", staticResolver(value))
	_, err := p.Retrieve(context.Background())
	if err == nil || strings.Contains(err.Error(), url.QueryEscape(value)) || strings.Contains(err.Error(), value) {
		t.Fatalf("Retrieve() error = %v; want an error without the value in any form", err)
	}
}

func TestRetrieveRetriesOnceAfterRotation(t *testing.T) {
	secrets := newFakeSecrets(map[string]string{"externalid/acme": "old-value"})
	resolver := newResolver(secrets, newFakeClock())
	current := "old-value"
	client := &fakeSTS{deny: func(in *sts.AssumeRoleInput) error {
		if aws.ToString(in.ExternalId) != current {
			return deniedError("not authorized")
		}
		return nil
	}}
	p, _ := externalid.NewProvider(client, testRole, "acme", resolver)
	ctx := context.Background()
	if _, err := p.Retrieve(ctx); err != nil {
		t.Fatal(err)
	}
	// The customer and the SaaS rotate; the resolver still caches the old value.
	current = "new-value"
	secrets.set("externalid/acme", "new-value")
	if _, err := p.Retrieve(ctx); err != nil {
		t.Fatalf("Retrieve() after rotation = %v; want success on the retry", err)
	}
	calls := client.calls()
	if len(calls) != 3 || aws.ToString(calls[2].ExternalId) != "new-value" {
		t.Fatalf("AssumeRole calls = %d; want 3, the last with the new value", len(calls))
	}
}

func TestRetrieveDoesNotRetryAnUnchangedValue(t *testing.T) {
	secrets := newFakeSecrets(map[string]string{"externalid/acme": "the-value"})
	client := &fakeSTS{deny: func(*sts.AssumeRoleInput) error { return deniedError("not authorized") }}
	p, _ := externalid.NewProvider(client, testRole, "acme", newResolver(secrets, newFakeClock()))
	if _, err := p.Retrieve(context.Background()); !errors.Is(err, externalid.ErrAccessDenied) {
		t.Fatalf("Retrieve() error = %v; want ErrAccessDenied", err)
	}
	if n := len(client.calls()); n != 1 {
		t.Errorf("AssumeRole calls = %d; want 1 (the value did not change)", n)
	}
	current := 0
	for _, in := range secrets.inputs {
		if aws.ToString(in.VersionStage) == externalid.StageCurrent {
			current++
		}
	}
	if current != 2 {
		t.Errorf("GetSecretValue calls for AWSCURRENT = %d; want 2 (the denial invalidates the cache)", current)
	}
}

func TestProviderConfig(t *testing.T) {
	client := &fakeSTS{}
	p, _ := externalid.NewProvider(client, testRole, "acme", staticResolver(canary))
	base := aws.Config{Region: "eu-west-1"}
	cfg := p.Config(base)
	if base.Credentials != nil {
		t.Fatal("Config() modified its argument")
	}
	if cfg.Region != "eu-west-1" {
		t.Errorf("Config().Region = %q; want eu-west-1", cfg.Region)
	}
	if _, ok := cfg.Credentials.(*aws.CredentialsCache); !ok {
		t.Fatalf("Config().Credentials = %T; want *aws.CredentialsCache", cfg.Credentials)
	}
	for range 3 {
		if _, err := cfg.Credentials.Retrieve(context.Background()); err != nil {
			t.Fatal(err)
		}
	}
	if n := len(client.calls()); n != 1 {
		t.Errorf("AssumeRole calls through the cache = %d; want 1", n)
	}
}

func TestProviderSources(t *testing.T) {
	p, _ := externalid.NewProvider(&fakeSTS{}, testRole, "acme", staticResolver(canary))
	if got := p.ProviderSources(); len(got) != 1 || got[0] != aws.CredentialSourceSTSAssumeRole {
		t.Fatalf("ProviderSources() = %v; want [STSAssumeRole]", got)
	}
}

func TestRetrieveRechecksADenialAtMostOncePerInterval(t *testing.T) {
	secrets := newFakeSecrets(map[string]string{"externalid/acme": "the-value"})
	clock := newFakeClock()
	client := &fakeSTS{deny: func(*sts.AssumeRoleInput) error { return deniedError("not authorized") }}
	p, _ := externalid.NewProvider(client, testRole, "acme", newResolver(secrets, clock),
		func(o *externalid.ProviderOptions) { o.Now = clock.Now })
	currentReads := func() int {
		n := 0
		for _, in := range secrets.inputs {
			if aws.ToString(in.VersionStage) == externalid.StageCurrent {
				n++
			}
		}
		return n
	}
	for range 100 {
		if _, err := p.Retrieve(context.Background()); !errors.Is(err, externalid.ErrAccessDenied) {
			t.Fatalf("Retrieve() error = %v; want ErrAccessDenied", err)
		}
	}
	if n := currentReads(); n != 2 {
		t.Fatalf("AWSCURRENT reads over 100 denied Retrieves = %d; want 2 (first read, one recheck)", n)
	}
	if n := secrets.total(); n > 4 {
		t.Fatalf("GetSecretValue calls over 100 denied Retrieves = %d; want at most 4", n)
	}
	clock.Advance(externalid.DenialRecheckInterval)
	_, _ = p.Retrieve(context.Background())
	if n := currentReads(); n != 3 {
		t.Fatalf("AWSCURRENT reads after DenialRecheckInterval = %d; want 3", n)
	}
}

func TestRetrieveJoinsAFailedRecheckToTheDenial(t *testing.T) {
	secrets := newFakeSecrets(map[string]string{"externalid/acme": "the-value"})
	client := &fakeSTS{deny: func(*sts.AssumeRoleInput) error {
		secrets.fail("externalid/acme", apiError("ResourceNotFoundException")) // deleted meanwhile
		return deniedError("not authorized")
	}}
	p, _ := externalid.NewProvider(client, testRole, "acme", newResolver(secrets, newFakeClock()))
	_, err := p.Retrieve(context.Background())
	if !errors.Is(err, externalid.ErrAccessDenied) || !errors.Is(err, externalid.ErrExternalIDNotFound) {
		t.Fatalf("Retrieve() error = %v; want both ErrAccessDenied and ErrExternalIDNotFound", err)
	}
}

func TestNewProviderRejectsTypedNils(t *testing.T) {
	var nilFunc externalid.ResolverFunc
	var nilResolver *externalid.SecretsManagerResolver
	var nilClient *sts.Client
	tests := []struct {
		name     string
		client   externalid.AssumeRoleAPIClient
		resolver externalid.Resolver
	}{
		{"nil ResolverFunc", &fakeSTS{}, nilFunc},
		{"nil *SecretsManagerResolver", &fakeSTS{}, nilResolver},
		{"nil *sts.Client", nilClient, staticResolver(canary)},
	}
	for _, tt := range tests {
		if _, err := externalid.NewProvider(tt.client, testRole, "acme", tt.resolver); !errors.Is(err, externalid.ErrInvalidOptions) {
			t.Errorf("%s: NewProvider() error = %v; want ErrInvalidOptions", tt.name, err)
		}
	}
}

// emptySTS answers AssumeRole with neither output nor error.
type emptySTS struct{}

func (emptySTS) AssumeRole(context.Context, *sts.AssumeRoleInput, ...func(*sts.Options)) (*sts.AssumeRoleOutput, error) {
	return nil, nil
}

func TestRetrieveNilOutputIsAnError(t *testing.T) {
	p, _ := externalid.NewProvider(emptySTS{}, testRole, "acme", staticResolver(canary))
	if _, err := p.Retrieve(context.Background()); err == nil {
		t.Fatal("Retrieve() error = nil; want an error for an empty AssumeRole output")
	}
}

func TestNewProviderCopiesTagStrings(t *testing.T) {
	client := &fakeSTS{}
	value := "acme"
	p, _ := externalid.NewProvider(client, testRole, "acme", staticResolver(canary), func(o *externalid.ProviderOptions) {
		o.Tags = []types.Tag{{Key: aws.String("tenant"), Value: &value}}
	})
	value = "changed\x00after validation"
	_, _ = p.Retrieve(context.Background())
	if got := aws.ToString(client.calls()[0].Tags[0].Value); got != "acme" {
		t.Fatalf("tag value sent = %q; want the validated acme", got)
	}
}

func TestResolveErrorNamesTheTenantOnce(t *testing.T) {
	secrets := newFakeSecrets(map[string]string{"externalid/acme": "has spaces"})
	p, _ := externalid.NewProvider(&fakeSTS{}, testRole, "acme", newResolver(secrets, newFakeClock()))
	_, err := p.Retrieve(context.Background())
	if n := strings.Count(err.Error(), `tenant "acme"`); n != 1 {
		t.Fatalf("error names the tenant %d times; want once: %v", n, err)
	}
}
