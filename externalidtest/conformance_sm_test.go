package externalidtest_test

import (
	"errors"
	"slices"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	awshttp "github.com/aws/aws-sdk-go-v2/aws/transport/http"
	"github.com/aws/aws-sdk-go-v2/service/secretsmanager"
	"github.com/aws/aws-sdk-go-v2/service/secretsmanager/types"
)

// createSecret creates a uniquely named secret holding value.
func createSecret(t *testing.T, sm *secretsmanager.Client, value string) *secretsmanager.CreateSecretOutput {
	t.Helper()
	out, err := sm.CreateSecret(ctxT(t), &secretsmanager.CreateSecretInput{
		Name:         aws.String(uniqueName("externalid/tenant")),
		SecretString: aws.String(value),
		KmsKeyId:     aws.String("alias/externalid"),
		Tags:         []types.Tag{{Key: aws.String("tenant"), Value: aws.String("acme")}},
	})
	if err != nil {
		t.Fatalf("CreateSecret() = %v", err)
	}
	return out
}

func getValue(t *testing.T, sm *secretsmanager.Client, in *secretsmanager.GetSecretValueInput) *secretsmanager.GetSecretValueOutput {
	t.Helper()
	out, err := sm.GetSecretValue(ctxT(t), in)
	if err != nil {
		t.Fatalf("GetSecretValue(%s, stage %q, version %q) = %v", aws.ToString(in.SecretId), aws.ToString(in.VersionStage), aws.ToString(in.VersionId), err)
	}
	return out
}

func wantErrorCode(t *testing.T, err error, code string) {
	t.Helper()
	if err == nil {
		t.Fatalf("call succeeded; want %s", code)
	}
	if got := apiError(t, err).ErrorCode(); got != code {
		t.Fatalf("ErrorCode() = %q (%v); want %q", got, err, code)
	}
	var re *awshttp.ResponseError
	if !errors.As(err, &re) || re.ServiceRequestID() == "" {
		t.Errorf("error %v carries no request id", err)
	}
}

func TestConformanceGetSecretValueByNameAndARN(t *testing.T) {
	forEachBackend(t, func(t *testing.T, b backend) {
		sm := secretsmanager.NewFromConfig(b.saas)
		created := createSecret(t, sm, "value-one")
		for _, id := range []*string{created.Name, created.ARN} {
			out := getValue(t, sm, &secretsmanager.GetSecretValueInput{SecretId: id})
			if aws.ToString(out.SecretString) != "value-one" || aws.ToString(out.ARN) != aws.ToString(created.ARN) ||
				aws.ToString(out.VersionId) != aws.ToString(created.VersionId) || !slices.Contains(out.VersionStages, "AWSCURRENT") {
				t.Errorf("GetSecretValue(%s) = %q %s %s %v; want value-one, the created ARN and version, AWSCURRENT",
					aws.ToString(id), aws.ToString(out.SecretString), aws.ToString(out.ARN), aws.ToString(out.VersionId), out.VersionStages)
			}
			if out.CreatedDate == nil {
				t.Errorf("GetSecretValue(%s).CreatedDate = nil", aws.ToString(id))
			}
		}
	})
}

func TestConformancePutSecretValueMovesStages(t *testing.T) {
	forEachBackend(t, func(t *testing.T, b backend) {
		sm := secretsmanager.NewFromConfig(b.saas)
		created := createSecret(t, sm, "old")
		put, err := sm.PutSecretValue(ctxT(t), &secretsmanager.PutSecretValueInput{SecretId: created.ARN, SecretString: aws.String("new")})
		if err != nil {
			t.Fatalf("PutSecretValue() = %v", err)
		}
		if !slices.Equal(put.VersionStages, []string{"AWSCURRENT"}) {
			t.Errorf("PutSecretValue().VersionStages = %v; want [AWSCURRENT]", put.VersionStages)
		}
		cur := getValue(t, sm, &secretsmanager.GetSecretValueInput{SecretId: created.Name})
		prev := getValue(t, sm, &secretsmanager.GetSecretValueInput{SecretId: created.Name, VersionStage: aws.String("AWSPREVIOUS")})
		if aws.ToString(cur.SecretString) != "new" || aws.ToString(prev.SecretString) != "old" {
			t.Errorf("AWSCURRENT, AWSPREVIOUS = %q, %q; want new, old", aws.ToString(cur.SecretString), aws.ToString(prev.SecretString))
		}
		byID := getValue(t, sm, &secretsmanager.GetSecretValueInput{SecretId: created.Name, VersionId: created.VersionId})
		if aws.ToString(byID.SecretString) != "old" {
			t.Errorf("GetSecretValue(VersionId of the first version) = %q; want old", aws.ToString(byID.SecretString))
		}
	})
}

func TestConformancePendingVersionAndPromotion(t *testing.T) {
	forEachBackend(t, func(t *testing.T, b backend) {
		sm := secretsmanager.NewFromConfig(b.saas)
		created := createSecret(t, sm, "v1")
		pending, err := sm.PutSecretValue(ctxT(t), &secretsmanager.PutSecretValueInput{
			SecretId: created.Name, SecretString: aws.String("v2"), VersionStages: []string{"AWSPENDING"},
		})
		if err != nil {
			t.Fatalf("PutSecretValue(AWSPENDING) = %v", err)
		}
		if cur := getValue(t, sm, &secretsmanager.GetSecretValueInput{SecretId: created.Name}); aws.ToString(cur.SecretString) != "v1" {
			t.Errorf("AWSCURRENT after a pending put = %q; want v1", aws.ToString(cur.SecretString))
		}
		if p := getValue(t, sm, &secretsmanager.GetSecretValueInput{SecretId: created.Name, VersionStage: aws.String("AWSPENDING")}); aws.ToString(p.SecretString) != "v2" {
			t.Errorf("AWSPENDING = %q; want v2", aws.ToString(p.SecretString))
		}
		_, err = sm.UpdateSecretVersionStage(ctxT(t), &secretsmanager.UpdateSecretVersionStageInput{
			SecretId: created.Name, VersionStage: aws.String("AWSCURRENT"),
			MoveToVersionId: pending.VersionId, RemoveFromVersionId: created.VersionId,
		})
		if err != nil {
			t.Fatalf("UpdateSecretVersionStage(AWSCURRENT) = %v", err)
		}
		desc, err := sm.DescribeSecret(ctxT(t), &secretsmanager.DescribeSecretInput{SecretId: created.Name})
		if err != nil {
			t.Fatalf("DescribeSecret() = %v", err)
		}
		newStages := desc.VersionIdsToStages[aws.ToString(pending.VersionId)]
		oldStages := desc.VersionIdsToStages[aws.ToString(created.VersionId)]
		if !slices.Contains(newStages, "AWSCURRENT") || !slices.Contains(oldStages, "AWSPREVIOUS") || slices.Contains(oldStages, "AWSCURRENT") {
			t.Errorf("VersionIdsToStages = %v; want the new version AWSCURRENT and the old AWSPREVIOUS", desc.VersionIdsToStages)
		}
	})
}

func TestConformanceDescribeSecret(t *testing.T) {
	forEachBackend(t, func(t *testing.T, b backend) {
		sm := secretsmanager.NewFromConfig(b.saas)
		created := createSecret(t, sm, "v1")
		desc, err := sm.DescribeSecret(ctxT(t), &secretsmanager.DescribeSecretInput{SecretId: created.ARN})
		if err != nil {
			t.Fatalf("DescribeSecret() = %v", err)
		}
		if aws.ToString(desc.Name) != aws.ToString(created.Name) || aws.ToString(desc.ARN) != aws.ToString(created.ARN) {
			t.Errorf("DescribeSecret() = %s %s; want %s %s", aws.ToString(desc.Name), aws.ToString(desc.ARN), aws.ToString(created.Name), aws.ToString(created.ARN))
		}
		if len(desc.Tags) != 1 || aws.ToString(desc.Tags[0].Key) != "tenant" || aws.ToString(desc.Tags[0].Value) != "acme" {
			t.Errorf("Tags = %v; want tenant=acme", desc.Tags)
		}
		if got := desc.VersionIdsToStages[aws.ToString(created.VersionId)]; !slices.Equal(got, []string{"AWSCURRENT"}) {
			t.Errorf("VersionIdsToStages = %v; want %s: [AWSCURRENT]", desc.VersionIdsToStages, aws.ToString(created.VersionId))
		}
		if desc.CreatedDate == nil || desc.DeletedDate != nil {
			t.Errorf("CreatedDate, DeletedDate = %v, %v; want set, nil", desc.CreatedDate, desc.DeletedDate)
		}
	})
}

func TestConformanceSecretErrors(t *testing.T) {
	forEachBackend(t, func(t *testing.T, b backend) {
		sm := secretsmanager.NewFromConfig(b.saas)
		_, err := sm.GetSecretValue(ctxT(t), &secretsmanager.GetSecretValueInput{SecretId: aws.String(uniqueName("missing"))})
		wantErrorCode(t, err, "ResourceNotFoundException")

		created := createSecret(t, sm, "v1")
		_, err = sm.CreateSecret(ctxT(t), &secretsmanager.CreateSecretInput{Name: created.Name, SecretString: aws.String("again")})
		wantErrorCode(t, err, "ResourceExistsException")

		_, err = sm.GetSecretValue(ctxT(t), &secretsmanager.GetSecretValueInput{SecretId: created.Name, VersionStage: aws.String("AWSPENDING")})
		wantErrorCode(t, err, "ResourceNotFoundException")

		if _, err := sm.DeleteSecret(ctxT(t), &secretsmanager.DeleteSecretInput{SecretId: created.Name, RecoveryWindowInDays: aws.Int64(7)}); err != nil {
			t.Fatalf("DeleteSecret() = %v", err)
		}
		_, err = sm.GetSecretValue(ctxT(t), &secretsmanager.GetSecretValueInput{SecretId: created.Name})
		wantErrorCode(t, err, "InvalidRequestException")
		desc, err := sm.DescribeSecret(ctxT(t), &secretsmanager.DescribeSecretInput{SecretId: created.Name})
		if err != nil || desc.DeletedDate == nil {
			t.Fatalf("DescribeSecret() of a secret scheduled for deletion = %v, DeletedDate %v; want a DeletedDate", err, desc)
		}

		forced := createSecret(t, sm, "v1")
		if _, err := sm.DeleteSecret(ctxT(t), &secretsmanager.DeleteSecretInput{SecretId: forced.ARN, ForceDeleteWithoutRecovery: aws.Bool(true)}); err != nil {
			t.Fatalf("DeleteSecret(force) = %v", err)
		}
		_, err = sm.GetSecretValue(ctxT(t), &secretsmanager.GetSecretValueInput{SecretId: forced.Name})
		wantErrorCode(t, err, "ResourceNotFoundException")
	})
}

func TestConformanceUpdateStageNeedsRemoveFrom(t *testing.T) {
	forEachBackend(t, func(t *testing.T, b backend) {
		sm := secretsmanager.NewFromConfig(b.saas)
		created := createSecret(t, sm, "v1")
		pending, err := sm.PutSecretValue(ctxT(t), &secretsmanager.PutSecretValueInput{
			SecretId: created.Name, SecretString: aws.String("v2"), VersionStages: []string{"AWSPENDING"},
		})
		if err != nil {
			t.Fatalf("PutSecretValue() = %v", err)
		}
		_, err = sm.UpdateSecretVersionStage(ctxT(t), &secretsmanager.UpdateSecretVersionStageInput{
			SecretId: created.Name, VersionStage: aws.String("AWSCURRENT"), MoveToVersionId: pending.VersionId,
		})
		wantErrorCode(t, err, "InvalidParameterException")
	})
}

func TestConformanceBatchGetSecretValue(t *testing.T) {
	forEachBackend(t, func(t *testing.T, b backend) {
		sm := secretsmanager.NewFromConfig(b.saas)
		one := createSecret(t, sm, "one")
		two := createSecret(t, sm, "two")
		missing := uniqueName("externalid/missing")
		out, err := sm.BatchGetSecretValue(ctxT(t), &secretsmanager.BatchGetSecretValueInput{
			SecretIdList: []string{aws.ToString(one.Name), aws.ToString(two.ARN), missing},
		})
		if err != nil {
			t.Fatalf("BatchGetSecretValue() = %v", err)
		}
		got := map[string]string{}
		for _, v := range out.SecretValues {
			got[aws.ToString(v.Name)] = aws.ToString(v.SecretString)
		}
		if got[aws.ToString(one.Name)] != "one" || got[aws.ToString(two.Name)] != "two" || len(got) != 2 {
			t.Errorf("SecretValues = %v; want one and two", got)
		}
		if len(out.Errors) != 1 || aws.ToString(out.Errors[0].SecretId) != missing || aws.ToString(out.Errors[0].ErrorCode) != "ResourceNotFoundException" {
			t.Errorf("Errors = %+v; want one ResourceNotFoundException for %s", out.Errors, missing)
		}
	})
}
