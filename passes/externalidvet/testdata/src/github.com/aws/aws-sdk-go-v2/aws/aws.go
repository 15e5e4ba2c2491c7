// Package aws is a stand-in for the AWS SDK's aws package.
package aws

// String returns a pointer to v.
func String(v string) *string { return &v }

// Config is a stand-in for aws.Config.
type Config struct{}
