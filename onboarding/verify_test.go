package onboarding_test

import (
	"context"
	"encoding/json"
	"errors"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/secretsmanager"

	"github.com/tenantrole/externalid"
	"github.com/tenantrole/externalid/externalidtest"
	"github.com/tenantrole/externalid/onboarding"
)

func TestVerify(t *testing.T) {
	const saas = "arn:aws:iam::111122223333:user/saas-backend" // the kit's SaaS principal
	tests := []struct {
		name string
		// trust builds the trust policy from the tenant's ExternalId; nil
		// keeps the kit's default, which requires it.
		trust         func(value string) string
		wantErr       []error
		wantFailed    []string // probes that fail
		wantAccepted  bool     // AWSCURRENT accepted
		wantRemedy    bool
		wantNotErrors []error
	}{
		{
			name:          "enforced",
			wantAccepted:  true,
			wantNotErrors: []error{onboarding.ErrTrustNotEnforced, onboarding.ErrRoleNotAssumable},
		},
		{
			name:         "no condition",
			trust:        func(string) string { return externalidtest.TrustPolicy(saas) },
			wantErr:      []error{onboarding.ErrTrustNotEnforced},
			wantFailed:   []string{onboarding.ProbeWithoutExternalID, onboarding.ProbeWrongExternalID},
			wantAccepted: true,
			wantRemedy:   true,
		},
		{
			name: "StringLike wildcard",
			trust: func(string) string {
				return `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"` + saas +
					`"},"Action":"sts:AssumeRole","Condition":{"StringLike":{"sts:ExternalId":"*"}}}]}`
			},
			wantErr:      []error{onboarding.ErrTrustNotEnforced},
			wantFailed:   []string{onboarding.ProbeWrongExternalID},
			wantAccepted: true,
			wantRemedy:   true,
		},
		{
			name: "IfExists lets a missing ExternalId through",
			trust: func(v string) string {
				return `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"` + saas +
					`"},"Action":"sts:AssumeRole","Condition":{"StringEqualsIfExists":{"sts:ExternalId":"` + v + `"}}}]}`
			},
			wantErr:      []error{onboarding.ErrTrustNotEnforced},
			wantFailed:   []string{onboarding.ProbeWithoutExternalID},
			wantAccepted: true,
			wantRemedy:   true,
		},
		{
			name:          "another ExternalId",
			trust:         func(string) string { return externalidtest.TrustPolicy(saas, "some-other-value") },
			wantErr:       []error{onboarding.ErrRoleNotAssumable},
			wantFailed:    []string{onboarding.ProbeWithExternalID},
			wantNotErrors: []error{onboarding.ErrTrustNotEnforced},
		},
		{
			name:          "another principal",
			trust:         func(v string) string { return externalidtest.TrustPolicy("999988887777", v) },
			wantErr:       []error{onboarding.ErrRoleNotAssumable},
			wantFailed:    []string{onboarding.ProbeWithExternalID},
			wantNotErrors: []error{onboarding.ErrTrustNotEnforced},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			k := newKit(t, "")
			if tt.trust != nil {
				if err := k.srv.UpdateAssumeRolePolicy(k.cust.Role.ARN, tt.trust(k.cust.ExternalID)); err != nil {
					t.Fatal(err)
				}
			}
			report, err := k.verifier.Verify(context.Background(), "acme", k.cust.Role.ARN)
			for _, want := range tt.wantErr {
				if !errors.Is(err, want) {
					t.Errorf("Verify() error = %v; want %v", err, want)
				}
			}
			for _, not := range tt.wantNotErrors {
				if errors.Is(err, not) {
					t.Errorf("Verify() error = %v; want not %v", err, not)
				}
			}
			if tt.wantErr != nil {
				var verr *onboarding.VerifyError
				if !errors.As(err, &verr) || verr.Report != report {
					t.Errorf("Verify() error %T is not a *VerifyError with the report", err)
				}
			}
			if report == nil {
				t.Fatalf("Verify() report = nil")
			}
			var failed []string
			for _, p := range report.Probes {
				if !p.Passed() {
					failed = append(failed, p.Name)
				}
			}
			if strings.Join(failed, ",") != strings.Join(tt.wantFailed, ",") {
				t.Errorf("failed probes = %v; want %v\n%s", failed, tt.wantFailed, report)
			}
			if got := report.Accepts(externalid.StageCurrent); got != tt.wantAccepted {
				t.Errorf("Accepts(AWSCURRENT) = %v; want %v", got, tt.wantAccepted)
			}
			if (report.Remedy != "") != tt.wantRemedy {
				t.Errorf("Remedy = %q; want one: %v", report.Remedy, tt.wantRemedy)
			}
			if tt.wantRemedy && !strings.Contains(report.Remedy, `"sts:ExternalId"`) {
				t.Errorf("Remedy lacks the condition:\n%s", report.Remedy)
			}
			if p, _ := report.Probe(onboarding.ProbeWithExternalID); tt.wantAccepted && p.AccountID != k.cust.AccountID {
				t.Errorf("GetCallerIdentity account = %q; want the role's %q", p.AccountID, k.cust.AccountID)
			}
			// Neither the report nor the error holds the value.
			js, _ := json.Marshal(report)
			noValue(t, "report JSON", string(js), k.cust.ExternalID)
			noValue(t, "report", report.String(), k.cust.ExternalID)
			if err != nil {
				noValue(t, "error", err.Error(), k.cust.ExternalID)
			}
		})
	}
}

// TestVerifyProbesOnTheWire reads the kit's event log: the negative probes
// really sent no ExternalId, and a random one that is not the tenant's.
func TestVerifyProbesOnTheWire(t *testing.T) {
	k := newKit(t, "")
	k.srv.ResetEvents()
	if _, err := k.verifier.Verify(context.Background(), "acme", k.cust.Role.ARN); err != nil {
		t.Fatalf("Verify() error = %v", err)
	}
	var sent []any
	for _, ev := range k.srv.Events() {
		if ev.EventName == "AssumeRole" {
			sent = append(sent, ev.RequestParameters["externalId"])
		}
	}
	if len(sent) != 3 || sent[0] != k.cust.ExternalID || sent[1] != nil || sent[2] == nil || sent[2] == k.cust.ExternalID {
		t.Fatalf("AssumeRole ExternalIds = %v; want the tenant's, none, then a random one", len(sent))
	}
}

func TestVerifyStages(t *testing.T) {
	ctx := context.Background()
	k := newKit(t, "")
	sm := k.srv.SecretsManager(k.srv.SaaS())
	// A rotation: the new value is pending, and the customer's trust policy
	// accepts both.
	const newValue = "new-value-0002"
	if _, err := sm.PutSecretValue(ctx, &secretsmanager.PutSecretValueInput{
		SecretId: aws.String("externalid/acme"), SecretString: aws.String(newValue), VersionStages: []string{externalid.StagePending},
	}); err != nil {
		t.Fatal(err)
	}
	report, err := k.verifier.Verify(ctx, "acme", k.cust.Role.ARN)
	if err != nil {
		t.Fatalf("Verify() error = %v", err)
	}
	if !report.Accepts(externalid.StageCurrent) || report.Accepts(externalid.StagePending) {
		t.Errorf("before the trust update: stages = %+v; want AWSCURRENT accepted, AWSPENDING not", report.Stages)
	}
	if err := k.srv.UpdateAssumeRolePolicy(k.cust.Role.ARN, externalidtest.TrustPolicy(k.srv.SaaS().ARN, k.cust.ExternalID, newValue)); err != nil {
		t.Fatal(err)
	}
	report, err = k.verifier.Verify(ctx, "acme", k.cust.Role.ARN)
	if err != nil {
		t.Fatalf("Verify() error = %v", err)
	}
	if !report.Accepts(externalid.StageCurrent) || !report.Accepts(externalid.StagePending) || len(report.Stages) != 2 {
		t.Errorf("after the trust update: stages = %+v; want AWSCURRENT and AWSPENDING accepted", report.Stages)
	}
	if report.Stages[1].Fingerprint != externalid.FingerprintOf(newValue) {
		t.Errorf("AWSPENDING fingerprint = %s; want %s", report.Stages[1].Fingerprint, externalid.FingerprintOf(newValue))
	}
}

func TestVerifyInvalid(t *testing.T) {
	k := newKit(t, "")
	ctx := context.Background()
	tests := []struct {
		name, tenant, role string
		want               error
	}{
		{name: "tenant", tenant: "a/b", role: k.cust.Role.ARN, want: externalid.ErrInvalidTenantID},
		{name: "role", tenant: "acme", role: "arn:aws:s3:::bucket", want: externalid.ErrInvalidRoleARN},
		{name: "no secret", tenant: "globex", role: k.cust.Role.ARN, want: externalid.ErrExternalIDNotFound},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			report, err := k.verifier.Verify(ctx, tt.tenant, tt.role)
			if !errors.Is(err, tt.want) || report != nil {
				t.Fatalf("Verify() = %v, %v; want nil, %v", report, err, tt.want)
			}
		})
	}
	if _, err := onboarding.NewVerifier(nil, k.resolver); !errors.Is(err, onboarding.ErrInvalidArgument) {
		t.Errorf("NewVerifier(nil) error = %v; want ErrInvalidArgument", err)
	}
}

// TestVerifyThrottled checks that a probe that could not run is an error,
// not a verdict.
func TestVerifyThrottled(t *testing.T) {
	k := newKit(t, "")
	remove := k.srv.InjectFault("AssumeRole", externalidtest.Fault{Kind: externalidtest.FaultThrottling})
	defer remove()
	report, err := k.verifier.Verify(context.Background(), "acme", k.cust.Role.ARN)
	if err == nil || errors.Is(err, onboarding.ErrTrustNotEnforced) || errors.Is(err, onboarding.ErrRoleNotAssumable) {
		t.Fatalf("Verify() with throttled STS: error = %v; want a plain failure", err)
	}
	if report == nil || report.OK() {
		t.Errorf("Verify() report = %v; want the incomplete report", report)
	}
}
