// Package input tests sts.AssumeRoleInput literals.
package input

import (
	"context"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials/stscreds"
	"github.com/aws/aws-sdk-go-v2/service/sts"
)

const tenantID = "tenant-7f3a9c"

func missing(ctx context.Context, c *sts.Client, arn string) {
	c.AssumeRole(ctx, &sts.AssumeRoleInput{RoleArn: &arn})              // want `externalidvet\(missing\): sts.AssumeRoleInput without ExternalId: AssumeRole will be denied by a trust policy that requires sts:ExternalId; use externalid.NewProvider or set ExternalId from a resolver`
	c.AssumeRole(ctx, &sts.AssumeRoleInput{})                           // want `externalidvet\(missing\): sts.AssumeRoleInput without ExternalId`
	c.AssumeRole(ctx, (&sts.AssumeRoleInput{}))                         // want `without ExternalId`
	c.AssumeRole(ctx, &sts.AssumeRoleInput{ExternalId: nil})            // want `externalidvet\(missing\): sts.AssumeRoleInput with a nil ExternalId`
	c.AssumeRole(ctx, &sts.AssumeRoleInput{ExternalId: aws.String("")}) // want `externalidvet\(missing\): sts.AssumeRoleInput with an empty ExternalId`
	c.AssumeRole(ctx, &sts.AssumeRoleInput{ExternalId: new("")})        // want `with an empty ExternalId`
	var p sts.PresignClient
	p.PresignAssumeRole(ctx, &sts.AssumeRoleInput{RoleArn: &arn}) // want `without ExternalId`
}

func resolved(ctx context.Context, c *sts.Client, arn, id string) {
	c.AssumeRole(ctx, &sts.AssumeRoleInput{RoleArn: &arn, ExternalId: &id})
	c.AssumeRole(ctx, &sts.AssumeRoleInput{RoleArn: &arn, ExternalId: aws.String(id)})
	c.AssumeRole(ctx, &sts.AssumeRoleInput{ExternalId: lookup(id)})
}

func lookup(tenant string) *string { return &tenant }

func constants(ctx context.Context, c *sts.Client) {
	c.AssumeRole(ctx, &sts.AssumeRoleInput{ExternalId: aws.String("b7c1e2d4-9f0a")}) // want `externalidvet\(hardcoded\): sts.AssumeRoleInput.ExternalId is a hard-coded constant`
	c.AssumeRole(ctx, &sts.AssumeRoleInput{ExternalId: aws.String(tenantID)})        // want `externalidvet\(hardcoded\)`
	c.AssumeRole(ctx, &sts.AssumeRoleInput{ExternalId: new("b7c1e2d4" + "-9f0a")})   // want `externalidvet\(hardcoded\)`
	c.AssumeRole(ctx, &sts.AssumeRoleInput{ExternalId: aws.String("x")})             // want `externalidvet\(invalid\): sts.AssumeRoleInput.ExternalId constant is 1 character long: STS allows 2 to 1224 characters of \[\\w\+=,\.@:/-\] and AssumeRole will fail with a ValidationError`
	c.AssumeRole(ctx, &sts.AssumeRoleInput{ExternalId: aws.String("tenant 7")})      // want `externalidvet\(invalid\): .* constant has a character STS does not allow: STS allows 2 to 1224 characters`
	c.AssumeRole(ctx, &sts.AssumeRoleInput{ExternalId: aws.String(string(long[:]))})
	in := &sts.AssumeRoleInput{}
	in.ExternalId = aws.String("fixed-id") // want `externalidvet\(hardcoded\)`
	in.ExternalId = aws.String("ü-id")     // want `externalidvet\(invalid\)`
	c.AssumeRole(ctx, in)
}

var long [1300]byte

func tooLong(ctx context.Context, c *sts.Client) {
	c.AssumeRole(ctx, &sts.AssumeRoleInput{ExternalId: aws.String(longID)}) // want `constant is 1225 characters long`
}

const longID = "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"

// Variables filled in later are not reported.
func filledLater(ctx context.Context, c *sts.Client, arn, id string) {
	in := &sts.AssumeRoleInput{RoleArn: &arn}
	in.ExternalId = aws.String(id)
	c.AssumeRole(ctx, in)

	var v = sts.AssumeRoleInput{RoleArn: &arn}
	if id != "" {
		v.ExternalId = &id
	}
	c.AssumeRole(ctx, &v)

	w := sts.AssumeRoleInput{}
	setExternalID(&w, id) // escapes into a function: unknown
	c.AssumeRole(ctx, &w)

	x := &sts.AssumeRoleInput{}
	y := x
	y.ExternalId = &id // filled in through a copy of the pointer
	c.AssumeRole(ctx, x)

	z := &sts.AssumeRoleInput{}
	go func() {
		z.ExternalId = &id // filled in by a closure
	}()
	c.AssumeRole(ctx, z)
}

// Variables never filled in are reported.
func neverFilled(ctx context.Context, c *sts.Client, arn string) {
	in := &sts.AssumeRoleInput{RoleArn: &arn} // want `without ExternalId`
	in.RoleSessionName = aws.String("s")
	c.AssumeRole(ctx, in)

	var v = sts.AssumeRoleInput{RoleArn: &arn} // want `without ExternalId`
	c.AssumeRole(ctx, &v)

	var w *sts.AssumeRoleInput
	w = &sts.AssumeRoleInput{} // want `without ExternalId`
	if _, err := c.AssumeRole(ctx, w); err != nil {
		return
	}

	x := &sts.AssumeRoleInput{RoleArn: &arn} // want `without ExternalId`
	y := x
	c.AssumeRole(ctx, y)
}

func setExternalID(in *sts.AssumeRoleInput, id string) { in.ExternalId = &id }

// Literals that leave the function may be filled in elsewhere.
func build(arn string) *sts.AssumeRoleInput {
	return &sts.AssumeRoleInput{RoleArn: &arn}
}

func builder(arn string) sts.AssumeRoleInput {
	in := sts.AssumeRoleInput{RoleArn: &arn}
	return in
}

var pkgInput = &sts.AssumeRoleInput{}

type holder struct{ in *sts.AssumeRoleInput }

func elsewhere(ctx context.Context, c *sts.Client, h *holder, id string) {
	h.in = &sts.AssumeRoleInput{}
	ins := []*sts.AssumeRoleInput{{}, {RoleArn: &id}}
	send(ctx, c, &sts.AssumeRoleInput{}) // a helper may fill it in: unknown
	_ = ins
	c.AssumeRole(ctx, &sts.AssumeRoleInput{nil, nil, nil, nil, nil}) // positional: unknown
}

func send(ctx context.Context, c *sts.Client, in *sts.AssumeRoleInput) {
	c.AssumeRole(ctx, in)
}

// Per-call options may add a middleware that sets the ExternalId: unknown.
func perCallOptions(ctx context.Context, c *sts.Client, optFns []func(*sts.Options)) {
	c.AssumeRole(ctx, &sts.AssumeRoleInput{}, func(o *sts.Options) {})
	c.AssumeRole(ctx, &sts.AssumeRoleInput{}, optFns...)
	in := &sts.AssumeRoleInput{}
	c.AssumeRole(ctx, in, optFns...)
}

// roleAssumer is an interface of the caller's own, like stscreds.AssumeRoleAPIClient.
type roleAssumer interface {
	AssumeRole(ctx context.Context, in *sts.AssumeRoleInput, optFns ...func(*sts.Options)) (*sts.AssumeRoleOutput, error)
}

// An interface's AssumeRole sends the input as it is: its implementations
// are *sts.Client and fakes.
func viaInterface(ctx context.Context, api stscreds.AssumeRoleAPIClient, own roleAssumer, arn, id string) {
	api.AssumeRole(ctx, &sts.AssumeRoleInput{RoleArn: &arn}) // want `without ExternalId`
	in := &sts.AssumeRoleInput{RoleArn: &arn}                // want `without ExternalId`
	own.AssumeRole(ctx, in)
	api.AssumeRole(ctx, &sts.AssumeRoleInput{RoleArn: &arn, ExternalId: &id})
}
