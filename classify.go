package externalid

import (
	"context"
	"errors"
	"net"

	smithyhttp "github.com/aws/smithy-go/transport/http"

	"github.com/tenantrole/externalid/internal/awserr"
)

// apiErrorCode returns the AWS error code in err's chain, or "".
func apiErrorCode(err error) string { return awserr.Code(err) }

// transientCodes are AWS error codes that say "try again later".
var transientCodes = map[string]bool{
	"Throttling":                             true,
	"ThrottlingException":                    true,
	"ThrottledException":                     true,
	"RequestThrottledException":              true,
	"TooManyRequestsException":               true,
	"RequestLimitExceeded":                   true,
	"ProvisionedThroughputExceededException": true,
	"InternalFailure":                        true,
	"InternalServiceError":                   true,
	"InternalError":                          true,
	"ServiceUnavailable":                     true,
	"ServiceUnavailableException":            true,
	"RequestTimeout":                         true,
	"RequestTimeoutException":                true,
	"IDPCommunicationError":                  true,
}

// isTransient reports whether err is throttling, a server-side (5xx) failure,
// a network failure or a timeout: a failure that says nothing about the
// secret or the role, and may pass.
func isTransient(err error) bool {
	if err == nil {
		return false
	}
	if transientCodes[apiErrorCode(err)] {
		return true
	}
	var respErr *smithyhttp.ResponseError
	if errors.As(err, &respErr) && (respErr.HTTPStatusCode() >= 500 || respErr.HTTPStatusCode() == 429) {
		return true
	}
	var sendErr *smithyhttp.RequestSendError
	if errors.As(err, &sendErr) {
		return true
	}
	var netErr net.Error
	if errors.As(err, &netErr) {
		return true
	}
	return errors.Is(err, context.DeadlineExceeded)
}
