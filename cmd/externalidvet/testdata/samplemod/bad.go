// Package sample holds one instance of each pattern externalidvet reports,
// in bad.go, and correct code, in good.go.
package sample

import (
	"context"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/credentials/stscreds"
	"github.com/aws/aws-sdk-go-v2/service/sts"
)

// MissingInput sends no ExternalId.
func MissingInput(ctx context.Context, c *sts.Client, arn string) error {
	_, err := c.AssumeRole(ctx, &sts.AssumeRoleInput{RoleArn: aws.String(arn), RoleSessionName: aws.String("s")})
	return err
}

// EmptyInput sends an empty ExternalId.
func EmptyInput(ctx context.Context, c *sts.Client, arn string) error {
	in := sts.AssumeRoleInput{RoleArn: aws.String(arn), ExternalId: aws.String("")}
	_, err := c.AssumeRole(ctx, &in)
	return err
}

// HardcodedInput sends a constant ExternalId.
func HardcodedInput(ctx context.Context, c *sts.Client, arn string) error {
	_, err := c.AssumeRole(ctx, &sts.AssumeRoleInput{RoleArn: aws.String(arn), ExternalId: aws.String("acme-prod-4f9a")})
	return err
}

// InvalidInput sends a constant ExternalId that STS rejects.
func InvalidInput(ctx context.Context, c *sts.Client, arn string) error {
	_, err := c.AssumeRole(ctx, &sts.AssumeRoleInput{RoleArn: aws.String(arn), ExternalId: aws.String("acme prod")})
	return err
}

// MissingProvider has no option that sets ExternalID.
func MissingProvider(c *sts.Client, arn string) *stscreds.AssumeRoleProvider {
	return stscreds.NewAssumeRoleProvider(c, arn, func(o *stscreds.AssumeRoleOptions) {
		o.RoleSessionName = "s"
	})
}

// MissingOptions overwrites the options with a literal without ExternalID.
func MissingOptions(c *sts.Client, arn string) func(*stscreds.AssumeRoleOptions) {
	return func(o *stscreds.AssumeRoleOptions) {
		*o = stscreds.AssumeRoleOptions{Client: c, RoleARN: arn}
	}
}

// MissingConfig loads a config whose assume-role options set no ExternalID.
func MissingConfig(ctx context.Context) (aws.Config, error) {
	return config.LoadDefaultConfig(ctx, config.WithAssumeRoleCredentialOptions(func(o *stscreds.AssumeRoleOptions) {
		o.RoleSessionName = "s"
	}))
}

// BareSuppression gives no reason, so it suppresses nothing.
func BareSuppression(c *sts.Client, arn string) *stscreds.AssumeRoleProvider {
	//externalid:ignore
	return stscreds.NewAssumeRoleProvider(c, arn)
}
