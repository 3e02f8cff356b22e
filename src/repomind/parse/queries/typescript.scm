; repomind extras for TypeScript / TSX (on top of ecma.scm and both wheels' tags.scm).
(class_declaration name: (type_identifier) @name) @definition.class
(type_alias_declaration name: (type_identifier) @name) @definition.type
(enum_declaration name: (identifier) @name) @definition.enum
(internal_module name: (identifier) @name) @definition.module
(function_signature name: (identifier) @name) @definition.function

; references
(type_identifier) @ref
(nested_type_identifier name: (type_identifier) @ref)
(extends_clause value: (identifier) @ref)
