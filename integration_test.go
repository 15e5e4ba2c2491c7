package externalid_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/secretsmanager"
	"github.com/aws/aws-sdk-go-v2/service/sts"

	"github.com/tenantrole/externalid"
)

// motoConfig is an SDK config that talks only to moto, with dummy credentials.
func motoConfig(endpoint string) aws.Config {
	return aws.Config{
		Region:       "us-east-1",
		BaseEndpoint: aws.String(endpoint),
		Credentials:  credentials.NewStaticCredentialsProvider("AKIDSAASEXAMPLE00001", "dummy-secret-for-moto", ""),
	}
}

// TestIntegrationMoto drives the real SDK clients over HTTP against moto and
// reads moto's request recorder, as CloudTrail would show the calls.
func TestIntegrationMoto(t *testing.T) {
	srv := moto.Get(t)
	ctx := context.Background()
	cfg := motoConfig(srv.URL)
	sm := secretsmanager.NewFromConfig(cfg)
	stsClient := sts.NewFromConfig(cfg)

	run := fmt.Sprintf("%d", time.Now().UnixNano())
	type tenant struct {
		id, secret, jsonKey, role string
		value                     string // "" when the secret is not created
		want                      error
	}
	tenants := []tenant{
		{id: "plain-" + run, secret: "PLAIN-" + run + "-value", value: "PLAIN-" + run + "-value"},
		{id: "json-" + run, jsonKey: "externalId", value: "JSON-" + run + "-value"},
		{id: "missing-" + run, want: externalid.ErrExternalIDNotFound},
		{id: "invalid-" + run, value: "has spaces " + run, want: externalid.ErrInvalidExternalID},
	}
	for i := range tenants {
		tn := &tenants[i]
		tn.role = "arn:aws:iam::123456789012:role/saas-" + tn.id
		if tn.value == "" {
			continue
		}
		content := tn.value
		if tn.jsonKey != "" {
			content = fmt.Sprintf(`{"%s":%q,"note":"other fields are ignored"}`, tn.jsonKey, tn.value)
		}
		if _, err := sm.CreateSecret(ctx, &secretsmanager.CreateSecretInput{
			Name:         aws.String(externalid.DefaultSecretID(tn.id)),
			SecretString: aws.String(content),
		}); err != nil {
			t.Fatalf("CreateSecret(%s): %v", tn.id, err)
		}
	}

	if err := srv.StartRecording(ctx); err != nil {
		t.Fatal(err)
	}
	plainResolver := externalid.NewSecretsManagerResolver(sm)
	jsonResolver := externalid.NewSecretsManagerResolver(sm, func(o *externalid.SecretsManagerOptions) { o.JSONKey = "externalId" })

	for _, tn := range tenants {
		resolver := plainResolver
		if tn.jsonKey != "" {
			resolver = jsonResolver
		}
		p, err := externalid.NewProvider(stsClient, tn.role, tn.id, resolver)
		if err != nil {
			t.Fatal(err)
		}
		customer := p.Config(cfg)
		_, err = customer.Credentials.Retrieve(ctx)
		if tn.want != nil {
			if !errors.Is(err, tn.want) {
				t.Errorf("tenant %s: Retrieve() error = %v; want %v", tn.id, err, tn.want)
			}
			if strings.Contains(fmt.Sprint(err), tn.value) && tn.value != "" {
				t.Errorf("tenant %s: error leaks the value: %v", tn.id, err)
			}
			continue
		}
		if err != nil {
			t.Fatalf("tenant %s: Retrieve() error = %v", tn.id, err)
		}
		who, err := sts.NewFromConfig(customer).GetCallerIdentity(ctx, &sts.GetCallerIdentityInput{})
		if err != nil {
			t.Fatalf("tenant %s: GetCallerIdentity: %v", tn.id, err)
		}
		if arn := aws.ToString(who.Arn); !strings.Contains(arn, ":assumed-role/saas-"+tn.id+"/externalid-"+tn.id) {
			t.Errorf("tenant %s: GetCallerIdentity ARN = %s; want the assumed role and tenant session", tn.id, arn)
		}
	}

	reqs, err := srv.Requests(ctx)
	if err != nil {
		t.Fatal(err)
	}
	sent := map[string][]string{} // role ARN -> ExternalIds sent
	for _, r := range reqs {
		if r.Action() == "AssumeRole" {
			f := r.Form()
			sent[f.Get("RoleArn")] = append(sent[f.Get("RoleArn")], f.Get("ExternalId"))
		}
	}
	for _, tn := range tenants {
		got := sent[tn.role]
		switch {
		case tn.want != nil && len(got) != 0:
			t.Errorf("tenant %s: %d AssumeRole requests were sent; want none", tn.id, len(got))
		case tn.want == nil && (len(got) != 1 || got[0] != tn.value):
			t.Errorf("tenant %s: AssumeRole requests carried %d ExternalIds (match=%v); want exactly one, the tenant's",
				tn.id, len(got), len(got) == 1 && got[0] == tn.value)
		}
	}
}
