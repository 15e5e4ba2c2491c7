package externalid_test

import (
	"context"
	"sync"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/secretsmanager"
	"github.com/aws/aws-sdk-go-v2/service/sts"
	"github.com/aws/aws-sdk-go-v2/service/sts/types"
	"github.com/aws/smithy-go"

	"github.com/tenantrole/externalid/externalidtest"
)

// fakeSecrets is a Secrets Manager that records every GetSecretValue.
type fakeSecrets struct {
	mu      sync.Mutex         // guards the fields below
	values  map[string]*string // SecretString by secret id; a nil entry is binary-only
	errs    map[string]error   // failure by secret id
	names   map[string]string  // Name to answer with, when not the id
	calls   map[string]int     // GetSecretValue calls by secret id
	inputs  []secretsmanager.GetSecretValueInput
	gate    chan struct{} // when set, each call waits for it or for ctx
	ctxErrs []error       // ctx.Err() of each call as it returned
}

func newFakeSecrets(values map[string]string) *fakeSecrets {
	f := &fakeSecrets{values: map[string]*string{}, errs: map[string]error{}, names: map[string]string{}, calls: map[string]int{}}
	for k, v := range values {
		f.values[k] = aws.String(v)
	}
	return f
}

func (f *fakeSecrets) set(id, value string) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.values[id] = aws.String(value)
}

func (f *fakeSecrets) fail(id string, err error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if err == nil {
		delete(f.errs, id)
		return
	}
	f.errs[id] = err
}

func (f *fakeSecrets) count(id string) int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.calls[id]
}

func (f *fakeSecrets) total() int {
	f.mu.Lock()
	defer f.mu.Unlock()
	n := 0
	for _, c := range f.calls {
		n += c
	}
	return n
}

func (f *fakeSecrets) GetSecretValue(ctx context.Context, in *secretsmanager.GetSecretValueInput, _ ...func(*secretsmanager.Options)) (*secretsmanager.GetSecretValueOutput, error) {
	id := aws.ToString(in.SecretId)
	f.mu.Lock()
	f.calls[id]++
	f.inputs = append(f.inputs, *in)
	gate := f.gate
	f.mu.Unlock()
	if gate != nil {
		select {
		case <-gate:
		case <-ctx.Done():
		}
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	f.ctxErrs = append(f.ctxErrs, ctx.Err())
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	if err := f.errs[id]; err != nil {
		return nil, err
	}
	v, ok := f.values[id]
	if !ok {
		return nil, &smithy.GenericAPIError{Code: "ResourceNotFoundException", Message: "Secrets Manager can't find the specified secret."}
	}
	name := id
	if n, ok := f.names[id]; ok {
		name = n
	}
	return &secretsmanager.GetSecretValueOutput{Name: aws.String(name), SecretString: v}, nil
}

// fakeSTS is an STS that records every AssumeRole and answers with a fixed
// result or a per-ExternalId error.
type fakeSTS struct {
	mu     sync.Mutex // guards the fields below
	inputs []sts.AssumeRoleInput
	deny   func(in *sts.AssumeRoleInput) error // nil allows everything
	now    func() time.Time
}

func (f *fakeSTS) AssumeRole(_ context.Context, in *sts.AssumeRoleInput, _ ...func(*sts.Options)) (*sts.AssumeRoleOutput, error) {
	f.mu.Lock()
	f.inputs = append(f.inputs, *in)
	deny := f.deny
	f.mu.Unlock()
	if deny != nil {
		if err := deny(in); err != nil {
			return nil, err
		}
	}
	now := time.Now
	if f.now != nil {
		now = f.now
	}
	role := aws.ToString(in.RoleArn)
	account := role[len("arn:aws:iam::") : len("arn:aws:iam::")+12]
	return &sts.AssumeRoleOutput{
		Credentials: &types.Credentials{
			AccessKeyId:     aws.String("ASIAFAKE" + aws.ToString(in.RoleSessionName)),
			SecretAccessKey: aws.String("fake-secret"),
			SessionToken:    aws.String("fake-token"),
			Expiration:      aws.Time(now().Add(time.Duration(aws.ToInt32(in.DurationSeconds)) * time.Second)),
		},
		AssumedRoleUser: &types.AssumedRoleUser{
			Arn:           aws.String("arn:aws:sts::" + account + ":assumed-role/SaaSAccess/" + aws.ToString(in.RoleSessionName)),
			AssumedRoleId: aws.String("AROAFAKE:" + aws.ToString(in.RoleSessionName)),
		},
	}, nil
}

func (f *fakeSTS) calls() []sts.AssumeRoleInput {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]sts.AssumeRoleInput(nil), f.inputs...)
}

// newFakeClock returns a clock that moves only when told to.
func newFakeClock() *externalidtest.ManualClock {
	return externalidtest.NewManualClock(time.Date(2026, 12, 4, 12, 0, 0, 0, time.UTC))
}

// apiError builds an AWS-shaped error with the given code.
func apiError(code string) error {
	return &smithy.GenericAPIError{Code: code, Message: code + " (fake)"}
}
