// Package config is a stand-in for the AWS SDK's config package.
package config

import (
	"context"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials/stscreds"
)

// LoadOptions is a stand-in for config.LoadOptions.
type LoadOptions struct {
	AssumeRoleCredentialOptions func(*stscreds.AssumeRoleOptions)
}

// LoadOptionsFunc is a stand-in for config.LoadOptionsFunc.
type LoadOptionsFunc func(*LoadOptions) error

// WithAssumeRoleCredentialOptions is a stand-in for
// config.WithAssumeRoleCredentialOptions.
func WithAssumeRoleCredentialOptions(v func(*stscreds.AssumeRoleOptions)) LoadOptionsFunc {
	return func(o *LoadOptions) error {
		o.AssumeRoleCredentialOptions = v
		return nil
	}
}

// LoadDefaultConfig is a stand-in for config.LoadDefaultConfig.
func LoadDefaultConfig(ctx context.Context, optFns ...func(*LoadOptions) error) (aws.Config, error) {
	return aws.Config{}, nil
}
