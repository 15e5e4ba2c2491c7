package externalidtest

import (
	"fmt"
	"regexp"
	"strings"
	"time"
)

// DefaultMaxSessionDuration is a role's MaxSessionDuration unless
// [RoleOptions.MaxSessionDuration] says otherwise, as in IAM.
const DefaultMaxSessionDuration = time.Hour

// Role describes an IAM role in the kit. It is a snapshot: later changes to
// the role do not show in it. A Role is a plain value, safe to share.
type Role struct {
	// ARN is arn:aws:iam::ACCOUNT:role/NAME.
	ARN string
	// AccountID is the account the role lives in: the customer's.
	AccountID string
	// Name is the role's name.
	Name string
	// RoleID is the role's unique id (AROA...), the prefix of AssumedRoleId.
	RoleID string
	// TrustPolicy is the assume-role policy document, as written.
	TrustPolicy string
	// MaxSessionDuration caps AssumeRole's DurationSeconds.
	MaxSessionDuration time.Duration
}

// RoleOptions configure [Server.CreateRole]. They are read only during the
// call.
type RoleOptions struct {
	// MaxSessionDuration is the longest session AssumeRole grants, from one
	// to twelve hours. Defaults to DefaultMaxSessionDuration.
	MaxSessionDuration time.Duration
}

// role is the kit's mutable record of a Role; Server.mu guards it.
type role struct {
	Role
	policy *policy
}

var roleNamePattern = regexp.MustCompile(`^[\w+=,.@-]{1,64}$`)

// CreateRole creates a role in accountID whose trust policy is trustPolicy,
// a JSON document as customers write them. The policy is parsed now: a
// malformed document, or one using elements the kit does not model
// (NotPrincipal, NotAction), is an error, as IAM rejects
// MalformedPolicyDocument. See the package doc for what the evaluator
// supports.
func (s *Server) CreateRole(accountID, roleName, trustPolicy string, optFns ...func(*RoleOptions)) (Role, error) {
	if !accountIDPattern.MatchString(accountID) {
		return Role{}, fmt.Errorf("externalidtest: account id %q is not 12 digits", accountID)
	}
	if !roleNamePattern.MatchString(roleName) {
		return Role{}, fmt.Errorf("externalidtest: role name %q does not match [\\w+=,.@-]{1,64}", roleName)
	}
	o := RoleOptions{MaxSessionDuration: DefaultMaxSessionDuration}
	for _, fn := range optFns {
		fn(&o)
	}
	if o.MaxSessionDuration < time.Hour || o.MaxSessionDuration > 12*time.Hour {
		return Role{}, fmt.Errorf("externalidtest: MaxSessionDuration %v is outside 1h to 12h", o.MaxSessionDuration)
	}
	p, err := parsePolicy(trustPolicy)
	if err != nil {
		return Role{}, err
	}
	r := &role{
		Role: Role{
			ARN:                "arn:aws:iam::" + accountID + ":role/" + roleName,
			AccountID:          accountID,
			Name:               roleName,
			RoleID:             "AROA" + randomString(upperAlnum, 17),
			TrustPolicy:        trustPolicy,
			MaxSessionDuration: o.MaxSessionDuration,
		},
		policy: p,
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, existing := range s.roles {
		if strings.EqualFold(existing.ARN, r.ARN) {
			return Role{}, fmt.Errorf("externalidtest: role %s already exists", r.ARN)
		}
	}
	s.roles[r.ARN] = r
	return r.Role, nil
}

// UpdateAssumeRolePolicy replaces a role's trust policy, as IAM's
// UpdateAssumeRolePolicy does. Sessions already issued keep working.
func (s *Server) UpdateAssumeRolePolicy(roleARN, trustPolicy string) error {
	p, err := parsePolicy(trustPolicy)
	if err != nil {
		return err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	r, ok := s.roles[roleARN]
	if !ok {
		return fmt.Errorf("externalidtest: no role %s", roleARN)
	}
	r.TrustPolicy = trustPolicy
	r.policy = p
	return nil
}

// DeleteRole removes a role. AssumeRole on it is then denied, as AWS denies
// a role that does not exist.
func (s *Server) DeleteRole(roleARN string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if _, ok := s.roles[roleARN]; !ok {
		return fmt.Errorf("externalidtest: no role %s", roleARN)
	}
	delete(s.roles, roleARN)
	return nil
}

// Role returns a snapshot of the role with this ARN.
func (s *Server) Role(roleARN string) (Role, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	r, ok := s.roles[roleARN]
	if !ok {
		return Role{}, false
	}
	return r.Role, true
}
