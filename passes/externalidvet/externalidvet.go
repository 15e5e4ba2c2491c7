package externalidvet

import (
	_ "embed"
	"go/ast"
	"go/parser"
	"go/token"
	"go/types"
	"strings"

	"golang.org/x/tools/go/analysis"
	"golang.org/x/tools/go/analysis/passes/inspect"
	"golang.org/x/tools/go/ast/inspector"
	"golang.org/x/tools/go/types/typeutil"
)

//go:embed doc.go
var doc string

// Analyzer reports STS AssumeRole requests, assume-role providers and
// assume-role options that lack an ExternalId, and external IDs that are
// hard-coded constants.
var Analyzer = &analysis.Analyzer{
	Name:     "externalidvet",
	Doc:      extractDoc(doc, "externalidvet"),
	URL:      "https://pkg.go.dev/github.com/tenantrole/externalid/passes/externalidvet",
	Requires: []*analysis.Analyzer{inspect.Analyzer},
	Run:      run,
}

func run(pass *analysis.Pass) (any, error) {
	c := newChecker(pass)
	nodeFilter := []ast.Node{
		(*ast.CompositeLit)(nil),
		(*ast.AssignStmt)(nil),
		(*ast.CallExpr)(nil),
	}
	for cur := range c.root.Preorder(nodeFilter...) {
		switch n := cur.Node().(type) {
		case *ast.CompositeLit:
			c.checkLiteral(cur, n)
		case *ast.AssignStmt:
			c.checkAssign(n)
		case *ast.CallExpr:
			c.checkCall(n)
		}
	}
	return nil, nil
}

// A checker holds the state of one pass.
type checker struct {
	pass       *analysis.Pass
	info       *types.Info
	root       inspector.Cursor
	ignores    map[ignoreKey]bool // line of a "//externalid:ignore reason" comment
	funcDecls  map[*types.Func]*ast.FuncDecl
	assigns    map[*types.Var][]ast.Expr // values stored in a variable
	untraced   map[*types.Var]bool       // variables whose values cannot be followed
	funcMemo   map[*types.Func]effect    // effect of a function used as an option
	resultMemo map[*types.Func]effect    // effect of the options a function returns
	paramMemo  map[*types.Var]effect     // effect of a function on a pointer parameter
	varSeen    map[*types.Var]bool       // variables being followed, against cycles
}

func newChecker(pass *analysis.Pass) *checker {
	c := &checker{
		pass:       pass,
		info:       pass.TypesInfo,
		root:       pass.ResultOf[inspect.Analyzer].(*inspector.Inspector).Root(),
		funcDecls:  make(map[*types.Func]*ast.FuncDecl),
		funcMemo:   make(map[*types.Func]effect),
		resultMemo: make(map[*types.Func]effect),
		paramMemo:  make(map[*types.Var]effect),
		varSeen:    make(map[*types.Var]bool),
	}
	for _, f := range pass.Files {
		for _, decl := range f.Decls {
			if fd, ok := decl.(*ast.FuncDecl); ok {
				if fn, ok := c.info.Defs[fd.Name].(*types.Func); ok {
					c.funcDecls[fn] = fd
				}
			}
		}
	}
	c.readIgnores()
	return c
}

// checkCall reports assume-role providers and config options whose
// options provably do not set ExternalID.
func (c *checker) checkCall(call *ast.CallExpr) {
	fn, _ := typeutil.Callee(c.info, call).(*types.Func)
	switch {
	case isFunc(fn, stscredsPath, "NewAssumeRoleProvider"):
		if call.Ellipsis.IsValid() || len(call.Args) < 2 {
			return // options in a slice: unknown
		}
		if client := c.info.TypeOf(call.Args[0]); !isSTSClient(client) && !types.IsInterface(client) {
			return // a concrete wrapper client may set the ExternalId: unknown
		}
		eff := effectNone
		for _, arg := range call.Args[2:] {
			eff = join(eff, c.optionEffect(arg))
		}
		if eff == effectNone {
			c.report(call.Pos(), call.Lparen, categoryMissing, msgProvider)
		}
	case isFunc(fn, configPath, "WithAssumeRoleCredentialOptions"):
		if len(call.Args) == 1 && c.optionEffect(call.Args[0]) == effectNone {
			c.report(call.Pos(), call.Lparen, categoryMissing, msgConfig)
		}
	}
}

// checkAssign reports constants assigned to an external ID field.
func (c *checker) checkAssign(assign *ast.AssignStmt) {
	if len(assign.Lhs) != len(assign.Rhs) {
		return
	}
	for i, lhs := range assign.Lhs {
		if sel, ok := ast.Unparen(lhs).(*ast.SelectorExpr); ok {
			if t := c.fieldTarget(sel); t != nil {
				c.checkConstant(t, assign.Rhs[i])
			}
		}
	}
}

// checkLiteral reports an sts.AssumeRoleInput or stscreds.AssumeRoleOptions
// literal whose external ID is missing, unless it may be filled in later,
// and one whose external ID is a constant.
func (c *checker) checkLiteral(cur inspector.Cursor, lit *ast.CompositeLit) {
	t := targetOf(c.info.TypeOf(lit))
	if t == nil {
		return
	}
	value, keyed := fieldValue(lit, t.field)
	if !keyed {
		return // positional fields: unknown
	}
	what := "without " + t.field
	if value != nil {
		switch kind, _ := c.classifyValue(value); kind {
		case valueNil:
			what = "with a nil " + t.field
		case valueEmpty:
			what = "with an empty " + t.field
		case valueConst:
			c.checkConstant(t, value)
			return
		default:
			return
		}
	}
	if c.literalProven(cur, t) {
		c.report(lit.Pos(), lit.Lbrace, categoryMissing, "%s %s: %s", t.display, what, t.advice)
	}
}

// extractDoc returns the documentation of the analyzer name from the
// package doc comment in src: the text after the "# Analyzer name"
// heading, up to the next heading.
func extractDoc(src, name string) string {
	f, err := parser.ParseFile(token.NewFileSet(), "doc.go", src, parser.ParseComments|parser.PackageClauseOnly)
	if err != nil || f.Doc == nil {
		panic("externalidvet: cannot read the package doc comment")
	}
	_, text, ok := strings.Cut(f.Doc.Text(), "# Analyzer "+name+"\n")
	if !ok {
		panic("externalidvet: no \"# Analyzer " + name + "\" heading in doc.go")
	}
	text, _, _ = strings.Cut(text, "\n# ")
	text, ok = strings.CutPrefix(strings.TrimSpace(text), name+": ")
	if !ok {
		panic("externalidvet: the analyzer doc must start with \"" + name + ": \"")
	}
	return text
}
