package externalidtest

import (
	"bytes"
	"net/http"
	"regexp"
	"slices"
	"strings"
	"time"
)

// Secrets Manager's well-known staging labels.
const (
	StageCurrent  = "AWSCURRENT"
	StagePrevious = "AWSPREVIOUS"
	StagePending  = "AWSPENDING"
)

// account is one account's Secrets Manager state; Server.mu guards it.
type account struct {
	secrets map[string]*secret // by name
}

// secret is one secret and its versions; Server.mu guards it.
type secret struct {
	name, arn, description, kmsKeyID string
	tags                             []smTag
	created, lastChanged             time.Time
	lastAccessed                     time.Time
	deletedDate, purgeAt             time.Time // set while scheduled for deletion
	versions                         map[string]*version
}

// version is one secret version.
type version struct {
	id      string
	str     *string
	bin     []byte
	stages  []string
	created time.Time
}

var secretNamePattern = regexp.MustCompile(`^[\w/+=.@-]{1,512}$`)

// smErr builds a Secrets Manager error with HTTP 400.
func smErr(code, msg string) *apiError {
	return &apiError{status: http.StatusBadRequest, code: code, message: msg}
}

var (
	errSecretNotFound = smErr("ResourceNotFoundException", "Secrets Manager can't find the specified secret.")
	errMarkedDeleted  = smErr("InvalidRequestException", "You can't perform this operation on the secret because it was marked for deletion.")
)

// accountLocked returns an account's state, creating it. s.mu must be held.
func (s *Server) accountLocked(id string) *account {
	a, ok := s.secrets[id]
	if !ok {
		a = &account{secrets: make(map[string]*secret)}
		s.secrets[id] = a
	}
	return a
}

// findSecretLocked resolves a SecretId (a name, a full ARN, a partial ARN
// without the random suffix, or a name with the random suffix, which AWS
// also accepts) in the caller's account. Secrets whose
// recovery window has passed are purged first. s.mu must be held.
func (s *Server) findSecretLocked(caller *principal, secretID string, op string) (*secret, *apiError) {
	a := s.accountLocked(caller.AccountID)
	now := s.now()
	for name, sec := range a.secrets {
		if !sec.purgeAt.IsZero() && !now.Before(sec.purgeAt) {
			delete(a.secrets, name)
		}
	}
	if strings.HasPrefix(secretID, "arn:") {
		parts := strings.SplitN(secretID, ":", 7)
		if len(parts) == 7 && parts[4] != caller.AccountID {
			return nil, smErr("AccessDeniedException", "User: "+caller.ARN+" is not authorized to perform: secretsmanager:"+op+
				" on resource: "+secretID+" because no resource-based policy allows the secretsmanager:"+op+" action")
		}
		for _, sec := range a.secrets {
			if sec.arn == secretID || strings.TrimSuffix(sec.arn, sec.arn[len(sec.arn)-7:]) == secretID {
				return sec, nil
			}
		}
		return nil, errSecretNotFound
	}
	if sec, ok := a.secrets[secretID]; ok {
		return sec, nil
	}
	// Like AWS, a name that ends in "-" and six characters may be taken for
	// a partial ARN: the name of another secret plus its random suffix.
	for _, sec := range a.secrets {
		if strings.HasSuffix(sec.arn, ":secret:"+secretID) {
			return sec, nil
		}
	}
	return nil, errSecretNotFound
}

// stageHolder returns the version that carries stage, or nil.
func (sec *secret) stageHolder(stage string) *version {
	for _, v := range sec.versions {
		if slices.Contains(v.stages, stage) {
			return v
		}
	}
	return nil
}

// moveStage attaches stage to v, removing it from its previous holder. When
// AWSCURRENT moves, the old current version becomes AWSPREVIOUS, as in
// Secrets Manager.
func (sec *secret) moveStage(stage string, v *version) {
	old := sec.stageHolder(stage)
	if old == v {
		return
	}
	if old != nil {
		old.stages = slices.DeleteFunc(old.stages, func(s string) bool { return s == stage })
	}
	if stage == StageCurrent && old != nil {
		sec.moveStage(StagePrevious, old)
	}
	v.stages = append(v.stages, stage)
}

// removeStage detaches stage from v.
func (sec *secret) removeStage(stage string, v *version) {
	v.stages = slices.DeleteFunc(v.stages, func(s string) bool { return s == stage })
}

// findVersion picks a version by id and/or stage; AWSCURRENT by default.
func (sec *secret) findVersion(versionID, stage string) (*version, *apiError) {
	if versionID != "" {
		v, ok := sec.versions[versionID]
		if !ok || (stage != "" && !slices.Contains(v.stages, stage)) {
			return nil, smErr("ResourceNotFoundException", "Secrets Manager can't find the specified secret value for VersionId: "+versionID)
		}
		return v, nil
	}
	if stage == "" {
		stage = StageCurrent
	}
	v := sec.stageHolder(stage)
	if v == nil {
		return nil, smErr("ResourceNotFoundException", "Secrets Manager can't find the specified secret value for staging label: "+stage)
	}
	return v, nil
}

// sameValue reports whether a version already holds this value.
func (v *version) sameValue(str *string, bin []byte) bool {
	if (v.str == nil) != (str == nil) {
		return false
	}
	if str != nil && *v.str != *str {
		return false
	}
	return bytes.Equal(v.bin, bin)
}

// addVersion stores a new version with the given stages, or returns the
// existing one when the token and value repeat (idempotent retry).
func (sec *secret) addVersion(id string, str *string, bin []byte, stages []string, now time.Time) (*version, *apiError) {
	if v, ok := sec.versions[id]; ok {
		if v.sameValue(str, bin) {
			return v, nil
		}
		return nil, smErr("ResourceExistsException", "You can't modify an existing version, you can only create a new version.")
	}
	v := &version{id: id, str: str, bin: bin, created: now}
	sec.versions[id] = v
	for _, stage := range stages {
		sec.moveStage(stage, v)
	}
	sec.lastChanged = now
	return v, nil
}
