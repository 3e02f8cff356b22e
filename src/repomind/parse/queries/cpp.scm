; repomind extras for C++ (combined with the wheel's tags.scm).
(struct_specifier name: (type_identifier) @name body: (_)) @definition.class
(union_specifier name: (type_identifier) @name body: (_)) @definition.class
(enum_specifier name: (type_identifier) @name body: (_)) @definition.enum
(class_specifier name: (type_identifier) @name body: (_)) @definition.class
(preproc_def name: (identifier) @name) @definition.macro
(preproc_function_def name: (identifier) @name) @definition.macro
(namespace_definition name: (namespace_identifier) @name) @definition.module
(alias_declaration name: (type_identifier) @name) @definition.type
; out-of-line member definitions `void A::b() {}`: name/parent split in code
(function_declarator declarator: (qualified_identifier) @name) @definition.method

(preproc_include) @import

; references
(call_expression function: (identifier) @ref)
(call_expression function: (qualified_identifier name: (identifier) @ref))
(field_expression field: (field_identifier) @ref)
(type_identifier) @ref
(namespace_identifier) @ref
(argument_list (identifier) @ref)
(sizeof_expression value: (parenthesized_expression (identifier) @ref))
(template_function name: (identifier) @ref)

(comment) @comment
