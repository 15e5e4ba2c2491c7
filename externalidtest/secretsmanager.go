package externalidtest

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"
	"time"
	"unicode"
)

const (
	smTargetPrefix   = "secretsmanager."
	smEventSource    = "secretsmanager.amazonaws.com"
	smContentType    = "application/x-amz-json-1.1"
	maxBatchSecretID = 20
)

// epoch is a timestamp in the JSON protocol's form: seconds since the
// epoch, as a number with a fraction.
type epoch time.Time

// MarshalJSON writes seconds with millisecond precision.
func (e epoch) MarshalJSON() ([]byte, error) {
	return []byte(strconv.FormatFloat(float64(time.Time(e).UnixMilli())/1000, 'f', 3, 64)), nil
}

func epochPtr(t time.Time) *epoch {
	if t.IsZero() {
		return nil
	}
	e := epoch(t)
	return &e
}

type smTag struct {
	Key   string `json:"Key"`
	Value string `json:"Value"`
}

// smInput is the union of the request fields of the modelled operations.
type smInput struct {
	SecretID                   string   `json:"SecretId"`
	VersionID                  string   `json:"VersionId"`
	VersionStage               string   `json:"VersionStage"`
	Name                       string   `json:"Name"`
	Description                string   `json:"Description"`
	KmsKeyID                   string   `json:"KmsKeyId"`
	ClientRequestToken         string   `json:"ClientRequestToken"`
	SecretString               *string  `json:"SecretString"`
	SecretBinary               []byte   `json:"SecretBinary"`
	Tags                       []smTag  `json:"Tags"`
	VersionStages              []string `json:"VersionStages"`
	MoveToVersionID            string   `json:"MoveToVersionId"`
	RemoveFromVersionID        string   `json:"RemoveFromVersionId"`
	RecoveryWindowInDays       *int64   `json:"RecoveryWindowInDays"`
	ForceDeleteWithoutRecovery *bool    `json:"ForceDeleteWithoutRecovery"`
	SecretIDList               []string `json:"SecretIdList"`
	Filters                    []struct {
		Key    string   `json:"Key"`
		Values []string `json:"Values"`
	} `json:"Filters"`
}

// secretValue is GetSecretValue's output and a BatchGetSecretValue entry.
type secretValue struct {
	ARN           string   `json:"ARN"`
	Name          string   `json:"Name"`
	VersionID     string   `json:"VersionId"`
	SecretString  *string  `json:"SecretString,omitempty"`
	SecretBinary  []byte   `json:"SecretBinary,omitempty"`
	VersionStages []string `json:"VersionStages"`
	CreatedDate   *epoch   `json:"CreatedDate,omitempty"`
}

// smHandler implements one operation while Server.mu is held.
type smHandler func(s *Server, caller *principal, in *smInput) (any, *apiError)

var smHandlers = map[string]smHandler{
	"GetSecretValue":           (*Server).getSecretValue,
	"BatchGetSecretValue":      (*Server).batchGetSecretValue,
	"CreateSecret":             (*Server).createSecret,
	"PutSecretValue":           (*Server).putSecretValue,
	"UpdateSecretVersionStage": (*Server).updateSecretVersionStage,
	"DescribeSecret":           (*Server).describeSecret,
	"DeleteSecret":             (*Server).deleteSecret,
	"RestoreSecret":            (*Server).restoreSecret,
}

// serveSecretsManager handles the JSON 1.1 protocol.
func (s *Server) serveSecretsManager(w http.ResponseWriter, r *http.Request, op string) {
	ev := Event{
		EventTime:   s.now(),
		EventSource: smEventSource,
		EventName:   op,
		AWSRegion:   s.region,
		RequestID:   newRequestID(),
		EventID:     newRequestID(),
	}
	caller := s.lookupCaller(r)
	if caller != nil {
		ev.UserIdentity = identityOf(caller)
		ev.RecipientAccountID = caller.AccountID
	}
	body, _ := io.ReadAll(io.LimitReader(r.Body, 10<<20))
	var in smInput
	jsonErr := json.Unmarshal(body, &in)
	ev.RequestParameters = smParameters(body)

	fail := func(err *apiError) {
		ev.ErrorCode, ev.ErrorMessage = err.code, err.message
		s.events.add(ev)
		writeJSON(w, err.status, ev.RequestID, map[string]string{"__type": err.code, "Message": err.message})
	}
	switch s.applyFaults(w, r, op) {
	case FaultConnectionReset:
		return
	case FaultThrottling:
		fail(smErr("ThrottlingException", "Rate exceeded"))
		return
	case FaultInternalError:
		fail(&apiError{http.StatusInternalServerError, "InternalServiceError", "An error occurred on the server side."})
		return
	}
	if err := s.authenticate(r, caller, false); err != nil {
		fail(err)
		return
	}
	handler, ok := smHandlers[op]
	switch {
	case !ok:
		fail(smErr("UnknownOperationException", "externalidtest does not model secretsmanager."+op))
		return
	case jsonErr != nil:
		fail(smErr("SerializationException", "The request body is not valid JSON."))
		return
	}
	s.mu.Lock()
	out, err := handler(s, caller, &in)
	s.mu.Unlock()
	if err != nil {
		fail(err)
		return
	}
	s.events.add(ev)
	writeJSON(w, http.StatusOK, ev.RequestID, out)
}

// smParameters turns a request body into CloudTrail-style parameters,
// leaving out the secret values.
func smParameters(body []byte) map[string]any {
	var raw map[string]any
	if json.Unmarshal(body, &raw) != nil {
		return map[string]any{}
	}
	out := make(map[string]any, len(raw))
	for k, v := range raw {
		if k == "SecretString" || k == "SecretBinary" {
			continue
		}
		out[lowerFirst(k)] = v
	}
	return out
}

func lowerFirst(s string) string {
	if s == "" {
		return s
	}
	r := []rune(s)
	r[0] = unicode.ToLower(r[0])
	return string(r)
}

func writeJSON(w http.ResponseWriter, status int, requestID string, v any) {
	b, err := json.Marshal(v)
	if err != nil {
		http.Error(w, "externalidtest: cannot encode response", http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", smContentType)
	w.Header().Set("x-amzn-RequestId", requestID)
	w.WriteHeader(status)
	_, _ = w.Write(b)
}

// liveSecret finds a secret that is not scheduled for deletion.
func (s *Server) liveSecret(caller *principal, id, op string) (*secret, *apiError) {
	if id == "" {
		return nil, smErr("ValidationException", "1 validation error detected: Value at 'secretId' failed to satisfy constraint: Member must have length greater than or equal to 1")
	}
	sec, err := s.findSecretLocked(caller, id, op)
	if err != nil {
		return nil, err
	}
	if !sec.deletedDate.IsZero() {
		return nil, errMarkedDeleted
	}
	return sec, nil
}

func (s *Server) getSecretValue(caller *principal, in *smInput) (any, *apiError) {
	sec, err := s.liveSecret(caller, in.SecretID, "GetSecretValue")
	if err != nil {
		return nil, err
	}
	v, err := sec.findVersion(in.VersionID, in.VersionStage)
	if err != nil {
		return nil, err
	}
	sec.lastAccessed = s.now().Truncate(24 * time.Hour)
	return valueOf(sec, v), nil
}

func valueOf(sec *secret, v *version) secretValue {
	return secretValue{
		ARN:           sec.arn,
		Name:          sec.name,
		VersionID:     v.id,
		SecretString:  v.str,
		SecretBinary:  v.bin,
		VersionStages: append([]string{}, v.stages...),
		CreatedDate:   epochPtr(v.created),
	}
}

func (s *Server) batchGetSecretValue(caller *principal, in *smInput) (any, *apiError) {
	type batchError struct {
		SecretID  string `json:"SecretId"`
		ErrorCode string `json:"ErrorCode"`
		Message   string `json:"Message"`
	}
	out := struct {
		SecretValues []secretValue `json:"SecretValues"`
		Errors       []batchError  `json:"Errors"`
	}{SecretValues: []secretValue{}, Errors: []batchError{}}
	ids := in.SecretIDList
	switch {
	case len(ids) > 0 && len(in.Filters) > 0:
		return nil, smErr("InvalidParameterException", "Either 'SecretIdList' or 'Filters' must be provided, but not both.")
	case len(ids) > maxBatchSecretID:
		return nil, smErr("ValidationException", "1 validation error detected: Value at 'secretIdList' failed to satisfy constraint: Member must have length less than or equal to 20")
	case len(in.Filters) > 0:
		names, err := s.filterSecretNames(caller, in)
		if err != nil {
			return nil, err
		}
		ids = names
	case len(ids) == 0:
		return nil, smErr("InvalidParameterException", "Either 'SecretIdList' or 'Filters' must be provided.")
	}
	for _, id := range ids {
		sec, err := s.liveSecret(caller, id, "GetSecretValue")
		var v *version
		if err == nil {
			v, err = sec.findVersion("", StageCurrent)
		}
		if err != nil {
			out.Errors = append(out.Errors, batchError{SecretID: id, ErrorCode: err.code, Message: err.message})
			continue
		}
		out.SecretValues = append(out.SecretValues, valueOf(sec, v))
	}
	return out, nil
}

// filterSecretNames supports BatchGetSecretValue's "name" filter (prefix
// match); other filter keys are not modelled.
func (s *Server) filterSecretNames(caller *principal, in *smInput) ([]string, *apiError) {
	var names []string
	for name, sec := range s.accountLocked(caller.AccountID).secrets {
		if !sec.deletedDate.IsZero() {
			continue
		}
		ok := true
		for _, f := range in.Filters {
			if f.Key != "name" {
				return nil, smErr("InvalidParameterException", "externalidtest models only the 'name' filter, not "+f.Key)
			}
			match := false
			for _, v := range f.Values {
				match = match || strings.HasPrefix(name, v)
			}
			ok = ok && match
		}
		if ok {
			names = append(names, name)
		}
	}
	return names, nil
}

func (s *Server) createSecret(caller *principal, in *smInput) (any, *apiError) {
	if !secretNamePattern.MatchString(in.Name) {
		return nil, smErr("InvalidParameterException", "Invalid name. Must be a valid name containing alphanumeric characters, or any of the following: -/_+=.@!")
	}
	if in.SecretString != nil && in.SecretBinary != nil {
		return nil, smErr("InvalidParameterException", "You can't specify both a binary secret value and a string secret value in the same secret.")
	}
	a := s.accountLocked(caller.AccountID)
	if _, err := s.findSecretLocked(caller, in.Name, "CreateSecret"); err == nil {
		if existing := a.secrets[in.Name]; !existing.deletedDate.IsZero() {
			return nil, smErr("InvalidRequestException", "You can't create this secret because a secret with this name is already scheduled for deletion.")
		}
		return nil, smErr("ResourceExistsException", fmt.Sprintf("The operation failed because the secret %s already exists.", in.Name))
	}
	now := s.now()
	sec := &secret{
		name:        in.Name,
		arn:         fmt.Sprintf("arn:aws:secretsmanager:%s:%s:secret:%s-%s", s.region, caller.AccountID, in.Name, randomString(mixedAlnum, 6)),
		description: in.Description,
		kmsKeyID:    in.KmsKeyID,
		tags:        append([]smTag(nil), in.Tags...),
		created:     now,
		lastChanged: now,
		versions:    make(map[string]*version),
	}
	out := createSecretOutput{ARN: sec.arn, Name: sec.name}
	if in.SecretString != nil || in.SecretBinary != nil {
		v, err := sec.addVersion(versionID(in.ClientRequestToken), in.SecretString, in.SecretBinary, []string{StageCurrent}, now)
		if err != nil {
			return nil, err
		}
		out.VersionID = v.id
	}
	a.secrets[sec.name] = sec
	return out, nil
}

// createSecretOutput is CreateSecret's answer.
type createSecretOutput struct {
	ARN       string `json:"ARN"`
	Name      string `json:"Name"`
	VersionID string `json:"VersionId,omitempty"`
}

// versionID is the client's idempotency token, or a fresh UUID.
func versionID(token string) string {
	if token != "" {
		return token
	}
	return newRequestID()
}

func (s *Server) putSecretValue(caller *principal, in *smInput) (any, *apiError) {
	sec, err := s.liveSecret(caller, in.SecretID, "PutSecretValue")
	if err != nil {
		return nil, err
	}
	switch {
	case in.SecretString == nil && in.SecretBinary == nil:
		return nil, smErr("InvalidRequestException", "You must provide either SecretString or SecretBinary.")
	case in.SecretString != nil && in.SecretBinary != nil:
		return nil, smErr("InvalidParameterException", "You can't specify both a binary secret value and a string secret value in the same secret.")
	}
	stages := in.VersionStages
	if len(stages) == 0 {
		stages = []string{StageCurrent}
	}
	v, err := sec.addVersion(versionID(in.ClientRequestToken), in.SecretString, in.SecretBinary, stages, s.now())
	if err != nil {
		return nil, err
	}
	return struct {
		ARN           string   `json:"ARN"`
		Name          string   `json:"Name"`
		VersionID     string   `json:"VersionId"`
		VersionStages []string `json:"VersionStages"`
	}{sec.arn, sec.name, v.id, append([]string{}, v.stages...)}, nil
}

func (s *Server) updateSecretVersionStage(caller *principal, in *smInput) (any, *apiError) {
	sec, err := s.liveSecret(caller, in.SecretID, "UpdateSecretVersionStage")
	if err != nil {
		return nil, err
	}
	if in.VersionStage == "" {
		return nil, smErr("InvalidParameterException", "You must specify VersionStage.")
	}
	holder := sec.stageHolder(in.VersionStage)
	if in.RemoveFromVersionID != "" && (holder == nil || holder.id != in.RemoveFromVersionID) {
		return nil, smErr("InvalidParameterException", fmt.Sprintf("The staging label %s is not attached to version %s.", in.VersionStage, in.RemoveFromVersionID))
	}
	switch {
	case in.MoveToVersionID != "":
		target, ok := sec.versions[in.MoveToVersionID]
		if !ok {
			return nil, smErr("InvalidParameterException", "Secrets Manager can't find the specified secret value for VersionId: "+in.MoveToVersionID)
		}
		if holder != nil && holder != target && in.RemoveFromVersionID == "" {
			return nil, smErr("InvalidParameterException", fmt.Sprintf(
				"The parameter RemoveFromVersionId can't be empty. Staging label %s is currently attached to version %s, so you must explicitly reference that version in RemoveFromVersionId.",
				in.VersionStage, holder.id))
		}
		sec.moveStage(in.VersionStage, target)
	case in.RemoveFromVersionID != "":
		if in.VersionStage == StageCurrent {
			return nil, smErr("InvalidParameterException", "You can only move staging label AWSCURRENT to a different secret version. It can't be completely removed.")
		}
		sec.removeStage(in.VersionStage, holder)
	default:
		return nil, smErr("InvalidParameterException", "You must specify MoveToVersionId or RemoveFromVersionId.")
	}
	sec.lastChanged = s.now()
	return struct {
		ARN  string `json:"ARN"`
		Name string `json:"Name"`
	}{sec.arn, sec.name}, nil
}

func (s *Server) describeSecret(caller *principal, in *smInput) (any, *apiError) {
	sec, err := s.findSecretLocked(caller, in.SecretID, "DescribeSecret")
	if err != nil {
		return nil, err
	}
	stages := make(map[string][]string)
	for id, v := range sec.versions {
		if len(v.stages) > 0 {
			stages[id] = append([]string{}, v.stages...)
		}
	}
	return struct {
		ARN                string              `json:"ARN"`
		Name               string              `json:"Name"`
		Description        string              `json:"Description,omitempty"`
		KmsKeyID           string              `json:"KmsKeyId,omitempty"`
		RotationEnabled    bool                `json:"RotationEnabled"`
		Tags               []smTag             `json:"Tags,omitempty"`
		VersionIDsToStages map[string][]string `json:"VersionIdsToStages"`
		CreatedDate        *epoch              `json:"CreatedDate,omitempty"`
		LastChangedDate    *epoch              `json:"LastChangedDate,omitempty"`
		LastAccessedDate   *epoch              `json:"LastAccessedDate,omitempty"`
		DeletedDate        *epoch              `json:"DeletedDate,omitempty"`
	}{
		ARN: sec.arn, Name: sec.name, Description: sec.description, KmsKeyID: sec.kmsKeyID,
		Tags: sec.tags, VersionIDsToStages: stages,
		CreatedDate: epochPtr(sec.created), LastChangedDate: epochPtr(sec.lastChanged),
		LastAccessedDate: epochPtr(sec.lastAccessed), DeletedDate: epochPtr(sec.deletedDate),
	}, nil
}

func (s *Server) deleteSecret(caller *principal, in *smInput) (any, *apiError) {
	sec, err := s.findSecretLocked(caller, in.SecretID, "DeleteSecret")
	if err != nil {
		return nil, err
	}
	force := in.ForceDeleteWithoutRecovery != nil && *in.ForceDeleteWithoutRecovery
	days := int64(30)
	if in.RecoveryWindowInDays != nil {
		if force {
			return nil, smErr("InvalidParameterException", "You can't use ForceDeleteWithoutRecovery in conjunction with RecoveryWindowInDays.")
		}
		days = *in.RecoveryWindowInDays
		if days < 7 || days > 30 {
			return nil, smErr("InvalidParameterException", "The RecoveryWindowInDays value must be between 7 and 30 days (inclusive).")
		}
	}
	now := s.now()
	if force {
		delete(s.accountLocked(caller.AccountID).secrets, sec.name)
		sec.deletedDate = now
	} else {
		if !sec.deletedDate.IsZero() {
			return nil, errMarkedDeleted
		}
		sec.deletedDate = now
		sec.purgeAt = now.Add(time.Duration(days) * 24 * time.Hour)
	}
	deletion := now
	if !force {
		deletion = sec.purgeAt
	}
	return struct {
		ARN          string `json:"ARN"`
		Name         string `json:"Name"`
		DeletionDate *epoch `json:"DeletionDate"`
	}{sec.arn, sec.name, epochPtr(deletion)}, nil
}

func (s *Server) restoreSecret(caller *principal, in *smInput) (any, *apiError) {
	sec, err := s.findSecretLocked(caller, in.SecretID, "RestoreSecret")
	if err != nil {
		return nil, err
	}
	sec.deletedDate, sec.purgeAt = time.Time{}, time.Time{}
	return struct {
		ARN  string `json:"ARN"`
		Name string `json:"Name"`
	}{sec.arn, sec.name}, nil
}
