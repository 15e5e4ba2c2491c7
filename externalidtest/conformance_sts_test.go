package externalidtest_test

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	awshttp "github.com/aws/aws-sdk-go-v2/aws/transport/http"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/sts"
)

func TestConformanceAssumeRoleAndCallerIdentity(t *testing.T) {
	forEachBackend(t, func(t *testing.T, b backend) {
		roleARN := b.newRole(t, "conformance-external-id")
		client := sts.NewFromConfig(b.saas)
		before := time.Now()
		out, err := client.AssumeRole(ctxT(t), &sts.AssumeRoleInput{
			RoleArn:         aws.String(roleARN),
			RoleSessionName: aws.String("conformance"),
			ExternalId:      aws.String("conformance-external-id"),
			DurationSeconds: aws.Int32(900),
		})
		if err != nil {
			t.Fatalf("AssumeRole() = %v", err)
		}
		account := strings.Split(roleARN, ":")[4]
		roleName := roleARN[strings.LastIndex(roleARN, "/")+1:]
		wantARN := "arn:aws:sts::" + account + ":assumed-role/" + roleName + "/conformance"
		if got := aws.ToString(out.AssumedRoleUser.Arn); got != wantARN {
			t.Errorf("AssumedRoleUser.Arn = %q; want %q", got, wantARN)
		}
		if !strings.HasSuffix(aws.ToString(out.AssumedRoleUser.AssumedRoleId), ":conformance") {
			t.Errorf("AssumedRoleId = %q; want ...:conformance", aws.ToString(out.AssumedRoleUser.AssumedRoleId))
		}
		c := out.Credentials
		if aws.ToString(c.AccessKeyId) == "" || aws.ToString(c.SecretAccessKey) == "" || aws.ToString(c.SessionToken) == "" {
			t.Fatalf("Credentials = %+v; want key, secret and token", c)
		}
		if exp := aws.ToTime(c.Expiration); exp.Before(before.Add(14*time.Minute)) || exp.After(time.Now().Add(16*time.Minute)) {
			t.Errorf("Expiration = %v; want about 15 minutes from now", exp)
		}
		session := credentials.NewStaticCredentialsProvider(aws.ToString(c.AccessKeyId), aws.ToString(c.SecretAccessKey), aws.ToString(c.SessionToken))
		id, err := sts.NewFromConfig(b.withCreds(session)).GetCallerIdentity(ctxT(t), &sts.GetCallerIdentityInput{})
		if err != nil {
			t.Fatalf("GetCallerIdentity() = %v", err)
		}
		if aws.ToString(id.Arn) != wantARN || aws.ToString(id.Account) != account {
			t.Errorf("GetCallerIdentity() = %s in %s; want %s in %s", aws.ToString(id.Arn), aws.ToString(id.Account), wantARN, account)
		}
	})
}

// TestConformanceAssumeRoleValidation sends parameters that break STS's
// constraints. Each must be a ValidationError. moto 5.2 enforces only the
// session name's length; the other cases are skipped against moto and
// listed as moto gaps in docs/externalidtest.md.
func TestConformanceAssumeRoleValidation(t *testing.T) {
	tests := []struct {
		name          string
		in            sts.AssumeRoleInput
		motoValidates bool
	}{
		{"external id too short", sts.AssumeRoleInput{RoleSessionName: aws.String("ok-name"), ExternalId: aws.String("x")}, false},
		{"external id empty", sts.AssumeRoleInput{RoleSessionName: aws.String("ok-name"), ExternalId: aws.String("")}, false},
		{"external id bad character", sts.AssumeRoleInput{RoleSessionName: aws.String("ok-name"), ExternalId: aws.String("has space")}, false},
		{"external id too long", sts.AssumeRoleInput{RoleSessionName: aws.String("ok-name"), ExternalId: aws.String(strings.Repeat("a", 1225))}, false},
		{"session name bad character", sts.AssumeRoleInput{RoleSessionName: aws.String("has space"), ExternalId: aws.String("valid-id")}, false},
		{"session name too short", sts.AssumeRoleInput{RoleSessionName: aws.String("s"), ExternalId: aws.String("valid-id")}, false},
		{"session name too long", sts.AssumeRoleInput{RoleSessionName: aws.String(strings.Repeat("s", 65)), ExternalId: aws.String("valid-id")}, true},
		{"duration too short", sts.AssumeRoleInput{RoleSessionName: aws.String("ok-name"), ExternalId: aws.String("valid-id"), DurationSeconds: aws.Int32(899)}, false},
		{"duration too long", sts.AssumeRoleInput{RoleSessionName: aws.String("ok-name"), ExternalId: aws.String("valid-id"), DurationSeconds: aws.Int32(43201)}, false},
	}
	forEachBackend(t, func(t *testing.T, b backend) {
		roleARN := b.newRole(t, "valid-id")
		client := sts.NewFromConfig(b.saas)
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				if b.name == "moto" && !tt.motoValidates {
					t.Skip("moto does not enforce this STS constraint (known moto gap)")
				}
				in := tt.in
				in.RoleArn = aws.String(roleARN)
				_, err := client.AssumeRole(ctxT(t), &in)
				wantErrorCode(t, err, "ValidationError")
				var re *awshttp.ResponseError
				if !errors.As(err, &re) || re.HTTPStatusCode() != 400 || re.ServiceRequestID() == "" {
					t.Errorf("AssumeRole() = %v; want HTTP 400 with a request id", err)
				}
				if tt.in.ExternalId != nil && strings.Contains(err.Error(), aws.ToString(tt.in.ExternalId)) && len(aws.ToString(tt.in.ExternalId)) > 1 && b.name == "kit" {
					t.Errorf("error %q echoes the ExternalId", err)
				}
			})
		}
	})
}

// TestMotoDoesNotEnforceExternalID records the gap this kit exists for: moto
// lets a caller without an ExternalId through a StringEquals sts:ExternalId
// trust policy, where AWS (and the kit) deny it.
func TestMotoDoesNotEnforceExternalID(t *testing.T) {
	forEachBackend(t, func(t *testing.T, b backend) {
		roleARN := b.newRole(t, "required-id")
		_, err := sts.NewFromConfig(b.saas).AssumeRole(ctxT(t), &sts.AssumeRoleInput{ //externalid:ignore proves the omission is denied
			RoleArn: aws.String(roleARN), RoleSessionName: aws.String("no-external-id"),
		})
		switch {
		case b.name == "kit":
			wantErrorCode(t, err, "AccessDenied")
		case err == nil:
			t.Logf("moto let AssumeRole without an ExternalId through; AWS denies it (known moto gap)")
		default:
			t.Logf("moto now denies AssumeRole without an ExternalId: %v", err)
		}
	})
}
