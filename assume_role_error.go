package externalid

import (
	"errors"
	"fmt"
	"net/url"
	"strings"

	"github.com/aws/smithy-go"

	"github.com/tenantrole/externalid/internal/awserr"
)

// AssumeRoleError reports a failed STS AssumeRole call. It never holds the
// ExternalId value; Fingerprint identifies the value that was sent.
//
// When STS denied the call, errors.Is(err, [ErrAccessDenied]) is true and the
// message lists the likely causes, most likely first. Err is the SDK's error,
// for errors.As with [smithy.APIError]. An AssumeRoleError is not modified
// after it is returned and is safe for concurrent reads.
type AssumeRoleError struct {
	TenantID    string
	RoleARN     string
	RequestID   string // STS request id, for AWS support; "" if none
	Fingerprint string // of the ExternalId sent
	Err         error
}

// Error names the role, the tenant and the request id, and for a denial
// lists the likely causes.
func (e *AssumeRoleError) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "externalid: AssumeRole %s for tenant %q", e.RoleARN, e.TenantID)
	if e.denied() {
		b.WriteString(" was denied")
	} else {
		b.WriteString(" failed")
	}
	if e.RequestID != "" {
		fmt.Fprintf(&b, " (request id %s)", e.RequestID)
	}
	fmt.Fprintf(&b, ": %v", e.Err)
	if e.denied() {
		fmt.Fprintf(&b, "; likely causes, most likely first: "+
			"(1) the role's trust policy requires an sts:ExternalId that differs from the one sent "+
			"(fingerprint %s): ask the customer to compare it with the value in their trust policy; "+
			"(2) this service's principal is not allowed by the role's trust policy; "+
			"(3) the role does not exist, or is in another account", e.Fingerprint)
	}
	return b.String()
}

// Unwrap returns the SDK's error.
func (e *AssumeRoleError) Unwrap() error { return e.Err }

// Is reports whether target is [ErrAccessDenied] and STS denied the call.
func (e *AssumeRoleError) Is(target error) bool {
	return target == ErrAccessDenied && e.denied()
}

func (e *AssumeRoleError) denied() bool {
	return apiErrorCode(e.Err) == "AccessDenied"
}

func newAssumeRoleError(tenantID, roleARN string, id ExternalID, err error) *AssumeRoleError {
	return &AssumeRoleError{
		TenantID:    tenantID,
		RoleARN:     roleARN,
		RequestID:   awserr.RequestID(err),
		Fingerprint: id.Fingerprint(),
		Err:         redact(err, id),
	}
}

// redact returns err, or, if its message holds the ExternalId (as a
// ValidationError that echoes parameters would), an error with the same AWS
// error code whose message has the value replaced.
func redact(err error, id ExternalID) error {
	v := id.Value()
	msg := err.Error()
	if v == "" || !strings.Contains(msg, v) && !strings.Contains(msg, url.QueryEscape(v)) {
		return err
	}
	code, fault := "", smithy.FaultUnknown
	var apiErr smithy.APIError
	if errors.As(err, &apiErr) {
		code, fault = apiErr.ErrorCode(), apiErr.ErrorFault()
	}
	return &smithy.GenericAPIError{
		Code:    code,
		Message: strings.NewReplacer(v, id.String(), url.QueryEscape(v), id.String()).Replace(msg),
		Fault:   fault,
	}
}
