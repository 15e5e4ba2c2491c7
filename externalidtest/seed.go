package externalidtest

import (
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"time"
)

// DefaultSecretPrefix is the prefix of a tenant's secret name, the same
// default as the externalid package's resolver: "externalid/" + tenantID.
const DefaultSecretPrefix = "externalid/"

// DefaultCustomerRoleName is the role [Server.SeedCustomer] creates unless
// told otherwise.
const DefaultCustomerRoleName = "SaaSIntegrationRole"

// firstCustomerAccount is the first account id SeedCustomer hands out.
const firstCustomerAccount = 444455550001

// Customer is what [Server.SeedCustomer] created. ExternalID holds the raw
// value, because tests need it; the kit itself never prints it. A Customer is
// a plain value, safe to copy and share.
type Customer struct {
	// TenantID is the SaaS's id for the customer.
	TenantID string
	// AccountID is the customer's AWS account.
	AccountID string
	// Role is the role the SaaS assumes in the customer's account.
	Role Role
	// ExternalID is the value the trust policy requires and the secret
	// holds.
	ExternalID string
	// SecretName and SecretARN name the tenant's secret in the SaaS
	// account; both are empty when CustomerOptions.SkipSecret is set.
	SecretName string
	SecretARN  string
}

// CustomerOptions configure [Server.SeedCustomer]. Each field documents its
// default. The options are read only during the call.
type CustomerOptions struct {
	// AccountID is the customer's account. Defaults to a fresh account id
	// per customer, starting at 444455550001.
	AccountID string
	// RoleName defaults to DefaultCustomerRoleName.
	RoleName string
	// ExternalID is the value to require and store. Defaults to 32 random
	// hexadecimal characters.
	ExternalID string
	// TrustedPrincipal is the principal ARN (or account id) the role
	// trusts. Defaults to the ARN of [Server.SaaS].
	TrustedPrincipal string
	// TrustPolicy replaces the whole trust policy. Defaults to
	// TrustPolicy(TrustedPrincipal, ExternalID). Use
	// TrustPolicy(principal) with no ExternalId for a role that does not
	// enforce one.
	TrustPolicy string
	// SecretPrefix is prepended to the tenant id to name the secret.
	// Defaults to DefaultSecretPrefix.
	SecretPrefix string
	// JSONKey, when set, stores the secret as a JSON object whose JSONKey
	// holds the ExternalId. Defaults to a plain string secret.
	JSONKey string
	// SkipSecret leaves the secret out: only the role is created.
	SkipSecret bool
	// MaxSessionDuration is the role's. Defaults to DefaultMaxSessionDuration.
	MaxSessionDuration time.Duration
}

// SeedCustomer onboards a customer in one call: a role in the customer's
// account whose trust policy lets the SaaS principal assume it only with
// the ExternalId, and the tenant's secret holding that ExternalId in the
// SaaS account's Secrets Manager (as version AWSCURRENT).
func (s *Server) SeedCustomer(tenantID string, optFns ...func(*CustomerOptions)) (Customer, error) {
	o := CustomerOptions{
		RoleName:           DefaultCustomerRoleName,
		TrustedPrincipal:   s.saas.ARN,
		SecretPrefix:       DefaultSecretPrefix,
		MaxSessionDuration: DefaultMaxSessionDuration,
	}
	for _, fn := range optFns {
		fn(&o)
	}
	if tenantID == "" {
		return Customer{}, fmt.Errorf("externalidtest: SeedCustomer needs a tenant id")
	}
	if o.AccountID == "" {
		s.mu.Lock()
		o.AccountID = fmt.Sprintf("%012d", firstCustomerAccount+s.accounts)
		s.accounts++
		s.mu.Unlock()
	}
	if o.ExternalID == "" {
		var b [16]byte
		if _, err := rand.Read(b[:]); err != nil {
			return Customer{}, fmt.Errorf("externalidtest: generate an ExternalId: %w", err)
		}
		o.ExternalID = hex.EncodeToString(b[:])
	}
	if o.TrustPolicy == "" {
		o.TrustPolicy = TrustPolicy(o.TrustedPrincipal, o.ExternalID)
	}
	role, err := s.CreateRole(o.AccountID, o.RoleName, o.TrustPolicy, func(ro *RoleOptions) {
		ro.MaxSessionDuration = o.MaxSessionDuration
	})
	if err != nil {
		return Customer{}, err
	}
	c := Customer{TenantID: tenantID, AccountID: o.AccountID, Role: role, ExternalID: o.ExternalID}
	if o.SkipSecret {
		return c, nil
	}
	value := o.ExternalID
	if o.JSONKey != "" {
		b, err := json.Marshal(map[string]string{o.JSONKey: o.ExternalID})
		if err != nil {
			return Customer{}, fmt.Errorf("externalidtest: encode secret: %w", err)
		}
		value = string(b)
	}
	c.SecretName = o.SecretPrefix + tenantID
	if c.SecretARN, err = s.CreateSecret(s.saas.AccountID, c.SecretName, value); err != nil {
		_ = s.DeleteRole(role.ARN) // leave nothing half-seeded
		return Customer{}, err
	}
	return c, nil
}

// CreateSecret creates a secret in accountID whose AWSCURRENT version holds
// value, without going through HTTP, and returns its ARN. It fails if the
// name is taken.
func (s *Server) CreateSecret(accountID, name, value string) (string, error) {
	if !accountIDPattern.MatchString(accountID) {
		return "", fmt.Errorf("externalidtest: account id %q is not 12 digits", accountID)
	}
	caller := &principal{Principal: Principal{ARN: "arn:aws:iam::" + accountID + ":root", AccountID: accountID}, kind: kindRoot}
	s.mu.Lock()
	defer s.mu.Unlock()
	out, apiErr := s.createSecret(caller, &smInput{Name: name, SecretString: &value})
	if apiErr != nil {
		return "", fmt.Errorf("externalidtest: create secret %s: %s", name, apiErr.message)
	}
	return out.(createSecretOutput).ARN, nil
}

// TrustPolicy renders the trust policy a customer attaches to the role:
// principal (an ARN or account id) may call sts:AssumeRole when
// sts:ExternalId equals one of externalIDs (several values let a rotation
// accept old and new). With no externalIDs the policy has no condition: a
// role that does not enforce the ExternalId.
func TrustPolicy(principal string, externalIDs ...string) string {
	st := map[string]any{
		"Effect":    "Allow",
		"Principal": map[string]any{"AWS": principal},
		"Action":    "sts:AssumeRole",
	}
	switch len(externalIDs) {
	case 0:
	case 1:
		st["Condition"] = map[string]any{"StringEquals": map[string]any{"sts:ExternalId": externalIDs[0]}}
	default:
		st["Condition"] = map[string]any{"StringEquals": map[string]any{"sts:ExternalId": externalIDs}}
	}
	b, _ := json.MarshalIndent(map[string]any{"Version": "2012-10-17", "Statement": []any{st}}, "", "  ")
	return string(b)
}
