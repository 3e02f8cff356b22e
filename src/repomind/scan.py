"""Which files count: ignore rules, vendored/generated/minified files, binaries and size limits."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

# Left out by default (gitignore syntax). Lockfiles and the like are still visible to command
# detection, which reads the full git listing; they are just not worth parsing or ranking.
DEFAULT_EXCLUDES: tuple[str, ...] = (
    "node_modules/",
    "bower_components/",
    "jspm_packages/",
    "vendor/",
    "vendors/",
    "third_party/",
    "third-party/",
    "thirdparty/",
    "3rdparty/",
    "dist/",
    "__snapshots__/",
    ".repomind/",  # our own memory is searched separately, never indexed as code
    "*.min.js",
    "*.min.mjs",
    "*.min.css",
    "*-min.js",
    "*.bundle.js",
    "*.map",
    "*.snap",
    "*.lock",
    "*.lockb",
    "package-lock.json",
    "npm-shrinkwrap.json",
    "pnpm-lock.yaml",
    "go.sum",
    "*_pb2.py",
    "*_pb2_grpc.py",
    "*.pb.go",
    "*.pb.cc",
    "*.pb.h",
    "*.generated.*",
    "*.g.dart",
    "*.Designer.cs",
    "*.designer.cs",
)

# Extensions that are never text worth indexing; checked before any byte is read.
BINARY_EXTENSIONS = frozenset(
    {
        "png",
        "jpg",
        "jpeg",
        "gif",
        "bmp",
        "ico",
        "icns",
        "webp",
        "tif",
        "tiff",
        "psd",
        "ai",
        "eps",
        "heic",
        "avif",
        "svgz",
        "pdf",
        "doc",
        "docx",
        "xls",
        "xlsx",
        "ppt",
        "pptx",
        "odt",
        "ods",
        "odp",
        "key",
        "numbers",
        "pages",
        "zip",
        "gz",
        "tgz",
        "bz2",
        "xz",
        "zst",
        "7z",
        "rar",
        "tar",
        "jar",
        "war",
        "ear",
        "whl",
        "egg",
        "apk",
        "dmg",
        "iso",
        "deb",
        "rpm",
        "msi",
        "exe",
        "dll",
        "so",
        "dylib",
        "a",
        "o",
        "obj",
        "lib",
        "bin",
        "dat",
        "db",
        "sqlite",
        "sqlite3",
        "pyc",
        "pyo",
        "pyd",
        "class",
        "wasm",
        "mp3",
        "mp4",
        "m4a",
        "wav",
        "ogg",
        "flac",
        "avi",
        "mov",
        "mkv",
        "webm",
        "woff",
        "woff2",
        "ttf",
        "otf",
        "eot",
        "npy",
        "npz",
        "pkl",
        "pickle",
        "h5",
        "hdf5",
        "parquet",
        "feather",
        "onnx",
        "pt",
        "pth",
        "ckpt",
        "safetensors",
        "tflite",
    }
)


@dataclass(frozen=True, slots=True)
class Candidate:
    """A file that passed the path rules, with its current stat."""

    path: str
    size: int
    mtime_ns: int


@dataclass(frozen=True, slots=True)
class ScanResult:
    candidates: tuple[Candidate, ...]
    skipped: tuple[tuple[str, str], ...]  # (path, reason), sorted by path


class PathFilter:
    """Default exclusions plus the config's `exclude` / `include` globs (pathspec)."""

    def __init__(self, exclude: Iterable[str] = (), include: Iterable[str] = ()) -> None:
        import pathspec

        self._exclude = pathspec.GitIgnoreSpec.from_lines([*DEFAULT_EXCLUDES, *exclude])
        include = list(include)
        self._include = pathspec.GitIgnoreSpec.from_lines(include) if include else None
        self._maybe_excluded = _any_pattern(self._exclude)

    def reason_to_skip(self, path: str) -> str | None:
        if self._include is not None and self._include.match_file(path):
            return None
        if self._maybe_excluded(path) and self._exclude.match_file(path):
            return "excluded (vendored/generated/config)"
        ext = path.rpartition(".")[2].lower() if "." in path.rpartition("/")[2] else ""
        if ext in BINARY_EXTENSIONS:
            return "binary"
        return None


def _any_pattern(spec: Any) -> Callable[[str], object]:
    """One compiled regex that matches whenever any including pattern could: a fast pre-check,
    since asking pathspec pattern by pattern dominated scanning 10k files."""
    import re

    parts = [
        p.regex.pattern.replace("(?P<ps_d>", "(?:")
        for p in spec.patterns
        if p.include and p.regex is not None
    ]
    if not parts:
        return lambda path: None
    return re.compile("|".join(f"(?:{part})" for part in parts)).match


def scan(
    root: Path,
    paths: Iterable[str],
    path_filter: PathFilter,
    max_bytes: int,
    admitted: set[str] | frozenset[str] = frozenset(),
) -> ScanResult:
    """Apply path rules and `lstat` each remaining file (content checks happen when parsing).

    `admitted`: paths known to pass the same path rules (from the last run with the same
    settings); they are only stat-ed.
    """
    candidates: list[Candidate] = []
    skipped: list[tuple[str, str]] = []
    root_str = str(root)
    for path in paths:
        reason = None if path in admitted else path_filter.reason_to_skip(path)
        if reason is not None:
            skipped.append((path, reason))
            continue
        try:
            st = os.lstat(os.path.join(root_str, path))
        except OSError:
            skipped.append((path, "missing from the work tree"))
            continue
        if not _is_regular(st.st_mode):
            skipped.append((path, "not a regular file"))
            continue
        if st.st_size > max_bytes:
            skipped.append((path, f"larger than {max_bytes // 1024} KiB"))
            continue
        candidates.append(Candidate(path, st.st_size, st.st_mtime_ns))
    return ScanResult(tuple(candidates), tuple(sorted(skipped)))


def _is_regular(mode: int) -> bool:
    import stat

    return stat.S_ISREG(mode)


GENERATED_MARKERS = (
    b"code generated",
    b"do not edit",
    b"@generated",
    b"autogenerated by",
    b"auto-generated by",
    b"this file was automatically generated",
    b"this file is automatically generated",
)


def content_skip_reason(data: bytes) -> str | None:
    """Why a file's bytes are not worth indexing (binary, generated, minified), or None."""
    head = data[:8192]
    if b"\0" in head:
        return "binary"
    lowered = head[:1024].lower()
    if any(marker in lowered for marker in GENERATED_MARKERS):
        return "generated"
    if len(data) > 4096:
        newlines = head.count(b"\n")
        if newlines == 0 or len(head) / (newlines + 1) > 300:
            return "minified"
    return None
