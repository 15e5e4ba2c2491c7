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
	delay     time.Duration    // simulated latency, if any
	calls     atomic.Int64

	mu       sync.Mutex             // guards byTenant
	byTenant map[string][]time.Time // call times by session name, when non-nil
}

func (f *fakeSTS) AssumeRole(_ context.Context, in *sts.AssumeRoleInput, _ ...func(*sts.Options)) (*sts.AssumeRoleOutput, error) {
	n := f.calls.Add(1)
	if in.ExternalId == nil || *in.ExternalId == "" {
		return nil, errors.New("fake STS: AssumeRole without ExternalId")
	}
	if f.delay > 0 {
		time.Sleep(f.delay)
	}
	now := time.Now
	if f.now != nil {
		now = f.now
	}
	t := now()
	f.mu.Lock()
	if f.byTenant != nil {
		s := aws.ToString(in.RoleSessionName)
		f.byTenant[s] = append(f.byTenant[s], t)
	}
	f.mu.Unlock()
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

// fakeSecrets answers Secrets Manager from memory: the secret
// "externalid/<tenant>" holds "ext-<tenant>". It implements what both
// this module's resolver and aws-secretsmanager-caching-go call
// (GetSecretValue, DescribeSecret); the rest fail. It is safe for
// concurrent use.
type fakeSecrets struct {
	gets      atomic.Int64
	describes atomic.Int64
	delay     time.Duration
}

var errNotImplemented = errors.New("fake Secrets Manager: not implemented")

func (s *fakeSecrets) GetSecretValue(_ context.Context, in *secretsmanager.GetSecretValueInput, _ ...func(*secretsmanager.Options)) (*secretsmanager.GetSecretValueOutput, error) {
	s.gets.Add(1)
	if s.delay > 0 {
		time.Sleep(s.delay)
	}
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

// clock is an injected clock that moves only when told to.
type clock struct {
	mu  sync.Mutex // guards now
	now time.Time
}

func (c *clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *clock) Advance(d time.Duration) {
	c.mu.Lock()
	c.now = c.now.Add(d)
	c.mu.Unlock()
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
