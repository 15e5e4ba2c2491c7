package externalidtest

import (
	"fmt"
	"strings"
	"testing"
)

// policyWith renders a one-statement trust policy for caller 111122223333's
// user "saas" with the given Condition block (raw JSON, may be empty).
func policyWith(condition string) string {
	cond := ""
	if condition != "" {
		cond = `, "Condition": ` + condition
	}
	return `{"Version": "2012-10-17", "Statement": [{"Effect": "Allow",
		"Principal": {"AWS": "arn:aws:iam::111122223333:user/saas"},
		"Action": "sts:AssumeRole"` + cond + `}]}`
}

var testCaller = &principal{
	Principal: Principal{ARN: "arn:aws:iam::111122223333:user/saas", AccountID: "111122223333"},
	kind:      kindUser,
}

// request builds the evaluation input; externalID nil means absent.
func request(externalID *string) evalRequest {
	keys := map[string]string{
		"sts:rolesessionname":  "tenant-acme",
		"aws:principalarn":     testCaller.ARN,
		"aws:principalaccount": testCaller.AccountID,
	}
	if externalID != nil {
		keys["sts:externalid"] = *externalID
	}
	return evalRequest{caller: testCaller, action: "sts:AssumeRole", keys: keys}
}

func ptr(s string) *string { return &s }

func TestConditionOperators(t *testing.T) {
	absent := (*string)(nil)
	tests := []struct {
		name       string
		condition  string
		externalID *string
		allowed    bool
	}{
		{"StringEquals match", `{"StringEquals": {"sts:ExternalId": "abc-123"}}`, ptr("abc-123"), true},
		{"StringEquals mismatch", `{"StringEquals": {"sts:ExternalId": "abc-123"}}`, ptr("abc-124"), false},
		{"StringEquals is case-sensitive", `{"StringEquals": {"sts:ExternalId": "abc"}}`, ptr("ABC"), false},
		{"StringEquals missing key fails", `{"StringEquals": {"sts:ExternalId": "abc-123"}}`, absent, false},
		{"StringEquals list any", `{"StringEquals": {"sts:ExternalId": ["old-id", "new-id"]}}`, ptr("new-id"), true},
		{"StringEquals list none", `{"StringEquals": {"sts:ExternalId": ["old-id", "new-id"]}}`, ptr("other"), false},
		{"key name case-insensitive", `{"StringEquals": {"STS:EXTERNALID": "abc-123"}}`, ptr("abc-123"), true},
		{"StringEqualsIgnoreCase", `{"StringEqualsIgnoreCase": {"sts:ExternalId": "abc"}}`, ptr("ABC"), true},
		{"StringNotEqualsIgnoreCase", `{"StringNotEqualsIgnoreCase": {"sts:ExternalId": "abc"}}`, ptr("ABC"), false},
		{"StringLike star", `{"StringLike": {"sts:ExternalId": "tenant-*"}}`, ptr("tenant-42"), true},
		{"StringLike question", `{"StringLike": {"sts:ExternalId": "id-??"}}`, ptr("id-42"), true},
		{"StringLike question exact length", `{"StringLike": {"sts:ExternalId": "id-??"}}`, ptr("id-420"), false},
		{"StringLike mismatch", `{"StringLike": {"sts:ExternalId": "tenant-*"}}`, ptr("other-42"), false},
		{"StringLike missing key fails", `{"StringLike": {"sts:ExternalId": "*"}}`, absent, false},
		{"StringNotEquals different", `{"StringNotEquals": {"sts:ExternalId": "bad"}}`, ptr("good"), true},
		{"StringNotEquals same", `{"StringNotEquals": {"sts:ExternalId": "bad"}}`, ptr("bad"), false},
		{"StringNotEquals list none match", `{"StringNotEquals": {"sts:ExternalId": ["a1", "b2"]}}`, ptr("c3"), true},
		{"StringNotEquals list one matches", `{"StringNotEquals": {"sts:ExternalId": ["a1", "b2"]}}`, ptr("b2"), false},
		{"StringNotEquals missing key holds", `{"StringNotEquals": {"sts:ExternalId": "bad"}}`, absent, true},
		{"StringNotLike", `{"StringNotLike": {"sts:ExternalId": "bad-*"}}`, ptr("bad-1"), false},
		{"StringNotLike missing key holds", `{"StringNotLike": {"sts:ExternalId": "bad-*"}}`, absent, true},
		{"StringEqualsIfExists missing holds", `{"StringEqualsIfExists": {"sts:ExternalId": "abc-123"}}`, absent, true},
		{"StringEqualsIfExists present mismatch", `{"StringEqualsIfExists": {"sts:ExternalId": "abc-123"}}`, ptr("zzz"), false},
		{"StringEqualsIfExists present match", `{"StringEqualsIfExists": {"sts:ExternalId": "abc-123"}}`, ptr("abc-123"), true},
		{"StringLikeIfExists missing holds", `{"StringLikeIfExists": {"sts:ExternalId": "a*"}}`, absent, true},
		{"StringNotEqualsIfExists present same", `{"StringNotEqualsIfExists": {"sts:ExternalId": "x1"}}`, ptr("x1"), false},
		{"Null true absent", `{"Null": {"sts:ExternalId": "true"}}`, absent, true},
		{"Null true present", `{"Null": {"sts:ExternalId": "true"}}`, ptr("abc"), false},
		{"Null false present", `{"Null": {"sts:ExternalId": "false"}}`, ptr("abc"), true},
		{"Null false absent", `{"Null": {"sts:ExternalId": false}}`, absent, false},
		{"Null JSON boolean", `{"Null": {"sts:ExternalId": true}}`, absent, true},
		{"operators AND", `{"StringEquals": {"sts:ExternalId": "abc"}, "StringLike": {"sts:RoleSessionName": "tenant-*"}}`, ptr("abc"), true},
		{"operators AND one fails", `{"StringEquals": {"sts:ExternalId": "abc"}, "StringLike": {"sts:RoleSessionName": "other-*"}}`, ptr("abc"), false},
		{"aws:PrincipalAccount", `{"StringEquals": {"aws:PrincipalAccount": "111122223333", "sts:ExternalId": "abc"}}`, ptr("abc"), true},
		{"ArnLike PrincipalArn", `{"ArnLike": {"aws:PrincipalArn": "arn:aws:iam::111122223333:user/*"}}`, ptr("abc"), true},
		{"ArnNotEquals PrincipalArn", `{"ArnNotEquals": {"aws:PrincipalArn": "arn:aws:iam::111122223333:user/saas"}}`, ptr("abc"), false},
		{"unknown operator fails closed", `{"DateLessThan": {"sts:ExternalId": "2030-01-01"}}`, ptr("abc"), false},
		{"unknown key fails closed", `{"StringNotEquals": {"aws:SourceIp": "10.0.0.1"}}`, ptr("abc"), false},
		{"ForAnyValue fails closed", `{"ForAnyValue:StringEquals": {"sts:ExternalId": "abc"}}`, ptr("abc"), false},
		{"policy variable fails closed", `{"StringEquals": {"sts:ExternalId": "${aws:username}"}}`, ptr("abc"), false},
		{"Null bad value fails closed", `{"Null": {"sts:ExternalId": "maybe"}}`, absent, false},
		{"no condition", ``, absent, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p, err := parsePolicy(policyWith(tt.condition))
			if err != nil {
				t.Fatalf("parsePolicy() = %v", err)
			}
			d := p.evaluate(request(tt.externalID))
			if d.allowed != tt.allowed {
				t.Errorf("evaluate() allowed = %v (%s); want %v", d.allowed, d.reason, tt.allowed)
			}
			if tt.externalID != nil && len(*tt.externalID) > 2 && strings.Contains(d.reason, *tt.externalID) {
				t.Errorf("reason %q contains the ExternalId", d.reason)
			}
		})
	}
}

func TestPrincipalAndActionMatching(t *testing.T) {
	session := &principal{
		Principal: Principal{ARN: "arn:aws:sts::111122223333:assumed-role/app/i-123", AccountID: "111122223333"},
		kind:      kindSession,
		role:      &role{Role: Role{ARN: "arn:aws:iam::111122223333:role/app"}},
	}
	tests := []struct {
		name      string
		principal string
		action    string
		caller    *principal
		allowed   bool
	}{
		{"user ARN", `{"AWS": "arn:aws:iam::111122223333:user/saas"}`, `"sts:AssumeRole"`, testCaller, true},
		{"other user ARN", `{"AWS": "arn:aws:iam::111122223333:user/other"}`, `"sts:AssumeRole"`, testCaller, false},
		{"account root", `{"AWS": "arn:aws:iam::111122223333:root"}`, `"sts:AssumeRole"`, testCaller, true},
		{"other account root", `{"AWS": "arn:aws:iam::999999999999:root"}`, `"sts:AssumeRole"`, testCaller, false},
		{"bare account id", `{"AWS": "111122223333"}`, `"sts:AssumeRole"`, testCaller, true},
		{"list", `{"AWS": ["arn:aws:iam::999999999999:root", "arn:aws:iam::111122223333:user/saas"]}`, `"sts:AssumeRole"`, testCaller, true},
		{"star string", `"*"`, `"sts:AssumeRole"`, testCaller, true},
		{"AWS star", `{"AWS": "*"}`, `"sts:AssumeRole"`, testCaller, true},
		{"service principal", `{"Service": "ec2.amazonaws.com"}`, `"sts:AssumeRole"`, testCaller, false},
		{"role ARN matches its sessions", `{"AWS": "arn:aws:iam::111122223333:role/app"}`, `"sts:AssumeRole"`, session, true},
		{"session ARN", `{"AWS": "arn:aws:sts::111122223333:assumed-role/app/i-123"}`, `"sts:AssumeRole"`, session, true},
		{"role ARN does not match a user", `{"AWS": "arn:aws:iam::111122223333:role/app"}`, `"sts:AssumeRole"`, testCaller, false},
		{"action list", `{"AWS": "111122223333"}`, `["s3:GetObject", "sts:AssumeRole"]`, testCaller, true},
		{"action sts star", `{"AWS": "111122223333"}`, `"sts:*"`, testCaller, true},
		{"action star", `{"AWS": "111122223333"}`, `"*"`, testCaller, true},
		{"action case-insensitive", `{"AWS": "111122223333"}`, `"STS:assumerole"`, testCaller, true},
		{"other action", `{"AWS": "111122223333"}`, `"sts:AssumeRoleWithSAML"`, testCaller, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			doc := fmt.Sprintf(`{"Statement": {"Effect": "Allow", "Principal": %s, "Action": %s}}`, tt.principal, tt.action)
			p, err := parsePolicy(doc)
			if err != nil {
				t.Fatalf("parsePolicy() = %v", err)
			}
			req := request(ptr("abc"))
			req.caller = tt.caller
			if d := p.evaluate(req); d.allowed != tt.allowed {
				t.Errorf("evaluate() allowed = %v (%s); want %v", d.allowed, d.reason, tt.allowed)
			}
		})
	}
}

func TestExplicitDenyWins(t *testing.T) {
	doc := `{"Statement": [
		{"Effect": "Allow", "Principal": {"AWS": "111122223333"}, "Action": "sts:AssumeRole"},
		{"Effect": "Deny", "Principal": "*", "Action": "sts:AssumeRole", "Condition": {"Null": {"sts:ExternalId": "true"}}}
	]}`
	p, err := parsePolicy(doc)
	if err != nil {
		t.Fatal(err)
	}
	if d := p.evaluate(request(nil)); d.allowed || !strings.Contains(d.reason, "explicit Deny") {
		t.Errorf("evaluate(no ExternalId) = %+v; want an explicit Deny", d)
	}
	if d := p.evaluate(request(ptr("abc"))); !d.allowed {
		t.Errorf("evaluate(with ExternalId) = %+v; want allowed", d)
	}
}

func TestDenialReasons(t *testing.T) {
	tests := map[string]struct {
		doc  string
		want string
	}{
		"missing key":   {policyWith(`{"StringEquals": {"sts:ExternalId": "abc"}}`), "StringEquals on sts:ExternalId: key absent from request"},
		"not principal": {`{"Statement": {"Effect": "Allow", "Principal": {"AWS": "999999999999"}, "Action": "sts:AssumeRole"}}`, "no Allow statement names the caller"},
		"not action":    {`{"Statement": {"Effect": "Allow", "Principal": {"AWS": "111122223333"}, "Action": "sts:TagSession"}}`, "no Allow statement grants sts:AssumeRole"},
		"unsupported":   {policyWith(`{"IpAddress": {"aws:SourceIp": "10.0.0.0/8"}}`), "fails closed"},
	}
	for name, tt := range tests {
		t.Run(name, func(t *testing.T) {
			p, err := parsePolicy(tt.doc)
			if err != nil {
				t.Fatal(err)
			}
			if d := p.evaluate(request(nil)); d.allowed || !strings.Contains(d.reason, tt.want) {
				t.Errorf("evaluate() = %+v; want a denial mentioning %q", d, tt.want)
			}
		})
	}
}

func TestParsePolicyRejects(t *testing.T) {
	tests := map[string]string{
		"not JSON":      `{`,
		"no statement":  `{"Version": "2012-10-17"}`,
		"bad version":   `{"Version": "2020-01-01", "Statement": []}`,
		"bad effect":    `{"Statement": {"Effect": "Maybe", "Principal": "*", "Action": "sts:AssumeRole"}}`,
		"no principal":  `{"Statement": {"Effect": "Allow", "Action": "sts:AssumeRole"}}`,
		"no action":     `{"Statement": {"Effect": "Allow", "Principal": "*"}}`,
		"resource":      `{"Statement": {"Effect": "Allow", "Principal": "*", "Action": "sts:AssumeRole", "Resource": "*"}}`,
		"NotPrincipal":  `{"Statement": {"Effect": "Deny", "NotPrincipal": {"AWS": "1"}, "Action": "sts:AssumeRole"}}`,
		"NotAction":     `{"Statement": {"Effect": "Allow", "Principal": "*", "NotAction": "s3:*"}}`,
		"bad principal": `{"Statement": {"Effect": "Allow", "Principal": "someone", "Action": "sts:AssumeRole"}}`,
		"bad condition": `{"Statement": {"Effect": "Allow", "Principal": "*", "Action": "sts:AssumeRole", "Condition": {"StringEquals": {"sts:ExternalId": {"a": 1}}}}}`,
	}
	for name, doc := range tests {
		t.Run(name, func(t *testing.T) {
			if _, err := parsePolicy(doc); err == nil || !strings.HasPrefix(err.Error(), "externalidtest: ") {
				t.Errorf("parsePolicy(%s) = %v; want an externalidtest error", doc, err)
			}
		})
	}
}

func TestWildcardMatch(t *testing.T) {
	tests := []struct {
		pattern, value string
		want           bool
	}{
		{"*", "", true},
		{"*", "anything", true},
		{"a*c", "abbbc", true},
		{"a*c", "abbbd", false},
		{"a?c", "abc", true},
		{"a?c", "ac", false},
		{"*-*-?", "x-y-z", true},
		{"", "", true},
		{"", "a", false},
		{"abc", "abc", true},
		{"a**", "a", true},
	}
	for _, tt := range tests {
		if got := wildcardMatch(tt.pattern, tt.value); got != tt.want {
			t.Errorf("wildcardMatch(%q, %q) = %v; want %v", tt.pattern, tt.value, got, tt.want)
		}
	}
}
