; repomind extras for Java (combined with the wheel's tags.scm).
(enum_declaration name: (identifier) @name) @definition.enum
(record_declaration name: (identifier) @name) @definition.class
(annotation_type_declaration name: (identifier) @name) @definition.interface
(field_declaration
  declarator: (variable_declarator name: (identifier) @name) @definition.constant
  (#match? @name "^[A-Z][A-Z0-9_]*$"))
(constant_declaration
  declarator: (variable_declarator name: (identifier) @name) @definition.constant)

(package_declaration [(scoped_identifier) (identifier)] @package)
(import_declaration) @import

; references
(type_identifier) @ref
(method_invocation object: (identifier) @ref)
(field_access object: (identifier) @ref)
(field_access field: (identifier) @ref)
(argument_list (identifier) @ref)
(marker_annotation name: (identifier) @ref)
(annotation name: (identifier) @ref)

(line_comment) @comment
(block_comment) @comment
