package externalidvet

import (
	"go/ast"
	"go/token"
	"go/types"
)

// singleValue returns the only value ever stored in v, or nil if v is
// stored to more than once, in a way the analyzer cannot follow, or not
// at all. Parameters, exported package-level variables and variables
// whose address is taken cannot be followed.
func (c *checker) singleValue(v *types.Var) ast.Expr {
	if c.assigns == nil {
		c.indexAssigns()
	}
	if c.untraced[v] || len(c.assigns[v]) != 1 || isPackageLevel(v) && v.Exported() {
		return nil
	}
	return c.assigns[v][0]
}

// indexAssigns records every value stored in a variable of the package.
func (c *checker) indexAssigns() {
	c.assigns = make(map[*types.Var][]ast.Expr)
	c.untraced = make(map[*types.Var]bool)
	untrace := func(id *ast.Ident) {
		if v, ok := c.info.ObjectOf(id).(*types.Var); ok {
			c.untraced[v] = true
		}
	}
	nodeFilter := []ast.Node{
		(*ast.AssignStmt)(nil),
		(*ast.ValueSpec)(nil),
		(*ast.UnaryExpr)(nil),
		(*ast.Field)(nil),
		(*ast.RangeStmt)(nil),
	}
	for cur := range c.root.Preorder(nodeFilter...) {
		switch n := cur.Node().(type) {
		case *ast.AssignStmt:
			tuple := len(n.Lhs) != len(n.Rhs) || n.Tok != token.ASSIGN && n.Tok != token.DEFINE
			for i, lhs := range n.Lhs {
				id, ok := ast.Unparen(lhs).(*ast.Ident)
				if !ok {
					continue
				}
				if tuple {
					untrace(id)
				} else if v, ok := c.info.ObjectOf(id).(*types.Var); ok {
					c.assigns[v] = append(c.assigns[v], n.Rhs[i])
				}
			}
		case *ast.ValueSpec:
			for i, id := range n.Names {
				if len(n.Values) == 0 {
					continue // zero value
				}
				if len(n.Values) != len(n.Names) {
					untrace(id)
				} else if v, ok := c.info.Defs[id].(*types.Var); ok {
					c.assigns[v] = append(c.assigns[v], n.Values[i])
				}
			}
		case *ast.UnaryExpr:
			if id, ok := ast.Unparen(n.X).(*ast.Ident); ok && n.Op == token.AND {
				untrace(id)
			}
		case *ast.Field: // parameters and results
			for _, id := range n.Names {
				untrace(id)
			}
		case *ast.RangeStmt:
			for _, e := range []ast.Expr{n.Key, n.Value} {
				if id, ok := e.(*ast.Ident); ok {
					untrace(id)
				}
			}
		}
	}
}
