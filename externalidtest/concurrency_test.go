package externalidtest_test

import (
	"context"
	"fmt"
	"sync"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/secretsmanager"
	"github.com/aws/aws-sdk-go-v2/service/sts"

	"github.com/tenantrole/externalid/externalidtest"
)

// TestConcurrentUse hammers one server from many goroutines; run it with
// -race.
func TestConcurrentUse(t *testing.T) {
	srv := externalidtest.New(t)
	const tenants, perTenant = 10, 5
	customers := make([]externalidtest.Customer, tenants)
	for i := range customers {
		customers[i] = seed(t, srv, fmt.Sprintf("tenant-%d", i))
	}
	stsClient := srv.STS(srv.SaaS())
	sm := srv.SecretsManager(srv.SaaS())
	srv.InjectFault("GetSecretValue", externalidtest.Fault{Kind: externalidtest.FaultThrottling, Times: 5})
	var wg sync.WaitGroup
	errs := make(chan error, tenants*perTenant*3)
	for _, c := range customers {
		for j := range perTenant {
			wg.Add(1)
			go func() {
				defer wg.Done()
				ctx := context.Background()
				if _, err := sm.GetSecretValue(ctx, &secretsmanager.GetSecretValueInput{SecretId: aws.String(c.SecretName)}); err != nil {
					errs <- err
				}
				if _, err := stsClient.AssumeRole(ctx, &sts.AssumeRoleInput{
					RoleArn: aws.String(c.Role.ARN), RoleSessionName: aws.String(fmt.Sprintf("s%d", j)), ExternalId: aws.String(c.ExternalID),
				}); err != nil {
					errs <- err
				}
				if _, err := sm.PutSecretValue(ctx, &secretsmanager.PutSecretValueInput{
					SecretId: aws.String(c.SecretName), SecretString: aws.String(c.ExternalID), VersionStages: []string{"AWSPENDING"},
				}); err != nil {
					errs <- err
				}
				_ = srv.Events()
				_ = srv.UpdateAssumeRolePolicy(c.Role.ARN, externalidtest.TrustPolicy(srv.SaaS().ARN, c.ExternalID))
			}()
		}
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	if got := countEvents(srv, "AssumeRole")[""]; got != tenants*perTenant {
		t.Errorf("successful AssumeRole events = %d; want %d", got, tenants*perTenant)
	}
}
