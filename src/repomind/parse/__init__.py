"""Tree-sitter parsing: what one source file defines, references and imports.

Data flows out of this package as plain frozen dataclasses; nothing here touches git,
the cache database or the file system beyond the bytes it is handed.
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True, slots=True)
class Symbol:
    """A definition found in a file."""

    name: str
    kind: str  # class | function | method | interface | type | enum | constant | module | macro
    line: int  # 1-based first line of the definition
    end_line: int  # 1-based last line
    parent: str = ""  # enclosing class/type/module name, "" at top level
    doc: str = ""  # first paragraph of the docstring / leading doc comment, whitespace-collapsed


@dataclass(frozen=True, slots=True)
class Import:
    """An import/include/use/require statement, as written."""

    module: str  # "os.path", "./util", "github.com/x/y", "stdio.h", "crate::a::b", ...
    line: int
    names: tuple[str, ...] = ()  # names imported from the module, when the syntax lists them
    level: int = 0  # Python relative-import level (number of leading dots); 0 elsewhere


@dataclass(frozen=True, slots=True)
class ParsedFile:
    """Everything the index keeps about one parsed file."""

    language: str
    symbols: tuple[Symbol, ...] = ()
    # identifier name -> occurrences, for names used (not defined) in the file; sorted by name
    references: tuple[tuple[str, int], ...] = ()
    imports: tuple[Import, ...] = ()
    doc: str = ""  # module docstring or file header comment (first paragraph)
    comments: str = ""  # other comment text, collapsed, capped (for lexical search)
    has_errors: bool = False  # the tree contains ERROR/MISSING nodes
    extra: dict[str, str] = field(default_factory=dict)  # language-specific facts (e.g. go package)
