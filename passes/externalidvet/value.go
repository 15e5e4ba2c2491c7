package externalidvet

import (
	"fmt"
	"go/ast"
	"go/constant"
	"go/types"
	"regexp"
	"strings"

	"golang.org/x/tools/go/types/typeutil"
)

// A valueKind classifies an expression stored in an external ID field.
type valueKind int

const (
	valueUnknown valueKind = iota // computed at run time
	valueNil                      // nil
	valueEmpty                    // a pointer to the constant ""
	valueConst                    // a pointer to any other constant
)

// classifyValue returns the kind of e, an expression of type *string,
// and for valueConst the constant.
func (c *checker) classifyValue(e ast.Expr) (valueKind, string) {
	e = ast.Unparen(e)
	if tv, ok := c.info.Types[e]; ok && tv.IsNil() {
		return valueNil, ""
	}
	call, ok := e.(*ast.CallExpr)
	if !ok || len(call.Args) != 1 || !c.isStringPointer(call) {
		return valueUnknown, ""
	}
	tv := c.info.Types[call.Args[0]]
	if tv.Value == nil || tv.Value.Kind() != constant.String {
		return valueUnknown, ""
	}
	if s := constant.StringVal(tv.Value); s != "" {
		return valueConst, s
	}
	return valueEmpty, ""
}

// isStringPointer reports whether call is aws.String(x) or new(x).
func (c *checker) isStringPointer(call *ast.CallExpr) bool {
	switch fn := typeutil.Callee(c.info, call).(type) {
	case *types.Func:
		return isFunc(fn, awsPath, "String")
	case *types.Builtin:
		return fn.Name() == "new"
	}
	return false
}

// isMissing reports whether kind sends no external ID.
func isMissing(kind valueKind) bool { return kind == valueNil || kind == valueEmpty }

// checkConstant reports value, stored in the external ID field of t, if
// it is a constant. Constants in test files are fixtures, not findings.
func (c *checker) checkConstant(t *target, value ast.Expr) {
	kind, s := c.classifyValue(value)
	if kind != valueConst || strings.HasSuffix(c.pass.Fset.Position(value.Pos()).Filename, "_test.go") {
		return
	}
	if problem := constraintProblem(s); problem != "" {
		c.report(value.Pos(), value.End(), categoryInvalid, msgInvalid, t.display, t.field, problem)
		return
	}
	c.report(value.Pos(), value.End(), categoryHardcoded, msgHardcoded, t.display, t.field)
}

// externalIDChars matches the characters STS allows in an external ID.
var externalIDChars = regexp.MustCompile(`^[\w+=,.@:/-]*$`)

// Length limits of an external ID, from the STS API reference.
const (
	minExternalIDLen = 2
	maxExternalIDLen = 1224
)

// constraintProblem describes how s breaks STS's constraints on an
// external ID, or returns "". The description never contains s itself.
func constraintProblem(s string) string {
	switch {
	case len(s) < minExternalIDLen:
		return fmt.Sprintf("is %d character long", len(s))
	case len(s) > maxExternalIDLen:
		return fmt.Sprintf("is %d characters long", len(s))
	case !externalIDChars.MatchString(s):
		return "has a character STS does not allow"
	}
	return ""
}
