package onboarding_test

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/secretsmanager"

	"github.com/tenantrole/externalid"
	"github.com/tenantrole/externalid/onboarding"
)

// barrierClient holds the first n DescribeSecret answers until n calls have
// arrived, so n concurrent Starts all see the secret before any of them
// writes: the worst interleaving, every time.
type barrierClient struct {
	onboarding.RotationAPIClient
	n   int
	all chan struct{} // closed when n calls have arrived

	mu      sync.Mutex // guards arrived
	arrived int
}

func newBarrierClient(c onboarding.RotationAPIClient, n int) *barrierClient {
	return &barrierClient{RotationAPIClient: c, n: n, all: make(chan struct{})}
}

func (c *barrierClient) DescribeSecret(ctx context.Context, in *secretsmanager.DescribeSecretInput, optFns ...func(*secretsmanager.Options)) (*secretsmanager.DescribeSecretOutput, error) {
	out, err := c.RotationAPIClient.DescribeSecret(ctx, in, optFns...)
	c.mu.Lock()
	c.arrived++
	held := c.arrived <= c.n
	if c.arrived == c.n {
		close(c.all)
	}
	c.mu.Unlock()
	if held {
		select {
		case <-c.all:
		case <-time.After(10 * time.Second):
		}
	}
	return out, err
}

// TestRotationConcurrentStart starts the same rotation from 8 goroutines
// that all see the secret without a pending value: one version is stored,
// exactly one Start says Started, and all report the actual AWSPENDING.
func TestRotationConcurrentStart(t *testing.T) {
	const n = 8
	ctx := context.Background()
	k := newKit(t, "")
	sm := k.srv.SecretsManager(k.srv.SaaS())
	rot, err := onboarding.NewRotator(newBarrierClient(sm, n), k.verifier)
	if err != nil {
		t.Fatal(err)
	}
	k.srv.ResetEvents()

	results := make([]*onboarding.Rotation, n)
	errs := make([]error, n)
	var wg sync.WaitGroup
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			results[i], errs[i] = rot.Start(ctx, "acme")
		}()
	}
	wg.Wait()

	pending, err := k.resolver.ResolveExternalIDStage(ctx, "acme", externalid.StagePending)
	if err != nil {
		t.Fatalf("ResolveExternalIDStage(AWSPENDING) error = %v", err)
	}
	started := 0
	for i, res := range results {
		if errs[i] != nil {
			t.Fatalf("Start() #%d error = %v", i, errs[i])
		}
		if res.Started {
			started++
		}
		if res.Pending == nil || res.Pending.Fingerprint != pending.Fingerprint() {
			t.Errorf("Start() #%d Pending = %+v; want the actual AWSPENDING %s", i, res.Pending, pending.Fingerprint())
		}
		if res.Pending != nil && res.Pending.VersionID != results[0].Pending.VersionID {
			t.Errorf("Start() #%d Pending.VersionID = %s; want %s as every Start", i, res.Pending.VersionID, results[0].Pending.VersionID)
		}
	}
	if started != 1 {
		t.Errorf("%d of %d concurrent Starts say Started; want 1", started, n)
	}
	stored := 0
	for _, ev := range k.srv.Events() {
		if ev.EventName == "PutSecretValue" && ev.ErrorCode == "" {
			stored++
		}
	}
	if stored != 1 {
		t.Errorf("%d PutSecretValue calls stored a version; want 1 (the others are orphans)", stored)
	}
}

// TestRotationStartAfterAbandonedRotation starts again after a pending
// value was dropped without a promotion: the abandoned version holds the
// first token, and Start stores a new value under the next one.
func TestRotationStartAfterAbandonedRotation(t *testing.T) {
	ctx := context.Background()
	k := newKit(t, "")
	rot := newRotator(t, k)
	sm := k.srv.SecretsManager(k.srv.SaaS())
	var seen []string
	for i := range 3 {
		res, err := rot.Start(ctx, "acme")
		if err != nil || !res.Started || res.Pending == nil {
			t.Fatalf("Start() #%d = %+v, %v; want a new pending version", i, res, err)
		}
		for _, v := range seen {
			if res.Pending.VersionID == v {
				t.Fatalf("Start() #%d reused abandoned version %s", i, v)
			}
		}
		seen = append(seen, res.Pending.VersionID)
		if _, err := sm.UpdateSecretVersionStage(ctx, &secretsmanager.UpdateSecretVersionStageInput{
			SecretId: aws.String("externalid/acme"), VersionStage: aws.String(externalid.StagePending),
			RemoveFromVersionId: aws.String(res.Pending.VersionID),
		}); err != nil {
			t.Fatal(err)
		}
	}
	st, err := rot.Status(ctx, "acme")
	if err != nil || st.Pending != nil || st.Current.Fingerprint != externalid.FingerprintOf(k.cust.ExternalID) {
		t.Fatalf("Status() = %+v, %v; want the original value current and no rotation", st, err)
	}
}
