; repomind extras shared by JavaScript, TypeScript and TSX.

; module-level constants: exported, or UPPER_CASE
(program
  (export_statement
    declaration: (lexical_declaration
      (variable_declarator
        name: (identifier) @name) @definition.constant)))
(program
  (lexical_declaration
    (variable_declarator
      name: (identifier) @name) @definition.constant)
  (#match? @name "^[A-Z][A-Z0-9_]*$"))

; imports
(import_statement source: (string)) @import
(export_statement source: (string)) @import
(call_expression
  function: (identifier) @_require
  arguments: (arguments . (string))
  (#eq? @_require "require")) @import
(call_expression
  function: (import)
  arguments: (arguments . (string))) @import

; references
(member_expression object: (identifier) @ref)
(member_expression property: (property_identifier) @ref)
(arguments (identifier) @ref)

(comment) @comment
