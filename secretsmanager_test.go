package externalid_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/smithy-go"

	"github.com/tenantrole/externalid"
	"github.com/tenantrole/externalid/externalidtest"
)

func newResolver(f *fakeSecrets, clock *externalidtest.ManualClock, optFns ...func(*externalid.SecretsManagerOptions)) *externalid.SecretsManagerResolver {
	return externalid.NewSecretsManagerResolver(f, append([]func(*externalid.SecretsManagerOptions){
		func(o *externalid.SecretsManagerOptions) { o.Now = clock.Now },
	}, optFns...)...)
}

func TestResolverReadsDefaultSecret(t *testing.T) {
	f := newFakeSecrets(map[string]string{"externalid/acme": canary})
	r := newResolver(f, newFakeClock())
	id, err := r.ResolveExternalID(context.Background(), "acme")
	if err != nil {
		t.Fatalf("ResolveExternalID() error = %v", err)
	}
	if id.Value() != canary {
		t.Errorf("ResolveExternalID() returned another value")
	}
	in := f.inputs[0]
	if aws.ToString(in.SecretId) != "externalid/acme" || aws.ToString(in.VersionStage) != "AWSCURRENT" {
		t.Errorf("GetSecretValue(%q, %q); want externalid/acme, AWSCURRENT", aws.ToString(in.SecretId), aws.ToString(in.VersionStage))
	}
}

func TestResolverOptionsReachTheRequest(t *testing.T) {
	f := newFakeSecrets(map[string]string{"tenants/acme/eid": `{"externalId":"` + canary + `"}`})
	r := newResolver(f, newFakeClock(), func(o *externalid.SecretsManagerOptions) {
		o.SecretID = func(tenant string) string { return "tenants/" + tenant + "/eid" }
		o.JSONKey = "externalId"
		o.VersionStage = "AWSPENDING"
	})
	id, err := r.ResolveExternalID(context.Background(), "acme")
	if err != nil || id.Value() != canary {
		t.Fatalf("ResolveExternalID() = %v, %v; want the canary", id, err)
	}
	if got := aws.ToString(f.inputs[0].VersionStage); got != "AWSPENDING" {
		t.Errorf("VersionStage = %q; want AWSPENDING", got)
	}
}

func TestResolverContentErrors(t *testing.T) {
	tests := []struct {
		name    string
		content *string
		jsonKey string
	}{
		{"binary-only secret", nil, ""},
		{"value breaks STS constraints", aws.String(canary + " with spaces"), ""},
		{"value with trailing newline", aws.String(canary + "\n"), ""},
		{"empty value", aws.String(""), ""},
		{"bad JSON", aws.String(`{"externalId":"` + canary), "externalId"},
		{"JSON array", aws.String(`["` + canary + `"]`), "externalId"},
		{"JSON null document", aws.String(`null`), "externalId"},
		{"missing key", aws.String(`{"other":"` + canary + `"}`), "externalId"},
		{"number under key", aws.String(`{"externalId":12345678}`), "externalId"},
		{"null under key", aws.String(`{"externalId":null}`), "externalId"},
		{"object under key", aws.String(`{"externalId":{"v":"` + canary + `"}}`), "externalId"},
		{"invalid value under key", aws.String(`{"externalId":"` + canary + `!"}`), "externalId"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newFakeSecrets(nil)
			f.values["externalid/acme"] = tt.content
			r := newResolver(f, newFakeClock(), func(o *externalid.SecretsManagerOptions) { o.JSONKey = tt.jsonKey })
			_, err := r.ResolveExternalID(context.Background(), "acme")
			if !errors.Is(err, externalid.ErrInvalidExternalID) {
				t.Fatalf("ResolveExternalID() error = %v; want ErrInvalidExternalID", err)
			}
			var re *externalid.ResolveError
			if !errors.As(err, &re) || re.TenantID != "acme" || re.SecretID != "externalid/acme" {
				t.Fatalf("error %v is not a ResolveError naming tenant acme and secret externalid/acme", err)
			}
			if strings.Contains(err.Error(), canary) {
				t.Fatalf("error leaks the secret content: %v", err)
			}
		})
	}
}

func TestResolverNotFound(t *testing.T) {
	tests := []struct {
		name string
		err  error
	}{
		{"missing secret", apiError("ResourceNotFoundException")},
		{"deleted secret", &smithy.GenericAPIError{Code: "InvalidRequestException", Message: "You can't perform this operation on the secret because it was marked for deletion."}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newFakeSecrets(nil)
			f.fail("externalid/acme", tt.err)
			_, err := newResolver(f, newFakeClock()).ResolveExternalID(context.Background(), "acme")
			if !errors.Is(err, externalid.ErrExternalIDNotFound) {
				t.Fatalf("ResolveExternalID() error = %v; want ErrExternalIDNotFound", err)
			}
			var apiErr smithy.APIError
			if !errors.As(err, &apiErr) {
				t.Errorf("error %v does not expose the AWS error", err)
			}
		})
	}
}

func TestResolverRefusesPartialARNMatch(t *testing.T) {
	// Secrets Manager may answer "externalid/acme-a1B2c3" with the secret
	// "externalid/acme" (its ARN ends in -a1B2c3): another tenant's secret.
	f := newFakeSecrets(map[string]string{"externalid/acme-a1B2c3": canary})
	f.names["externalid/acme-a1B2c3"] = "externalid/acme"
	_, err := newResolver(f, newFakeClock()).ResolveExternalID(context.Background(), "acme-a1B2c3")
	if !errors.Is(err, externalid.ErrExternalIDNotFound) {
		t.Fatalf("ResolveExternalID() error = %v; want ErrExternalIDNotFound", err)
	}
}

func TestResolverRejectsBadTenantBeforeAnyCall(t *testing.T) {
	f := newFakeSecrets(nil)
	r := newResolver(f, newFakeClock())
	for _, tenant := range []string{"", "a/b", "../acme", strings.Repeat("x", 129)} {
		if _, err := r.ResolveExternalID(context.Background(), tenant); !errors.Is(err, externalid.ErrInvalidTenantID) {
			t.Errorf("ResolveExternalID(%q) error = %v; want ErrInvalidTenantID", tenant, err)
		}
	}
	if n := f.total(); n != 0 {
		t.Fatalf("GetSecretValue called %d times; want 0", n)
	}
}

func TestResolverInvalidOptions(t *testing.T) {
	tests := []struct {
		name   string
		client externalid.SecretsManagerAPIClient
		opt    func(*externalid.SecretsManagerOptions)
	}{
		{"nil client", nil, func(*externalid.SecretsManagerOptions) {}},
		{"negative TTL", newFakeSecrets(nil), func(o *externalid.SecretsManagerOptions) { o.TTL = -time.Second }},
		{"negative MaxEntries", newFakeSecrets(nil), func(o *externalid.SecretsManagerOptions) { o.MaxEntries = -1 }},
		{"negative LookupTimeout", newFakeSecrets(nil), func(o *externalid.SecretsManagerOptions) { o.LookupTimeout = -1 }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := externalid.NewSecretsManagerResolver(tt.client, tt.opt)
			if _, err := r.ResolveExternalID(context.Background(), "acme"); !errors.Is(err, externalid.ErrInvalidOptions) {
				t.Fatalf("ResolveExternalID() error = %v; want ErrInvalidOptions", err)
			}
		})
	}
}

func TestResolverCachesForTTL(t *testing.T) {
	f := newFakeSecrets(map[string]string{"externalid/acme": "value-one"})
	clock := newFakeClock()
	r := newResolver(f, clock, func(o *externalid.SecretsManagerOptions) { o.TTL = 10 * time.Minute })
	ctx := context.Background()
	for range 5 {
		if _, err := r.ResolveExternalID(ctx, "acme"); err != nil {
			t.Fatal(err)
		}
	}
	if n := f.count("externalid/acme"); n != 1 {
		t.Fatalf("GetSecretValue calls within TTL = %d; want 1", n)
	}
	f.set("externalid/acme", "value-two")
	clock.Advance(10*time.Minute - time.Nanosecond)
	if id, _ := r.ResolveExternalID(ctx, "acme"); id.Value() != "value-one" {
		t.Fatalf("value changed before the TTL ended")
	}
	clock.Advance(time.Nanosecond)
	id, err := r.ResolveExternalID(ctx, "acme")
	if err != nil || id.Value() != "value-two" {
		t.Fatalf("after TTL: ResolveExternalID() = %v, %v; want the new value", id, err)
	}
	if n := f.count("externalid/acme"); n != 2 {
		t.Fatalf("GetSecretValue calls after TTL = %d; want 2", n)
	}
}

func TestResolverInvalidate(t *testing.T) {
	f := newFakeSecrets(map[string]string{"externalid/acme": "value-one"})
	r := newResolver(f, newFakeClock())
	ctx := context.Background()
	_, _ = r.ResolveExternalID(ctx, "acme")
	f.set("externalid/acme", "value-two")
	r.Invalidate("acme")
	id, err := r.ResolveExternalID(ctx, "acme")
	if err != nil || id.Value() != "value-two" {
		t.Fatalf("after Invalidate: ResolveExternalID() = %v, %v; want the new value", id, err)
	}
}

func TestResolverServesStaleThroughTransientFailures(t *testing.T) {
	transient := []error{
		apiError("ThrottlingException"),
		apiError("InternalServiceError"),
		fmt.Errorf("wrapped: %w", context.DeadlineExceeded),
	}
	for _, failure := range transient {
		t.Run(failure.Error(), func(t *testing.T) {
			f := newFakeSecrets(map[string]string{"externalid/acme": canary})
			clock := newFakeClock()
			r := newResolver(f, clock, func(o *externalid.SecretsManagerOptions) {
				o.TTL = time.Minute
				o.MaxStale = time.Hour
			})
			ctx := context.Background()
			if _, err := r.ResolveExternalID(ctx, "acme"); err != nil {
				t.Fatal(err)
			}
			f.fail("externalid/acme", failure)
			clock.Advance(2 * time.Minute)
			id, err := r.ResolveExternalID(ctx, "acme")
			if err != nil || id.Value() != canary {
				t.Fatalf("during outage: ResolveExternalID() = %v, %v; want the last good value", id, err)
			}
			// While stale, Secrets Manager is asked again only after StaleRetryInterval.
			before := f.count("externalid/acme")
			clock.Advance(externalid.StaleRetryInterval / 2)
			_, _ = r.ResolveExternalID(ctx, "acme")
			if n := f.count("externalid/acme"); n != before {
				t.Fatalf("stale value re-read after %v; want no call before %v", externalid.StaleRetryInterval/2, externalid.StaleRetryInterval)
			}
			clock.Advance(time.Hour)
			if _, err := r.ResolveExternalID(ctx, "acme"); err == nil {
				t.Fatalf("past MaxStale: ResolveExternalID() error = nil; want the failure")
			}
		})
	}
}

func TestResolverNeverMasksDefinitiveFailures(t *testing.T) {
	for _, code := range []string{"ResourceNotFoundException", "AccessDeniedException", "DecryptionFailure"} {
		t.Run(code, func(t *testing.T) {
			f := newFakeSecrets(map[string]string{"externalid/acme": canary})
			clock := newFakeClock()
			r := newResolver(f, clock)
			ctx := context.Background()
			_, _ = r.ResolveExternalID(ctx, "acme")
			f.fail("externalid/acme", apiError(code))
			clock.Advance(externalid.DefaultTTL)
			if _, err := r.ResolveExternalID(ctx, "acme"); err == nil {
				t.Fatalf("ResolveExternalID() after %s = nil error; want it reported", code)
			}
			f.fail("externalid/acme", apiError("ThrottlingException"))
			if _, err := r.ResolveExternalID(ctx, "acme"); err == nil {
				t.Fatalf("a value dropped after %s came back as stale", code)
			}
		})
	}
}

func TestResolverNegativeMaxStaleDisablesStale(t *testing.T) {
	f := newFakeSecrets(map[string]string{"externalid/acme": canary})
	clock := newFakeClock()
	r := newResolver(f, clock, func(o *externalid.SecretsManagerOptions) { o.MaxStale = -1 })
	ctx := context.Background()
	_, _ = r.ResolveExternalID(ctx, "acme")
	f.fail("externalid/acme", apiError("ThrottlingException"))
	clock.Advance(externalid.DefaultTTL)
	if _, err := r.ResolveExternalID(ctx, "acme"); err == nil {
		t.Fatal("ResolveExternalID() = nil error; want the throttling error with MaxStale < 0")
	}
}

func TestResolverEvictsLeastRecentlyUsed(t *testing.T) {
	f := newFakeSecrets(map[string]string{"externalid/a": "value-a", "externalid/b": "value-b", "externalid/c": "value-c"})
	r := newResolver(f, newFakeClock(), func(o *externalid.SecretsManagerOptions) { o.MaxEntries = 2 })
	ctx := context.Background()
	for _, tenant := range []string{"a", "b", "a", "c", "a", "b"} {
		if _, err := r.ResolveExternalID(ctx, tenant); err != nil {
			t.Fatal(err)
		}
	}
	// a stays warm; b is evicted by c, then read again.
	if got := []int{f.count("externalid/a"), f.count("externalid/b"), f.count("externalid/c")}; got[0] != 1 || got[1] != 2 || got[2] != 1 {
		t.Fatalf("calls per tenant a,b,c = %v; want [1 2 1]", got)
	}
}

func TestResolverOneCallPerColdTenant(t *testing.T) {
	const tenants, goroutines = 50, 1000
	f := newFakeSecrets(nil)
	for i := range tenants {
		f.set(fmt.Sprintf("externalid/t%d", i), fmt.Sprintf("value-%d", i))
	}
	f.gate = make(chan struct{})
	r := newResolver(f, newFakeClock())
	var wg sync.WaitGroup
	errs := make(chan error, goroutines)
	for g := range goroutines {
		wg.Add(1)
		go func() {
			defer wg.Done()
			tenant := fmt.Sprintf("t%d", g%tenants)
			id, err := r.ResolveExternalID(context.Background(), tenant)
			if err == nil && id.Value() != fmt.Sprintf("value-%d", g%tenants) {
				err = fmt.Errorf("tenant %s got another tenant's value", tenant)
			}
			if err != nil {
				errs <- err
			}
		}()
	}
	time.Sleep(20 * time.Millisecond) // let the goroutines pile up on the gate
	close(f.gate)
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Fatal(err)
	}
	if n := f.total(); n != tenants {
		t.Fatalf("GetSecretValue calls = %d; want %d", n, tenants)
	}
}

func TestResolverCallerCancellationDoesNotCancelSharedLookup(t *testing.T) {
	f := newFakeSecrets(map[string]string{"externalid/acme": canary})
	f.gate = make(chan struct{})
	r := newResolver(f, newFakeClock())

	cancelled, cancel := context.WithCancel(context.Background())
	first := make(chan error, 1)
	go func() {
		_, err := r.ResolveExternalID(cancelled, "acme")
		first <- err
	}()
	for f.count("externalid/acme") == 0 { // wait until the shared lookup is in flight
		time.Sleep(time.Millisecond)
	}
	second := make(chan error, 1)
	go func() {
		id, err := r.ResolveExternalID(context.Background(), "acme")
		if err == nil && id.Value() != canary {
			err = errors.New("wrong value")
		}
		second <- err
	}()
	cancel()
	if err := <-first; !errors.Is(err, context.Canceled) {
		t.Fatalf("cancelled caller: error = %v; want context.Canceled", err)
	}
	close(f.gate)
	if err := <-second; err != nil {
		t.Fatalf("other caller: error = %v; want the value", err)
	}
	if n := f.count("externalid/acme"); n != 1 {
		t.Fatalf("GetSecretValue calls = %d; want 1 shared call", n)
	}
	if err := f.ctxErrs[0]; err != nil {
		t.Fatalf("shared lookup saw ctx.Err() = %v; want it alive", err)
	}
}

func TestResolverLookupTimeout(t *testing.T) {
	f := newFakeSecrets(map[string]string{"externalid/acme": canary})
	f.gate = make(chan struct{}) // never opened: the lookup hangs until its timeout
	r := newResolver(f, newFakeClock(), func(o *externalid.SecretsManagerOptions) { o.LookupTimeout = 10 * time.Millisecond })
	_, err := r.ResolveExternalID(context.Background(), "acme")
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("ResolveExternalID() error = %v; want context.DeadlineExceeded", err)
	}
}

func FuzzSecretContent(f *testing.F) {
	f.Add("plain-value-123", "")
	f.Add(`{"externalId":"json-value-123"}`, "externalId")
	f.Add(`{"externalId":123}`, "externalId")
	f.Add(`{"externalId":null}`, "externalId")
	f.Add(`not json at all`, "externalId")
	f.Add(`{"externalId":"has space"}`, "externalId")
	f.Add("x", "")
	f.Fuzz(func(t *testing.T, content, key string) {
		secrets := newFakeSecrets(map[string]string{"externalid/acme": content})
		r := externalid.NewSecretsManagerResolver(secrets, func(o *externalid.SecretsManagerOptions) { o.JSONKey = key })
		id, err := r.ResolveExternalID(context.Background(), "acme")
		if err != nil {
			if !errors.Is(err, externalid.ErrInvalidExternalID) {
				t.Fatalf("error does not wrap ErrInvalidExternalID: %v", err)
			}
			if len(content) >= 12 && strings.Contains(err.Error(), content) {
				t.Fatalf("error leaks the content: %v", err)
			}
			return
		}
		if _, err := externalid.New(id.Value()); err != nil {
			t.Fatalf("resolver returned a value New rejects: %v", err)
		}
	})
}
