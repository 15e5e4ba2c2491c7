// Package externalidvet defines an Analyzer that reports STS AssumeRole
// requests that can be sent without an ExternalId.
//
// # Analyzer externalidvet
//
// externalidvet: report AssumeRole requests without an ExternalId
//
// A role that a customer's trust policy guards with sts:ExternalId can
// only be assumed by a request that carries the right external ID. The
// AWS SDK for Go v2 compiles happily without one, and the request then
// fails at run time with AccessDenied. This analyzer finds such requests:
//
//   - sts.AssumeRoleInput literals, values or pointers, whose ExternalId is
//     absent, nil or aws.String("");
//   - stscreds.NewAssumeRoleProvider calls with no option that sets
//     ExternalID, and stscreds.AssumeRoleOptions literals without it;
//   - config.WithAssumeRoleCredentialOptions calls whose option does not
//     set ExternalID.
//
// It also reports an ExternalId or ExternalID that is a constant: a
// constant that breaks STS's constraints (2 to 1224 characters of
// [\w+=,.@:/-]) is in category "invalid", any other constant is in
// category "hardcoded". Constants in _test.go files are fixtures and are
// not reported. Missing external IDs are in category "missing", in test
// files too.
// Every message starts with "externalidvet(category):".
//
// The analyzer reports only what it can prove. An option it cannot see
// into, such as a function from another package or a parameter, makes
// the call unknown rather than a finding; so does an input stored in a
// variable whose ExternalId is assigned later, or that escapes into code
// the analyzer cannot follow (returned, stored in a field, passed to a
// function other than AssumeRole of *sts.Client or of an interface such as
// stscreds.AssumeRoleAPIClient). Options built by function literals, by
// functions and methods of the same package and by local variables are
// followed. An input sent with per-call options, and a provider built on a
// concrete client type other than *sts.Client, are unknown too: a
// middleware or wrapper may set the ExternalId.
//
// A finding is suppressed by a comment on its line or on the line above:
//
//	//externalid:ignore the quickstart shows the raw SDK call on purpose
//
// A suppression must give a reason. One without is reported in category
// "suppression" and suppresses nothing.
package externalidvet
