package externalidvet_test

import (
	"strings"
	"testing"

	"github.com/tenantrole/externalid/passes/externalidvet"
	"golang.org/x/tools/go/analysis"
	"golang.org/x/tools/go/analysis/analysistest"
)

// Test runs the analyzer over the packages in testdata/src, which use
// stand-ins for the AWS SDK packages, and checks their "// want" comments.
func Test(t *testing.T) {
	testdata := analysistest.TestData()
	analysistest.Run(t, testdata, externalidvet.Analyzer, "input", "options", "renamed", "dotimport", "suppress")
}

func TestDoc(t *testing.T) {
	if err := analysis.Validate([]*analysis.Analyzer{externalidvet.Analyzer}); err != nil {
		t.Fatalf("Validate() = %v; want nil", err)
	}
	const title = "report AssumeRole requests without an ExternalId\n\n"
	if doc := externalidvet.Analyzer.Doc; !strings.HasPrefix(doc, title) {
		t.Errorf("Analyzer.Doc = %q; want prefix %q", doc, title)
	}
}
