package onboarding_test

import (
	"errors"
	"strings"
	"testing"

	"github.com/tenantrole/externalid/onboarding"
)

func TestCloudFormationTemplate(t *testing.T) {
	got, err := onboarding.CloudFormationTemplate(func(o *onboarding.TemplateOptions) {
		o.SaaSPrincipal = "111122223333"
		o.ManagedPolicyARNs = []string{"arn:aws:iam::aws:policy/ReadOnlyAccess", "arn:aws:iam::aws:policy/SecurityAudit"}
		o.RoleName = "AcmeSaaS"
	})
	if err != nil {
		t.Fatalf("CloudFormationTemplate() error = %v", err)
	}
	for _, want := range []string{
		"  ExternalId:\n    Type: String",
		"  SaaSPrincipal:\n",
		`Default: "111122223333"`,
		`Default: "arn:aws:iam::aws:policy/ReadOnlyAccess,arn:aws:iam::aws:policy/SecurityAudit"`,
		`Default: "AcmeSaaS"`,
		"sts:ExternalId: !Ref ExternalId",
		"AWS: !Ref SaaSPrincipal",
		"Type: AWS::IAM::Role",
		"Value: !GetAtt Role.Arn",
	} {
		if !strings.Contains(got, want) {
			t.Errorf("CloudFormationTemplate() lacks %q:\n%s", want, got)
		}
	}
	if strings.Contains(got, "\t") {
		t.Errorf("CloudFormationTemplate() has a tab, which YAML forbids in indentation")
	}
}

func TestCloudFormationTemplateDefaults(t *testing.T) {
	got, err := onboarding.CloudFormationTemplate()
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(got, `Default: "`+onboarding.DefaultRoleName+`"`) || !strings.Contains(got, "ManagedPolicyArns: !If [HasManagedPolicies") {
		t.Errorf("CloudFormationTemplate() without options:\n%s", got)
	}
}

func TestCloudFormationTemplateInvalid(t *testing.T) {
	tests := map[string]func(*onboarding.TemplateOptions){
		"principal":  func(o *onboarding.TemplateOptions) { o.SaaSPrincipal = "not-an-arn" },
		"policy ARN": func(o *onboarding.TemplateOptions) { o.ManagedPolicyARNs = []string{"ReadOnlyAccess"} },
		"comma":      func(o *onboarding.TemplateOptions) { o.ManagedPolicyARNs = []string{"arn:aws:iam::aws:policy/A,B"} },
	}
	for name, fn := range tests {
		t.Run(name, func(t *testing.T) {
			if _, err := onboarding.CloudFormationTemplate(fn); !errors.Is(err, onboarding.ErrInvalidArgument) {
				t.Fatalf("CloudFormationTemplate() error = %v; want ErrInvalidArgument", err)
			}
		})
	}
}
