package externalid_test

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/secretsmanager"
	"github.com/aws/aws-sdk-go-v2/service/sts"
	"github.com/aws/aws-sdk-go-v2/service/sts/types"
	"github.com/aws/smithy-go"

	"github.com/tenantrole/externalid"
	"github.com/tenantrole/externalid/externalidtest"
)

// Role ARNs of the pool tests.
const (
	poolRole      = "arn:aws:iam::111122223333:role/SaaSAccess"
	poolRoleAudit = "arn:aws:iam::111122223333:role/SaaSAudit"
	poolRoleCN    = "arn:aws-cn:iam::111122223333:role/SaaSAccess"
	poolRoleGov   = "arn:aws-us-gov:iam::111122223333:role/SaaSAccess"
)

// poolEpoch is where every pool test's clock starts.
var poolEpoch = time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)

// newPoolClock returns a clock that moves only when told to.
func newPoolClock() *externalidtest.ManualClock { return externalidtest.NewManualClock(poolEpoch) }

// poolSTS is a fake STS that records its input and returns credentials
// that name the role session and the call number, expiring after the
// requested duration on the injected clock.
type poolSTS struct {
	name  string // part of every access key id, to tell clients apart
	clock *externalidtest.ManualClock
	calls atomic.Int64
	skew  atomic.Int64 // nanoseconds by which the credentials' expiry is early: STS's clock is behind

	mu     sync.Mutex                       // guards inputs, fail and gate
	inputs []*sts.AssumeRoleInput           // every call's input
	fail   func(*sts.AssumeRoleInput) error // returns the error of a call, or nil
	gate   chan struct{}                    // when set, each call waits until it is closed
}

func newPoolSTS(clock *externalidtest.ManualClock) *poolSTS {
	return &poolSTS{name: "aws", clock: clock}
}

func (f *poolSTS) AssumeRole(ctx context.Context, in *sts.AssumeRoleInput, _ ...func(*sts.Options)) (*sts.AssumeRoleOutput, error) {
	n := f.calls.Add(1)
	f.mu.Lock()
	f.inputs = append(f.inputs, in)
	fail, gate := f.fail, f.gate
	f.mu.Unlock()
	if gate != nil {
		select {
		case <-gate:
		case <-ctx.Done():
			return nil, ctx.Err()
		}
	}
	if fail != nil {
		if err := fail(in); err != nil {
			return nil, err
		}
	}
	expires := f.clock.Now().Add(time.Duration(aws.ToInt32(in.DurationSeconds))*time.Second - time.Duration(f.skew.Load()))
	return &sts.AssumeRoleOutput{
		Credentials: &types.Credentials{
			AccessKeyId:     aws.String(fmt.Sprintf("AK|%s|%s|%s|%d", f.name, aws.ToString(in.RoleSessionName), aws.ToString(in.RoleArn), n)),
			SecretAccessKey: aws.String("poolSecretAccessKey"),
			SessionToken:    aws.String("poolSessionToken"),
			Expiration:      &expires,
		},
		AssumedRoleUser: &types.AssumedRoleUser{Arn: aws.String("arn:aws:sts::111122223333:assumed-role/SaaSAccess/s")},
	}, nil
}

// setFail makes later calls fail with fail's result.
func (f *poolSTS) setFail(fail func(*sts.AssumeRoleInput) error) {
	f.mu.Lock()
	f.fail = fail
	f.mu.Unlock()
}

// hold makes later calls wait; the returned func releases them.
func (f *poolSTS) hold() (release func()) {
	gate := make(chan struct{})
	f.mu.Lock()
	f.gate = gate
	f.mu.Unlock()
	var once sync.Once
	return func() {
		once.Do(func() {
			f.mu.Lock()
			f.gate = nil
			f.mu.Unlock()
			close(gate)
		})
	}
}

func (f *poolSTS) input(i int) *sts.AssumeRoleInput {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.inputs[i]
}

// poolAPIError returns an STS error with the given code.
func poolAPIError(code string) error {
	return &smithy.GenericAPIError{Code: code, Message: code + " from the fake STS"}
}

// poolResolver returns "ext-<tenant>" as every tenant's ExternalId, or
// err, and counts calls.
type poolResolver struct {
	calls atomic.Int64
	err   atomic.Pointer[error]
}

func (r *poolResolver) ResolveExternalID(_ context.Context, tenantID string) (externalid.ExternalID, error) {
	r.calls.Add(1)
	if err := r.err.Load(); err != nil {
		return externalid.ExternalID{}, *err
	}
	return externalid.New("ext-" + tenantID)
}

// poolSecrets is a counting fake Secrets Manager holding "ext-<tenant>"
// for every secret "externalid/<tenant>".
type poolSecrets struct {
	calls atomic.Int64
	gate  chan struct{} // when set, calls wait until it is closed
}

func (s *poolSecrets) GetSecretValue(ctx context.Context, in *secretsmanager.GetSecretValueInput, _ ...func(*secretsmanager.Options)) (*secretsmanager.GetSecretValueOutput, error) {
	s.calls.Add(1)
	if s.gate != nil {
		select {
		case <-s.gate:
		case <-ctx.Done():
			return nil, ctx.Err()
		}
	}
	name := aws.ToString(in.SecretId)
	value := "ext-" + strings.TrimPrefix(name, externalid.DefaultSecretPrefix)
	return &secretsmanager.GetSecretValueOutput{Name: &name, SecretString: &value}, nil
}

// poolEvents records a pool's events.
type poolEvents struct {
	mu  sync.Mutex // guards evs
	evs []externalid.PoolEvent
}

func (r *poolEvents) record(ev externalid.PoolEvent) {
	r.mu.Lock()
	r.evs = append(r.evs, ev)
	r.mu.Unlock()
}

func (r *poolEvents) all() []externalid.PoolEvent {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]externalid.PoolEvent(nil), r.evs...)
}

func (r *poolEvents) count(kind externalid.PoolEventKind) int {
	n := 0
	for _, ev := range r.all() {
		if ev.Kind == kind {
			n++
		}
	}
	return n
}

// poolEventually waits, for at most 10 s, until cond holds.
func poolEventually(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting until %s", what)
		}
		time.Sleep(time.Millisecond)
	}
}

// newTestPool returns a pool on a fake STS and clock, with jitter off so
// that refresh windows are exact, closed when the test ends.
func newTestPool(t *testing.T, optFns ...func(*externalid.PoolOptions)) (*externalid.Pool, *poolSTS, *externalidtest.ManualClock, *poolResolver) {
	t.Helper()
	clock := newPoolClock()
	client := newPoolSTS(clock)
	resolver := &poolResolver{}
	opts := append([]func(*externalid.PoolOptions){func(o *externalid.PoolOptions) {
		o.Now = clock.Now
		o.RefreshJitter = -1
	}}, optFns...)
	p := externalid.NewPool(client, resolver, opts...)
	t.Cleanup(func() { _ = p.Close() })
	return p, client, clock, resolver
}

// poolMustRetrieve retrieves or fails the test.
func poolMustRetrieve(t *testing.T, p *externalid.Pool, tenant, role string) aws.Credentials {
	t.Helper()
	creds, err := p.Retrieve(context.Background(), tenant, role)
	if err != nil {
		t.Fatalf("Retrieve(%q, %q) = %v; want credentials", tenant, role, err)
	}
	return creds
}
