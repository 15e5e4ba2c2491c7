package externalidtest

import (
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"time"
)

// STS's documented constraints on AssumeRole's parameters.
var (
	externalIDPattern  = regexp.MustCompile(`^[\w+=,.@:/-]*$`)
	sessionNamePattern = regexp.MustCompile(`^[\w+=,.@-]*$`)
	roleARNPattern     = regexp.MustCompile(`^arn:aws[\w-]*:iam::[0-9]{12}:role/[\w+=,.@/-]+$`)
)

const (
	minDuration      = 900
	maxDuration      = 43200
	chainingLimit    = time.Hour
	defaultDuration  = time.Hour
	minExternalIDLen = 2
	maxExternalIDLen = 1224
)

// assumeRoleParameters are AssumeRole's requestParameters as CloudTrail
// names them. externalId is always present, nil when the caller sent none.
func assumeRoleParameters(r *http.Request) map[string]any {
	f := r.Form
	p := map[string]any{
		"roleArn":         f.Get("RoleArn"),
		"roleSessionName": f.Get("RoleSessionName"),
		"externalId":      nil,
	}
	if f.Has("ExternalId") {
		p["externalId"] = f.Get("ExternalId")
	}
	if f.Has("DurationSeconds") {
		if n, err := strconv.Atoi(f.Get("DurationSeconds")); err == nil {
			p["durationSeconds"] = n
		} else {
			p["durationSeconds"] = f.Get("DurationSeconds")
		}
	}
	if f.Has("SourceIdentity") {
		p["sourceIdentity"] = f.Get("SourceIdentity")
	}
	if f.Has("Policy") {
		p["policy"] = f.Get("Policy")
	}
	if tags := queryList(f, "Tags"); len(tags) > 0 {
		list := make([]any, len(tags))
		for i, t := range tags {
			list[i] = map[string]any{"key": t.Get("Key"), "value": t.Get("Value")}
		}
		p["tags"] = list
	}
	if keys := queryStrings(f, "TransitiveTagKeys"); len(keys) > 0 {
		p["transitiveTagKeys"] = keys
	}
	if arns := queryList(f, "PolicyArns"); len(arns) > 0 {
		list := make([]any, len(arns))
		for i, a := range arns {
			list[i] = map[string]any{"arn": a.Get("arn")}
		}
		p["policyArns"] = list
	}
	return p
}

// queryList reads a query-protocol list of structures, Name.member.N.Field.
func queryList(f url.Values, name string) []url.Values {
	var out []url.Values
	for i := 1; ; i++ {
		prefix := fmt.Sprintf("%s.member.%d.", name, i)
		item := url.Values{}
		for k, v := range f {
			if field, ok := strings.CutPrefix(k, prefix); ok {
				item[field] = v
			}
		}
		if len(item) == 0 {
			return out
		}
		out = append(out, item)
	}
}

// queryStrings reads a query-protocol list of strings, Name.member.N.
func queryStrings(f url.Values, name string) []string {
	var out []string
	for i := 1; f.Has(fmt.Sprintf("%s.member.%d", name, i)); i++ {
		out = append(out, f.Get(fmt.Sprintf("%s.member.%d", name, i)))
	}
	return out
}

// validateAssumeRole applies STS's parameter constraints and returns a
// ValidationError listing every violation, as STS does. The ExternalId's
// value is never echoed.
func validateAssumeRole(f url.Values) *apiError {
	var problems []string
	bad := func(field, value, constraint string) {
		problems = append(problems, fmt.Sprintf("Value '%s' at '%s' failed to satisfy constraint: Member %s", value, field, constraint))
	}
	null := func(field string) {
		problems = append(problems, fmt.Sprintf("Value null at '%s' failed to satisfy constraint: Member must not be null", field))
	}
	lengths := func(field, value string, lo, hi int, pattern *regexp.Regexp, shown string) {
		n := len([]rune(value))
		switch {
		case n < lo:
			bad(field, shown, fmt.Sprintf("must have length greater than or equal to %d", lo))
		case n > hi:
			bad(field, shown, fmt.Sprintf("must have length less than or equal to %d", hi))
		}
		if pattern != nil && !pattern.MatchString(value) {
			bad(field, shown, "must satisfy regular expression pattern: "+strings.Trim(pattern.String(), "^$"))
		}
	}
	if !f.Has("RoleArn") {
		null("roleArn")
	} else {
		lengths("roleArn", f.Get("RoleArn"), 20, 2048, nil, f.Get("RoleArn"))
	}
	if !f.Has("RoleSessionName") {
		null("roleSessionName")
	} else {
		v := f.Get("RoleSessionName")
		lengths("roleSessionName", v, 2, 64, sessionNamePattern, v)
	}
	if f.Has("ExternalId") {
		lengths("externalId", f.Get("ExternalId"), minExternalIDLen, maxExternalIDLen, externalIDPattern, "(redacted by externalidtest)")
	}
	if f.Has("SourceIdentity") {
		v := f.Get("SourceIdentity")
		lengths("sourceIdentity", v, 2, 64, sessionNamePattern, v)
	}
	if f.Has("DurationSeconds") {
		v := f.Get("DurationSeconds")
		n, err := strconv.Atoi(v)
		switch {
		case err != nil:
			bad("durationSeconds", v, "must be an integer")
		case n < minDuration:
			bad("durationSeconds", v, fmt.Sprintf("must have value greater than or equal to %d", minDuration))
		case n > maxDuration:
			bad("durationSeconds", v, fmt.Sprintf("must have value less than or equal to %d", maxDuration))
		}
	}
	switch len(problems) {
	case 0:
		return nil
	case 1:
		return validationError("1 validation error detected: " + problems[0])
	default:
		return validationError(fmt.Sprintf("%d validation errors detected: %s", len(problems), strings.Join(problems, "; ")))
	}
}

func validationError(msg string) *apiError {
	return &apiError{http.StatusBadRequest, "ValidationError", msg}
}

// assumeRole validates, authorizes and issues a role session.
func (s *Server) assumeRole(c *stsCall) (any, *apiError) {
	f := c.r.Form
	if err := validateAssumeRole(f); err != nil {
		return nil, err
	}
	roleARN := f.Get("RoleArn")
	if !roleARNPattern.MatchString(roleARN) {
		return nil, validationError(roleARN + " is invalid")
	}
	denied := &apiError{http.StatusForbidden, "AccessDenied", fmt.Sprintf(
		"User: %s is not authorized to perform: sts:AssumeRole on resource: %s", c.caller.ARN, roleARN)}
	if c.caller.kind == kindRoot {
		c.event.Decision = "the caller is an account root"
		return nil, &apiError{http.StatusForbidden, "AccessDenied", "Roles may not be assumed by root accounts."}
	}
	duration := defaultDuration
	if f.Has("DurationSeconds") {
		n, _ := strconv.Atoi(f.Get("DurationSeconds"))
		duration = time.Duration(n) * time.Second
	}
	sessionName := f.Get("RoleSessionName")

	s.mu.Lock()
	defer s.mu.Unlock()
	r, ok := s.roles[roleARN]
	if !ok {
		c.event.Decision = "the role does not exist"
		return nil, denied
	}
	req := evalRequest{caller: c.caller, keys: conditionKeys(c.caller, f)}
	actions := []string{"sts:AssumeRole"}
	if f.Has("Tags.member.1.Key") || f.Has("TransitiveTagKeys.member.1") {
		actions = append(actions, "sts:TagSession")
	}
	if f.Has("SourceIdentity") {
		actions = append(actions, "sts:SetSourceIdentity")
	}
	var reasons []string
	for _, action := range actions {
		req.action = action
		d := r.policy.evaluate(req)
		reasons = append(reasons, d.reason)
		if !d.allowed {
			c.event.Decision = d.reason
			denied.message = strings.Replace(denied.message, "sts:AssumeRole", action, 1)
			return nil, denied
		}
	}
	c.event.Decision = strings.Join(reasons, "; ")
	if f.Has("DurationSeconds") {
		if c.caller.kind == kindSession && duration > chainingLimit {
			return nil, validationError("The requested DurationSeconds exceeds the 1 hour session limit for roles assumed by role chaining.")
		}
		if duration > r.MaxSessionDuration {
			return nil, validationError("The requested DurationSeconds exceeds the MaxSessionDuration set for this role.")
		}
	}
	session := &principal{
		Principal: Principal{
			ARN:          "arn:aws:sts::" + r.AccountID + ":assumed-role/" + r.Name + "/" + sessionName,
			AccountID:    r.AccountID,
			SessionToken: "IQoJb3JpZ2luX2VjEXTERNALIDTEST" + randomString(mixedAlnum, 180),
			Expires:      s.now().Add(duration).Truncate(time.Second),
		},
		kind:   kindSession,
		userID: r.RoleID + ":" + sessionName,
		role:   r,
	}
	p := s.addPrincipalLocked(session, "ASIA")
	var out assumeRoleResponse
	out.Xmlns = stsXMLNS
	out.Result.SourceIdentity = f.Get("SourceIdentity")
	out.Result.AssumedRoleUser.AssumedRoleID = session.userID
	out.Result.AssumedRoleUser.ARN = p.ARN
	out.Result.Credentials.AccessKeyID = p.AccessKeyID
	out.Result.Credentials.SecretAccessKey = p.SecretAccessKey
	out.Result.Credentials.SessionToken = p.SessionToken
	out.Result.Credentials.Expiration = formatTime(p.Expires)
	out.Metadata.RequestID = c.event.RequestID
	return out, nil
}

// conditionKeys builds the request context the trust policy sees.
func conditionKeys(caller *principal, f url.Values) map[string]string {
	keys := map[string]string{
		"sts:rolesessionname":  f.Get("RoleSessionName"),
		"aws:principalaccount": caller.AccountID,
		"aws:principalarn":     caller.ARN,
	}
	if caller.kind == kindSession && caller.role != nil {
		keys["aws:principalarn"] = caller.role.ARN
	}
	if f.Has("ExternalId") {
		keys["sts:externalid"] = f.Get("ExternalId")
	}
	if f.Has("SourceIdentity") {
		keys["sts:sourceidentity"] = f.Get("SourceIdentity")
	}
	return keys
}
