package externalid_test

import (
	"context"
	"errors"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/sts"
	"github.com/aws/aws-sdk-go-v2/service/sts/types"

	"github.com/tenantrole/externalid"
)

func TestPoolNewPoolValidation(t *testing.T) {
	clock := newPoolClock()
	okClient := newPoolSTS(clock)
	okResolver := &poolResolver{}
	cnClient := sts.New(sts.Options{Region: "cn-north-1"})
	tests := []struct {
		name     string
		client   externalid.AssumeRoleAPIClient
		resolver externalid.Resolver
		opt      func(*externalid.PoolOptions)
	}{
		{"nil client", nil, okResolver, nil},
		{"typed nil client", (*sts.Client)(nil), okResolver, nil},
		{"nil resolver", okClient, nil, nil},
		{"typed nil resolver", okClient, (*poolResolver)(nil), nil},
		{"typed nil partition client", okClient, okResolver, func(o *externalid.PoolOptions) {
			o.PartitionClients = map[string]externalid.AssumeRoleAPIClient{"aws-cn": (*sts.Client)(nil)}
		}},
		{"negative MaxTenants", okClient, okResolver, func(o *externalid.PoolOptions) { o.MaxTenants = -1 }},
		{"negative RefreshWindow", okClient, okResolver, func(o *externalid.PoolOptions) { o.RefreshWindow = -time.Second }},
		{"negative BackoffInitial", okClient, okResolver, func(o *externalid.PoolOptions) { o.BackoffInitial = -time.Second }},
		{"negative BackoffMax", okClient, okResolver, func(o *externalid.PoolOptions) { o.BackoffMax = -time.Second }},
		{"negative RefreshTimeout", okClient, okResolver, func(o *externalid.PoolOptions) { o.RefreshTimeout = -time.Second }},
		{"bad ClientPartition", okClient, okResolver, func(o *externalid.PoolOptions) { o.ClientPartition = "azure" }},
		{"bad partition key", okClient, okResolver, func(o *externalid.PoolOptions) {
			o.PartitionClients = map[string]externalid.AssumeRoleAPIClient{"gcp": okClient}
		}},
		{"nil partition client", okClient, okResolver, func(o *externalid.PoolOptions) {
			o.PartitionClients = map[string]externalid.AssumeRoleAPIClient{"aws-cn": nil}
		}},
		{"partition served twice", okClient, okResolver, func(o *externalid.PoolOptions) {
			o.PartitionClients = map[string]externalid.AssumeRoleAPIClient{"aws": okClient}
		}},
		{"client of another partition's region", okClient, okResolver, func(o *externalid.PoolOptions) {
			o.PartitionClients = map[string]externalid.AssumeRoleAPIClient{"aws-us-gov": cnClient}
		}},
		{"positional client of another partition's region", cnClient, okResolver, func(o *externalid.PoolOptions) { o.ClientPartition = "aws" }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var opts []func(*externalid.PoolOptions)
			if tt.opt != nil {
				opts = append(opts, tt.opt)
			}
			p := externalid.NewPool(tt.client, tt.resolver, opts...)
			defer p.Close()
			if _, err := p.Retrieve(context.Background(), "acme", poolRole); !errors.Is(err, externalid.ErrInvalidOptions) {
				t.Errorf("Retrieve() = %v; want %v", err, externalid.ErrInvalidOptions)
			}
			if _, err := p.Credentials("acme", poolRole); !errors.Is(err, externalid.ErrInvalidOptions) {
				t.Errorf("Credentials() = %v; want %v", err, externalid.ErrInvalidOptions)
			}
			if _, err := p.Config(aws.Config{}, "acme", poolRole); !errors.Is(err, externalid.ErrInvalidOptions) {
				t.Errorf("Config() = %v; want %v", err, externalid.ErrInvalidOptions)
			}
		})
	}
	if n := okClient.calls.Load(); n != 0 {
		t.Errorf("AssumeRole calls = %d; want 0", n)
	}
}

func TestPoolRefusesInvalidPairs(t *testing.T) {
	invalidFor := func(tenant string) func(*externalid.PoolOptions) {
		return func(o *externalid.PoolOptions) {
			o.ProviderOptions = func(tenantID, _ string) []func(*externalid.ProviderOptions) {
				if tenantID != tenant {
					return nil
				}
				return []func(*externalid.ProviderOptions){func(po *externalid.ProviderOptions) { po.Duration = time.Minute }}
			}
		}
	}
	tests := []struct {
		name   string
		tenant string
		role   string
		want   error
	}{
		{"empty tenant", "", poolRole, externalid.ErrInvalidTenantID},
		{"tenant with slash", "acme/other", poolRole, externalid.ErrInvalidTenantID},
		{"user ARN", "acme", "arn:aws:iam::111122223333:user/bob", externalid.ErrInvalidRoleARN},
		{"not an ARN", "acme", "SaaSAccess", externalid.ErrInvalidRoleARN},
		{"partition without client", "acme", poolRoleGov, externalid.ErrUnsupportedPartition},
		{"invalid per-tenant options", "bad-options", poolRole, externalid.ErrInvalidOptions},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p, client, _, resolver := newTestPool(t, invalidFor("bad-options"))
			if _, err := p.Credentials(tt.tenant, tt.role); !errors.Is(err, tt.want) {
				t.Errorf("Credentials() = %v; want %v", err, tt.want)
			}
			if _, err := p.Retrieve(context.Background(), tt.tenant, tt.role); !errors.Is(err, tt.want) {
				t.Errorf("Retrieve() = %v; want %v", err, tt.want)
			}
			if n := p.Len(); n != 0 {
				t.Errorf("Len() = %d; want 0: an invalid pair must not take a slot", n)
			}
			if client.calls.Load() != 0 || resolver.calls.Load() != 0 {
				t.Errorf("AssumeRole, resolver calls = %d, %d; want 0, 0", client.calls.Load(), resolver.calls.Load())
			}
		})
	}
}

func TestPoolColdCallersShareOneCall(t *testing.T) {
	p, client, _, resolver := newTestPool(t)
	release := client.hold()
	const callers = 50
	var wg sync.WaitGroup
	keys := make([]string, callers)
	errs := make([]error, callers)
	for i := range callers {
		wg.Go(func() {
			creds, err := p.Retrieve(context.Background(), "acme", poolRole)
			keys[i], errs[i] = creds.AccessKeyID, err
		})
	}
	poolEventually(t, "the first AssumeRole is in flight", func() bool { return client.calls.Load() == 1 })
	release()
	wg.Wait()
	for i := range callers {
		if errs[i] != nil || keys[i] != keys[0] {
			t.Fatalf("caller %d: Retrieve() = %q, %v; want %q, nil", i, keys[i], errs[i], keys[0])
		}
	}
	if n, m := client.calls.Load(), resolver.calls.Load(); n != 1 || m != 1 {
		t.Errorf("AssumeRole, resolver calls = %d, %d; want 1, 1", n, m)
	}
}

func TestPoolWaiterHonoursItsContext(t *testing.T) {
	p, client, _, _ := newTestPool(t)
	release := client.hold()
	defer release()
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error)
	go func() {
		_, err := p.Retrieve(ctx, "acme", poolRole)
		done <- err
	}()
	poolEventually(t, "AssumeRole is in flight", func() bool { return client.calls.Load() == 1 })
	cancel()
	if err := <-done; !errors.Is(err, context.Canceled) {
		t.Fatalf("Retrieve() = %v; want %v", err, context.Canceled)
	}
	// The shared call goes on for the others.
	release()
	creds := poolMustRetrieve(t, p, "acme", poolRole)
	if n := client.calls.Load(); n != 1 {
		t.Errorf("AssumeRole calls = %d; want 1 (the cancelled caller's call is shared, not repeated); got %s", n, creds.AccessKeyID)
	}
}

func TestPoolIsolatesTenantsAndRoles(t *testing.T) {
	p, client, _, _ := newTestPool(t)
	pairs := []struct{ tenant, role string }{
		{"acme", poolRole}, {"acme", poolRoleAudit}, {"globex", poolRole}, {"initech", poolRoleAudit},
	}
	var wg sync.WaitGroup
	for range 20 {
		for _, pr := range pairs {
			wg.Go(func() {
				creds, err := p.Retrieve(context.Background(), pr.tenant, pr.role)
				if err != nil {
					t.Errorf("Retrieve(%s, %s) = %v", pr.tenant, pr.role, err)
					return
				}
				want := "|" + externalid.DefaultRoleSessionName(pr.tenant) + "|" + pr.role + "|"
				if !strings.Contains(creds.AccessKeyID, want) {
					t.Errorf("Retrieve(%s, %s) = credentials %q, made for another pair", pr.tenant, pr.role, creds.AccessKeyID)
				}
			})
		}
	}
	wg.Wait()
	if n := client.calls.Load(); n != int64(len(pairs)) {
		t.Fatalf("AssumeRole calls = %d; want %d, one per (tenant, role)", n, len(pairs))
	}
	for i := range len(pairs) {
		in := client.input(i)
		tenant := strings.TrimPrefix(aws.ToString(in.RoleSessionName), "externalid-")
		if got, want := aws.ToString(in.ExternalId), "ext-"+tenant; got != want {
			t.Errorf("AssumeRole for tenant %s sent ExternalId %q; want %q", tenant, got, want)
		}
	}
	if n := p.Len(); n != len(pairs) {
		t.Errorf("Len() = %d; want %d", n, len(pairs))
	}
}

func TestPoolCredentialsAndConfig(t *testing.T) {
	p, client, _, _ := newTestPool(t)
	prov, err := p.Credentials("acme", poolRole)
	if err != nil {
		t.Fatalf("Credentials() = %v", err)
	}
	if client.calls.Load() != 0 {
		t.Fatal("Credentials() called STS; want no call before Retrieve")
	}
	cfg, err := p.Config(aws.Config{Region: "eu-west-1"}, "acme", poolRole)
	if err != nil {
		t.Fatalf("Config() = %v", err)
	}
	if cfg.Region != "eu-west-1" {
		t.Errorf("Config().Region = %q; want eu-west-1", cfg.Region)
	}
	if _, ok := cfg.Credentials.(*aws.CredentialsCache); ok {
		t.Error("Config().Credentials is an aws.CredentialsCache; the pool already caches")
	}
	a, err := prov.Retrieve(context.Background())
	if err != nil {
		t.Fatalf("provider Retrieve() = %v", err)
	}
	b, err := cfg.Credentials.Retrieve(context.Background())
	if err != nil || b.AccessKeyID != a.AccessKeyID {
		t.Fatalf("Config().Credentials.Retrieve() = %q, %v; want %q (the same entry)", b.AccessKeyID, err, a.AccessKeyID)
	}
	if c := poolMustRetrieve(t, p, "acme", poolRole); c.AccessKeyID != a.AccessKeyID || c.Source != externalid.ProviderName || !c.CanExpire {
		t.Errorf("Pool.Retrieve() = %+v; want the entry's credentials", c.AccessKeyID)
	}
	if n := client.calls.Load(); n != 1 {
		t.Errorf("AssumeRole calls = %d; want 1", n)
	}
}

func TestPoolPartitions(t *testing.T) {
	clock := newPoolClock()
	global, china := newPoolSTS(clock), newPoolSTS(clock)
	china.name = "aws-cn"
	p := externalid.NewPool(global, &poolResolver{}, func(o *externalid.PoolOptions) {
		o.Now = clock.Now
		o.PartitionClients = map[string]externalid.AssumeRoleAPIClient{"aws-cn": china}
	})
	defer p.Close()
	tests := []struct {
		role       string
		wantClient string
		wantErr    error
	}{
		{poolRole, "aws", nil},
		{poolRoleCN, "aws-cn", nil},
		{poolRoleGov, "", externalid.ErrUnsupportedPartition},
	}
	for _, tt := range tests {
		t.Run(tt.role, func(t *testing.T) {
			creds, err := p.Retrieve(context.Background(), "acme", tt.role)
			if !errors.Is(err, tt.wantErr) {
				t.Fatalf("Retrieve() = %v; want %v", err, tt.wantErr)
			}
			if err == nil && !strings.HasPrefix(creds.AccessKeyID, "AK|"+tt.wantClient+"|") {
				t.Errorf("Retrieve() = %q; want credentials from the %s client", creds.AccessKeyID, tt.wantClient)
			}
			if err != nil && !strings.Contains(err.Error(), "PartitionClients") {
				t.Errorf("error %q does not say how to fix it", err)
			}
		})
	}
	if g, c := global.calls.Load(), china.calls.Load(); g != 1 || c != 1 {
		t.Errorf("AssumeRole calls (aws, aws-cn) = %d, %d; want 1, 1", g, c)
	}
}

// poolWrappedSTS is an STS client that is not an *sts.Client, such as an
// instrumented wrapper: the pool cannot tell its partition.
type poolWrappedSTS struct{ *sts.Client }

func TestPoolClientPartition(t *testing.T) {
	endpoint := "https://sts.cn-north-1.amazonaws.com.cn"
	tests := []struct {
		name      string
		client    externalid.AssumeRoleAPIClient
		partition string // PoolOptions.ClientPartition
		served    string // the partition whose roles the pool accepts
	}{
		{"aws region", sts.New(sts.Options{Region: "eu-west-1"}), "", "aws"},
		{"no region", sts.New(sts.Options{}), "", "aws"},
		{"China region", sts.New(sts.Options{Region: "cn-north-1"}), "", "aws-cn"},
		{"GovCloud region", sts.New(sts.Options{Region: "us-gov-west-1"}), "", "aws-us-gov"},
		{"European Sovereign Cloud region", sts.New(sts.Options{Region: "eusc-de-east-1"}), "", "aws-eusc"},
		{"ISO region", sts.New(sts.Options{Region: "us-iso-east-1"}), "", "aws-iso"},
		{"ISO-B region", sts.New(sts.Options{Region: "us-isob-east-1"}), "", "aws-iso-b"},
		{"ISO-E region", sts.New(sts.Options{Region: "eu-isoe-west-1"}), "", "aws-iso-e"},
		{"ISO-F region", sts.New(sts.Options{Region: "us-isof-south-1"}), "", "aws-iso-f"},
		{"China region with a BaseEndpoint", sts.New(sts.Options{Region: "cn-north-1", BaseEndpoint: &endpoint}), "", "aws-cn"},
		{"wrapped China client, defaulted", poolWrappedSTS{sts.New(sts.Options{Region: "cn-north-1"})}, "", "aws"},
		{"wrapped China client with ClientPartition", poolWrappedSTS{sts.New(sts.Options{Region: "cn-north-1"})}, "aws-cn", "aws-cn"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := externalid.NewPool(tt.client, &poolResolver{}, func(o *externalid.PoolOptions) { o.ClientPartition = tt.partition })
			defer p.Close()
			// No call is made: the pool refuses a role before sending anything.
			for _, part := range []string{"aws", "aws-cn", "aws-us-gov", "aws-eusc", "aws-iso", "aws-iso-b", "aws-iso-e", "aws-iso-f"} {
				role := "arn:" + part + ":iam::111122223333:role/SaaSAccess"
				_, err := p.Credentials("acme", role)
				switch {
				case part == tt.served && err != nil:
					t.Errorf("Credentials(%s) = %v; want nil", role, err)
				case part != tt.served && !errors.Is(err, externalid.ErrUnsupportedPartition):
					t.Errorf("Credentials(%s) = %v; want %v", role, err, externalid.ErrUnsupportedPartition)
				}
			}
		})
	}
}

func TestPoolConfigRegionPartition(t *testing.T) {
	clock := newPoolClock()
	p := externalid.NewPool(newPoolSTS(clock), &poolResolver{}, func(o *externalid.PoolOptions) {
		o.Now = clock.Now
		o.PartitionClients = map[string]externalid.AssumeRoleAPIClient{"aws-cn": newPoolSTS(clock)}
	})
	defer p.Close()
	tests := []struct {
		role, region string
		want         error
	}{
		{poolRole, "", nil},
		{poolRole, "eu-west-1", nil},
		{poolRole, "cn-north-1", externalid.ErrUnsupportedPartition},
		{poolRole, "us-gov-west-1", externalid.ErrUnsupportedPartition},
		{poolRoleCN, "cn-northwest-1", nil},
		{poolRoleCN, "", nil},
		{poolRoleCN, "us-east-1", externalid.ErrUnsupportedPartition},
	}
	for _, tt := range tests {
		t.Run(tt.role+" "+tt.region, func(t *testing.T) {
			cfg, err := p.Config(aws.Config{Region: tt.region}, "acme", tt.role)
			if !errors.Is(err, tt.want) || (tt.want == nil) != (err == nil) {
				t.Fatalf("Config(region %q) = %v; want %v", tt.region, err, tt.want)
			}
			if err == nil && (cfg.Region != tt.region || cfg.Credentials == nil) {
				t.Errorf("Config() = region %q, credentials %v; want region %q and the pool's provider", cfg.Region, cfg.Credentials, tt.region)
			}
		})
	}
}

func TestPoolPerTenantProviderOptions(t *testing.T) {
	var mu sync.Mutex
	called := map[string]int{}
	p, client, clock, _ := newTestPool(t, func(o *externalid.PoolOptions) {
		o.ProviderOptions = func(tenantID, roleARN string) []func(*externalid.ProviderOptions) {
			mu.Lock()
			called[tenantID+" "+roleARN]++
			mu.Unlock()
			if tenantID != "acme" {
				return nil
			}
			return []func(*externalid.ProviderOptions){func(po *externalid.ProviderOptions) {
				po.RoleSessionName = "saas-acme-session"
				po.Duration = 2 * time.Hour
				po.Policy = `{"Version":"2012-10-17"}`
				po.Tags = []types.Tag{{Key: aws.String("tenant"), Value: aws.String(tenantID)}}
			}}
		}
	})
	acme := poolMustRetrieve(t, p, "acme", poolRole)
	globex := poolMustRetrieve(t, p, "globex", poolRole)
	poolMustRetrieve(t, p, "acme", poolRole)

	in := client.input(0)
	if got := aws.ToString(in.RoleSessionName); got != "saas-acme-session" {
		t.Errorf("acme RoleSessionName = %q; want saas-acme-session", got)
	}
	if got := aws.ToInt32(in.DurationSeconds); got != 7200 {
		t.Errorf("acme DurationSeconds = %d; want 7200", got)
	}
	if aws.ToString(in.Policy) == "" || len(in.Tags) != 1 || aws.ToString(in.Tags[0].Value) != "acme" {
		t.Errorf("acme Policy, Tags = %q, %v; want the tenant's", aws.ToString(in.Policy), in.Tags)
	}
	if got := aws.ToString(client.input(1).RoleSessionName); got != "externalid-globex" {
		t.Errorf("globex RoleSessionName = %q; want the default", got)
	}
	if got := acme.Expires.Sub(clock.Now()); got != 2*time.Hour {
		t.Errorf("acme credentials live %v; want 2h", got)
	}
	if got := globex.Expires.Sub(clock.Now()); got != externalid.DefaultDuration {
		t.Errorf("globex credentials live %v; want %v", got, externalid.DefaultDuration)
	}
	mu.Lock()
	defer mu.Unlock()
	if n := called["acme "+poolRole]; n != 1 {
		t.Errorf("ProviderOptions called %d times for acme; want once, when the entry is created", n)
	}
}
