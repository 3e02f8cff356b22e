; repomind extras for PHP (combined with the wheel's tags.scm).
(enum_declaration name: (name) @name) @definition.enum
(const_declaration (const_element (name) @name) @definition.constant)
(function_call_expression
  function: (name) @_define
  arguments: (arguments . (argument (string (string_content) @name)))
  (#eq? @_define "define")) @definition.constant
(method_declaration name: (name) @name) @definition.method

(namespace_definition name: (namespace_name) @namespace)
(namespace_use_declaration) @import
(include_expression) @import
(include_once_expression) @import
(require_expression) @import
(require_once_expression) @import

; references
(function_call_expression function: (name) @ref)
(named_type (name) @ref)
(named_type (qualified_name (name) @ref))
(base_clause (name) @ref)
(base_clause (qualified_name (name) @ref))
(class_constant_access_expression (name) @ref)
(scoped_call_expression scope: (name) @ref)
(member_access_expression name: (name) @ref)
(use_declaration (name) @ref)
(object_creation_expression (name) @ref)

(comment) @comment
