package externalid_test

import (
	"context"
	"fmt"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/sts"
	"github.com/aws/aws-sdk-go-v2/service/sts/types"

	"github.com/tenantrole/externalid"
)

// poolExampleSTS stands in for sts.NewFromConfig(cfg) in the example.
type poolExampleSTS struct{ calls int }

func (c *poolExampleSTS) AssumeRole(_ context.Context, in *sts.AssumeRoleInput, _ ...func(*sts.Options)) (*sts.AssumeRoleOutput, error) {
	c.calls++
	return &sts.AssumeRoleOutput{Credentials: &types.Credentials{
		AccessKeyId:     aws.String(fmt.Sprintf("ASIA-%s-%d", aws.ToString(in.RoleSessionName), c.calls)),
		SecretAccessKey: aws.String("secret"),
		SessionToken:    aws.String("token"),
		Expiration:      aws.Time(time.Now().Add(time.Hour)),
	}}, nil
}

func ExamplePool() {
	client := &poolExampleSTS{} // sts.NewFromConfig(cfg)
	// In production: externalid.NewSecretsManagerResolver(secretsmanager.NewFromConfig(cfg)).
	resolver := externalid.ResolverFunc(func(_ context.Context, tenantID string) (externalid.ExternalID, error) {
		return externalid.New("external-id-of-" + tenantID)
	})
	pool := externalid.NewPool(client, resolver, func(o *externalid.PoolOptions) {
		o.MaxTenants = 50_000
	})
	defer pool.Close()

	const role = "arn:aws:iam::111122223333:role/SaaSAccess"
	for _, tenant := range []string{"acme", "globex", "acme"} {
		creds, err := pool.Retrieve(context.Background(), tenant, role)
		if err != nil {
			fmt.Println(err)
			return
		}
		fmt.Println(tenant, creds.AccessKeyID)
	}
	fmt.Println("AssumeRole calls:", client.calls)
	// Output:
	// acme ASIA-externalid-acme-1
	// globex ASIA-externalid-globex-2
	// acme ASIA-externalid-acme-1
	// AssumeRole calls: 2
}
