package externalidtest_test

import (
	"context"
	"encoding/json"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	awshttp "github.com/aws/aws-sdk-go-v2/aws/transport/http"
	"github.com/aws/aws-sdk-go-v2/service/secretsmanager"
	"github.com/aws/aws-sdk-go-v2/service/secretsmanager/types"

	"github.com/tenantrole/externalid/externalidtest"
)

func TestSeedCustomerStoresTheSecret(t *testing.T) {
	srv := externalidtest.New(t)
	plain := seed(t, srv, "acme")
	jsonSecret := seed(t, srv, "globex", func(o *externalidtest.CustomerOptions) {
		o.JSONKey = "externalId"
		o.SecretPrefix = "tenants/"
	})
	if plain.AccountID == jsonSecret.AccountID || plain.AccountID == srv.SaaSAccountID() {
		t.Errorf("customer accounts %s, %s; want distinct accounts apart from the SaaS's", plain.AccountID, jsonSecret.AccountID)
	}
	if len(plain.ExternalID) < 32 {
		t.Errorf("generated ExternalID has %d characters; want at least 32", len(plain.ExternalID))
	}
	sm := srv.SecretsManager(srv.SaaS())
	out, err := sm.GetSecretValue(context.Background(), &secretsmanager.GetSecretValueInput{SecretId: aws.String("externalid/acme")})
	if err != nil || aws.ToString(out.SecretString) != plain.ExternalID || aws.ToString(out.ARN) != plain.SecretARN {
		t.Fatalf("GetSecretValue(externalid/acme) = %v, %v; want the seeded value at %s", out, err, plain.SecretARN)
	}
	out, err = sm.GetSecretValue(context.Background(), &secretsmanager.GetSecretValueInput{SecretId: aws.String("tenants/globex")})
	if err != nil {
		t.Fatal(err)
	}
	var doc map[string]string
	if err := json.Unmarshal([]byte(aws.ToString(out.SecretString)), &doc); err != nil || doc["externalId"] != jsonSecret.ExternalID {
		t.Errorf("JSON secret = %v (%v); want externalId key with the value", doc, err)
	}
	if _, err := srv.SeedCustomer("acme"); err == nil {
		t.Error("SeedCustomer(acme) twice = nil; want an error for the existing secret")
	}
	if _, err := srv.SeedCustomer(""); err == nil {
		t.Error("SeedCustomer(\"\") = nil; want an error")
	}
}

func TestSecretsBelongToTheCallersAccount(t *testing.T) {
	srv := externalidtest.New(t)
	c := seed(t, srv, "acme")
	customer, err := srv.CreateUser(c.AccountID, "admin")
	if err != nil {
		t.Fatal(err)
	}
	sm := srv.SecretsManager(customer)
	_, err = sm.GetSecretValue(context.Background(), &secretsmanager.GetSecretValueInput{SecretId: aws.String(c.SecretName)})
	wantErrorCode(t, err, "ResourceNotFoundException")
	_, err = sm.GetSecretValue(context.Background(), &secretsmanager.GetSecretValueInput{SecretId: aws.String(c.SecretARN)})
	wantErrorCode(t, err, "AccessDeniedException")
}

func TestSecretsManagerErrorShape(t *testing.T) {
	srv := externalidtest.New(t)
	_, err := srv.SecretsManager(srv.SaaS()).GetSecretValue(context.Background(), &secretsmanager.GetSecretValueInput{SecretId: aws.String("externalid/nobody")})
	var nf *types.ResourceNotFoundException
	if !errors.As(err, &nf) {
		t.Fatalf("GetSecretValue(missing) = %v; want *types.ResourceNotFoundException", err)
	}
	if nf.ErrorMessage() != "Secrets Manager can't find the specified secret." {
		t.Errorf("ErrorMessage() = %q", nf.ErrorMessage())
	}
	var re *awshttp.ResponseError
	if !errors.As(err, &re) || re.HTTPStatusCode() != 400 || re.ServiceRequestID() == "" {
		t.Errorf("response error = %v; want status 400 with a request id", err)
	}
	_, err = srv.SecretsManager(externalidtest.Principal{AccessKeyID: "AKIAFAKEUNKNOWNKEY00", SecretAccessKey: "x"}).
		GetSecretValue(context.Background(), &secretsmanager.GetSecretValueInput{SecretId: aws.String("x")})
	wantErrorCode(t, err, "UnrecognizedClientException")
}

func TestPutSecretValueDetails(t *testing.T) {
	srv := externalidtest.New(t)
	sm := srv.SecretsManager(srv.SaaS())
	ctx := context.Background()
	created, err := sm.CreateSecret(ctx, &secretsmanager.CreateSecretInput{Name: aws.String("externalid/acme"), SecretString: aws.String("v1")})
	if err != nil {
		t.Fatal(err)
	}
	token := "00000000-0000-4000-8000-000000000002"
	put := func(value string) (*secretsmanager.PutSecretValueOutput, error) {
		return sm.PutSecretValue(ctx, &secretsmanager.PutSecretValueInput{
			SecretId: aws.String("externalid/acme"), SecretString: aws.String(value), ClientRequestToken: aws.String(token),
		})
	}
	first, err := put("v2")
	if err != nil || aws.ToString(first.VersionId) != token {
		t.Fatalf("PutSecretValue() = %v, %v; want version %s", first, err, token)
	}
	if again, err := put("v2"); err != nil || aws.ToString(again.VersionId) != token {
		t.Errorf("PutSecretValue(same token, same value) = %v, %v; want the same version", again, err)
	}
	_, err = put("v3")
	wantErrorCode(t, err, "ResourceExistsException")

	// A third version pushes the first out of every stage.
	if _, err := sm.PutSecretValue(ctx, &secretsmanager.PutSecretValueInput{SecretId: aws.String("externalid/acme"), SecretString: aws.String("v3")}); err != nil {
		t.Fatal(err)
	}
	desc, err := sm.DescribeSecret(ctx, &secretsmanager.DescribeSecretInput{SecretId: aws.String("externalid/acme")})
	if err != nil {
		t.Fatal(err)
	}
	if _, ok := desc.VersionIdsToStages[aws.ToString(created.VersionId)]; ok || len(desc.VersionIdsToStages) != 2 {
		t.Errorf("VersionIdsToStages = %v; want only the current and previous versions", desc.VersionIdsToStages)
	}
	// The unstaged version is still readable by id.
	old, err := sm.GetSecretValue(ctx, &secretsmanager.GetSecretValueInput{SecretId: aws.String("externalid/acme"), VersionId: created.VersionId})
	if err != nil || aws.ToString(old.SecretString) != "v1" || len(old.VersionStages) != 0 {
		t.Errorf("GetSecretValue(first version) = %v, %v; want v1 with no stages", old, err)
	}
	_, err = sm.PutSecretValue(ctx, &secretsmanager.PutSecretValueInput{SecretId: aws.String("externalid/acme")})
	wantErrorCode(t, err, "InvalidRequestException")

	bin, err := sm.PutSecretValue(ctx, &secretsmanager.PutSecretValueInput{SecretId: aws.String("externalid/acme"), SecretBinary: []byte{0, 1, 2}})
	if err != nil {
		t.Fatal(err)
	}
	got, err := sm.GetSecretValue(ctx, &secretsmanager.GetSecretValueInput{SecretId: aws.String("externalid/acme"), VersionId: bin.VersionId})
	if err != nil || string(got.SecretBinary) != "\x00\x01\x02" || got.SecretString != nil {
		t.Errorf("GetSecretValue(binary) = %v, %v; want the bytes and no string", got, err)
	}
}

func TestUpdateSecretVersionStageRemove(t *testing.T) {
	srv := externalidtest.New(t)
	sm := srv.SecretsManager(srv.SaaS())
	ctx := context.Background()
	if _, err := sm.CreateSecret(ctx, &secretsmanager.CreateSecretInput{Name: aws.String("s"), SecretString: aws.String("v1")}); err != nil {
		t.Fatal(err)
	}
	pending, err := sm.PutSecretValue(ctx, &secretsmanager.PutSecretValueInput{
		SecretId: aws.String("s"), SecretString: aws.String("v2"), VersionStages: []string{"AWSPENDING"},
	})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := sm.UpdateSecretVersionStage(ctx, &secretsmanager.UpdateSecretVersionStageInput{
		SecretId: aws.String("s"), VersionStage: aws.String("AWSPENDING"), RemoveFromVersionId: pending.VersionId,
	}); err != nil {
		t.Fatalf("UpdateSecretVersionStage(remove AWSPENDING) = %v", err)
	}
	_, err = sm.GetSecretValue(ctx, &secretsmanager.GetSecretValueInput{SecretId: aws.String("s"), VersionStage: aws.String("AWSPENDING")})
	wantErrorCode(t, err, "ResourceNotFoundException")
	cur, _ := sm.DescribeSecret(ctx, &secretsmanager.DescribeSecretInput{SecretId: aws.String("s")})
	var currentID string
	for id, stages := range cur.VersionIdsToStages {
		if len(stages) == 1 && stages[0] == "AWSCURRENT" {
			currentID = id
		}
	}
	_, err = sm.UpdateSecretVersionStage(ctx, &secretsmanager.UpdateSecretVersionStageInput{
		SecretId: aws.String("s"), VersionStage: aws.String("AWSCURRENT"), RemoveFromVersionId: aws.String(currentID),
	})
	wantErrorCode(t, err, "InvalidParameterException")
	// A custom label can be attached to any version.
	if _, err := sm.UpdateSecretVersionStage(ctx, &secretsmanager.UpdateSecretVersionStageInput{
		SecretId: aws.String("s"), VersionStage: aws.String("CANARY"), MoveToVersionId: pending.VersionId,
	}); err != nil {
		t.Fatalf("UpdateSecretVersionStage(CANARY) = %v", err)
	}
	got, err := sm.GetSecretValue(ctx, &secretsmanager.GetSecretValueInput{SecretId: aws.String("s"), VersionStage: aws.String("CANARY")})
	if err != nil || aws.ToString(got.SecretString) != "v2" {
		t.Errorf("GetSecretValue(CANARY) = %v, %v; want v2", got, err)
	}
}

func TestDeleteRestoreAndPurge(t *testing.T) {
	clock := externalidtest.NewManualClock(time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC))
	srv := externalidtest.New(t, func(o *externalidtest.Options) { o.Clock = clock.Now })
	sm := srv.SecretsManager(srv.SaaS())
	ctx := context.Background()
	arn, err := srv.CreateSecret(srv.SaaSAccountID(), "externalid/acme", "value")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := srv.CreateSecret("1", "x", "y"); err == nil {
		t.Error("CreateSecret(bad account) = nil; want an error")
	}
	partial := arn[:len(arn)-7]
	if _, err := sm.GetSecretValue(ctx, &secretsmanager.GetSecretValueInput{SecretId: aws.String(partial)}); err != nil {
		t.Errorf("GetSecretValue(partial ARN %s) = %v", partial, err)
	}
	_, err = sm.DeleteSecret(ctx, &secretsmanager.DeleteSecretInput{SecretId: aws.String(arn), RecoveryWindowInDays: aws.Int64(3)})
	wantErrorCode(t, err, "InvalidParameterException")
	_, err = sm.DeleteSecret(ctx, &secretsmanager.DeleteSecretInput{SecretId: aws.String(arn), RecoveryWindowInDays: aws.Int64(7), ForceDeleteWithoutRecovery: aws.Bool(true)})
	wantErrorCode(t, err, "InvalidParameterException")
	del, err := sm.DeleteSecret(ctx, &secretsmanager.DeleteSecretInput{SecretId: aws.String(arn), RecoveryWindowInDays: aws.Int64(7)})
	if err != nil {
		t.Fatal(err)
	}
	if want := clock.Now().Add(7 * 24 * time.Hour); !aws.ToTime(del.DeletionDate).Equal(want) {
		t.Errorf("DeletionDate = %v; want %v", aws.ToTime(del.DeletionDate), want)
	}
	_, err = sm.CreateSecret(ctx, &secretsmanager.CreateSecretInput{Name: aws.String("externalid/acme"), SecretString: aws.String("v")})
	wantErrorCode(t, err, "InvalidRequestException")
	if _, err := sm.RestoreSecret(ctx, &secretsmanager.RestoreSecretInput{SecretId: aws.String("externalid/acme")}); err != nil {
		t.Fatalf("RestoreSecret() = %v", err)
	}
	if _, err := sm.GetSecretValue(ctx, &secretsmanager.GetSecretValueInput{SecretId: aws.String("externalid/acme")}); err != nil {
		t.Errorf("GetSecretValue(restored) = %v", err)
	}
	if _, err := sm.DeleteSecret(ctx, &secretsmanager.DeleteSecretInput{SecretId: aws.String(arn)}); err != nil {
		t.Fatal(err)
	}
	clock.Advance(30*24*time.Hour - time.Second)
	_, err = sm.GetSecretValue(ctx, &secretsmanager.GetSecretValueInput{SecretId: aws.String("externalid/acme")})
	wantErrorCode(t, err, "InvalidRequestException")
	clock.Advance(time.Second)
	_, err = sm.GetSecretValue(ctx, &secretsmanager.GetSecretValueInput{SecretId: aws.String("externalid/acme")})
	wantErrorCode(t, err, "ResourceNotFoundException")
}

func TestCreateSecretValidation(t *testing.T) {
	srv := externalidtest.New(t)
	sm := srv.SecretsManager(srv.SaaS())
	_, err := sm.CreateSecret(context.Background(), &secretsmanager.CreateSecretInput{Name: aws.String("bad name!")})
	wantErrorCode(t, err, "InvalidParameterException")
	_, err = sm.CreateSecret(context.Background(), &secretsmanager.CreateSecretInput{Name: aws.String("both"), SecretString: aws.String("a"), SecretBinary: []byte("b")})
	wantErrorCode(t, err, "InvalidParameterException")
	// A secret without a value has no AWSCURRENT version yet.
	if _, err := sm.CreateSecret(context.Background(), &secretsmanager.CreateSecretInput{Name: aws.String("empty")}); err != nil {
		t.Fatal(err)
	}
	_, err = sm.GetSecretValue(context.Background(), &secretsmanager.GetSecretValueInput{SecretId: aws.String("empty")})
	if ae := apiError(t, err); ae.ErrorCode() != "ResourceNotFoundException" || !strings.Contains(ae.ErrorMessage(), "staging label: AWSCURRENT") {
		t.Errorf("GetSecretValue(no value) = %v; want ResourceNotFoundException for AWSCURRENT", err)
	}
}

func TestBatchGetSecretValueFilters(t *testing.T) {
	srv := externalidtest.New(t)
	for _, tenant := range []string{"acme", "globex"} {
		seed(t, srv, tenant)
	}
	if _, err := srv.CreateSecret(srv.SaaSAccountID(), "other/thing", "x"); err != nil {
		t.Fatal(err)
	}
	sm := srv.SecretsManager(srv.SaaS())
	out, err := sm.BatchGetSecretValue(context.Background(), &secretsmanager.BatchGetSecretValueInput{
		Filters: []types.Filter{{Key: types.FilterNameStringTypeName, Values: []string{"externalid/"}}},
	})
	if err != nil || len(out.SecretValues) != 2 {
		t.Fatalf("BatchGetSecretValue(name filter) = %v, %v; want two secrets", out, err)
	}
	_, err = sm.BatchGetSecretValue(context.Background(), &secretsmanager.BatchGetSecretValueInput{
		Filters: []types.Filter{{Key: types.FilterNameStringTypeTagKey, Values: []string{"tenant"}}},
	})
	wantErrorCode(t, err, "InvalidParameterException")
	_, err = sm.BatchGetSecretValue(context.Background(), &secretsmanager.BatchGetSecretValueInput{})
	wantErrorCode(t, err, "InvalidParameterException")
}
