// Package suppress tests //externalid:ignore comments.
package suppress

import (
	"context"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials/stscreds"
	"github.com/aws/aws-sdk-go-v2/service/sts"
)

func suppressed(ctx context.Context, c *sts.Client, arn string) {
	c.AssumeRole(ctx, &sts.AssumeRoleInput{RoleArn: &arn}) //externalid:ignore the quickstart shows the raw SDK call

	//externalid:ignore a trust policy without sts:ExternalId, owned by us
	stscreds.NewAssumeRoleProvider(c, arn)

	//externalid:ignore	test fixture
	c.AssumeRole(ctx, &sts.AssumeRoleInput{ExternalId: aws.String("fixture-id")})
}

func unsuppressed(ctx context.Context, c *sts.Client, arn string) {
	c.AssumeRole(ctx, &sts.AssumeRoleInput{RoleArn: &arn}) //externalid:ignore // want `externalidvet\(suppression\): //externalid:ignore needs a reason` `externalidvet\(missing\)`

	//externalid:ignore // want `externalidvet\(suppression\)`
	stscreds.NewAssumeRoleProvider(c, arn) // want `externalidvet\(missing\)`

	//externalid:ignore two lines above does not count

	stscreds.NewAssumeRoleProvider(c, arn) // want `externalidvet\(missing\)`

	// externalid:ignore is not a directive with a space after the slashes
	stscreds.NewAssumeRoleProvider(c, arn) // want `externalidvet\(missing\)`

	//externalid:ignored is not the directive
	stscreds.NewAssumeRoleProvider(c, arn) // want `externalidvet\(missing\)`
}
