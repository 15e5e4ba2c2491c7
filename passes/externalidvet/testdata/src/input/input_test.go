package input

import (
	"context"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/sts"
)

// Constants in test files are fixtures: not reported. Missing external
// IDs are.
func TestFixtures(t *testing.T) {
	ctx, c := context.Background(), &sts.Client{}
	c.AssumeRole(ctx, &sts.AssumeRoleInput{ExternalId: aws.String("fixture-id")})
	c.AssumeRole(ctx, &sts.AssumeRoleInput{ExternalId: aws.String("x")})
	c.AssumeRole(ctx, &sts.AssumeRoleInput{}) // want `externalidvet\(missing\)`
}
