#!/usr/bin/env python3
"""Build `tree10k`: one git repository of ~10,000 indexable files for the benchmarks.

The work trees of the given source repositories are copied side by side into subdirectories
(tracked files only, never their `.git`), committed once, then ~200 small synthetic commits each
append a comment line to 2-5 files so the tree has some history (and some co-change).

Nothing fetched is embedded here: the source repositories are read at run time.

    python bench/make_tree10k.py --out /work/bench-repos/tree10k \\
        /work/bench-repos/{sympy,fastapi,laravel,redis,...}

Counting "indexable" files uses repomind's own path rules (`repomind.scan`) when the package is
importable, else a close approximation; either way the last source repository is truncated (in
sorted path order) so the tree holds about `--target` indexable files.
"""

from __future__ import annotations

import argparse
import os
import random
import shutil
import stat
import subprocess
import sys
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

MAX_FILE_BYTES = 1024 * 1024  # repomind's default index.max_file_kb
AUTHORS = (
    ("Ada Bench", "ada@bench.invalid"),
    ("Bob Bench", "bob@bench.invalid"),
    ("Cy Bench", "cy@bench.invalid"),
    ("Di Bench", "di@bench.invalid"),
)
BASE_TIME = 1_700_000_000  # fixed commit dates: the tree is reproducible byte for byte

# Comment syntax for appended lines, by extension (files of other kinds are never modified).
LINE_COMMENT: dict[str, tuple[str, str]] = {
    **{e: ("# ", "") for e in ("py", "pyi", "rb", "sh", "bash", "yml", "yaml", "toml", "cfg")},
    **{
        e: ("// ", "")
        for e in (
            "js",
            "mjs",
            "cjs",
            "jsx",
            "ts",
            "tsx",
            "go",
            "rs",
            "java",
            "c",
            "h",
            "cc",
            "cpp",
            "hpp",
            "cs",
            "php",
            "kt",
            "scala",
            "swift",
        )
    },
    **{e: ("<!-- ", " -->") for e in ("md", "html", "xml")},
}
CODE_EXTENSIONS = frozenset(LINE_COMMENT) - {"md", "html", "xml", "yml", "yaml", "toml", "cfg"}


@dataclass(frozen=True, slots=True)
class Entry:
    rel: str  # path inside the source repository
    mode: int  # git index mode (0o100644, 0o100755, 0o120000)


def _git(cwd: Path, *args: str, env: dict[str, str] | None = None) -> bytes:
    return subprocess.run(
        ["git", "-C", str(cwd), *args], check=True, capture_output=True, env=env
    ).stdout


def _tracked(src: Path) -> list[Entry]:
    """Tracked files of `src` (gitlinks of submodules left out), sorted by path."""
    out: list[Entry] = []
    for record in _git(src, "ls-files", "-z", "-s").split(b"\0"):
        if not record:
            continue
        meta, _, path = record.partition(b"\t")
        mode = int(meta.split()[0], 8)
        if mode == 0o160000:
            continue
        out.append(Entry(os.fsdecode(path), mode))
    out.sort(key=lambda e: e.rel)
    return out


def _indexable_predicate() -> Callable[[str, Path], bool]:
    """Whether a file (path in the new tree, absolute source path) would be indexed by repomind."""
    try:
        from repomind.scan import PathFilter, content_skip_reason

        path_filter = PathFilter()
        reason_to_skip: Callable[[str], str | None] = path_filter.reason_to_skip
        content_reason: Callable[[bytes], str | None] = content_skip_reason
    except ImportError:  # approximation: binary extensions and vendored directories
        print("note: repomind not importable, approximating its file rules", file=sys.stderr)
        binary = {
            "png",
            "jpg",
            "jpeg",
            "gif",
            "ico",
            "pdf",
            "zip",
            "gz",
            "jar",
            "so",
            "woff",
            "woff2",
            "ttf",
            "eot",
            "pyc",
            "class",
            "exe",
            "dll",
            "bin",
            "dat",
        }
        skip_dirs = {"node_modules", "vendor", "third_party", "dist"}

        def reason_to_skip(path: str) -> str | None:
            parts = path.split("/")
            if skip_dirs & set(parts[:-1]) or parts[-1].endswith((".min.js", ".lock", ".map")):
                return "excluded"
            return "binary" if path.rpartition(".")[2].lower() in binary else None

        def content_reason(data: bytes) -> str | None:
            return "binary" if b"\0" in data[:8192] else None

    def indexable(path: str, source: Path) -> bool:
        if reason_to_skip(path) is not None:
            return False
        try:
            st = source.lstat()
        except OSError:
            return False
        if not stat.S_ISREG(st.st_mode) or st.st_size > MAX_FILE_BYTES:
            return False
        with open(source, "rb") as handle:
            return content_reason(handle.read()) is None

    return indexable


def copy_sources(sources: Sequence[Path], out: Path, target: int) -> tuple[int, list[str]]:
    """Copy the sources' tracked files under out/<name>/ until `target` indexable files.

    Returns (indexable files copied, their paths relative to `out`).
    """
    indexable = _indexable_predicate()
    count = 0
    indexable_paths: list[str] = []
    for src in sources:
        if target and count >= target:
            break
        name = src.resolve().name
        copied = 0
        for entry in _tracked(src):
            if target and count >= target:
                break
            source = src / entry.rel
            dest_rel = f"{name}/{entry.rel}"
            dest = out / dest_rel
            if not os.path.lexists(source):
                continue  # absent from the checkout (e.g. left out of a snapshot)
            dest.parent.mkdir(parents=True, exist_ok=True)
            if entry.mode == 0o120000:
                os.symlink(os.readlink(source), dest)
            elif source.is_file():
                shutil.copy2(source, dest)
            else:
                continue
            copied += 1
            if entry.mode != 0o120000 and indexable(dest_rel, source):
                count += 1
                indexable_paths.append(dest_rel)
        print(f"copied {copied:6d} files from {src} (indexable so far: {count})", file=sys.stderr)
    return count, indexable_paths


def _commit_env(n: int, author: tuple[str, str]) -> dict[str, str]:
    env = dict(os.environ)
    when = f"@{BASE_TIME + n * 3600} +0000"
    env.update(
        GIT_AUTHOR_NAME=author[0],
        GIT_AUTHOR_EMAIL=author[1],
        GIT_COMMITTER_NAME=author[0],
        GIT_COMMITTER_EMAIL=author[1],
        GIT_AUTHOR_DATE=when,
        GIT_COMMITTER_DATE=when,
    )
    return env


def _append_comment(path: Path, text: str) -> None:
    ext = path.name.rpartition(".")[2].lower()
    prefix, suffix = LINE_COMMENT[ext]
    with open(path, "rb+") as handle:
        handle.seek(0, os.SEEK_END)
        if handle.tell():
            handle.seek(-1, os.SEEK_END)
            if handle.read(1) != b"\n":
                handle.write(b"\n")
        handle.write(f"{prefix}{text}{suffix}\n".encode())


def synthetic_history(out: Path, candidates: list[str], commits: int, seed: int) -> None:
    """`commits` commits, each appending a comment line to 2-5 files.

    Files are drawn with some locality (mostly the same directory) and 60% of the commits come
    from a small pool of recurring file groups, so co-change analysis has real pairs to find.
    """
    rng = random.Random(seed)
    code = [p for p in candidates if p.rpartition(".")[2].lower() in CODE_EXTENSIONS]
    if len(code) < 5:
        raise SystemExit("error: fewer than 5 source files to modify")
    by_dir: dict[str, list[str]] = {}
    for p in code:
        by_dir.setdefault(p.rpartition("/")[0], []).append(p)

    def group() -> list[str]:
        anchor = rng.choice(code)
        size = rng.randint(2, 5)
        same = [p for p in by_dir[anchor.rpartition("/")[0]] if p != anchor]
        picked = {anchor}
        while len(picked) < size:
            pool = same if same and rng.random() < 0.7 else code
            picked.add(rng.choice(pool))
        return sorted(picked)

    hot = [group() for _ in range(25)]
    for n in range(1, commits + 1):
        files = rng.choice(hot) if rng.random() < 0.6 else group()
        for rel in files:
            _append_comment(out / rel, f"bench edit {n}")
        env = _commit_env(n, AUTHORS[n % len(AUTHORS)])
        _git(out, "add", "-f", "--", *files, env=env)
        _git(out, "commit", "-q", "--no-verify", "-m", f"bench: synthetic edit {n}", env=env)
        if n % 50 == 0:
            print(f"synthetic commits: {n}/{commits}", file=sys.stderr)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("sources", nargs="+", type=Path, help="checked-out source repositories")
    parser.add_argument("--out", type=Path, default=Path("/work/bench-repos/tree10k"))
    parser.add_argument(
        "--target",
        type=int,
        default=10_000,
        help="indexable files to copy; the last source is truncated (0: all)",
    )
    parser.add_argument("--commits", type=int, default=200, help="synthetic commits to add")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--force", action="store_true", help="replace --out if it exists")
    args = parser.parse_args(argv)

    for src in args.sources:
        if not (src / ".git").exists():
            parser.error(f"not a git work tree: {src}")
    names = [s.resolve().name for s in args.sources]
    if len(set(names)) != len(names):
        parser.error("source directories must have distinct names")
    out: Path = args.out
    if out.exists():
        if not args.force:
            parser.error(f"{out} exists (use --force to replace it)")
        shutil.rmtree(out)
    out.mkdir(parents=True)

    count, paths = copy_sources(args.sources, out, args.target)
    _git(out, "init", "-q", "-b", "main")
    _git(out, "config", "user.name", AUTHORS[0][0])
    _git(out, "config", "user.email", AUTHORS[0][1])
    _git(out, "config", "core.autocrlf", "false")
    env = _commit_env(0, AUTHORS[0])
    # -f: copied files are all tracked upstream, even where a nested .gitignore matches them.
    _git(out, "add", "-A", "-f", ".", env=env)
    _git(out, "commit", "-q", "--no-verify", "-m", "bench: import source trees", env=env)
    synthetic_history(out, paths, args.commits, args.seed)
    tracked = len(_git(out, "ls-files", "-z").split(b"\0")) - 1
    print(f"{out}: {tracked} tracked files, ~{count} indexable, {args.commits + 1} commits")
    return 0


if __name__ == "__main__":
    sys.exit(main())
