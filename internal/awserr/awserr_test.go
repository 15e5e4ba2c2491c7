package awserr_test

import (
	"errors"
	"fmt"
	"net/http"
	"testing"

	awshttp "github.com/aws/aws-sdk-go-v2/aws/transport/http"
	"github.com/aws/aws-sdk-go-v2/service/sts"
	"github.com/aws/smithy-go"
	smithyhttp "github.com/aws/smithy-go/transport/http"

	"github.com/tenantrole/externalid/internal/awserr"
)

func TestCodeAndRequestID(t *testing.T) {
	err := fmt.Errorf("wrapped: %w", &awshttp.ResponseError{
		ResponseError: &smithyhttp.ResponseError{
			Response: &smithyhttp.Response{Response: &http.Response{StatusCode: 403}},
			Err:      &smithy.GenericAPIError{Code: "AccessDenied"},
		},
		RequestID: "req-1",
	})
	if got := awserr.Code(err); got != "AccessDenied" {
		t.Errorf("Code() = %q; want AccessDenied", got)
	}
	if got := awserr.RequestID(err); got != "req-1" {
		t.Errorf("RequestID() = %q; want req-1", got)
	}
	plain := errors.New("plain")
	if awserr.Code(plain) != "" || awserr.RequestID(plain) != "" {
		t.Errorf("Code, RequestID of a plain error = %q, %q; want empty", awserr.Code(plain), awserr.RequestID(plain))
	}
}

func TestIsAccountID(t *testing.T) {
	for s, want := range map[string]bool{"111122223333": true, "11112222333": false, "1111222233334": false, "11112222333a": false, "": false} {
		if got := awserr.IsAccountID(s); got != want {
			t.Errorf("IsAccountID(%q) = %v; want %v", s, got, want)
		}
	}
}

func TestIsNil(t *testing.T) {
	var client *sts.Client
	var fn func()
	var m map[string]int
	tests := []struct {
		name string
		v    any
		want bool
	}{
		{"nil", nil, true},
		{"typed nil pointer", client, true},
		{"nil func", fn, true},
		{"nil map", m, true},
		{"pointer", &sts.Client{}, false},
		{"struct value", struct{}{}, false},
		{"string", "", false},
	}
	for _, tt := range tests {
		if got := awserr.IsNil(tt.v); got != tt.want {
			t.Errorf("%s: IsNil() = %v; want %v", tt.name, got, tt.want)
		}
	}
}
