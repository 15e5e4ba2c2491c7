// Package stscreds is a stand-in for the AWS SDK's stscreds package.
package stscreds

import (
	"context"
	"time"

	"github.com/aws/aws-sdk-go-v2/service/sts"
)

// AssumeRoleAPIClient is a stand-in for stscreds.AssumeRoleAPIClient.
type AssumeRoleAPIClient interface {
	AssumeRole(ctx context.Context, params *sts.AssumeRoleInput, optFns ...func(*sts.Options)) (*sts.AssumeRoleOutput, error)
}

// AssumeRoleOptions is a stand-in for stscreds.AssumeRoleOptions.
type AssumeRoleOptions struct {
	Client          AssumeRoleAPIClient
	RoleARN         string
	RoleSessionName string
	Duration        time.Duration
	ExternalID      *string
}

// AssumeRoleProvider is a stand-in for stscreds.AssumeRoleProvider.
type AssumeRoleProvider struct{ options AssumeRoleOptions }

// NewAssumeRoleProvider is a stand-in for stscreds.NewAssumeRoleProvider.
func NewAssumeRoleProvider(client AssumeRoleAPIClient, roleARN string, optFns ...func(*AssumeRoleOptions)) *AssumeRoleProvider {
	o := AssumeRoleOptions{Client: client, RoleARN: roleARN}
	for _, fn := range optFns {
		fn(&o)
	}
	return &AssumeRoleProvider{options: o}
}
