package onboarding

import (
	"encoding/json"
	"fmt"
	"strings"
	"text/template"
)

// Defaults of [TemplateOptions].
const (
	// DefaultRoleName is the name of the role the template creates.
	DefaultRoleName = "SaaSIntegrationRole"
	// DefaultMaxSessionDuration is the role's MaxSessionDuration, in seconds.
	DefaultMaxSessionDuration = 3600
)

// TemplateOptions configures [CloudFormationTemplate]. Each field sets the
// Default of a template parameter; the customer can change it in the
// console.
type TemplateOptions struct {
	// SaaSPrincipal is the default of the SaaSPrincipal parameter: the
	// SaaS account id or principal ARN the role trusts. Defaults to none:
	// the customer must fill it in (a quick-create link can).
	SaaSPrincipal string

	// ManagedPolicyARNs is the default of the ManagedPolicyArns parameter:
	// the managed policies attached to the role. Defaults to none.
	ManagedPolicyARNs []string

	// RoleName is the default of the RoleName parameter. Defaults to
	// [DefaultRoleName].
	RoleName string

	// Description is the template's description. Defaults to a sentence
	// about the role.
	Description string
}

// CloudFormationTemplate renders a CloudFormation template (YAML) that
// creates the customer's role. Its parameters are ExternalId, SaaSPrincipal
// (the SaaS account id or principal ARN), ManagedPolicyArns (a comma
// separated list, may be empty), RoleName and MaxSessionDuration; its output
// RoleArn is what the customer sends back to the SaaS.
//
// The template holds no ExternalId: one template serves every customer,
// and each customer's value is passed as the ExternalId parameter, for
// example by a [QuickCreateURL].
func CloudFormationTemplate(optFns ...func(*TemplateOptions)) (string, error) {
	var opts TemplateOptions
	for _, fn := range optFns {
		fn(&opts)
	}
	if opts.RoleName == "" {
		opts.RoleName = DefaultRoleName
	}
	if opts.Description == "" {
		opts.Description = "IAM role that the SaaS assumes in this account, only with this account's sts:ExternalId."
	}
	if opts.SaaSPrincipal != "" {
		if err := validatePrincipal(opts.SaaSPrincipal); err != nil {
			return "", err
		}
	}
	for i, a := range opts.ManagedPolicyARNs {
		if !strings.HasPrefix(a, "arn:") || strings.Contains(a, ",") {
			return "", fmt.Errorf("%w: TemplateOptions.ManagedPolicyARNs[%d] %q is not a policy ARN", ErrInvalidArgument, i, a)
		}
	}
	var b strings.Builder
	err := cfnTemplate.Execute(&b, map[string]string{
		"Description":       opts.Description,
		"SaaSPrincipal":     opts.SaaSPrincipal,
		"ManagedPolicyArns": strings.Join(opts.ManagedPolicyARNs, ","),
		"RoleName":          opts.RoleName,
	})
	if err != nil {
		return "", fmt.Errorf("onboarding: render the CloudFormation template: %w", err)
	}
	return b.String(), nil
}

// yamlString quotes s as a YAML double-quoted scalar (JSON strings are
// valid YAML).
func yamlString(s string) string {
	b, _ := json.Marshal(s)
	return string(b)
}

var cfnTemplate = template.Must(template.New("cfn").Funcs(template.FuncMap{"q": yamlString}).Parse(`AWSTemplateFormatVersion: "2010-09-09"
Description: {{q .Description}}

Parameters:
  ExternalId:
    Type: String
    Description: The sts:ExternalId the SaaS issued to you. The role can be assumed only with it.
    MinLength: 2
    MaxLength: 1224
    AllowedPattern: "[\\w+=,.@:/-]+"
  SaaSPrincipal:
    Type: String
    Description: The SaaS account id (12 digits) or the ARN of the SaaS principal that may assume the role.
    Default: {{q .SaaSPrincipal}}
    AllowedPattern: "^([0-9]{12}|arn:aws[a-z-]*:iam::[0-9]{12}:(root|user/.+|role/.+))$"
  ManagedPolicyArns:
    Type: CommaDelimitedList
    Description: Managed policies to attach to the role, comma separated; may be empty.
    Default: {{q .ManagedPolicyArns}}
  RoleName:
    Type: String
    Description: The name of the role.
    Default: {{q .RoleName}}
  MaxSessionDuration:
    Type: Number
    Description: The longest session the SaaS may request, in seconds (3600 to 43200).
    Default: 3600
    MinValue: 3600
    MaxValue: 43200

Conditions:
  HasManagedPolicies: !Not [!Equals [!Join ["", !Ref ManagedPolicyArns], ""]]

Resources:
  Role:
    Type: AWS::IAM::Role
    Properties:
      RoleName: !Ref RoleName
      MaxSessionDuration: !Ref MaxSessionDuration
      AssumeRolePolicyDocument:
        Version: "2012-10-17"
        Statement:
          - Sid: AllowSaaSWithExternalId
            Effect: Allow
            Principal:
              AWS: !Ref SaaSPrincipal
            Action: sts:AssumeRole
            Condition:
              StringEquals:
                sts:ExternalId: !Ref ExternalId
      ManagedPolicyArns: !If [HasManagedPolicies, !Ref ManagedPolicyArns, !Ref AWS::NoValue]

Outputs:
  RoleArn:
    Description: Send this ARN to the SaaS.
    Value: !GetAtt Role.Arn
`))
