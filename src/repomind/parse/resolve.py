"""ModuleResolver: which repo files an Import refers to (per-language module resolution rules).

Built once over every repo-relative POSIX path of a repository; `resolve()` is then a few dict
lookups. Anything external (stdlib, third-party packages, system headers) resolves to ().
See imports.py for how each language's imports are encoded.
"""

from __future__ import annotations

import posixpath
import re
import sys
from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping

from repomind.parse import Import, ParsedFile
from repomind.parse.imports import INCLUDE, MOD_PREFIX, RELATIVE, SYSTEM

MAX_NAMESPACE_FANOUT = 20  # C#/PHP `using`/`use` of a namespace spread over more files: skip

_PY_EXTS = (".py", ".pyi")
_JS_EXTS = (".ts", ".tsx", ".d.ts", ".js", ".jsx", ".mjs", ".cjs", ".mts", ".cts")
_JS_TS_TWINS = {".js": (".ts", ".tsx"), ".jsx": (".tsx",), ".mjs": (".mts",), ".cjs": (".cts",)}
_PY_ROOTS = ("", "src", "lib", "python")
_RUST_EXTERNAL = frozenset({"std", "core", "alloc", "proc_macro", "test"})
_GO_MODULE = re.compile(rb"^\s*module\s+\"?([^\s\"]+)\"?", re.MULTILINE)
_SHELL_PREFIX = re.compile(r"^(?:\$\{?\w+\}?|\$\([^)]*\)|\"\$\([^)]*\)\")/+")
_STDLIB = frozenset(getattr(sys, "stdlib_module_names", ()))


def _dirname(path: str) -> str:
    return posixpath.dirname(path)


def _join(*parts: str) -> str | None:
    """Normalised repo-relative join; None if it escapes the repository root."""
    path = posixpath.normpath(posixpath.join(*[p for p in parts if p]))
    if path == "." or path.startswith("../") or path == ".." or path.startswith("/"):
        return None
    return path


class ModuleResolver:
    """Resolve imports to repo files. Build once per repo snapshot; resolve many times.

    `facts` (path -> ParsedFile) enables namespace-based rules (C#, PHP) and Java packages;
    `read` (path -> file bytes or None) lets Go read `go.mod` for module paths (without it, Go
    import paths are matched against repo directories by suffix).
    """

    def __init__(
        self,
        files: Iterable[str],
        facts: Mapping[str, ParsedFile] | None = None,
        *,
        read: Callable[[str], bytes | None] | None = None,
    ) -> None:
        self.files: frozenset[str] = frozenset(f[2:] if f.startswith("./") else f for f in files)
        self._by_basename: dict[str, list[str]] = defaultdict(list)
        self._dir_files: dict[str, list[str]] = defaultdict(list)
        self._dirs_by_name: dict[str, list[str]] = defaultdict(list)
        self._python: dict[str, list[tuple[str, str]]] = defaultdict(list)
        self._cargo_roots: set[str] = set()
        go_mods: list[str] = []
        for path in sorted(self.files):
            directory, _, base = path.rpartition("/")
            self._by_basename[base].append(path)
            self._dir_files[directory].append(path)
            if base == "Cargo.toml":
                self._cargo_roots.add(directory)
            elif base == "go.mod":
                go_mods.append(path)
            elif base.endswith(_PY_EXTS):
                self._index_python(path)
        all_dirs: set[str] = set()
        for directory in self._dir_files:
            while directory and directory not in all_dirs:
                all_dirs.add(directory)
                directory = _dirname(directory)
        for directory in sorted(all_dirs):
            self._dirs_by_name[directory.rpartition("/")[2]].append(directory)
        self._go_modules: dict[str, str] = {}
        for mod in go_mods:
            data = read(mod) if read is not None else None
            m = _GO_MODULE.search(data) if data else None
            if m:
                self._go_modules[m.group(1).decode("utf-8", "replace")] = _dirname(mod)
        self._namespaces: dict[tuple[str, str], list[str]] = defaultdict(list)
        self._java_packages: dict[str, list[str]] = defaultdict(list)
        self._facts = facts or {}
        for path, parsed in sorted(self._facts.items()):
            family = "csharp" if parsed.language == "csharp" else parsed.language
            for ns in filter(None, parsed.extra.get("namespace", "").split(";")):
                self._namespaces[(family, ns)].append(path)
            if parsed.language == "java" and "package" in parsed.extra:
                self._java_packages[parsed.extra["package"]].append(path)

    # -- index builders -------------------------------------------------------------------

    def _index_python(self, path: str) -> None:
        """Map every dotted name the file could be imported as (one per source root)."""
        parts = path.rsplit(".", 1)[0].split("/")
        if parts[-1] == "__init__":
            parts.pop()
        # parts[i:] is importable only if all of them are identifiers
        i = len(parts)
        while i > 0 and parts[i - 1].isidentifier():
            i -= 1
            self._python[".".join(parts[i:])].append(("/".join(parts[:i]), path))

    # -- public API -----------------------------------------------------------------------

    def resolve(self, importer: str, imp: Import, language: str) -> tuple[str, ...]:
        """Sorted repo paths `imp` (found in file `importer`) refers to; () if external."""
        handler = _HANDLERS.get(language)
        if handler is None or (not imp.module and not imp.level):
            return ()
        found = handler(self, importer, imp)
        return tuple(sorted({f for f in found if f != importer}))

    # -- helpers --------------------------------------------------------------------------

    def _first_existing(self, candidates: Iterable[str | None]) -> list[str]:
        for candidate in candidates:
            if candidate is not None and candidate in self.files:
                return [candidate]
        return []

    def _suffix_matches(self, suffix: str) -> list[str]:
        base = suffix.rpartition("/")[2]
        tail = "/" + suffix
        return [p for p in self._by_basename.get(base, ()) if p == suffix or p.endswith(tail)]

    def _closest(self, importer: str, candidates: list[str]) -> list[str]:
        """The unique candidate sharing the longest directory prefix with `importer`."""
        if len(candidates) <= 1:
            return candidates
        importer_parts = importer.split("/")[:-1]

        def shared(path: str) -> int:
            n = 0
            for a, b in zip(importer_parts, path.split("/")[:-1], strict=False):
                if a != b:
                    break
                n += 1
            return n

        scores = sorted(((shared(c), c) for c in candidates), reverse=True)
        if scores[0][0] > scores[1][0]:
            return [scores[0][1]]
        return []

    # -- Python ---------------------------------------------------------------------------

    def _python_module(self, dotted: str, importer: str) -> str | None:
        candidates = self._python.get(dotted)
        if not candidates:
            return None
        first = dotted.split(".", 1)[0]
        importer_dir = _dirname(importer)

        def rank(item: tuple[str, str]) -> tuple[int, int, int, int, str]:
            root, path = item
            standard = root.rpartition("/")[2] in _PY_ROOTS or root == ""
            encloses = importer_dir == root or importer_dir.startswith(root + "/") or root == ""
            return (
                0 if encloses else 1,
                root.count("/") + (1 if root else 0),
                0 if standard else 1,
                0 if path.endswith("__init__.py") or path.endswith(".py") else 1,
                path,
            )

        root, path = min(candidates, key=rank)
        if first in _STDLIB and root.rpartition("/")[2] not in _PY_ROOTS:
            return None  # e.g. `import json` must not resolve to tests/fixtures/json.py
        return path

    def _python_relative(self, importer: str, imp: Import) -> list[str]:
        base: str | None = _dirname(importer)
        for _ in range(imp.level - 1):
            if not base:
                return []
            base = _dirname(base)
        module_dir = _join(base or "", imp.module.replace(".", "/")) if imp.module else base
        if module_dir is None:
            return []
        found: list[str] = []
        for name in imp.names:
            if name == "*":
                continue
            sub = _join(module_dir, name)
            found += self._first_existing(
                [f"{sub}.py", f"{sub}/__init__.py", f"{sub}.pyi", f"{sub}/__init__.pyi"]
            )
        if not found:
            found = self._first_existing(
                [
                    f"{module_dir}.py" if imp.module else None,
                    f"{module_dir}/__init__.py" if module_dir else "__init__.py",
                    f"{module_dir}.pyi" if imp.module else None,
                ]
            )
        return found

    def _resolve_python(self, importer: str, imp: Import) -> list[str]:
        if imp.level:
            return self._python_relative(importer, imp)
        found: list[str] = []
        for name in imp.names:
            if name != "*":
                sub = self._python_module(f"{imp.module}.{name}", importer)
                if sub is not None:
                    found.append(sub)
        if not found:
            module = self._python_module(imp.module, importer)
            if module is not None:
                found.append(module)
        return found

    # -- JavaScript / TypeScript ----------------------------------------------------------

    def _resolve_js(self, importer: str, imp: Import) -> list[str]:
        spec = imp.module.split("?", 1)[0]
        if not spec.startswith((".", "/")):
            return []  # bare specifier: a package (tsconfig paths are out of scope)
        base = _join(spec.lstrip("/")) if spec.startswith("/") else _join(_dirname(importer), spec)
        if base is None:
            return []
        candidates: list[str | None] = [base]
        stem, ext = posixpath.splitext(base)
        candidates += [stem + twin for twin in _JS_TS_TWINS.get(ext, ())]
        candidates += [base + e for e in _JS_EXTS]
        candidates += [f"{base}/index{e}" for e in _JS_EXTS]
        return self._first_existing(candidates)

    # -- Go -------------------------------------------------------------------------------

    def _go_dir(self, directory: str) -> list[str]:
        return [
            p
            for p in self._dir_files.get(directory, ())
            if p.endswith(".go") and not p.endswith("_test.go")
        ]

    def _resolve_go(self, importer: str, imp: Import) -> list[str]:
        path = imp.module.strip("/")
        if self._go_modules:
            best = ""
            for module in self._go_modules:
                if (path == module or path.startswith(module + "/")) and len(module) > len(best):
                    best = module
            if not best:
                return []
            rest = path[len(best) :].strip("/")
            directory = _join(self._go_modules[best], rest) if rest else self._go_modules[best]
            return self._go_dir(directory or "")
        first = path.split("/", 1)[0]
        if "." not in first:
            return []  # stdlib-like path and no go.mod to say otherwise
        parts = path.split("/")
        for i in range(1, len(parts)):
            suffix = "/".join(parts[i:])
            dirs = [
                d
                for d in self._dirs_by_name.get(parts[-1], ())
                if d == suffix or d.endswith("/" + suffix)
            ]
            dirs = [d for d in dirs if self._go_dir(d)]
            if len(dirs) == 1:
                return self._go_dir(dirs[0])
            if len(dirs) > 1:
                return []
        return []

    # -- Rust -----------------------------------------------------------------------------

    def _rust_crate_src(self, importer: str) -> str | None:
        d = _dirname(importer)
        while True:
            if d in self._cargo_roots:
                return f"{d}/src" if d else "src"
            if not d:
                break
            d = _dirname(d)
        d = _dirname(importer)
        while True:  # no Cargo.toml: the nearest ancestor holding lib.rs/main.rs
            if _join(d, "lib.rs") in self.files or _join(d, "main.rs") in self.files:
                return d
            if not d:
                return None
            d = _dirname(d)

    def _rust_module_file(self, directory: str, crate_src: str | None) -> str | None:
        """The file defining the module whose directory is `directory`."""
        if crate_src is not None and directory == crate_src:
            found = self._first_existing([_join(directory, "lib.rs"), _join(directory, "main.rs")])
            return found[0] if found else None
        found = self._first_existing([f"{directory}.rs", _join(directory, "mod.rs")])
        return found[0] if found else None

    @staticmethod
    def _rust_module_dir(importer: str) -> str:
        directory, _, base = importer.rpartition("/")
        if base in ("mod.rs", "lib.rs", "main.rs"):
            return directory
        return _join(directory, base[: -len(".rs")]) or base[: -len(".rs")]

    def _rust_walk(self, start: str, segments: list[str], crate_src: str | None) -> str | None:
        """Deepest module file along start/segments[0]/segments[1]/..."""
        best = self._rust_module_file(start, crate_src)
        directory = start
        for segment in segments:
            if segment in ("*", "self"):
                break
            nxt = _join(directory, segment)
            if nxt is None:
                break
            module_file = self._rust_module_file(nxt, crate_src)
            if module_file is None:
                break
            best, directory = module_file, nxt
        return best

    def _resolve_rust(self, importer: str, imp: Import) -> list[str]:
        if imp.module.startswith(MOD_PREFIX):
            name = imp.module[len(MOD_PREFIX) :]
            directory = self._rust_module_dir(importer)
            return self._first_existing(
                [_join(directory, f"{name}.rs"), _join(directory, name, "mod.rs")]
            )
        segments = [s for s in imp.module.split("::") if s]
        if not segments or segments[0] in _RUST_EXTERNAL:
            return []
        crate_src = self._rust_crate_src(importer)
        start: str | None
        if segments[0] == "crate":
            start, segments = crate_src, segments[1:]
        elif segments[0] in ("self", "super"):
            start = self._rust_module_dir(importer)
            while segments and segments[0] in ("self", "super"):
                if segments[0] == "super":
                    start = _dirname(start)
                segments = segments[1:]
        elif crate_src is not None and self._rust_module_file(
            _join(crate_src, segments[0]) or "", crate_src
        ):
            start = crate_src  # 2015-style / in-crate path without `crate::`
        else:
            return []  # another crate
        if start is None:
            return []
        found: list[str] = []
        for name in imp.names or ("",):
            path = self._rust_walk(start, [*segments, name] if name else segments, crate_src)
            if path is not None:
                found.append(path)
        return found

    # -- Java -----------------------------------------------------------------------------

    def _resolve_java(self, importer: str, imp: Import) -> list[str]:
        parts = imp.module.split(".")
        if imp.names == ("*",):
            # package wildcard, or static wildcard on a class
            cls = self._java_class(parts)
            if cls:
                return cls
            package = imp.module
            if package in self._java_packages:
                return list(self._java_packages[package])
            rel = "/".join(parts)
            dirs = [
                d
                for d in self._dirs_by_name.get(parts[-1], ())
                if d == rel or d.endswith("/" + rel)
            ]
            return [p for d in dirs for p in self._dir_files[d] if p.endswith(".java")]
        return self._java_class(parts)

    def _java_class(self, parts: list[str]) -> list[str]:
        # `a.b.C`, or a nested `a.b.C.Inner` -> a/b/C.java
        for end in range(len(parts), max(len(parts) - 3, 0), -1):
            if end < len(parts) and not parts[end - 1][:1].isupper():
                break
            matches = self._suffix_matches("/".join(parts[:end]) + ".java")
            if matches:
                return matches
        return []

    # -- C / C++ --------------------------------------------------------------------------

    def _resolve_c(self, importer: str, imp: Import) -> list[str]:
        if SYSTEM in imp.names:
            return []
        relative = self._first_existing([_join(_dirname(importer), imp.module)])
        if relative:
            return relative
        suffix = _join(imp.module)
        if suffix is None:
            suffix = imp.module.lstrip("./")
            while suffix.startswith("../"):
                suffix = suffix[3:]
        matches = self._suffix_matches(suffix)
        return matches if len(matches) == 1 else self._closest(importer, matches)

    # -- C# -------------------------------------------------------------------------------

    def _namespace_files(self, family: str, namespace: str) -> list[str] | None:
        files = self._namespaces.get((family, namespace))
        if files is None:
            return None
        return files if len(files) <= MAX_NAMESPACE_FANOUT else []

    def _defines(self, path: str, name: str) -> bool:
        parsed = self._facts.get(path)
        return parsed is not None and any(s.name == name and not s.parent for s in parsed.symbols)

    def _resolve_csharp(self, importer: str, imp: Import) -> list[str]:
        files = self._namespace_files("csharp", imp.module)
        if files is not None:
            return files
        namespace, _, type_name = imp.module.rpartition(".")  # `using static A.B.C`
        candidates = self._namespaces.get(("csharp", namespace), [])
        defining = [p for p in candidates if self._defines(p, type_name)]
        if defining or any(self._facts[p].symbols for p in candidates):
            return defining
        # facts without symbols: the namespace's files are the best we can say
        return candidates if len(candidates) <= MAX_NAMESPACE_FANOUT else []

    # -- Ruby -----------------------------------------------------------------------------

    def _resolve_ruby(self, importer: str, imp: Import) -> list[str]:
        name = imp.module if imp.module.endswith(".rb") else imp.module + ".rb"
        if RELATIVE in imp.names:
            return self._first_existing([_join(_dirname(importer), name)])
        found = self._first_existing([_join("lib", name), _join(name)])
        if found:
            return found
        in_lib = self._suffix_matches("lib/" + name)
        if len(in_lib) == 1:
            return in_lib
        if "/" in imp.module:
            matches = self._suffix_matches(name)
            return matches if len(matches) == 1 else []
        return []

    # -- PHP ------------------------------------------------------------------------------

    def _resolve_php(self, importer: str, imp: Import) -> list[str]:
        if INCLUDE in imp.names:
            module = imp.module
            return self._first_existing([_join(_dirname(importer), module), _join(module)])
        qualified = imp.module.strip("\\")
        namespace, _, name = qualified.rpartition("\\")
        if namespace and self._facts:
            defining = [
                p for p in self._namespaces.get(("php", namespace), []) if self._defines(p, name)
            ]
            if defining:
                return defining
        parts = qualified.split("\\")
        for start in range(len(parts) - 1):  # PSR-4: A/B/C.php, then B/C.php (prefix mapped)
            matches = self._suffix_matches("/".join(parts[start:]) + ".php")
            if len(matches) == 1:
                return matches
            if matches:
                return self._closest(importer, matches)
        return []

    # -- Bash -----------------------------------------------------------------------------

    def _resolve_bash(self, importer: str, imp: Import) -> list[str]:
        module = _SHELL_PREFIX.sub("", imp.module)
        if module.startswith(("$", "~")) or not module:
            return []
        return self._first_existing([_join(_dirname(importer), module), _join(module)])


_HANDLERS: dict[str, Callable[[ModuleResolver, str, Import], list[str]]] = {
    "python": ModuleResolver._resolve_python,
    "javascript": ModuleResolver._resolve_js,
    "typescript": ModuleResolver._resolve_js,
    "tsx": ModuleResolver._resolve_js,
    "go": ModuleResolver._resolve_go,
    "rust": ModuleResolver._resolve_rust,
    "java": ModuleResolver._resolve_java,
    "c": ModuleResolver._resolve_c,
    "cpp": ModuleResolver._resolve_c,
    "csharp": ModuleResolver._resolve_csharp,
    "ruby": ModuleResolver._resolve_ruby,
    "php": ModuleResolver._resolve_php,
    "bash": ModuleResolver._resolve_bash,
}
