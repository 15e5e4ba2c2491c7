// Package sts is a stand-in for the AWS SDK's sts package.
package sts

import "context"

// Client is a stand-in for sts.Client.
type Client struct{}

// Options is a stand-in for sts.Options.
type Options struct{}

// AssumeRoleInput is a stand-in for sts.AssumeRoleInput.
type AssumeRoleInput struct {
	RoleArn         *string
	RoleSessionName *string
	DurationSeconds *int32
	ExternalId      *string
	Policy          *string
}

// AssumeRoleOutput is a stand-in for sts.AssumeRoleOutput.
type AssumeRoleOutput struct{}

// AssumeRole is a stand-in for (*sts.Client).AssumeRole.
func (c *Client) AssumeRole(ctx context.Context, params *AssumeRoleInput, optFns ...func(*Options)) (*AssumeRoleOutput, error) {
	return &AssumeRoleOutput{}, nil
}

// PresignClient is a stand-in for sts.PresignClient.
type PresignClient struct{}

// PresignAssumeRole is a stand-in for (*sts.PresignClient).PresignAssumeRole.
func (c *PresignClient) PresignAssumeRole(ctx context.Context, params *AssumeRoleInput, optFns ...func(*Options)) (string, error) {
	return "", nil
}
