package externalidtest

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strings"
)

// policy is a parsed trust policy.
type policy struct {
	statements []statement
}

// statement is one parsed policy statement.
type statement struct {
	sid          string
	allow        bool     // Effect: Allow (true) or Deny (false)
	anyPrincipal bool     // Principal "*" or {"AWS": "*"}
	aws          []string // Principal.AWS entries
	actions      []string
	conditions   []condition
}

// rawStatement is the JSON shape of a statement.
type rawStatement struct {
	Sid          string                                `json:"Sid"`
	Effect       string                                `json:"Effect"`
	Principal    json.RawMessage                       `json:"Principal"`
	NotPrincipal json.RawMessage                       `json:"NotPrincipal"`
	Action       json.RawMessage                       `json:"Action"`
	NotAction    json.RawMessage                       `json:"NotAction"`
	Resource     json.RawMessage                       `json:"Resource"`
	NotResource  json.RawMessage                       `json:"NotResource"`
	Condition    map[string]map[string]json.RawMessage `json:"Condition"`
}

// parsePolicy parses a trust policy document. It rejects what IAM rejects
// (bad JSON, a missing Effect, Principal or Action, a Resource in a trust
// policy) and what the kit does not model (NotPrincipal, NotAction).
func parsePolicy(doc string) (*policy, error) {
	var raw struct {
		Version   string          `json:"Version"`
		Statement json.RawMessage `json:"Statement"`
	}
	if err := json.Unmarshal([]byte(doc), &raw); err != nil {
		return nil, fmt.Errorf("externalidtest: MalformedPolicyDocument: %w", err)
	}
	if raw.Version != "" && raw.Version != "2012-10-17" && raw.Version != "2008-10-17" {
		return nil, fmt.Errorf("externalidtest: MalformedPolicyDocument: unknown Version %q", raw.Version)
	}
	var raws []rawStatement
	switch t := bytes.TrimSpace(raw.Statement); {
	case len(t) == 0:
		return nil, fmt.Errorf("externalidtest: MalformedPolicyDocument: no Statement")
	case t[0] == '{':
		var one rawStatement
		if err := json.Unmarshal(t, &one); err != nil {
			return nil, fmt.Errorf("externalidtest: MalformedPolicyDocument: %w", err)
		}
		raws = []rawStatement{one}
	default:
		if err := json.Unmarshal(t, &raws); err != nil {
			return nil, fmt.Errorf("externalidtest: MalformedPolicyDocument: %w", err)
		}
	}
	p := &policy{}
	for i, rs := range raws {
		st, err := parseStatement(rs)
		if err != nil {
			return nil, fmt.Errorf("externalidtest: MalformedPolicyDocument: statement %d: %w", i, err)
		}
		p.statements = append(p.statements, st)
	}
	return p, nil
}

func parseStatement(rs rawStatement) (statement, error) {
	st := statement{sid: rs.Sid}
	switch rs.Effect {
	case "Allow":
		st.allow = true
	case "Deny":
	default:
		return st, fmt.Errorf("the Effect must be Allow or Deny, not %q", rs.Effect)
	}
	switch {
	case rs.NotPrincipal != nil:
		return st, fmt.Errorf("the NotPrincipal element is not modelled by externalidtest")
	case rs.NotAction != nil:
		return st, fmt.Errorf("the NotAction element is not modelled by externalidtest")
	case rs.Resource != nil || rs.NotResource != nil:
		return st, fmt.Errorf("a trust policy has prohibited field Resource")
	case rs.Principal == nil:
		return st, fmt.Errorf("missing Principal")
	case rs.Action == nil:
		return st, fmt.Errorf("missing Action")
	}
	if err := st.parsePrincipal(rs.Principal); err != nil {
		return st, err
	}
	actions, err := stringOrList(rs.Action)
	if err != nil || len(actions) == 0 {
		return st, fmt.Errorf("the Action must be a string or a list of strings")
	}
	st.actions = actions
	for op, keys := range rs.Condition {
		for key, rawValues := range keys {
			values, err := conditionValues(rawValues)
			if err != nil {
				return st, fmt.Errorf("condition %s %s: %w", op, key, err)
			}
			st.conditions = append(st.conditions, condition{op: op, key: key, values: values})
		}
	}
	return st, nil
}

// parsePrincipal reads "*" or an object whose AWS entry is a string or list.
// Service, Federated and CanonicalUser entries never match a kit caller.
func (st *statement) parsePrincipal(raw json.RawMessage) error {
	var star string
	if json.Unmarshal(raw, &star) == nil {
		if star != "*" {
			return fmt.Errorf("the Principal must be \"*\" or an object, not %q", star)
		}
		st.anyPrincipal = true
		return nil
	}
	var obj map[string]json.RawMessage
	if err := json.Unmarshal(raw, &obj); err != nil {
		return fmt.Errorf("the Principal must be \"*\" or an object")
	}
	for k, v := range obj {
		entries, err := stringOrList(v)
		if err != nil {
			return fmt.Errorf("the Principal.%s entry must be a string or a list of strings", k)
		}
		if k != "AWS" {
			continue
		}
		for _, e := range entries {
			if e == "*" {
				st.anyPrincipal = true
			}
			st.aws = append(st.aws, e)
		}
	}
	return nil
}

// stringOrList decodes a JSON string or list of strings.
func stringOrList(raw json.RawMessage) ([]string, error) {
	var one string
	if err := json.Unmarshal(raw, &one); err == nil {
		return []string{one}, nil
	}
	var many []string
	if err := json.Unmarshal(raw, &many); err != nil {
		return nil, err
	}
	return many, nil
}

// conditionValues decodes a condition's value: a string, boolean or number,
// or a list of them, each normalised to its string form.
func conditionValues(raw json.RawMessage) ([]string, error) {
	var list []json.RawMessage
	if err := json.Unmarshal(raw, &list); err != nil {
		list = []json.RawMessage{raw}
	}
	out := make([]string, 0, len(list))
	for _, item := range list {
		var v any
		if err := json.Unmarshal(item, &v); err != nil {
			return nil, err
		}
		switch v := v.(type) {
		case string:
			out = append(out, v)
		case bool, float64:
			out = append(out, strings.TrimSpace(string(item)))
		default:
			return nil, fmt.Errorf("values must be strings, booleans or numbers")
		}
	}
	return out, nil
}

// evalRequest is what the evaluator knows about one AssumeRole call.
type evalRequest struct {
	caller *principal
	action string            // e.g. sts:AssumeRole
	keys   map[string]string // condition keys present, by lower-case name
}

// decision is the outcome of evaluating a trust policy.
type decision struct {
	allowed bool
	reason  string // why, for the event log; never contains key values
}

// evaluate applies AWS's logic for one action: an explicit Deny wins, else
// an Allow whose principal, action and conditions all match is needed. A
// matching statement whose conditions the kit cannot evaluate (unknown
// operator or key) denies the request: the kit fails closed.
func (p *policy) evaluate(req evalRequest) decision {
	allowedBy := -1
	for i, st := range p.statements {
		if !st.matchesPrincipal(req.caller) || !st.matchesAction(req.action) {
			continue
		}
		res := evalConditions(st.conditions, req.keys)
		switch {
		case res.unsupported != "":
			return decision{reason: fmt.Sprintf("statement %d: %s; the kit fails closed", i, res.unsupported)}
		case !res.ok:
			continue
		case !st.allow:
			return decision{reason: fmt.Sprintf("statement %d: explicit Deny for %s", i, req.action)}
		case allowedBy < 0:
			allowedBy = i
		}
	}
	if allowedBy >= 0 {
		return decision{allowed: true, reason: fmt.Sprintf("statement %d allows %s", allowedBy, req.action)}
	}
	return decision{reason: p.explainDenial(req)}
}

// explainDenial says why no Allow statement matched.
func (p *policy) explainDenial(req evalRequest) string {
	principalSeen := false
	for i, st := range p.statements {
		if !st.allow || !st.matchesPrincipal(req.caller) {
			continue
		}
		principalSeen = true
		if !st.matchesAction(req.action) {
			continue
		}
		if res := evalConditions(st.conditions, req.keys); !res.ok {
			return fmt.Sprintf("statement %d: %s", i, res.why)
		}
	}
	if !principalSeen {
		return "no Allow statement names the caller as Principal"
	}
	return "no Allow statement grants " + req.action
}

// matchesPrincipal reports whether the statement's Principal covers caller.
func (st *statement) matchesPrincipal(caller *principal) bool {
	if st.anyPrincipal {
		return true
	}
	for _, e := range st.aws {
		if principalEntryMatches(e, caller) {
			return true
		}
	}
	return false
}

// principalEntryMatches matches one Principal.AWS entry: an account id, an
// account root ARN (any principal of that account), a user ARN, a role ARN
// (any session of that role) or an assumed-role session ARN.
func principalEntryMatches(entry string, caller *principal) bool {
	if accountIDPattern.MatchString(entry) {
		return entry == caller.AccountID
	}
	if entry == "arn:aws:iam::"+caller.AccountID+":root" {
		return true
	}
	switch caller.kind {
	case kindSession:
		return entry == caller.ARN || (caller.role != nil && entry == caller.role.ARN)
	default:
		return entry == caller.ARN
	}
}

// matchesAction reports whether any Action entry covers action,
// case-insensitively and with * and ? wildcards.
func (st *statement) matchesAction(action string) bool {
	for _, a := range st.actions {
		if wildcardMatch(strings.ToLower(a), strings.ToLower(action)) {
			return true
		}
	}
	return false
}
