package onboarding_test

import (
	"context"
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/secretsmanager"

	"github.com/tenantrole/externalid"
	"github.com/tenantrole/externalid/externalidtest"
	"github.com/tenantrole/externalid/onboarding"
)

func TestStoreExternalID(t *testing.T) {
	ctx := context.Background()
	srv := externalidtest.New(t)
	sm := srv.SecretsManager(srv.SaaS())

	first, err := onboarding.StoreExternalID(ctx, sm, "acme", func(o *onboarding.SecretOptions) {
		o.KMSKeyID = "alias/tenants"
		o.Tags = map[string]string{"team": "billing"}
	})
	if err != nil {
		t.Fatalf("StoreExternalID() error = %v", err)
	}
	if !first.Created || first.SecretID != "externalid/acme" || first.ARN == "" || first.Fingerprint == "" {
		t.Fatalf("StoreExternalID() = %+v; want a created secret externalid/acme with an ARN and a fingerprint", first)
	}

	// The resolver reads what was stored.
	id, err := externalid.NewSecretsManagerResolver(sm).ResolveExternalID(ctx, "acme")
	if err != nil || id.Fingerprint() != first.Fingerprint {
		t.Fatalf("ResolveExternalID() = %v, %v; want fingerprint %s", id, err, first.Fingerprint)
	}

	desc, err := sm.DescribeSecret(ctx, &secretsmanager.DescribeSecretInput{SecretId: aws.String("externalid/acme")})
	if err != nil {
		t.Fatal(err)
	}
	tags := map[string]string{}
	for _, tag := range desc.Tags {
		tags[aws.ToString(tag.Key)] = aws.ToString(tag.Value)
	}
	if tags[onboarding.DefaultTenantTagKey] != "acme" || tags["team"] != "billing" {
		t.Errorf("tags = %v; want %s=acme and team=billing", tags, onboarding.DefaultTenantTagKey)
	}
	if aws.ToString(desc.KmsKeyId) != "alias/tenants" {
		t.Errorf("KmsKeyId = %q; want alias/tenants", aws.ToString(desc.KmsKeyId))
	}

	// Idempotent: the second call keeps the secret and its value.
	second, err := onboarding.StoreExternalID(ctx, sm, "acme")
	if err != nil {
		t.Fatalf("second StoreExternalID() error = %v", err)
	}
	if second.Created || second.ARN != first.ARN || second.Fingerprint != first.Fingerprint || second.Untagged {
		t.Errorf("second StoreExternalID() = %+v; want Created false, the same ARN, the existing fingerprint %s, tagged", second, first.Fingerprint)
	}
	r := externalid.NewSecretsManagerResolver(sm)
	if id, err := r.ResolveExternalID(ctx, "acme"); err != nil || id.Fingerprint() != first.Fingerprint {
		t.Errorf("after a second StoreExternalID the value changed: %v, %v", id, err)
	}
}

func TestStoreExternalIDOptions(t *testing.T) {
	ctx := context.Background()
	srv := externalidtest.New(t)
	sm := srv.SecretsManager(srv.SaaS())

	t.Run("JSON key and custom naming", func(t *testing.T) {
		name := func(tenant string) string { return "tenants/" + tenant + "/sts" }
		res, err := onboarding.StoreExternalID(ctx, sm, "globex", func(o *onboarding.SecretOptions) {
			o.SecretID, o.JSONKey = name, "externalId"
		})
		if err != nil || res.SecretID != "tenants/globex/sts" {
			t.Fatalf("StoreExternalID() = %+v, %v", res, err)
		}
		r := externalid.NewSecretsManagerResolver(sm, func(o *externalid.SecretsManagerOptions) {
			o.SecretID, o.JSONKey = name, "externalId"
		})
		if id, err := r.ResolveExternalID(ctx, "globex"); err != nil || id.Fingerprint() != res.Fingerprint {
			t.Fatalf("ResolveExternalID() = %v, %v; want fingerprint %s", id, err, res.Fingerprint)
		}
	})

	t.Run("secret of another tenant", func(t *testing.T) {
		shared := func(string) string { return "shared-secret" }
		if _, err := onboarding.StoreExternalID(ctx, sm, "initech", func(o *onboarding.SecretOptions) { o.SecretID = shared }); err != nil {
			t.Fatal(err)
		}
		_, err := onboarding.StoreExternalID(ctx, sm, "hooli", func(o *onboarding.SecretOptions) { o.SecretID = shared })
		var mismatch *onboarding.TenantMismatchError
		if !errors.As(err, &mismatch) || !errors.Is(err, onboarding.ErrInvalidArgument) {
			t.Fatalf("StoreExternalID() over another tenant's secret: error = %v; want a *TenantMismatchError wrapping ErrInvalidArgument", err)
		}
		if mismatch.Owner != "initech" || mismatch.TenantID != "hooli" || mismatch.SecretID != "shared-secret" {
			t.Errorf("TenantMismatchError = %+v; want owner initech, tenant hooli, secret shared-secret", mismatch)
		}
	})

	t.Run("invalid tenant", func(t *testing.T) {
		_, err := onboarding.StoreExternalID(ctx, sm, "a/b")
		if !errors.Is(err, externalid.ErrInvalidTenantID) {
			t.Fatalf("StoreExternalID(a/b) error = %v; want ErrInvalidTenantID", err)
		}
	})

	t.Run("nil client", func(t *testing.T) {
		if _, err := onboarding.StoreExternalID(ctx, nil, "acme"); !errors.Is(err, onboarding.ErrInvalidArgument) {
			t.Fatalf("StoreExternalID(nil) error = %v; want ErrInvalidArgument", err)
		}
	})
}

// TestStoreExternalIDMoto checks idempotent creation against moto through
// the real SDK client.
func TestStoreExternalIDMoto(t *testing.T) {
	srv := moto.Get(t)
	ctx := context.Background()
	sm := secretsmanager.NewFromConfig(aws.Config{
		Region:       "us-east-1",
		BaseEndpoint: aws.String(srv.URL),
		Credentials:  credentials.NewStaticCredentialsProvider("AKIDONBOARDING00001", "dummy", ""),
	})
	tenant := fmt.Sprintf("moto-%d", time.Now().UnixNano())
	first, err := onboarding.StoreExternalID(ctx, sm, tenant)
	if err != nil || !first.Created {
		t.Fatalf("StoreExternalID() = %+v, %v; want created", first, err)
	}
	second, err := onboarding.StoreExternalID(ctx, sm, tenant)
	if err != nil || second.Created || second.ARN != first.ARN {
		t.Fatalf("second StoreExternalID() = %+v, %v; want the existing secret %s kept", second, err, first.ARN)
	}
	id, err := externalid.NewSecretsManagerResolver(sm).ResolveExternalID(ctx, tenant)
	if err != nil || id.Fingerprint() != first.Fingerprint {
		t.Fatalf("ResolveExternalID() = %v, %v; want the first value %s", id, err, first.Fingerprint)
	}
}

// TestStoreExternalIDUntaggedSecret keeps an existing secret without the
// tenant tag, and says so.
func TestStoreExternalIDUntaggedSecret(t *testing.T) {
	ctx := context.Background()
	srv := externalidtest.New(t)
	sm := srv.SecretsManager(srv.SaaS())
	const value = "existing-value-0001"
	if _, err := srv.CreateSecret(srv.SaaSAccountID(), "externalid/acme", value); err != nil {
		t.Fatal(err)
	}
	res, err := onboarding.StoreExternalID(ctx, sm, "acme")
	if err != nil {
		t.Fatalf("StoreExternalID() error = %v", err)
	}
	if res.Created || !res.Untagged || res.Fingerprint != externalid.FingerprintOf(value) {
		t.Errorf("StoreExternalID() = %+v; want the untagged secret kept, Untagged, fingerprint %s", res, externalid.FingerprintOf(value))
	}
}

// TestStoreExternalIDUnusableSecret refuses to report an existing secret
// as kept when the resolver cannot read an ExternalId from it, and never
// quotes its content.
func TestStoreExternalIDUnusableSecret(t *testing.T) {
	ctx := context.Background()
	tests := []struct {
		name    string
		jsonKey string
		create  secretsmanager.CreateSecretInput
		content string // must not appear in the error
	}{
		{name: "binary", create: secretsmanager.CreateSecretInput{SecretBinary: []byte("binary-value-0001")}, content: "binary-value-0001"},
		{name: "empty", create: secretsmanager.CreateSecretInput{SecretString: aws.String("")}},
		{name: "invalid characters", create: secretsmanager.CreateSecretInput{SecretString: aws.String("has spaces in it!")}, content: "has spaces"},
		{name: "too short", create: secretsmanager.CreateSecretInput{SecretString: aws.String("x")}},
		{name: "JSON key missing", jsonKey: "externalId", create: secretsmanager.CreateSecretInput{SecretString: aws.String(`{"other":"other-value-0001"}`)}, content: "other-value-0001"},
		{name: "not JSON with a key", jsonKey: "externalId", create: secretsmanager.CreateSecretInput{SecretString: aws.String("plain-value-0001")}, content: "plain-value-0001"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := externalidtest.New(t)
			sm := srv.SecretsManager(srv.SaaS())
			in := tt.create
			in.Name = aws.String("externalid/acme")
			if _, err := sm.CreateSecret(ctx, &in); err != nil {
				t.Fatal(err)
			}
			res, err := onboarding.StoreExternalID(ctx, sm, "acme", func(o *onboarding.SecretOptions) { o.JSONKey = tt.jsonKey })
			if !errors.Is(err, externalid.ErrInvalidExternalID) {
				t.Fatalf("StoreExternalID() = %+v, %v; want an error wrapping ErrInvalidExternalID", res, err)
			}
			if tt.content != "" {
				noValue(t, "StoreExternalID() error", err.Error(), tt.content)
			}
		})
	}
}

// TestStoreExternalIDTenantTagInTags refuses a user tag that would set the
// tenant tag a second time.
func TestStoreExternalIDTenantTagInTags(t *testing.T) {
	ctx := context.Background()
	srv := externalidtest.New(t)
	sm := srv.SecretsManager(srv.SaaS())
	for name, fn := range map[string]func(*onboarding.SecretOptions){
		"default key": func(o *onboarding.SecretOptions) {
			o.Tags = map[string]string{onboarding.DefaultTenantTagKey: "globex"}
		},
		"custom key": func(o *onboarding.SecretOptions) {
			o.TenantTagKey, o.Tags = "tenant", map[string]string{"tenant": "acme", "team": "billing"}
		},
	} {
		t.Run(name, func(t *testing.T) {
			_, err := onboarding.StoreExternalID(ctx, sm, "acme", fn)
			if !errors.Is(err, onboarding.ErrInvalidArgument) {
				t.Fatalf("StoreExternalID() error = %v; want ErrInvalidArgument", err)
			}
			if _, err := sm.DescribeSecret(ctx, &secretsmanager.DescribeSecretInput{SecretId: aws.String("externalid/acme")}); err == nil {
				t.Errorf("StoreExternalID() with a refused tag created the secret")
			}
		})
	}
}
