package externalid

import (
	"context"
	"errors"
	"fmt"
	"testing"

	"github.com/aws/smithy-go"
)

func TestPoolClassifyError(t *testing.T) {
	api := func(code string) error { return &smithy.GenericAPIError{Code: code, Message: code} }
	sts := func(code string) error {
		return newAssumeRoleError("acme", "arn:aws:iam::111122223333:role/R", ExternalID{}, api(code))
	}
	secret := func(code string) error {
		return &ResolveError{TenantID: "acme", SecretID: "externalid/acme", Err: api(code)}
	}
	tests := []struct {
		name string
		err  error
		want ErrorClass
	}{
		{"nil", nil, ""},
		{"closed", ErrPoolClosed, ErrorClassClosed},
		{"STS throttling", sts("Throttling"), ErrorClassTransient},
		{"Secrets Manager throttling", secret("ThrottlingException"), ErrorClassTransient},
		{"STS 5xx", sts("InternalFailure"), ErrorClassTransient},
		{"deadline", fmt.Errorf("externalid: tenant %q: %w", "acme", context.DeadlineExceeded), ErrorClassTransient},
		{"platform token expired", sts("ExpiredToken"), ErrorClassTransient},
		{"platform token expired (exception)", sts("ExpiredTokenException"), ErrorClassTransient},
		{"platform key unknown", sts("InvalidClientTokenId"), ErrorClassTransient},
		{"platform signature", sts("SignatureDoesNotMatch"), ErrorClassTransient},
		{"platform clock", sts("RequestExpired"), ErrorClassTransient},
		{"short-lived credentials", fmt.Errorf("%w: role R", errShortLived), ErrorClassTransient},
		{"denied", sts("AccessDenied"), ErrorClassDenied},
		{"denied, secret re-read throttled", errors.Join(sts("AccessDenied"), secret("ThrottlingException")), ErrorClassDenied},
		{"not found", fmt.Errorf("%w: no secret", ErrExternalIDNotFound), ErrorClassNotFound},
		{"malformed policy", sts("MalformedPolicyDocument"), ErrorClassInvalid},
		{"invalid ExternalId", fmt.Errorf("%w: too short", ErrInvalidExternalID), ErrorClassInvalid},
		{"unsupported partition", fmt.Errorf("%w: aws-cn", ErrUnsupportedPartition), ErrorClassInvalid},
		{"unknown code", sts("SomethingNew"), ErrorClassOther},
		{"plain error", errors.New("boom"), ErrorClassOther},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := classifyError(tt.err); got != tt.want {
				t.Errorf("classifyError(%v) = %q; want %q", tt.err, got, tt.want)
			}
		})
	}
}
