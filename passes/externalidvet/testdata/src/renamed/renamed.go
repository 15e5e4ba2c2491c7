// Package renamed tests renamed imports.
package renamed

import (
	"context"

	awsv2 "github.com/aws/aws-sdk-go-v2/aws"
	cfg "github.com/aws/aws-sdk-go-v2/config"
	creds "github.com/aws/aws-sdk-go-v2/credentials/stscreds"
	stsv2 "github.com/aws/aws-sdk-go-v2/service/sts"
)

// AssumeRoleInput is a local type with the SDK's name: not reported.
type AssumeRoleInput struct{ ExternalId *string }

func assume(ctx context.Context, c *stsv2.Client, api creds.AssumeRoleAPIClient, arn, id string) {
	c.AssumeRole(ctx, &stsv2.AssumeRoleInput{RoleArn: &arn})                        // want `externalidvet\(missing\): sts.AssumeRoleInput without ExternalId`
	api.AssumeRole(ctx, &stsv2.AssumeRoleInput{RoleArn: &arn})                      // want `without ExternalId`
	c.AssumeRole(ctx, &stsv2.AssumeRoleInput{ExternalId: awsv2.String("fixed-id")}) // want `externalidvet\(hardcoded\)`
	c.AssumeRole(ctx, &stsv2.AssumeRoleInput{ExternalId: awsv2.String(id)})
	creds.NewAssumeRoleProvider(c, arn)                                                                  // want `stscreds.NewAssumeRoleProvider without an option that sets ExternalID`
	creds.NewAssumeRoleProvider(api, arn)                                                                // want `stscreds.NewAssumeRoleProvider without an option that sets ExternalID`
	cfg.LoadDefaultConfig(ctx, cfg.WithAssumeRoleCredentialOptions(func(o *creds.AssumeRoleOptions) {})) // want `config.WithAssumeRoleCredentialOptions with an option that does not set ExternalID`
	_ = AssumeRoleInput{}
}

// Alias is an alias of the SDK type: reported like it.
type Alias = stsv2.AssumeRoleInput

func alias(ctx context.Context, c *stsv2.Client) {
	c.AssumeRole(ctx, &Alias{}) // want `sts.AssumeRoleInput without ExternalId`
}
