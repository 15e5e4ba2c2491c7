package externalid

import (
	"fmt"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws/arn"

	"github.com/tenantrole/externalid/internal/awserr"
)

// ParseRoleARN parses an IAM role ARN such as
// arn:aws:iam::123456789012:role/path/Name, in any partition (aws, aws-cn,
// aws-us-gov, ...). Any other ARN gives an error wrapping [ErrInvalidRoleARN].
func ParseRoleARN(roleARN string) (arn.ARN, error) {
	a, err := arn.Parse(roleARN)
	if err != nil {
		return arn.ARN{}, fmt.Errorf("%w: %q is not an ARN; want arn:aws:iam::<account>:role/<name>", ErrInvalidRoleARN, roleARN)
	}
	switch {
	case !isPartition(a.Partition):
		return arn.ARN{}, fmt.Errorf("%w: %q has partition %q; want aws, aws-cn, aws-us-gov or another aws-* partition", ErrInvalidRoleARN, roleARN, a.Partition)
	case a.Service != "iam":
		return arn.ARN{}, fmt.Errorf("%w: %q is an ARN of service %q; want an IAM role (service iam)", ErrInvalidRoleARN, roleARN, a.Service)
	case a.Region != "":
		return arn.ARN{}, fmt.Errorf("%w: %q has a region; IAM role ARNs have none", ErrInvalidRoleARN, roleARN)
	case !awserr.IsAccountID(a.AccountID):
		return arn.ARN{}, fmt.Errorf("%w: %q has account %q; want 12 digits", ErrInvalidRoleARN, roleARN, a.AccountID)
	case !isRoleResource(a.Resource):
		return arn.ARN{}, fmt.Errorf("%w: %q names %q; want role/<path/><name> with a name of 1 to 64 characters from [A-Za-z0-9_+=,.@-]",
			ErrInvalidRoleARN, roleARN, a.Resource)
	}
	return a, nil
}

// isRoleResource reports whether resource is "role/" followed by an IAM path
// (printable ASCII, at most 512 characters) and a role name of 1 to 64
// characters from [\w+=,.@-].
func isRoleResource(resource string) bool {
	rest, ok := strings.CutPrefix(resource, "role/")
	if !ok {
		return false
	}
	path, name := "", rest
	if i := strings.LastIndexByte(rest, '/'); i >= 0 {
		path, name = rest[:i+1], rest[i+1:]
	}
	if len(path) > 511 || len(name) == 0 || len(name) > 64 || !isSessionChars(name) {
		return false
	}
	for i := 0; i < len(path); i++ {
		if path[i] < 0x21 || path[i] > 0x7e {
			return false
		}
	}
	return true
}

func isPartition(p string) bool {
	if p != "aws" && !strings.HasPrefix(p, "aws-") {
		return false
	}
	for i := 0; i < len(p); i++ {
		if c := p[i]; !('a' <= c && c <= 'z' || c == '-') {
			return false
		}
	}
	return !strings.HasSuffix(p, "-")
}
