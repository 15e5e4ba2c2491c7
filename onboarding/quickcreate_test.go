package onboarding_test

import (
	"errors"
	"net/url"
	"strings"
	"testing"

	"github.com/tenantrole/externalid"
	"github.com/tenantrole/externalid/onboarding"
)

func TestQuickCreateURL(t *testing.T) {
	id, _ := externalid.New("a+b=c,d.e@f:g/h-i_j")
	templateURL := "https://bucket.s3.eu-west-1.amazonaws.com/path/role template.yaml?versionId=a&b=c"
	link, err := onboarding.QuickCreateURL("eu-west-1", templateURL, "SaaS-Role", id, func(o *onboarding.QuickCreateOptions) {
		o.Parameters = map[string]string{"RoleName": "My Role", "ManagedPolicyArns": "arn:aws:iam::aws:policy/A,arn:aws:iam::aws:policy/B"}
	})
	if err != nil {
		t.Fatalf("QuickCreateURL() error = %v", err)
	}
	prefix := "https://console.aws.amazon.com/cloudformation/home?region=eu-west-1#/stacks/quickcreate?"
	if !strings.HasPrefix(link, prefix) {
		t.Fatalf("QuickCreateURL() = %s; want prefix %s", link, prefix)
	}
	if strings.Contains(link[len(prefix):], "+") || strings.Contains(link[len(prefix):], " ") {
		t.Errorf("QuickCreateURL() = %s; want spaces as %%20 and + as %%2B", link)
	}
	// The fragment's query decodes back to the inputs.
	u, err := url.Parse(link)
	if err != nil {
		t.Fatal(err)
	}
	q, err := url.ParseQuery(strings.TrimPrefix(u.EscapedFragment(), "/stacks/quickcreate?"))
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]string{
		"templateURL":             templateURL,
		"stackName":               "SaaS-Role",
		"param_ExternalId":        id.Value(),
		"param_RoleName":          "My Role",
		"param_ManagedPolicyArns": "arn:aws:iam::aws:policy/A,arn:aws:iam::aws:policy/B",
	}
	for k, v := range want {
		if got := q.Get(k); got != v {
			t.Errorf("%s = %q; want %q", k, got, v)
		}
	}
	if len(q) != len(want) {
		t.Errorf("parameters = %v; want exactly %v", q, want)
	}
}

func TestQuickCreateURLInvalid(t *testing.T) {
	id, _ := externalid.New("valid-id-0001")
	tests := []struct {
		name, region, template, stack string
		id                            externalid.ExternalID
		params                        map[string]string
	}{
		{name: "region", region: "Europe", template: "https://b.s3.amazonaws.com/t.yaml", stack: "S", id: id},
		{name: "http template", region: "us-east-1", template: "http://b.s3.amazonaws.com/t.yaml", stack: "S", id: id},
		{name: "relative template", region: "us-east-1", template: "t.yaml", stack: "S", id: id},
		{name: "stack name", region: "us-east-1", template: "https://b.s3.amazonaws.com/t.yaml", stack: "1stack", id: id},
		{name: "zero ExternalID", region: "us-east-1", template: "https://b.s3.amazonaws.com/t.yaml", stack: "S"},
		{name: "ExternalId parameter", region: "us-east-1", template: "https://b.s3.amazonaws.com/t.yaml", stack: "S", id: id, params: map[string]string{"ExternalId": "x"}},
		{name: "parameter name", region: "us-east-1", template: "https://b.s3.amazonaws.com/t.yaml", stack: "S", id: id, params: map[string]string{"a&b": "x"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := onboarding.QuickCreateURL(tt.region, tt.template, tt.stack, tt.id, func(o *onboarding.QuickCreateOptions) { o.Parameters = tt.params })
			if !errors.Is(err, onboarding.ErrInvalidArgument) {
				t.Fatalf("QuickCreateURL() error = %v; want ErrInvalidArgument", err)
			}
		})
	}
}
