package onboarding

import (
	"encoding/json"
	"fmt"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws/arn"

	"github.com/tenantrole/externalid"
	"github.com/tenantrole/externalid/internal/awserr"
)

// trustPolicy is an IAM policy document; the field order is AWS's.
type trustPolicy struct {
	Version   string           `json:"Version"`
	Statement []trustStatement `json:"Statement"`
}

type trustStatement struct {
	Sid       string         `json:"Sid"`
	Effect    string         `json:"Effect"`
	Principal map[string]any `json:"Principal"`
	Action    string         `json:"Action"`
	Condition map[string]any `json:"Condition"`
}

// TrustPolicySid is the Sid of the statement [TrustPolicy] renders.
const TrustPolicySid = "AllowSaaSWithExternalId"

// TrustPolicy renders the trust policy a customer attaches to the role that
// the SaaS assumes: principal may call sts:AssumeRole only when
// sts:ExternalId equals id (StringEquals). During a rotation pass both
// values: the condition then lists them, and either is accepted.
//
// principal is the SaaS principal: an IAM role or user ARN, an account root
// ARN, or a 12-digit account id. The result holds the ExternalId values: it
// is meant for the customer, not for logs.
func TrustPolicy(principal string, id externalid.ExternalID, more ...externalid.ExternalID) (string, error) {
	if err := validatePrincipal(principal); err != nil {
		return "", err
	}
	values, err := conditionValues(append([]externalid.ExternalID{id}, more...))
	if err != nil {
		return "", err
	}
	return renderPolicy(principal, values)
}

// Placeholder stands for tenantID's ExternalId id where the value must not
// appear: "<ExternalId of tenant acme, fingerprint sha256:...>". Reports'
// remedies and redacted trust policies use it.
func Placeholder(tenantID string, id externalid.ExternalID) string {
	return fmt.Sprintf("<ExternalId of tenant %s, fingerprint %s>", tenantID, id.Fingerprint())
}

// redactedTrustPolicy renders [TrustPolicy] with a [Placeholder] for each
// value.
func redactedTrustPolicy(principal, tenantID string, ids []externalid.ExternalID) (string, error) {
	if err := validatePrincipal(principal); err != nil {
		return "", err
	}
	if _, err := conditionValues(ids); err != nil {
		return "", err
	}
	var placeholders []string
	for _, id := range ids {
		if p := Placeholder(tenantID, id); !contains(placeholders, p) {
			placeholders = append(placeholders, p)
		}
	}
	return renderPolicy(principal, placeholders)
}

// renderPolicy renders the policy with the given condition values, which
// are either ExternalIds or a placeholder.
func renderPolicy(principal string, values []string) (string, error) {
	var cond any = values[0]
	if len(values) > 1 {
		cond = values
	}
	doc := trustPolicy{
		Version: "2012-10-17",
		Statement: []trustStatement{{
			Sid:       TrustPolicySid,
			Effect:    "Allow",
			Principal: map[string]any{"AWS": principal},
			Action:    "sts:AssumeRole",
			Condition: map[string]any{"StringEquals": map[string]any{"sts:ExternalId": cond}},
		}},
	}
	var b strings.Builder
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	if err := enc.Encode(doc); err != nil {
		return "", fmt.Errorf("onboarding: render the trust policy: %w", err)
	}
	return b.String(), nil
}

// conditionValues returns the distinct values of ids, refusing zero ones.
func conditionValues(ids []externalid.ExternalID) ([]string, error) {
	var values []string
	for i, id := range ids {
		if id.IsZero() {
			return nil, fmt.Errorf("%w: ExternalId %d is the zero ExternalID; resolve or generate one", ErrInvalidArgument, i+1)
		}
		if v := id.Value(); !contains(values, v) {
			values = append(values, v)
		}
	}
	return values, nil
}

func contains(list []string, s string) bool {
	for _, v := range list {
		if v == s {
			return true
		}
	}
	return false
}

// validatePrincipal accepts a 12-digit account id or an IAM ARN of an
// account root, a user or a role.
func validatePrincipal(principal string) error {
	if awserr.IsAccountID(principal) {
		return nil
	}
	a, err := arn.Parse(principal)
	if err == nil && a.Service == "iam" && a.Region == "" && awserr.IsAccountID(a.AccountID) &&
		(a.Resource == "root" || strings.HasPrefix(a.Resource, "user/") || strings.HasPrefix(a.Resource, "role/")) {
		return nil
	}
	return fmt.Errorf("%w: principal %q is not a 12-digit account id or an IAM ARN of a role, user or account root (arn:aws:iam::111122223333:role/Name)", ErrInvalidArgument, principal)
}

// PrincipalOf turns a GetCallerIdentity ARN into the principal a trust
// policy names: an assumed-role session ARN becomes its role's ARN (without
// the role's path, which a session ARN does not carry: pass the full role
// ARN yourself if the role has one); any other ARN is returned unchanged.
func PrincipalOf(callerARN string) string {
	a, err := arn.Parse(callerARN)
	if err != nil || a.Service != "sts" || !strings.HasPrefix(a.Resource, "assumed-role/") {
		return callerARN
	}
	parts := strings.Split(a.Resource, "/")
	if len(parts) < 3 {
		return callerARN
	}
	return arn.ARN{Partition: a.Partition, Service: "iam", AccountID: a.AccountID, Resource: "role/" + parts[1]}.String()
}
