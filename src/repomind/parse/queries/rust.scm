; repomind extras for Rust (combined with the wheel's tags.scm).
(enum_item name: (type_identifier) @name) @definition.enum
(type_item name: (type_identifier) @name) @definition.type
(const_item name: (identifier) @name) @definition.constant
(static_item name: (identifier) @name) @definition.constant
(function_signature_item name: (identifier) @name) @definition.method
(struct_item name: (type_identifier) @name) @definition.class

; impl blocks are containers (parent of their methods), not symbols
(impl_item type: [
  (type_identifier) @container
  (generic_type type: (type_identifier) @container)
  (scoped_type_identifier name: (type_identifier) @container)
]) @container.impl

; imports
(use_declaration) @import
(mod_item !body) @import
(extern_crate_declaration) @import

; references
(type_identifier) @ref
(scoped_identifier path: (identifier) @ref)
(scoped_identifier name: (identifier) @ref)
(scoped_type_identifier path: (identifier) @ref)
(field_expression field: (field_identifier) @ref)
(arguments (identifier) @ref)
; identifiers in macro arguments (`assert_eq!(parse(x), Token::EOF)`) and macro bodies
(token_tree (identifier) @ref)

(line_comment) @comment
(block_comment) @comment
