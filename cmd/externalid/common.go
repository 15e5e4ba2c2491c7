package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/service/secretsmanager"
	"github.com/aws/aws-sdk-go-v2/service/sts"

	"github.com/tenantrole/externalid"
	"github.com/tenantrole/externalid/onboarding"
)

// common are the flags every AWS command takes.
type common struct {
	region       string
	endpointURL  string
	profile      string
	json         bool
	secretPrefix string
	jsonKey      string
}

func (c *common) register(fs *flag.FlagSet) {
	fs.StringVar(&c.region, "region", "", "AWS region (default: from the environment or shared config)")
	fs.StringVar(&c.endpointURL, "endpoint-url", "", "send every AWS request to this URL, for emulators")
	fs.StringVar(&c.profile, "profile", "", "shared config profile (default: AWS_PROFILE or default)")
	fs.BoolVar(&c.json, "json", false, "print JSON")
	fs.StringVar(&c.secretPrefix, "secret-prefix", externalid.DefaultSecretPrefix, "the tenant's secret is named prefix + tenant id")
	fs.StringVar(&c.jsonKey, "json-key", "", "the secret is a JSON object holding the ExternalId under this key (default: the secret is the value)")
}

func (c *common) secretID(tenantID string) string { return c.secretPrefix + tenantID }

// clients are the AWS clients of one command.
type clients struct {
	cfg      aws.Config
	sm       *secretsmanager.Client
	sts      *sts.Client
	resolver *externalid.SecretsManagerResolver
}

// connect loads the AWS configuration the usual way and builds the clients.
func (c *common) connect(ctx context.Context) (*clients, error) {
	var opts []func(*config.LoadOptions) error
	if c.region != "" {
		opts = append(opts, config.WithRegion(c.region))
	}
	if c.profile != "" {
		opts = append(opts, config.WithSharedConfigProfile(c.profile))
	}
	cfg, err := config.LoadDefaultConfig(ctx, opts...)
	if err != nil {
		return nil, fmt.Errorf("load the AWS configuration: %w", err)
	}
	if cfg.Region == "" {
		return nil, fmt.Errorf("%w: no AWS region; pass --region or set AWS_REGION", errUsage)
	}
	if c.endpointURL != "" {
		cfg.BaseEndpoint = aws.String(c.endpointURL)
	}
	cl := &clients{cfg: cfg, sm: secretsmanager.NewFromConfig(cfg), sts: sts.NewFromConfig(cfg)}
	cl.resolver = externalid.NewSecretsManagerResolver(cl.sm, func(o *externalid.SecretsManagerOptions) {
		o.SecretID = c.secretID
		o.JSONKey = c.jsonKey
	})
	return cl, nil
}

func (c *common) verifier(cl *clients) (*onboarding.Verifier, error) {
	return onboarding.NewVerifier(cl.sts, cl.resolver)
}

func (c *common) rotator(cl *clients) (*onboarding.Rotator, error) {
	v, err := c.verifier(cl)
	if err != nil {
		return nil, err
	}
	return onboarding.NewRotator(cl.sm, v, func(o *onboarding.RotatorOptions) {
		o.SecretID = c.secretID
		o.JSONKey = c.jsonKey
	})
}

// principal returns the trust policy principal: the flag, or the caller.
func (cl *clients) principal(ctx context.Context, flagValue string) (string, error) {
	if flagValue != "" {
		return flagValue, nil
	}
	out, err := cl.sts.GetCallerIdentity(ctx, &sts.GetCallerIdentityInput{})
	if err != nil {
		return "", fmt.Errorf("find the SaaS principal with GetCallerIdentity (or pass --principal): %w", err)
	}
	return onboarding.PrincipalOf(aws.ToString(out.Arn)), nil
}

// printJSON writes v as indented JSON, with <, > and & as they are (the
// output is not HTML).
func printJSON(w io.Writer, v any) error {
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	return enc.Encode(v)
}

// requireTenant checks the --tenant flag.
func requireTenant(fs *flag.FlagSet, tenantID string) error {
	if tenantID == "" {
		return usageError(fs, "--tenant is required")
	}
	if err := externalid.ValidateTenantID(tenantID); err != nil {
		return usageError(fs, "%v", err)
	}
	return nil
}

// connectTenant checks the --tenant flag, then connects.
func (c *common) connectTenant(ctx context.Context, fs *flag.FlagSet, tenantID string) (*clients, error) {
	if err := requireTenant(fs, tenantID); err != nil {
		return nil, err
	}
	return c.connect(ctx)
}

// requireRoleARN checks the --role-arn flag: an IAM role ARN, as
// [externalid.ParseRoleARN] accepts it.
func requireRoleARN(fs *flag.FlagSet, roleARN string) error {
	if roleARN == "" {
		return usageError(fs, "--role-arn is required")
	}
	if _, err := externalid.ParseRoleARN(roleARN); err != nil {
		return usageError(fs, "--role-arn must be an IAM role ARN such as arn:aws:iam::444455556666:role/SaaSAccess: %v", err)
	}
	return nil
}
