// Package awserr holds the small checks on AWS SDK errors and arguments
// that the externalid packages share.
package awserr

import (
	"errors"
	"reflect"

	"github.com/aws/smithy-go"
)

// Code returns the AWS error code in err's chain, or "".
func Code(err error) string {
	var apiErr smithy.APIError
	if errors.As(err, &apiErr) {
		return apiErr.ErrorCode()
	}
	return ""
}

// requestIDError is implemented by the SDK's response errors.
type requestIDError interface {
	ServiceRequestID() string
}

// RequestID returns the AWS request id in err's chain, or "".
func RequestID(err error) string {
	var rid requestIDError
	if errors.As(err, &rid) {
		return rid.ServiceRequestID()
	}
	return ""
}

// IsAccountID reports whether s is an AWS account id: 12 digits.
func IsAccountID(s string) bool {
	if len(s) != 12 {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

// IsNil reports whether v is nil, or a nil pointer, func, map, chan or
// slice held in an interface, which passes a plain nil check and panics on
// first use.
func IsNil(v any) bool {
	if v == nil {
		return true
	}
	switch rv := reflect.ValueOf(v); rv.Kind() {
	case reflect.Pointer, reflect.Func, reflect.Map, reflect.Chan, reflect.Interface, reflect.Slice:
		return rv.IsNil()
	}
	return false
}
