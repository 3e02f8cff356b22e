; repomind extras for Python (combined with the wheel's tags.scm).
; Capture roles: @definition.<kind> + @name, @ref, @import, @comment.

; class-level UPPER_CASE constants
(class_definition
  body: (block
    (expression_statement
      (assignment
        left: (identifier) @name) @definition.constant))
  (#match? @name "^_*[A-Z][A-Z0-9_]*$"))

; PEP 695 type aliases
(type_alias_statement
  left: (type (identifier) @name)) @definition.type

; imports
(import_statement) @import
(import_from_statement) @import

; references
(call function: (identifier) @ref)
(attribute object: (identifier) @ref)
(attribute attribute: (identifier) @ref)
(argument_list (identifier) @ref)
(type (identifier) @ref)
(generic_type (identifier) @ref)
(decorator (identifier) @ref)
(except_clause (identifier) @ref)
(raise_statement (identifier) @ref)

(comment) @comment
