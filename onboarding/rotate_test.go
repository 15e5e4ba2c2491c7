package onboarding_test

import (
	"context"
	"encoding/json"
	"errors"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/secretsmanager"

	"github.com/tenantrole/externalid"
	"github.com/tenantrole/externalid/externalidtest"
	"github.com/tenantrole/externalid/onboarding"
)

func newRotator(t *testing.T, k *kit, optFns ...func(*onboarding.RotatorOptions)) *onboarding.Rotator {
	t.Helper()
	r, err := onboarding.NewRotator(k.srv.SecretsManager(k.srv.SaaS()), k.verifier, optFns...)
	if err != nil {
		t.Fatal(err)
	}
	return r
}

// retrieveLoop runs Retrieve through p in goroutines until stop is called,
// and counts successes and failures.
type retrieveLoop struct {
	ok, failed atomic.Int64
	firstErr   atomic.Value
	stop       func()
}

func startRetrieveLoop(p *externalid.Provider, workers int) *retrieveLoop {
	l := &retrieveLoop{}
	ctx, cancel := context.WithCancel(context.Background())
	var wg sync.WaitGroup
	for range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for ctx.Err() == nil {
				if _, err := p.Retrieve(context.Background()); err != nil {
					l.failed.Add(1)
					l.firstErr.CompareAndSwap(nil, err)
				} else {
					l.ok.Add(1)
				}
			}
		}()
	}
	l.stop = func() { cancel(); wg.Wait() }
	return l
}

// progress waits until the loop has made n more successful Retrieves.
func (l *retrieveLoop) progress(t *testing.T, n int64) {
	t.Helper()
	target := l.ok.Load() + n
	deadline := time.Now().Add(10 * time.Second)
	for l.ok.Load() < target {
		if time.Now().After(deadline) {
			t.Fatalf("the Retrieve loop made no progress: %d ok, %d failed (%v)", l.ok.Load(), l.failed.Load(), l.firstErr.Load())
		}
		time.Sleep(time.Millisecond)
	}
}

// TestRotationWithoutFailedRetrieve runs the whole rotation, the customer's
// trust policy updates included, while providers keep retrieving
// credentials, and checks that no Retrieve fails.
func TestRotationWithoutFailedRetrieve(t *testing.T) {
	ctx := context.Background()
	k := newKit(t, "")
	rot := newRotator(t, k)
	customerUpdates := func(policy string) {
		t.Helper()
		if err := k.srv.UpdateAssumeRolePolicy(k.cust.Role.ARN, policy); err != nil {
			t.Fatal(err)
		}
	}
	// A short TTL makes the providers re-read the secret often, so they see
	// every step of the rotation.
	resolver := externalid.NewSecretsManagerResolver(k.srv.SecretsManager(k.srv.SaaS()),
		func(o *externalid.SecretsManagerOptions) { o.TTL = time.Millisecond })
	var fallbacks atomic.Int64
	p, err := externalid.NewProvider(k.srv.STS(k.srv.SaaS()), k.cust.Role.ARN, "acme", resolver,
		func(o *externalid.ProviderOptions) {
			o.OnStage = func(string, string) { fallbacks.Add(1) }
		})
	if err != nil {
		t.Fatal(err)
	}
	loop := startRetrieveLoop(p, 4)
	defer loop.stop()
	loop.progress(t, 5)

	// 1. Store the new value as AWSPENDING.
	started, err := rot.Start(ctx, "acme")
	if err != nil || !started.Started || started.Pending == nil {
		t.Fatalf("Start() = %+v, %v; want a new pending version", started, err)
	}
	if started.Current.Fingerprint != externalid.FingerprintOf(k.cust.ExternalID) {
		t.Errorf("Start().Current = %s; want the old value %s", started.Current.Fingerprint, externalid.FingerprintOf(k.cust.ExternalID))
	}
	loop.progress(t, 5)

	// Promoting before the customer accepts the new value is refused.
	if _, err := rot.Promote(ctx, "acme", k.cust.Role.ARN); !errors.Is(err, onboarding.ErrPendingNotAccepted) {
		t.Fatalf("Promote() before the trust update: error = %v; want ErrPendingNotAccepted", err)
	}

	// 2. The customer attaches the two-value policy.
	both, err := rot.TrustPolicy(ctx, "acme", k.srv.SaaS().ARN)
	if err != nil {
		t.Fatal(err)
	}
	customerUpdates(both)
	loop.progress(t, 5)

	// 3. Promote.
	promoted, err := rot.Promote(ctx, "acme", k.cust.Role.ARN)
	if err != nil {
		t.Fatalf("Promote() error = %v", err)
	}
	if !promoted.Promoted || promoted.Pending != nil || promoted.Previous == nil ||
		promoted.Current.Fingerprint != started.Pending.Fingerprint || promoted.Previous.Fingerprint != started.Current.Fingerprint {
		t.Fatalf("Promote() = %+v; want the pending value current and the old one previous", promoted)
	}
	if promoted.Report == nil || !promoted.Report.Accepts(externalid.StagePending) {
		t.Errorf("Promote().Report = %v; want the verification that accepted AWSPENDING", promoted.Report)
	}
	loop.progress(t, 5)

	// 4. The customer drops the old value.
	only, err := rot.TrustPolicy(ctx, "acme", k.srv.SaaS().ARN)
	if err != nil {
		t.Fatal(err)
	}
	customerUpdates(only)
	loop.progress(t, 20)
	loop.stop()

	if n := loop.failed.Load(); n != 0 {
		t.Fatalf("%d of %d Retrieves failed during the rotation; first: %v", n, n+loop.ok.Load(), loop.firstErr.Load())
	}
	t.Logf("%d Retrieves, none failed; %d used the staged fallback", loop.ok.Load(), fallbacks.Load())

	// The old value is no longer accepted; the new one is.
	report, err := k.verifier.Verify(ctx, "acme", k.cust.Role.ARN)
	if err != nil || !report.Accepts(externalid.StageCurrent) || report.Accepts(externalid.StagePrevious) {
		t.Fatalf("Verify() after the rotation = %v, %v; want AWSCURRENT accepted and AWSPREVIOUS not", report, err)
	}
}

// TestRotationForcedPromotion promotes before the customer updates the
// trust policy: providers keep working through the AWSPREVIOUS fallback.
func TestRotationForcedPromotion(t *testing.T) {
	ctx := context.Background()
	k := newKit(t, "")
	rot := newRotator(t, k)
	if _, err := rot.Start(ctx, "acme"); err != nil {
		t.Fatal(err)
	}
	promoted, err := rot.Promote(ctx, "acme", k.cust.Role.ARN, func(o *onboarding.PromoteOptions) { o.Force = true })
	if err != nil || !promoted.Promoted || promoted.Report != nil {
		t.Fatalf("forced Promote() = %+v, %v; want promoted without a report", promoted, err)
	}
	var stages []string
	var mu sync.Mutex
	p, err := externalid.NewProvider(k.srv.STS(k.srv.SaaS()), k.cust.Role.ARN, "acme", k.resolver,
		func(o *externalid.ProviderOptions) {
			o.OnStage = func(_, stage string) { mu.Lock(); stages = append(stages, stage); mu.Unlock() }
		})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := p.Retrieve(ctx); err != nil {
		t.Fatalf("Retrieve() after a forced promotion = %v; want success through AWSPREVIOUS", err)
	}
	mu.Lock()
	defer mu.Unlock()
	if len(stages) != 1 || stages[0] != externalid.StagePrevious {
		t.Errorf("OnStage = %v; want [AWSPREVIOUS]", stages)
	}
}

func TestRotationStartIsIdempotent(t *testing.T) {
	ctx := context.Background()
	k := newKit(t, "")
	rot := newRotator(t, k)
	first, err := rot.Start(ctx, "acme")
	if err != nil {
		t.Fatal(err)
	}
	second, err := rot.Start(ctx, "acme")
	if err != nil {
		t.Fatal(err)
	}
	if second.Started || second.Pending == nil || second.Pending.Fingerprint != first.Pending.Fingerprint {
		t.Fatalf("second Start() = %+v; want the pending value %s reused", second, first.Pending.Fingerprint)
	}
	js, _ := json.Marshal(second)
	noValue(t, "Rotation JSON", string(js), k.cust.ExternalID)
}

func TestPromoteWithoutRotation(t *testing.T) {
	k := newKit(t, "")
	_, err := newRotator(t, k).Promote(context.Background(), "acme", k.cust.Role.ARN)
	if !errors.Is(err, onboarding.ErrNoPendingRotation) {
		t.Fatalf("Promote() error = %v; want ErrNoPendingRotation", err)
	}
}

// TestPromoteRefusesUnenforcedTrust refuses to promote onto a role that
// does not enforce the ExternalId, even though it accepts the new value.
func TestPromoteRefusesUnenforcedTrust(t *testing.T) {
	ctx := context.Background()
	k := newKit(t, "")
	rot := newRotator(t, k)
	if _, err := rot.Start(ctx, "acme"); err != nil {
		t.Fatal(err)
	}
	if err := k.srv.UpdateAssumeRolePolicy(k.cust.Role.ARN, externalidtest.TrustPolicy(k.srv.SaaS().ARN)); err != nil {
		t.Fatal(err)
	}
	res, err := rot.Promote(ctx, "acme", k.cust.Role.ARN)
	if !errors.Is(err, onboarding.ErrTrustNotEnforced) {
		t.Fatalf("Promote() error = %v; want ErrTrustNotEnforced", err)
	}
	if res == nil || res.Report == nil || res.Report.Remedy == "" {
		t.Errorf("Promote() = %+v; want the report with the remedy", res)
	}
}

// TestPromoteFinishesHalfDone finishes a promotion whose AWSPENDING label
// was not removed.
func TestPromoteFinishesHalfDone(t *testing.T) {
	ctx := context.Background()
	k := newKit(t, "")
	rot := newRotator(t, k)
	started, err := rot.Start(ctx, "acme")
	if err != nil {
		t.Fatal(err)
	}
	sm := k.srv.SecretsManager(k.srv.SaaS())
	if _, err := sm.UpdateSecretVersionStage(ctx, &secretsmanager.UpdateSecretVersionStageInput{
		SecretId: aws.String("externalid/acme"), VersionStage: aws.String(externalid.StageCurrent),
		MoveToVersionId: aws.String(started.Pending.VersionID), RemoveFromVersionId: aws.String(started.Current.VersionID),
	}); err != nil {
		t.Fatal(err)
	}
	res, err := rot.Promote(ctx, "acme", k.cust.Role.ARN)
	if err != nil || !res.Promoted || res.Pending != nil || res.Current.VersionID != started.Pending.VersionID {
		t.Fatalf("Promote() = %+v, %v; want the half-done promotion finished", res, err)
	}
}

// TestRotationJSONKey keeps the other fields of a JSON secret.
func TestRotationJSONKey(t *testing.T) {
	ctx := context.Background()
	srv := externalidtest.New(t)
	if _, err := srv.CreateSecret(srv.SaaSAccountID(), "externalid/acme", `{"externalId":"old-value-0001","region":"eu-west-1"}`); err != nil {
		t.Fatal(err)
	}
	sm := srv.SecretsManager(srv.SaaS())
	resolver := externalid.NewSecretsManagerResolver(sm, func(o *externalid.SecretsManagerOptions) { o.JSONKey = "externalId" })
	v, err := onboarding.NewVerifier(srv.STS(srv.SaaS()), resolver)
	if err != nil {
		t.Fatal(err)
	}
	rot, err := onboarding.NewRotator(sm, v, func(o *onboarding.RotatorOptions) { o.JSONKey = "externalId" })
	if err != nil {
		t.Fatal(err)
	}
	started, err := rot.Start(ctx, "acme")
	if err != nil {
		t.Fatal(err)
	}
	out, err := sm.GetSecretValue(ctx, &secretsmanager.GetSecretValueInput{SecretId: aws.String("externalid/acme"), VersionStage: aws.String(externalid.StagePending)})
	if err != nil {
		t.Fatal(err)
	}
	var fields map[string]string
	if err := json.Unmarshal([]byte(aws.ToString(out.SecretString)), &fields); err != nil {
		t.Fatal(err)
	}
	if fields["region"] != "eu-west-1" || externalid.FingerprintOf(fields["externalId"]) != started.Pending.Fingerprint {
		t.Errorf("pending version fields: region %q, externalId fingerprint %s; want eu-west-1 and %s",
			fields["region"], externalid.FingerprintOf(fields["externalId"]), started.Pending.Fingerprint)
	}
	id, err := resolver.ResolveExternalIDStage(ctx, "acme", externalid.StagePending)
	if err != nil || id.Fingerprint() != started.Pending.Fingerprint {
		t.Errorf("ResolveExternalIDStage(AWSPENDING) = %v, %v; want %s", id, err, started.Pending.Fingerprint)
	}
}

// TestRotatorTrustPolicyRedacted renders placeholders, never values, for
// both values of a rotation.
func TestRotatorTrustPolicyRedacted(t *testing.T) {
	ctx := context.Background()
	k := newKit(t, "")
	rot := newRotator(t, k)
	started, err := rot.Start(ctx, "acme")
	if err != nil {
		t.Fatal(err)
	}
	pending, err := k.resolver.ResolveExternalIDStage(ctx, "acme", externalid.StagePending)
	if err != nil {
		t.Fatal(err)
	}
	policy, err := rot.TrustPolicy(ctx, "acme", "111122223333", func(o *onboarding.TrustPolicyOptions) { o.Redact = true })
	if err != nil {
		t.Fatalf("TrustPolicy(Redact) error = %v", err)
	}
	noValue(t, "redacted trust policy", policy, k.cust.ExternalID, pending.Value())
	var doc struct {
		Statement []struct {
			Condition map[string]map[string][]string
		}
	}
	if err := json.Unmarshal([]byte(policy), &doc); err != nil || len(doc.Statement) != 1 {
		t.Fatalf("TrustPolicy(Redact) = %s, %v; want one statement", policy, err)
	}
	got := doc.Statement[0].Condition["StringEquals"]["sts:ExternalId"]
	want := []string{
		"<ExternalId of tenant acme, fingerprint " + started.Current.Fingerprint + ">",
		"<ExternalId of tenant acme, fingerprint " + started.Pending.Fingerprint + ">",
	}
	if len(got) != 2 || got[0] != want[0] || got[1] != want[1] {
		t.Errorf("TrustPolicy(Redact) condition = %q; want %q", got, want)
	}
}
