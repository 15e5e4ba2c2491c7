// Package externalidtest provides an in-process AWS that enforces IAM role
// trust policies, so code that assumes roles in customers' accounts can be
// tested without an AWS account.
//
// A [Server] is a loopback HTTP endpoint that the real aws-sdk-go-v2
// clients talk to through BaseEndpoint: the SDK's own serializers,
// signers, retryers and deserializers run unchanged. It speaks STS (query
// protocol) and Secrets Manager (JSON 1.1), keeps a CloudTrail-like event
// log, and injects faults on demand.
//
// # Quick start
//
//	srv := externalidtest.New(t) // closed when the test ends
//	cust, _ := srv.SeedCustomer("acme")
//	stsClient := srv.STS(srv.SaaS())
//	_, err := stsClient.AssumeRole(ctx, &sts.AssumeRoleInput{
//		RoleArn:         aws.String(cust.Role.ARN),
//		RoleSessionName: aws.String("acme"),
//	})
//	// err is AccessDenied: the trust policy requires sts:ExternalId.
//	ev, _ := srv.LastEvent("AssumeRole")
//	fmt.Println(ev.JSON()) // ... "externalId": null ...
//
// [NewServer] does the same outside tests; call [Server.Close] when done.
//
// # Identities
//
// Every request is attributed to the principal whose access key id appears
// in the SigV4 Authorization header. [Server.SaaS] is the SaaS backend (an
// IAM user in the SaaS account); [Server.CreateUser] and
// [Server.AccountRoot] add others. Credentials returned by AssumeRole work
// against the kit until they expire on the kit's clock; GetCallerIdentity
// with them returns arn:aws:sts::ACCOUNT:assumed-role/ROLE/SESSION.
// Signatures are not verified: only the access key id and, for role
// sessions, the session token are checked.
//
// # Trust policies
//
// [Server.CreateRole] takes a trust policy document as customers write it.
// AssumeRole succeeds only when an Allow statement matches the caller and
// the action and its Condition holds, and no matching Deny statement's
// Condition holds (an explicit Deny always wins). The evaluator supports:
//
//   - Principal "*", or {"AWS": ...} with a string or a list of account ids,
//     account root ARNs (any principal of that account), user ARNs, role ARNs
//     (any session of that role) and assumed-role session ARNs. Service and
//     Federated principals never match.
//   - Action as a string or list, case-insensitive, with * and ? wildcards
//     (sts:AssumeRole, sts:*, *). Session tags also need sts:TagSession and a
//     SourceIdentity needs sts:SetSourceIdentity, as in AWS.
//   - Condition operators StringEquals, StringNotEquals, StringEqualsIgnoreCase,
//     StringNotEqualsIgnoreCase, StringLike, StringNotLike (with * and ?),
//     ArnEquals, ArnLike, ArnNotEquals, ArnNotLike (compared like
//     StringLike), each also in its ...IfExists form, and Null. A list of
//     values means any of them; several operators or keys must all hold.
//   - Condition keys sts:ExternalId, sts:RoleSessionName, sts:SourceIdentity,
//     aws:PrincipalArn and aws:PrincipalAccount (names are case-insensitive).
//
// A key missing from the request fails the positive operators and
// satisfies the negated ones, exactly as in AWS: a StringEquals
// sts:ExternalId condition denies a caller that sends no ExternalId. (moto
// lets that request through; this kit exists largely because of that.)
//
// The kit fails closed: a matching statement that uses a condition operator
// or key it does not model (ForAnyValue:, DateLessThan, aws:SourceIp,
// policy variables, ...) denies the request. Elements it does not model at
// all (NotPrincipal, NotAction) make CreateRole fail.
//
// # Secrets Manager
//
// GetSecretValue (by name, ARN or partial ARN, with VersionStage or
// VersionId), BatchGetSecretValue, CreateSecret, PutSecretValue,
// UpdateSecretVersionStage, DescribeSecret, DeleteSecret and RestoreSecret
// behave like Secrets Manager, including the movement of the AWSCURRENT,
// AWSPREVIOUS and AWSPENDING staging labels and scheduled deletion. Secrets
// belong to the caller's account.
//
// # Event log
//
// [Server.Events] returns every call as an [Event] with CloudTrail's
// fields; [Event.JSON] renders one as CloudTrail does. Like CloudTrail, the
// log records request parameters, including an AssumeRole ExternalId in
// clear text: that is by design, so tests can assert on it, and it is the
// only place the kit keeps such a value. Secret values are never recorded,
// and ValidationError messages never echo an ExternalId.
//
// # Faults
//
// [Server.InjectFault] makes an operation throttle, fail with a 5xx, reset
// the connection or slow down, for the next N calls or inside a window on
// the kit's clock ([Options.Clock], [ManualClock]).
//
// # Concurrency
//
// A Server and everything it returns are safe for concurrent use.
package externalidtest
