package externalidtest_test

import (
	"fmt"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/sts"

	"github.com/tenantrole/externalid/externalidtest"
)

// TestEventLogMatchesMotoRecorder sends the same AssumeRole requests to the
// kit and to moto, and checks that the parameters the kit's event log
// records are those moto's recorder saw on the wire: an independent check
// of the kit's query-protocol parsing, and of "externalId": null.
func TestEventLogMatchesMotoRecorder(t *testing.T) {
	mt := moto.Get(t)
	motoB := motoBackend(t)
	srv := externalidtest.New(t)
	inputs := []*sts.AssumeRoleInput{
		{RoleSessionName: aws.String("with-id"), ExternalId: aws.String("wire-check:id/1"), DurationSeconds: aws.Int32(1800)},
		{RoleSessionName: aws.String("without-id")}, //externalid:ignore checks the absent ExternalId on the wire
	}
	motoRole := motoB.newRole(t, "wire-check:id/1")
	kitCust, err := srv.SeedCustomer("wire", func(o *externalidtest.CustomerOptions) { o.ExternalID = "wire-check:id/1" })
	if err != nil {
		t.Fatal(err)
	}
	if err := mt.StartRecording(ctxT(t)); err != nil {
		t.Fatal(err)
	}
	for _, in := range inputs {
		motoIn, kitIn := *in, *in
		motoIn.RoleArn, kitIn.RoleArn = aws.String(motoRole), aws.String(kitCust.Role.ARN)
		_, _ = sts.NewFromConfig(motoB.saas).AssumeRole(ctxT(t), &motoIn)
		_, _ = srv.STS(srv.SaaS()).AssumeRole(ctxT(t), &kitIn)
	}
	reqs, err := mt.Requests(ctxT(t))
	if err != nil {
		t.Fatal(err)
	}
	var recorded []map[string]any
	for _, r := range reqs {
		if r.Action() != "AssumeRole" {
			continue
		}
		f := r.Form()
		p := map[string]any{"roleSessionName": f.Get("RoleSessionName"), "externalId": nil}
		if f.Has("ExternalId") {
			p["externalId"] = f.Get("ExternalId")
		}
		if f.Has("DurationSeconds") {
			p["durationSeconds"] = f.Get("DurationSeconds")
		}
		recorded = append(recorded, p)
	}
	var logged []map[string]any
	for _, e := range srv.Events() {
		if e.EventName == "AssumeRole" {
			p := map[string]any{"roleSessionName": e.RequestParameters["roleSessionName"], "externalId": e.RequestParameters["externalId"]}
			if d, ok := e.RequestParameters["durationSeconds"]; ok {
				p["durationSeconds"] = fmt.Sprint(d)
			}
			logged = append(logged, p)
		}
	}
	if fmt.Sprint(recorded) != fmt.Sprint(logged) || len(logged) != len(inputs) {
		t.Errorf("kit event log = %v\nmoto recorder  = %v\nwant the same parameters", logged, recorded)
	}
}
