; Definitions for C# (tree-sitter-c-sharp ships no tags.scm); written for repomind.
(class_declaration name: (identifier) @name) @definition.class
(struct_declaration name: (identifier) @name) @definition.class
(record_declaration name: (identifier) @name) @definition.class
(interface_declaration name: (identifier) @name) @definition.interface
(enum_declaration name: (identifier) @name) @definition.enum
(delegate_declaration name: (identifier) @name) @definition.type
(method_declaration name: (identifier) @name) @definition.method
(field_declaration
  (modifier) @_const
  (variable_declaration (variable_declarator name: (identifier) @name) @definition.constant)
  (#eq? @_const "const"))

(invocation_expression function: (identifier) @name) @reference.call
(object_creation_expression type: (identifier) @name) @reference.class
(base_list (identifier) @name) @reference.implementation
