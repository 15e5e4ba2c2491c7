package sample

import (
	"context"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/credentials/stscreds"
	"github.com/aws/aws-sdk-go-v2/service/sts"
)

// A Resolver returns the external ID of a tenant.
type Resolver interface {
	ExternalID(ctx context.Context, tenant string) (string, error)
}

// Assume sends the tenant's ExternalId.
func Assume(ctx context.Context, c *sts.Client, r Resolver, tenant, arn string) error {
	id, err := r.ExternalID(ctx, tenant)
	if err != nil {
		return err
	}
	in := &sts.AssumeRoleInput{RoleArn: aws.String(arn), RoleSessionName: aws.String(tenant)}
	in.ExternalId = aws.String(id)
	_, err = c.AssumeRole(ctx, in)
	return err
}

// WithExternalID returns an option that sets ExternalID.
func WithExternalID(id string) func(*stscreds.AssumeRoleOptions) {
	return func(o *stscreds.AssumeRoleOptions) { o.ExternalID = aws.String(id) }
}

// Provider sets ExternalID through a helper.
func Provider(c *sts.Client, arn, id string) *stscreds.AssumeRoleProvider {
	return stscreds.NewAssumeRoleProvider(c, arn, WithExternalID(id))
}

// Config sets ExternalID in the config's assume-role options.
func Config(ctx context.Context, id string) (aws.Config, error) {
	return config.LoadDefaultConfig(ctx, config.WithAssumeRoleCredentialOptions(WithExternalID(id)))
}

// Unknown passes options the analyzer cannot see into.
func Unknown(c *sts.Client, arn string, opts ...func(*stscreds.AssumeRoleOptions)) *stscreds.AssumeRoleProvider {
	return stscreds.NewAssumeRoleProvider(c, arn, opts...)
}

// Suppressed is a deliberate raw call, suppressed with a reason.
func Suppressed(c *sts.Client, arn string) *stscreds.AssumeRoleProvider {
	//externalid:ignore our own account's role, whose trust policy needs no external ID
	return stscreds.NewAssumeRoleProvider(c, arn)
}
