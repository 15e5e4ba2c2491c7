package externalidtest

import (
	"context"
	"fmt"
	"regexp"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
)

// Principal is an identity the kit knows, with the static credentials that
// sign its requests. A Principal is an [aws.CredentialsProvider], so it can
// go straight into [Server.Config].
//
// A Principal is an immutable value, safe for concurrent use.
type Principal struct {
	// ARN is the principal's ARN: arn:aws:iam::ACCOUNT:user/NAME,
	// arn:aws:iam::ACCOUNT:root or arn:aws:sts::ACCOUNT:assumed-role/ROLE/SESSION.
	ARN string
	// AccountID is the 12-digit account the principal belongs to.
	AccountID string
	// AccessKeyID, SecretAccessKey and SessionToken sign requests. They are
	// fake and only mean something to the kit that issued them.
	AccessKeyID     string
	SecretAccessKey string
	SessionToken    string
	// Expires is when a role session's credentials stop working; zero for
	// users and roots.
	Expires time.Time
}

// Retrieve returns the principal's credentials; it implements
// [aws.CredentialsProvider].
func (p Principal) Retrieve(context.Context) (aws.Credentials, error) {
	return aws.Credentials{
		AccessKeyID:     p.AccessKeyID,
		SecretAccessKey: p.SecretAccessKey,
		SessionToken:    p.SessionToken,
		Source:          "externalidtest",
		CanExpire:       !p.Expires.IsZero(),
		Expires:         p.Expires,
		AccountID:       p.AccountID,
	}, nil
}

var _ aws.CredentialsProvider = Principal{}

// principalKind tells users, roots and role sessions apart.
type principalKind int

const (
	kindUser principalKind = iota
	kindRoot
	kindSession
)

// principal is the kit's record of a Principal.
type principal struct {
	Principal
	kind   principalKind
	userID string // GetCallerIdentity's UserId
	role   *role  // the assumed role, for sessions
}

// cloudTrailType is the userIdentity.type CloudTrail shows.
func (p *principal) cloudTrailType() string {
	switch p.kind {
	case kindRoot:
		return "Root"
	case kindSession:
		return "AssumedRole"
	default:
		return "IAMUser"
	}
}

var userNamePattern = regexp.MustCompile(`^[\w+=,.@-]{1,64}$`)

// CreateUser adds an IAM user with an access key to an account (accounts
// spring into existence on first use) and returns its principal.
func (s *Server) CreateUser(accountID, userName string) (Principal, error) {
	if !accountIDPattern.MatchString(accountID) {
		return Principal{}, fmt.Errorf("externalidtest: account id %q is not 12 digits", accountID)
	}
	if !userNamePattern.MatchString(userName) {
		return Principal{}, fmt.Errorf("externalidtest: user name %q does not match [\\w+=,.@-]{1,64}", userName)
	}
	arn := "arn:aws:iam::" + accountID + ":user/" + userName
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, p := range s.principals {
		if p.ARN == arn {
			return Principal{}, fmt.Errorf("externalidtest: user %s already exists", arn)
		}
	}
	return s.addPrincipalLocked(&principal{
		Principal: Principal{ARN: arn, AccountID: accountID},
		kind:      kindUser,
		userID:    "AIDA" + randomString(upperAlnum, 17),
	}, "AKIA"), nil
}

func (s *Server) mustCreateUser(accountID, userName string) Principal {
	p, err := s.CreateUser(accountID, userName)
	if err != nil {
		panic(err)
	}
	return p
}

// AccountRoot returns credentials for an account's root user, creating them
// on first use. STS refuses to let a root user assume a role, as AWS does.
func (s *Server) AccountRoot(accountID string) (Principal, error) {
	if !accountIDPattern.MatchString(accountID) {
		return Principal{}, fmt.Errorf("externalidtest: account id %q is not 12 digits", accountID)
	}
	arn := "arn:aws:iam::" + accountID + ":root"
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, p := range s.principals {
		if p.ARN == arn {
			return p.Principal, nil
		}
	}
	return s.addPrincipalLocked(&principal{
		Principal: Principal{ARN: arn, AccountID: accountID},
		kind:      kindRoot,
		userID:    accountID,
	}, "AKIA"), nil
}

// addPrincipalLocked gives p fresh keys and registers it. s.mu must be held.
func (s *Server) addPrincipalLocked(p *principal, keyPrefix string) Principal {
	p.AccessKeyID = keyPrefix + randomString(upperAlnum, 16)
	p.SecretAccessKey = randomString(mixedAlnum, 40)
	s.principals[p.AccessKeyID] = p
	return p.Principal
}
