; repomind extras for Bash (combined with bash-tags.scm).
(command
  name: (command_name (word) @_source)
  .
  argument: (_)
  (#any-of? @_source "source" "."))  @import

; references
(simple_expansion (variable_name) @ref)
(expansion (variable_name) @ref)

(comment) @comment
