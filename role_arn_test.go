package externalid_test

import (
	"errors"
	"strings"
	"testing"

	"github.com/tenantrole/externalid"
)

func TestParseRoleARN(t *testing.T) {
	tests := []struct {
		arn   string
		valid bool
	}{
		{"arn:aws:iam::123456789012:role/SaaSAccess", true},
		{"arn:aws:iam::123456789012:role/path/to/SaaSAccess", true},
		{"arn:aws-cn:iam::123456789012:role/SaaSAccess", true},
		{"arn:aws-us-gov:iam::123456789012:role/SaaSAccess", true},
		{"", false},
		{"SaaSAccess", false},
		{"arn:aws:iam::123456789012:user/alice", false},
		{"arn:aws:sts::123456789012:assumed-role/SaaSAccess/s", false},
		{"arn:aws:s3:::bucket", false},
		{"arn:aws:iam:us-east-1:123456789012:role/SaaSAccess", false},
		{"arn:aws:iam::12345:role/SaaSAccess", false},
		{"arn:aws:iam::123456789012:role/", false},
		{"arn:gcp:iam::123456789012:role/SaaSAccess", false},
		{"arn:AWS:iam::123456789012:role/SaaSAccess", false},
		{"arn:aws:iam::123456789012:role/*", false},
		{"arn:aws:iam::123456789012:role/a b", false},
		{"arn:aws:iam::123456789012:role/xé", false},
		{"arn:aws:iam::123456789012:role/path with space/Name", false},
		{"arn:aws:iam::123456789012:role/" + strings.Repeat("n", 65), false},
		{"arn:aws:iam::123456789012:role/" + strings.Repeat("n", 64), true},
		{"arn:aws:iam::123456789012:role/service-role/a+b=c,d.e@f-g_h", true},
	}
	for _, tt := range tests {
		t.Run(tt.arn, func(t *testing.T) {
			_, err := externalid.ParseRoleARN(tt.arn)
			if tt.valid && err != nil {
				t.Fatalf("ParseRoleARN() = %v; want nil", err)
			}
			if !tt.valid && !errors.Is(err, externalid.ErrInvalidRoleARN) {
				t.Fatalf("ParseRoleARN() = %v; want ErrInvalidRoleARN", err)
			}
		})
	}
}
