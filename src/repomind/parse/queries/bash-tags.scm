; Definitions for Bash (tree-sitter-bash ships no tags.scm); written for repomind.
(function_definition name: (word) @name) @definition.function
(program
  (variable_assignment name: (variable_name) @name) @definition.constant
  (#match? @name "^[A-Z][A-Z0-9_]*$"))
(program
  (declaration_command
    (variable_assignment name: (variable_name) @name) @definition.constant)
  (#match? @name "^[A-Z][A-Z0-9_]*$"))

(command name: (command_name (word) @name)) @reference.call
