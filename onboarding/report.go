package onboarding

import (
	"fmt"
	"strings"
)

// Names of the probes in a [Report], in the order they run.
const (
	// ProbeWithExternalID assumes the role with the tenant's ExternalId and
	// calls GetCallerIdentity with the credentials. It must be allowed.
	ProbeWithExternalID = "with-external-id"
	// ProbeWithoutExternalID assumes the role without an ExternalId. It
	// must be denied.
	ProbeWithoutExternalID = "without-external-id"
	// ProbeWrongExternalID assumes the role with a random ExternalId. It
	// must be denied.
	ProbeWrongExternalID = "wrong-external-id"
)

// Outcomes of a probe.
const (
	// OutcomeAllowed is a call that STS allowed.
	OutcomeAllowed = "allowed"
	// OutcomeDenied is a call that STS denied with AccessDenied.
	OutcomeDenied = "denied"
	// OutcomeError is a failure that says nothing about the trust policy,
	// such as throttling or a network error.
	OutcomeError = "error"
)

// Report is the result of [Verifier.Verify]. It holds fingerprints, never
// ExternalId values, so it is safe to log and to print. It is plain data:
// safe for concurrent reads, not for concurrent changes.
type Report struct {
	TenantID  string `json:"tenantId"`
	RoleARN   string `json:"roleArn"`
	AccountID string `json:"accountId"` // the role's account
	// CallerARN is the SaaS principal that ran the probes.
	CallerARN string `json:"callerArn,omitempty"`
	// Probes are the three probes, in order.
	Probes []ProbeResult `json:"probes"`
	// Stages says which of the tenant's staged values the role accepts.
	Stages []StageResult `json:"stages"`
	// Remedy, when the role does not enforce the ExternalId, is the
	// condition to add to its trust policy, with a placeholder for the value.
	Remedy string `json:"remedy,omitempty"`
}

// ProbeResult is one probe of a [Report].
type ProbeResult struct {
	Name string `json:"name"` // ProbeWithExternalID, ...
	Want string `json:"want"` // OutcomeAllowed or OutcomeDenied
	Got  string `json:"got"`  // OutcomeAllowed, OutcomeDenied or OutcomeError
	// Fingerprint identifies the ExternalId sent; "" for none.
	Fingerprint string `json:"fingerprint,omitempty"`
	// AccountID is GetCallerIdentity's account with the probe's
	// credentials, for ProbeWithExternalID.
	AccountID string `json:"accountId,omitempty"`
	RequestID string `json:"requestId,omitempty"`
	// Detail explains a failed probe.
	Detail string `json:"detail,omitempty"`
}

// Passed reports whether the probe got what it wanted.
func (p ProbeResult) Passed() bool { return p.Got == p.Want }

// StageResult says whether the role accepts the value of one staging label.
type StageResult struct {
	Stage       string `json:"stage"` // AWSCURRENT, AWSPENDING or AWSPREVIOUS
	Fingerprint string `json:"fingerprint"`
	Accepted    bool   `json:"accepted"`
	Detail      string `json:"detail,omitempty"`
}

// Probe returns the probe named name, and whether it ran.
func (r *Report) Probe(name string) (ProbeResult, bool) {
	for _, p := range r.Probes {
		if p.Name == name {
			return p, true
		}
	}
	return ProbeResult{}, false
}

// TrustEnforced reports whether both negative probes ran and were denied.
func (r *Report) TrustEnforced() bool {
	without, ok1 := r.Probe(ProbeWithoutExternalID)
	wrong, ok2 := r.Probe(ProbeWrongExternalID)
	return ok1 && ok2 && without.Passed() && wrong.Passed()
}

// OK reports whether every probe passed.
func (r *Report) OK() bool {
	if len(r.Probes) != 3 {
		return false
	}
	for _, p := range r.Probes {
		if !p.Passed() {
			return false
		}
	}
	return true
}

// Accepts reports whether the role accepts the value staged as stage.
func (r *Report) Accepts(stage string) bool {
	for _, s := range r.Stages {
		if s.Stage == stage {
			return s.Accepted
		}
	}
	return false
}

// String renders the report for a terminal.
func (r *Report) String() string {
	var b strings.Builder
	fmt.Fprintf(&b, "tenant %s, role %s\n", r.TenantID, r.RoleARN)
	for _, p := range r.Probes {
		mark := "ok  "
		if !p.Passed() {
			mark = "FAIL"
		}
		line := fmt.Sprintf("  %s %-20s want %-7s got %-7s", mark, p.Name, p.Want, p.Got)
		if p.Fingerprint != "" {
			line += fmt.Sprintf(" (ExternalId %s)", p.Fingerprint)
		}
		if p.Detail != "" {
			line += ": " + p.Detail
		}
		b.WriteString(strings.TrimRight(line, " "))
		b.WriteByte('\n')
	}
	for _, s := range r.Stages {
		verdict := "accepted"
		if !s.Accepted {
			verdict = "not accepted"
		}
		fmt.Fprintf(&b, "  stage %-11s %s %s\n", s.Stage, s.Fingerprint, verdict)
	}
	if r.Remedy != "" {
		fmt.Fprintf(&b, "remedy:\n%s", r.Remedy)
	}
	return b.String()
}

// VerifyError is the error of a [Verifier.Verify] whose probes ran but did
// not all pass. Err wraps [ErrTrustNotEnforced], [ErrRoleNotAssumable] or
// both, for [errors.Is]. It holds no ExternalId value.
type VerifyError struct {
	Report *Report
	Err    error
}

// Error names the role, the tenant and the probes that failed.
func (e *VerifyError) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "onboarding: verify role %s for tenant %q: ", e.Report.RoleARN, e.Report.TenantID)
	var failed []string
	for _, p := range e.Report.Probes {
		if !p.Passed() {
			s := fmt.Sprintf("%s was %s, want %s", p.Name, p.Got, p.Want)
			if p.Detail != "" {
				s += " (" + p.Detail + ")"
			}
			failed = append(failed, s)
		}
	}
	b.WriteString(strings.Join(failed, "; "))
	if e.Report.Remedy != "" {
		b.WriteString(". The role does not enforce the ExternalId: ")
		b.WriteString(strings.ReplaceAll(strings.TrimSpace(e.Report.Remedy), "\n", " "))
	} else if !e.Report.OK() {
		b.WriteString(". Check that the role exists, trusts this principal, and requires the tenant's current ExternalId (compare its fingerprint)")
	}
	return b.String()
}

// Unwrap returns the sentinel(s).
func (e *VerifyError) Unwrap() error { return e.Err }
