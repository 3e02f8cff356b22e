; repomind extras for plain JavaScript (on top of ecma.scm).
(class_heritage (identifier) @ref)
