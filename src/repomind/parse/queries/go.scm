; repomind extras for Go (combined with the wheel's tags.scm).
(type_spec name: (type_identifier) @name type: (struct_type)) @definition.class
(type_spec name: (type_identifier) @name type: (interface_type)) @definition.interface
(type_alias name: (type_identifier) @name) @definition.type
(source_file (const_declaration (const_spec name: (identifier) @name) @definition.constant))
(method_elem name: (field_identifier) @name) @definition.method

(package_clause (package_identifier) @package)
(import_spec) @import

; references
(selector_expression operand: (identifier) @ref)
(selector_expression field: (field_identifier) @ref)
(qualified_type package: (package_identifier) @ref)
(call_expression function: (identifier) @ref)
(argument_list (identifier) @ref)

(comment) @comment
