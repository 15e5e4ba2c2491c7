package externalidtest_test

import (
	"context"
	"encoding/json"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/secretsmanager"
	"github.com/aws/aws-sdk-go-v2/service/sts"

	"github.com/tenantrole/externalid/externalidtest"
)

func TestEventLog(t *testing.T) {
	srv := externalidtest.New(t)
	c := seed(t, srv, "acme")
	ctx := context.Background()
	if _, err := srv.SecretsManager(srv.SaaS()).PutSecretValue(ctx, &secretsmanager.PutSecretValueInput{
		SecretId: aws.String(c.SecretName), SecretString: aws.String("never-logged-secret-value"),
	}); err != nil {
		t.Fatal(err)
	}
	if _, err := srv.STS(srv.SaaS()).AssumeRole(ctx, &sts.AssumeRoleInput{
		RoleArn: aws.String(c.Role.ARN), RoleSessionName: aws.String("events"),
		ExternalId: aws.String(c.ExternalID), DurationSeconds: aws.Int32(900),
	}); err != nil {
		t.Fatal(err)
	}
	events := srv.Events()
	if len(events) != 2 || events[0].EventName != "PutSecretValue" || events[1].EventName != "AssumeRole" {
		t.Fatalf("Events() = %v; want PutSecretValue, AssumeRole", events)
	}
	put, assume := events[0], events[1]
	if put.EventSource != "secretsmanager.amazonaws.com" || put.RequestParameters["secretId"] != c.SecretName || put.RecipientAccountID != srv.SaaSAccountID() {
		t.Errorf("PutSecretValue event = %+v", put)
	}
	if strings.Contains(put.JSON(), "never-logged-secret-value") {
		t.Errorf("PutSecretValue event records the secret value:\n%s", put.JSON())
	}
	if assume.EventSource != "sts.amazonaws.com" || assume.ErrorCode != "" || assume.EventTime.IsZero() ||
		assume.RequestParameters["externalId"] != c.ExternalID || assume.RequestParameters["durationSeconds"] != 900 ||
		assume.UserIdentity.Type != "IAMUser" || assume.Decision == "" || assume.AWSRegion != "us-east-1" {
		t.Errorf("AssumeRole event = %+v", assume)
	}

	// Events returns a copy.
	events[1].RequestParameters["externalId"] = "changed"
	if again, _ := srv.LastEvent("AssumeRole"); again.RequestParameters["externalId"] != c.ExternalID {
		t.Error("changing the copy changed the log")
	}

	var doc map[string]any
	if err := json.Unmarshal([]byte(assume.JSON()), &doc); err != nil {
		t.Fatal(err)
	}
	for _, key := range []string{"eventVersion", "userIdentity", "eventTime", "eventSource", "eventName", "awsRegion", "requestParameters", "requestID", "eventID", "recipientAccountId"} {
		if _, ok := doc[key]; !ok {
			t.Errorf("JSON() lacks %q:\n%s", key, assume.JSON())
		}
	}
	if _, ok := doc["errorCode"]; ok {
		t.Errorf("JSON() of a success has errorCode:\n%s", assume.JSON())
	}
	srv.ResetEvents()
	if n := len(srv.Events()); n != 0 {
		t.Errorf("Events() after ResetEvents = %d events", n)
	}
	if _, ok := srv.LastEvent("AssumeRole"); ok {
		t.Error("LastEvent() after ResetEvents found an event")
	}
}

func TestUnknownOperations(t *testing.T) {
	srv := externalidtest.New(t)
	_, err := srv.STS(srv.SaaS()).GetSessionToken(context.Background(), &sts.GetSessionTokenInput{})
	wantErrorCode(t, err, "InvalidAction")
	_, err = srv.SecretsManager(srv.SaaS()).ListSecrets(context.Background(), &secretsmanager.ListSecretsInput{})
	wantErrorCode(t, err, "UnknownOperationException")
	ev, ok := srv.LastEvent("ListSecrets")
	if !ok || ev.ErrorCode != "UnknownOperationException" {
		t.Errorf("LastEvent(ListSecrets) = %+v, %v", ev, ok)
	}
}
