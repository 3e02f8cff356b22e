; repomind extras for C# (combined with csharp-tags.scm).
(namespace_declaration name: (_) @namespace)
(file_scoped_namespace_declaration name: (_) @namespace)
(using_directive) @import

; references
(member_access_expression expression: (identifier) @ref)
(member_access_expression name: (identifier) @ref)
(generic_name (identifier) @ref)
(type_argument_list (identifier) @ref)
(qualified_name name: (identifier) @ref)
(base_list (generic_name (identifier) @ref))
(parameter type: (identifier) @ref)
(variable_declaration type: (identifier) @ref)
(property_declaration type: (identifier) @ref)
(method_declaration returns: (identifier) @ref)
(attribute name: (identifier) @ref)
(argument (identifier) @ref)

(comment) @comment
