package externalidtest

import (
	"fmt"
	"sort"
	"strings"
)

// condition is one operator-key-values triple of a Condition block.
type condition struct {
	op     string   // e.g. StringEqualsIfExists
	key    string   // e.g. sts:ExternalId, as written
	values []string // any of them may match
}

// modelledKeys are the condition keys the kit puts in the request context,
// by lower-case name (AWS compares key names case-insensitively). A
// condition on any other key cannot be evaluated and fails closed.
var modelledKeys = map[string]bool{
	"sts:externalid":       true,
	"sts:rolesessionname":  true,
	"sts:sourceidentity":   true,
	"aws:principalarn":     true,
	"aws:principalaccount": true,
}

// condResult is the outcome of a Condition block.
type condResult struct {
	ok          bool   // every condition holds
	why         string // the first failing condition, when !ok
	unsupported string // set when an operator or key is not modelled
}

// evalConditions evaluates every condition of a statement; all must hold.
// Conditions are visited in a stable order so explanations are repeatable.
func evalConditions(conds []condition, keys map[string]string) condResult {
	sorted := append([]condition(nil), conds...)
	sort.Slice(sorted, func(i, j int) bool {
		if sorted[i].op != sorted[j].op {
			return sorted[i].op < sorted[j].op
		}
		return sorted[i].key < sorted[j].key
	})
	res := condResult{ok: true}
	for _, c := range sorted {
		ok, why, supported := c.eval(keys)
		if !supported {
			return condResult{why: why, unsupported: why}
		}
		if !ok && res.ok {
			res = condResult{why: why}
		}
	}
	return res
}

// eval evaluates one condition against the request's keys. It reports
// whether it holds, a value-free explanation when it does not, and whether
// the kit models its operator and key at all.
func (c condition) eval(keys map[string]string) (ok bool, why string, supported bool) {
	key := strings.ToLower(c.key)
	if !modelledKeys[key] {
		return false, fmt.Sprintf("condition key %s is not modelled", c.key), false
	}
	for _, v := range c.values {
		if strings.Contains(v, "${") {
			return false, fmt.Sprintf("policy variables in %s %s are not modelled", c.op, c.key), false
		}
	}
	value, present := keys[key]
	if c.op == "Null" {
		return evalNull(c, present)
	}
	base, ifExists := strings.CutSuffix(c.op, "IfExists")
	match, negated, known := stringMatcher(base)
	if !known {
		return false, fmt.Sprintf("condition operator %s is not modelled", c.op), false
	}
	if !present {
		// AWS: a missing key fails the positive operators and satisfies
		// the negated ones; ...IfExists makes any operator hold.
		if ifExists || negated {
			return true, "", true
		}
		return false, fmt.Sprintf("%s on %s: key absent from request", c.op, c.key), true
	}
	matched := false
	for _, want := range c.values {
		if match(want, value) {
			matched = true
			break
		}
	}
	if matched != negated {
		return true, "", true
	}
	return false, fmt.Sprintf("%s on %s: value does not satisfy the condition", c.op, c.key), true
}

// evalNull implements Null: "true" holds when the key is absent, "false"
// when it is present; a list means any of them.
func evalNull(c condition, present bool) (bool, string, bool) {
	for _, v := range c.values {
		switch strings.ToLower(v) {
		case "true":
			if !present {
				return true, "", true
			}
		case "false":
			if present {
				return true, "", true
			}
		default:
			return false, "Null takes true or false", false
		}
	}
	state := "absent"
	if present {
		state = "present"
	}
	return false, fmt.Sprintf("Null on %s: key %s", c.key, state), true
}

// stringMatcher returns the comparison for a base operator, whether the
// operator is negated, and whether the kit knows it. ArnEquals and ArnLike
// compare like StringLike, which is close to AWS's per-component matching.
func stringMatcher(op string) (match func(pattern, value string) bool, negated, known bool) {
	equals := func(p, v string) bool { return p == v }
	fold := strings.EqualFold
	switch op {
	case "StringEquals":
		return equals, false, true
	case "StringNotEquals":
		return equals, true, true
	case "StringEqualsIgnoreCase":
		return fold, false, true
	case "StringNotEqualsIgnoreCase":
		return fold, true, true
	case "StringLike", "ArnLike", "ArnEquals":
		return wildcardMatch, false, true
	case "StringNotLike", "ArnNotLike", "ArnNotEquals":
		return wildcardMatch, true, true
	}
	return nil, false, false
}

// wildcardMatch matches value against pattern, where * matches any run of
// characters and ? exactly one.
func wildcardMatch(pattern, value string) bool {
	p, v := []rune(pattern), []rune(value)
	star, mark := -1, 0
	i, j := 0, 0
	for j < len(v) {
		switch {
		case i < len(p) && (p[i] == '?' || p[i] == v[j]):
			i++
			j++
		case i < len(p) && p[i] == '*':
			star, mark = i, j
			i++
		case star >= 0:
			i = star + 1
			mark++
			j = mark
		default:
			return false
		}
	}
	for i < len(p) && p[i] == '*' {
		i++
	}
	return i == len(p)
}
