package main

import (
	"context"
	"errors"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/secretsmanager"
	smtypes "github.com/aws/aws-sdk-go-v2/service/secretsmanager/types"
	"github.com/aws/aws-sdk-go-v2/service/sts"
	"github.com/aws/aws-sdk-go-v2/service/sts/types"
)

// roleARN is the role every benchmark assumes.
const roleARN = "arn:aws:iam::111122223333:role/SaaSAccess"

// fakeSTS answers AssumeRole from memory. Each call returns fresh strings
// (the session token is tokenSize bytes), as the SDK's deserializer would.
// It is safe for concurrent use.
type fakeSTS struct {
	now       func() time.Time // defaults to time.Now
	tokenSize int              // defaults to 16
	gate      *gate            // when non-nil, every call waits at it first
	record    bool             // keep the lifetime and owner of every credential made
	calls     atomic.Int64

	mu     sync.Mutex            // guards issued and owner
	issued map[string][]lifetime // by pairKey, in the order made; when record is set
	owner  map[string]string     // pairKey by access key id; when record is set
}

// lifetime is the validity of one set of credentials that a fake STS made.
type lifetime struct{ issued, expires time.Time }

// pairKey names a (role, ExternalId) pair in the fake STS's records. Each
// bench tenant has its own ExternalId (see staticResolver).
func pairKey(roleARN, externalID string) string { return roleARN + " " + externalID }

func (f *fakeSTS) AssumeRole(ctx context.Context, in *sts.AssumeRoleInput, _ ...func(*sts.Options)) (*sts.AssumeRoleOutput, error) {
	if f.gate != nil {
		if err := f.gate.pass(ctx); err != nil {
			return nil, err
		}
	}
	n := f.calls.Add(1)
	if in.ExternalId == nil || *in.ExternalId == "" {
		return nil, errors.New("fake STS: AssumeRole without ExternalId")
	}
	now := time.Now
	if f.now != nil {
		now = f.now
	}
	t := now()
	size := f.tokenSize
	if size == 0 {
		size = 16
	}
	id := strconv.FormatInt(n, 10)
	token := make([]byte, size)
	for i := range token {
		token[i] = 'A' + byte(i%26)
	}
	copy(token, id)
	akid := "ASIA" + strings.Repeat("0", 16-len(id)) + id
	secret := "wJalrXUtnFEMI/K7MDENG/bPxRfiCY" + strings.Repeat("0", 10-min(len(id), 10)) + id[max(0, len(id)-10):]
	expires := t.Add(time.Duration(aws.ToInt32(in.DurationSeconds)) * time.Second)
	if f.record {
		k := pairKey(aws.ToString(in.RoleArn), aws.ToString(in.ExternalId))
		f.mu.Lock()
		if f.issued == nil {
			f.issued, f.owner = map[string][]lifetime{}, map[string]string{}
		}
		f.issued[k] = append(f.issued[k], lifetime{issued: t, expires: expires})
		f.owner[akid] = k
		f.mu.Unlock()
	}
	return &sts.AssumeRoleOutput{
		Credentials: &types.Credentials{
			AccessKeyId:     &akid,
			SecretAccessKey: &secret,
			SessionToken:    aws.String(string(token)),
			Expiration:      &expires,
		},
		AssumedRoleUser: &types.AssumedRoleUser{Arn: aws.String("arn:aws:sts::111122223333:assumed-role/SaaSAccess/" + aws.ToString(in.RoleSessionName))},
	}, nil
}

// ownerOf returns the pairKey that the credentials with access key id akid
// were made for, when the fake records.
func (f *fakeSTS) ownerOf(akid string) string {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.owner[akid]
}

// gate holds the calls of a fake until the driver lets them through, so
// that a benchmark decides when AWS answers: callers that arrive meanwhile
// find their tenant cold, or their refresh still in flight. It is safe for
// concurrent use.
type gate struct {
	mu       sync.Mutex    // guards ch
	ch       chan struct{} // closed to let the waiting calls through; nil once open for good
	waiting  atomic.Int64  // calls at the gate now
	releases atomic.Int64  // how many times release or open let calls through
}

// newGate returns a closed gate.
func newGate() *gate { return &gate{ch: make(chan struct{})} }

// pass returns when the gate lets the call through, or with ctx's error
// if ctx ends first.
func (g *gate) pass(ctx context.Context) error {
	g.mu.Lock()
	ch := g.ch
	g.mu.Unlock()
	if ch == nil {
		return nil
	}
	g.waiting.Add(1)
	defer g.waiting.Add(-1)
	select {
	case <-ch:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// release lets the calls at the gate through and closes it behind them.
func (g *gate) release() {
	g.mu.Lock()
	defer g.mu.Unlock()
	if g.ch != nil {
		g.releases.Add(1) // before the close, so that a released caller sees it
		close(g.ch)
		g.ch = make(chan struct{})
	}
}

// hold closes an open gate: calls from now on wait at it.
func (g *gate) hold() {
	g.mu.Lock()
	defer g.mu.Unlock()
	if g.ch == nil {
		g.ch = make(chan struct{})
	}
}

// open lets every call through, now and from now on (until hold).
func (g *gate) open() {
	g.mu.Lock()
	defer g.mu.Unlock()
	if g.ch != nil {
		g.releases.Add(1)
		close(g.ch)
		g.ch = nil
	}
}

// fakeSecrets answers Secrets Manager from memory: the secret
// "externalid/<tenant>" holds "ext-<tenant>". It implements what both
// this module's resolver and aws-secretsmanager-caching-go call
// (GetSecretValue, DescribeSecret); the rest fail. It is safe for
// concurrent use.
type fakeSecrets struct {
	gate      *gate // when non-nil, every GetSecretValue waits at it first
	gets      atomic.Int64
	describes atomic.Int64
}

var errNotImplemented = errors.New("fake Secrets Manager: not implemented")

func (s *fakeSecrets) GetSecretValue(ctx context.Context, in *secretsmanager.GetSecretValueInput, _ ...func(*secretsmanager.Options)) (*secretsmanager.GetSecretValueOutput, error) {
	if s.gate != nil {
		if err := s.gate.pass(ctx); err != nil {
			return nil, err
		}
	}
	s.gets.Add(1)
	name := aws.ToString(in.SecretId)
	value := "ext-" + strings.TrimPrefix(name, "externalid/")
	return &secretsmanager.GetSecretValueOutput{
		Name:          &name,
		SecretString:  &value,
		VersionId:     aws.String("v1"),
		VersionStages: []string{"AWSCURRENT"},
	}, nil
}

func (s *fakeSecrets) DescribeSecret(_ context.Context, in *secretsmanager.DescribeSecretInput, _ ...func(*secretsmanager.Options)) (*secretsmanager.DescribeSecretOutput, error) {
	s.describes.Add(1)
	return &secretsmanager.DescribeSecretOutput{
		Name:               in.SecretId,
		VersionIdsToStages: map[string][]string{"v1": {"AWSCURRENT"}},
	}, nil
}

func (s *fakeSecrets) CreateSecret(context.Context, *secretsmanager.CreateSecretInput, ...func(*secretsmanager.Options)) (*secretsmanager.CreateSecretOutput, error) {
	return nil, errNotImplemented
}

func (s *fakeSecrets) DeleteSecret(context.Context, *secretsmanager.DeleteSecretInput, ...func(*secretsmanager.Options)) (*secretsmanager.DeleteSecretOutput, error) {
	return nil, errNotImplemented
}

func (s *fakeSecrets) ListSecrets(context.Context, *secretsmanager.ListSecretsInput, ...func(*secretsmanager.Options)) (*secretsmanager.ListSecretsOutput, error) {
	return &secretsmanager.ListSecretsOutput{SecretList: []smtypes.SecretListEntry{}}, nil
}

func (s *fakeSecrets) UpdateSecret(context.Context, *secretsmanager.UpdateSecretInput, ...func(*secretsmanager.Options)) (*secretsmanager.UpdateSecretOutput, error) {
	return nil, errNotImplemented
}

// tenantNames returns n distinct tenant ids.
func tenantNames(n int) []string {
	out := make([]string, n)
	for i := range out {
		out[i] = "tenant-" + strconv.Itoa(i)
	}
	return out
}

// errNotResident reports that a pool evicted tenants during a benchmark
// that needs all of them resident.
var errNotResident = errors.New("bench: the pool evicted tenants; raise MaxTenants")
