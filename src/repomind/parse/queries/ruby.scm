; repomind extras for Ruby (combined with the wheel's tags.scm).
(assignment left: (constant) @name) @definition.constant

(call
  method: (identifier) @_req
  arguments: (argument_list . (string (string_content)))
  (#any-of? @_req "require" "require_relative" "load")) @import

; references
(constant) @ref

(comment) @comment
