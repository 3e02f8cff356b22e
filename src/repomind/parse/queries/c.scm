; repomind extras for C (combined with the wheel's tags.scm).
(struct_specifier name: (type_identifier) @name body: (_)) @definition.class
(union_specifier name: (type_identifier) @name body: (_)) @definition.class
(enum_specifier name: (type_identifier) @name body: (_)) @definition.enum
(preproc_def name: (identifier) @name) @definition.macro
(preproc_function_def name: (identifier) @name) @definition.macro

(preproc_include) @import

; references
(call_expression function: (identifier) @ref)
(field_expression field: (field_identifier) @ref)
(type_identifier) @ref
(argument_list (identifier) @ref)
(sizeof_expression value: (parenthesized_expression (identifier) @ref))

(comment) @comment
