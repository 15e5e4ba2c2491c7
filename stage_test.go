package externalid_test

import (
	"context"
	"errors"
	"strings"
	"sync"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/secretsmanager"

	"github.com/tenantrole/externalid"
	"github.com/tenantrole/externalid/externalidtest"
)

// putStage stores value as a new version of the tenant's secret in the kit,
// labelled stages (AWSCURRENT when none).
func putStage(t *testing.T, srv *externalidtest.Server, tenantID, value string, stages ...string) {
	t.Helper()
	_, err := srv.SecretsManager(srv.SaaS()).PutSecretValue(context.Background(), &secretsmanager.PutSecretValueInput{
		SecretId:      aws.String(externalid.DefaultSecretID(tenantID)),
		SecretString:  aws.String(value),
		VersionStages: stages,
	})
	if err != nil {
		t.Fatalf("PutSecretValue(%v): %v", stages, err)
	}
}

func countEvents(srv *externalidtest.Server, name string) int {
	n := 0
	for _, ev := range srv.Events() {
		if ev.EventName == name {
			n++
		}
	}
	return n
}

func TestResolveExternalIDStage(t *testing.T) {
	ctx := context.Background()
	srv := externalidtest.New(t)
	cust, err := srv.SeedCustomer("acme", func(o *externalidtest.CustomerOptions) { o.ExternalID = "old-value-0001" })
	if err != nil {
		t.Fatal(err)
	}
	putStage(t, srv, cust.TenantID, "new-value-0002", externalid.StagePending)
	r := externalid.NewSecretsManagerResolver(srv.SecretsManager(srv.SaaS()))

	tests := []struct {
		name, tenant, stage string
		want                string // value; "" when an error is expected
		wantErr             error
	}{
		{name: "current", tenant: "acme", stage: externalid.StageCurrent, want: "old-value-0001"},
		{name: "pending", tenant: "acme", stage: externalid.StagePending, want: "new-value-0002"},
		{name: "previous absent", tenant: "acme", stage: externalid.StagePrevious, wantErr: externalid.ErrExternalIDNotFound},
		{name: "empty stage", tenant: "acme", stage: "", wantErr: externalid.ErrInvalidOptions},
		{name: "long stage", tenant: "acme", stage: strings.Repeat("S", 257), wantErr: externalid.ErrInvalidOptions},
		{name: "bad tenant", tenant: "../acme", stage: externalid.StagePending, wantErr: externalid.ErrInvalidTenantID},
		{name: "unknown tenant", tenant: "globex", stage: externalid.StagePending, wantErr: externalid.ErrExternalIDNotFound},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			id, err := r.ResolveExternalIDStage(ctx, tt.tenant, tt.stage)
			if tt.wantErr != nil {
				if !errors.Is(err, tt.wantErr) {
					t.Fatalf("ResolveExternalIDStage(%q, %q) error = %v; want %v", tt.tenant, tt.stage, err, tt.wantErr)
				}
				if strings.Contains(err.Error(), "value-000") {
					t.Errorf("error %q holds an ExternalId", err)
				}
				return
			}
			if err != nil || id.Value() != tt.want {
				t.Fatalf("ResolveExternalIDStage(%q, %q) = %v, %v; want fingerprint %s", tt.tenant, tt.stage, id, err, externalid.FingerprintOf(tt.want))
			}
		})
	}

	t.Run("cached per stage, dropped by Invalidate", func(t *testing.T) {
		before := countEvents(srv, "GetSecretValue")
		for range 3 {
			if _, err := r.ResolveExternalIDStage(ctx, "acme", externalid.StagePending); err != nil {
				t.Fatal(err)
			}
		}
		if got := countEvents(srv, "GetSecretValue") - before; got != 0 {
			t.Errorf("GetSecretValue calls for a cached stage = %d; want 0", got)
		}
		r.Invalidate("acme")
		if _, err := r.ResolveExternalIDStage(ctx, "acme", externalid.StagePending); err != nil {
			t.Fatal(err)
		}
		if got := countEvents(srv, "GetSecretValue") - before; got != 1 {
			t.Errorf("GetSecretValue calls after Invalidate = %d; want 1", got)
		}
	})
}

func TestProviderStagedFallback(t *testing.T) {
	const oldValue, newValue, otherValue = "old-value-0001", "new-value-0002", "unrelated-0003"
	tests := []struct {
		name      string
		trust     []string // values the customer's trust policy accepts
		pending   bool     // store newValue as AWSPENDING (rotation started)
		promoted  bool     // store newValue as AWSCURRENT (rotation promoted)
		wantStage string   // "" when no fallback is expected
		wantErr   error
	}{
		{name: "current accepted", trust: []string{oldValue}, pending: true},
		{name: "trust updated before promotion", trust: []string{newValue}, pending: true, wantStage: externalid.StagePending},
		{name: "promoted before trust update", trust: []string{oldValue}, promoted: true, wantStage: externalid.StagePrevious},
		{name: "no staged value accepted", trust: []string{otherValue}, pending: true, wantErr: externalid.ErrAccessDenied},
		{name: "no other stage", trust: []string{otherValue}, wantErr: externalid.ErrAccessDenied},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			ctx := context.Background()
			srv := externalidtest.New(t)
			cust, err := srv.SeedCustomer("acme", func(o *externalidtest.CustomerOptions) {
				o.ExternalID = oldValue
				o.TrustPolicy = externalidtest.TrustPolicy(srv.SaaS().ARN, tt.trust...)
			})
			if err != nil {
				t.Fatal(err)
			}
			if tt.pending {
				putStage(t, srv, "acme", newValue, externalid.StagePending)
			}
			if tt.promoted {
				putStage(t, srv, "acme", newValue)
			}
			var mu sync.Mutex
			var stages []string
			p, err := externalid.NewProvider(srv.STS(srv.SaaS()), cust.Role.ARN, "acme",
				externalid.NewSecretsManagerResolver(srv.SecretsManager(srv.SaaS())),
				func(o *externalid.ProviderOptions) {
					o.OnStage = func(tenantID, stage string) {
						mu.Lock()
						defer mu.Unlock()
						stages = append(stages, tenantID+" "+stage)
					}
				})
			if err != nil {
				t.Fatal(err)
			}
			creds, err := p.Retrieve(ctx)
			if !errors.Is(err, tt.wantErr) || (tt.wantErr == nil && err != nil) {
				t.Fatalf("Retrieve() error = %v; want %v", err, tt.wantErr)
			}
			if err != nil {
				for _, v := range []string{oldValue, newValue, otherValue} {
					if strings.Contains(err.Error(), v) {
						t.Errorf("Retrieve() error holds an ExternalId: %v", err)
					}
				}
			} else if creds.AccountID != cust.AccountID {
				t.Errorf("Retrieve().AccountID = %q; want %q", creds.AccountID, cust.AccountID)
			}
			var want []string
			if tt.wantStage != "" {
				want = []string{"acme " + tt.wantStage}
			}
			mu.Lock()
			defer mu.Unlock()
			if strings.Join(stages, ",") != strings.Join(want, ",") {
				t.Errorf("OnStage calls = %q; want %q", stages, want)
			}
		})
	}
}

// TestProviderStagedFallbackOnce checks that a Retrieve that falls back
// makes at most one AssumeRole call per distinct value.
func TestProviderStagedFallbackOnce(t *testing.T) {
	ctx := context.Background()
	srv := externalidtest.New(t)
	cust, err := srv.SeedCustomer("acme", func(o *externalidtest.CustomerOptions) {
		o.ExternalID = "old-value-0001"
		o.TrustPolicy = externalidtest.TrustPolicy(srv.SaaS().ARN, "unrelated-0003")
	})
	if err != nil {
		t.Fatal(err)
	}
	putStage(t, srv, "acme", "new-value-0002", externalid.StagePending)
	p, err := externalid.NewProvider(srv.STS(srv.SaaS()), cust.Role.ARN, "acme",
		externalid.NewSecretsManagerResolver(srv.SecretsManager(srv.SaaS())),
	)
	if err != nil {
		t.Fatal(err)
	}
	srv.ResetEvents()
	if _, err := p.Retrieve(ctx); !errors.Is(err, externalid.ErrAccessDenied) {
		t.Fatalf("Retrieve() error = %v; want ErrAccessDenied", err)
	}
	if got := countEvents(srv, "AssumeRole"); got != 2 {
		t.Errorf("AssumeRole calls = %d; want 2 (AWSCURRENT, then AWSPENDING once)", got)
	}
}

// TestProviderStageFallbackOff checks that with DisableStageFallback a denied
// Retrieve reads no staged value.
func TestProviderStageFallbackOff(t *testing.T) {
	ctx := context.Background()
	srv := externalidtest.New(t)
	cust, err := srv.SeedCustomer("acme", func(o *externalidtest.CustomerOptions) {
		o.ExternalID = "old-value-0001"
		o.TrustPolicy = externalidtest.TrustPolicy(srv.SaaS().ARN, "new-value-0002")
	})
	if err != nil {
		t.Fatal(err)
	}
	putStage(t, srv, "acme", "new-value-0002", externalid.StagePending)
	p, err := externalid.NewProvider(srv.STS(srv.SaaS()), cust.Role.ARN, "acme",
		externalid.NewSecretsManagerResolver(srv.SecretsManager(srv.SaaS())),
		func(o *externalid.ProviderOptions) { o.DisableStageFallback = true })
	if err != nil {
		t.Fatal(err)
	}
	if _, err := p.Retrieve(ctx); !errors.Is(err, externalid.ErrAccessDenied) {
		t.Fatalf("Retrieve() error = %v; want ErrAccessDenied", err)
	}
	for _, ev := range srv.Events() {
		if ev.EventName == "GetSecretValue" && ev.RequestParameters["versionStage"] == externalid.StagePending {
			t.Errorf("GetSecretValue of AWSPENDING with DisableStageFallback")
		}
	}
}
