package externalidvet

import (
	"fmt"
	"go/token"

	"golang.org/x/tools/go/analysis"
)

// Categories of the diagnostics. Each message starts with
// "externalidvet(category): ".
const (
	categoryMissing     = "missing"     // no external ID is sent
	categoryHardcoded   = "hardcoded"   // the external ID is a constant
	categoryInvalid     = "invalid"     // the constant breaks STS's constraints
	categorySuppression = "suppression" // an ignore comment without a reason
)

const (
	denied = "AssumeRole will be denied by a trust policy that requires sts:ExternalId"

	adviceInput   = denied + "; use externalid.NewProvider or set ExternalId from a resolver"
	adviceOptions = denied + "; use externalid.NewProvider or set ExternalID from a resolver"

	msgProvider = "stscreds.NewAssumeRoleProvider without an option that sets ExternalID: " + adviceOptions
	msgConfig   = "config.WithAssumeRoleCredentialOptions with an option that does not set ExternalID: " +
		"unless the shared config profile sets external_id, " + adviceOptions

	msgHardcoded = "%s.%s is a hard-coded constant: an external ID must be unique per customer and kept out of source; " +
		"resolve it per tenant at run time with externalid.NewProvider or a resolver"
	msgInvalid = "%s.%s constant %s: STS allows 2 to 1224 characters of [\\w+=,.@:/-] and AssumeRole will fail with a ValidationError; " +
		"resolve the external ID per tenant at run time with externalid.NewProvider or a resolver"
	msgNoReason = "//externalid:ignore needs a reason, as in \"//externalid:ignore the quickstart shows the raw SDK call\"; " +
		"without one it suppresses nothing"
)

// report reports a finding at [pos, end) unless a comment suppresses it.
func (c *checker) report(pos, end token.Pos, category, format string, args ...any) {
	if c.ignored(pos) {
		return
	}
	c.pass.Report(diagnostic(pos, end, category, fmt.Sprintf(format, args...)))
}

// diagnostic returns a diagnostic whose message names its category.
func diagnostic(pos, end token.Pos, category, message string) analysis.Diagnostic {
	return analysis.Diagnostic{
		Pos:      pos,
		End:      end,
		Category: category,
		Message:  "externalidvet(" + category + "): " + message,
	}
}
