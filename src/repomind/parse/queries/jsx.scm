; repomind: JSX component references (JavaScript and TSX).
; (`<A.B>` names are member_expressions, already captured by ecma.scm)
(jsx_opening_element name: (identifier) @ref)
(jsx_self_closing_element name: (identifier) @ref)
