// Package dotimport tests dot-imports.
package dotimport

import (
	"context"

	. "github.com/aws/aws-sdk-go-v2/aws"
	. "github.com/aws/aws-sdk-go-v2/config"
	. "github.com/aws/aws-sdk-go-v2/credentials/stscreds"
	. "github.com/aws/aws-sdk-go-v2/service/sts"
)

func assume(ctx context.Context, c *Client, arn, id string) {
	c.AssumeRole(ctx, &AssumeRoleInput{RoleArn: &arn})                  // want `externalidvet\(missing\): sts.AssumeRoleInput without ExternalId`
	c.AssumeRole(ctx, &AssumeRoleInput{ExternalId: String("fixed-id")}) // want `externalidvet\(hardcoded\)`
	c.AssumeRole(ctx, &AssumeRoleInput{ExternalId: String(id)})
	NewAssumeRoleProvider(c, arn) // want `stscreds.NewAssumeRoleProvider without an option that sets ExternalID`
	NewAssumeRoleProvider(c, arn, func(o *AssumeRoleOptions) { o.ExternalID = &id })
	LoadDefaultConfig(ctx, WithAssumeRoleCredentialOptions(func(o *AssumeRoleOptions) {})) // want `config.WithAssumeRoleCredentialOptions with an option that does not set ExternalID`
}
