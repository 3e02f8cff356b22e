"""The only module that talks to git: files, HEAD, streaming history, temporary worktrees.

Hot paths (`index` on every commit, `status`) call the git binary directly: importing
gitpython alone costs ~75 ms, more than a warm no-op index is allowed to take.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from repomind.errors import OperationError, UsageError

_GIT_ENV = {"GIT_OPTIONAL_LOCKS": "0", "GIT_TERMINAL_PROMPT": "0", "LC_ALL": "C"}


@dataclass(frozen=True, slots=True)
class FileChange:
    status: str  # A, M, D, R, C, T, ...
    path: str
    old_path: str = ""  # for renames and copies


@dataclass(frozen=True, slots=True)
class CommitRecord:
    sha: str
    timestamp: int
    author: str
    subject: str
    changes: tuple[FileChange, ...]


@dataclass(frozen=True, slots=True)
class CommitMessage:
    sha: str
    parents: tuple[str, ...]
    message: str  # subject and body
    changes: tuple[FileChange, ...]


def _env() -> dict[str, str]:
    env = dict(os.environ)
    env.update(_GIT_ENV)
    return env


def git(
    root: Path, *args: str, check: bool = True, extra_env: dict[str, str] | None = None
) -> bytes:
    """Run `git -C root args…` and return stdout; a failure becomes an OperationError."""
    try:
        proc = subprocess.run(
            ["git", "-C", str(root), *args],
            capture_output=True,
            env={**_env(), **(extra_env or {})},
            check=False,
        )
    except FileNotFoundError:
        raise OperationError("git is not installed or not on PATH") from None
    if check and proc.returncode != 0:
        message = proc.stderr.decode("utf-8", "replace").strip().splitlines()
        detail = message[-1] if message else f"exit {proc.returncode}"
        raise OperationError(f"git {args[0]} failed: {detail}")
    return proc.stdout


def toplevel(path: Path) -> Path:
    """The work-tree root of the repository containing `path`."""
    out = subprocess.run(
        ["git", "-C", str(path), "rev-parse", "--show-toplevel"],
        capture_output=True,
        env=_env(),
        check=False,
    )
    if out.returncode != 0:
        raise UsageError(f"not a git repository: {path}")
    return Path(out.stdout.decode().strip())


def head_commit(root: Path) -> str | None:
    """HEAD's commit id, or None in a repository with no commits yet."""
    out = git(root, "rev-parse", "--verify", "-q", "HEAD^{commit}", check=False)
    sha = out.decode().strip()
    return sha or None


def head_ref(root: Path) -> str:
    """The branch HEAD points at, or "(detached)"."""
    out = git(root, "symbolic-ref", "-q", "--short", "HEAD", check=False).decode().strip()
    return out or "(detached)"


def is_shallow(root: Path) -> bool:
    return git(root, "rev-parse", "--is-shallow-repository", check=False).strip() == b"true"


def is_ancestor(root: Path, ancestor: str, descendant: str) -> bool:
    proc = subprocess.run(
        ["git", "-C", str(root), "merge-base", "--is-ancestor", ancestor, descendant],
        capture_output=True,
        env=_env(),
        check=False,
    )
    return proc.returncode == 0


def list_files(root: Path) -> list[str]:
    """Files as git sees them: tracked plus untracked-not-ignored, sorted, POSIX, repo-relative.

    Submodules (gitlinks) and symlinks are left out: the index reads regular files only,
    which also rules out symlink loops.
    """
    paths: set[str] = set()
    tracked = git(root, "ls-files", "-z", "-s", "--full-name")
    for entry in tracked.split(b"\0"):
        if not entry:
            continue
        meta, _, raw_path = entry.partition(b"\t")
        mode = meta.split(b" ", 1)[0]
        if mode in (b"160000", b"120000"):
            continue
        paths.add(raw_path.decode("utf-8", "surrogateescape"))
    untracked = git(root, "ls-files", "-z", "--others", "--exclude-standard", "--full-name")
    for raw_path in untracked.split(b"\0"):
        if raw_path:
            paths.add(raw_path.decode("utf-8", "surrogateescape"))
    return sorted(p for p in paths if _is_decodable(p))


def _is_decodable(path: str) -> bool:
    try:
        path.encode("utf-8")
    except UnicodeEncodeError:
        return False  # a file name that is not UTF-8: cannot be written to memory faithfully
    return True


def iter_commits(
    root: Path, since: str | None = None, max_count: int = 0, renames: bool = True
) -> Iterator[CommitRecord]:
    """Non-merge commits in HEAD's ancestry (never other refs), newest first.

    `since`: only commits not reachable from it. `renames`: detect renames, which reads the
    contents of changed files; without it only trees are read, so a history whose file
    contents are partly missing (a partial clone, a damaged object store) can still be walked.
    """
    head = head_commit(root)
    if head is None:
        return
    args = _log_args(root, renames, "--format=%x1e%H%x1f%at%x1f%aN%x1f%s")
    if max_count:
        args.append(f"--max-count={max_count}")
    args.append(head if since is None else f"{since}..{head}")
    for part in _stream_log(args):
        yield _parse_record(part)


def iter_commit_messages(root: Path, renames: bool = True) -> Iterator[CommitMessage]:
    """Non-merge commits of HEAD's ancestry with full messages and parents, newest first.

    Date order, which never shows a commit before all of its children: a prefix of this list
    therefore holds no ancestor of the parent of its last commit (what `eval` relies on).
    """
    head = head_commit(root)
    if head is None:
        return
    args = _log_args(root, renames, "--date-order", "--format=%x1e%H%x1f%P%x1f%B", head)
    for part in _stream_log(args):
        header, _, body = part.partition(b"\0")
        sha, parents, message = (*header.decode("utf-8", "replace").split("\x1f", 2), "", "")[:3]
        yield CommitMessage(
            sha=sha.strip(),
            parents=tuple(parents.split()),
            message=message.strip(),
            changes=_parse_changes(body),
        )


def _log_args(root: Path, renames: bool, *extra: str) -> list[str]:
    """`git log` of non-merge commits with their changed files, NUL-separated."""
    return [
        "git",
        "-C",
        str(root),
        "log",
        "-z",
        "--no-merges",
        "-M" if renames else "--no-renames",
        "--name-status",
        "--no-show-signature",
        *extra,
    ]


def _stream_log(args: list[str]) -> Iterator[bytes]:
    """The records of a `git log` whose format starts each one with \\x1e, as git prints them.

    Streams (no `--reverse`, which would make git walk everything before printing) so
    parsing overlaps with git's work; stopping early kills git instead of draining it.
    """
    try:
        proc = subprocess.Popen(args, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=_env())
    except FileNotFoundError:
        raise OperationError("git is not installed or not on PATH") from None
    assert proc.stdout is not None
    buffer = b""
    finished = False
    try:
        while chunk := proc.stdout.read(1 << 16):
            buffer += chunk
            parts = buffer.split(b"\x1e")
            buffer = parts.pop()
            for part in parts:
                if part:
                    yield part
        if buffer:
            yield buffer
        finished = True
    finally:
        if not finished:
            proc.kill()  # the caller stopped early: do not wait for git to fill a dead pipe
        proc.stdout.close()
        stderr = proc.stderr.read() if proc.stderr else b""
        code = proc.wait()
    if finished and code != 0:
        detail = stderr.decode("utf-8", "replace").strip().splitlines()
        raise OperationError(f"git log failed: {detail[-1] if detail else code}")


def _parse_record(part: bytes) -> CommitRecord:
    header, _, body = part.partition(b"\0")
    fields = header.decode("utf-8", "replace").split("\x1f", 3)
    sha, ts, author, subject = (*fields, "", "", "")[:4]
    return CommitRecord(
        sha=sha.strip(),
        timestamp=int(ts) if ts.strip().isdigit() else 0,
        author=author,
        subject=subject,
        changes=_parse_changes(body),
    )


def _utf8_path(raw: bytes) -> str | None:
    """A path from git's output; None when the name is not UTF-8 (list_files leaves such
    files out too: memory could not name them faithfully)."""
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        return None


def _parse_changes(body: bytes) -> tuple[FileChange, ...]:
    """`--name-status -z` output: status NUL path NUL (renames and copies: old NUL new NUL)."""
    tokens = body.lstrip(b"\n").split(b"\0")
    changes: list[FileChange] = []
    i = 0
    while i < len(tokens):
        status = tokens[i].decode("ascii", "replace").strip()
        if not status:
            i += 1
            continue
        letter = status[0]
        if letter in "RC" and i + 2 < len(tokens):
            old, new = _utf8_path(tokens[i + 1]), _utf8_path(tokens[i + 2])
            if new is not None:
                changes.append(FileChange(letter, new, old) if old else FileChange("A", new))
            i += 3
        elif i + 1 < len(tokens):
            path = _utf8_path(tokens[i + 1])
            if path is not None:
                changes.append(FileChange(letter, path))
            i += 2
        else:
            break
    return tuple(changes)


def count_commits(root: Path, since: str | None = None) -> int:
    head = head_commit(root)
    if head is None:
        return 0
    spec = head if since is None else f"{since}..{head}"
    out = git(root, "rev-list", "--count", "--no-merges", spec, check=False).strip()
    return int(out) if out.isdigit() else 0


# Checking out an old commit must not run the user's hooks (post-checkout may start repomind
# itself) nor fetch large files.
_QUIET_CHECKOUT_ENV = {
    "GIT_CONFIG_COUNT": "1",
    "GIT_CONFIG_KEY_0": "core.hooksPath",
    "GIT_CONFIG_VALUE_0": os.devnull,
    "GIT_LFS_SKIP_SMUDGE": "1",
}


@contextmanager
def temporary_worktree(root: Path, commit: str) -> Iterator[Path]:
    """A detached checkout of `commit` in a new temp dir, removed and pruned afterwards.

    The cleanup runs on errors and Ctrl-C too; the repository's own work tree is not touched.
    """
    parent = Path(tempfile.mkdtemp(prefix="repomind-worktree-"))
    tree = parent / "tree"
    try:
        _add_worktree(root, tree, commit)
        yield tree
    finally:
        _remove_worktree(root, parent, tree)


def _remove_worktree(root: Path, parent: Path, tree: Path) -> None:
    removed = _git_ok(root, "worktree", "remove", "--force", str(tree))
    shutil.rmtree(parent, ignore_errors=True)
    if not removed:
        # Interrupted while being added, it is still locked ("initializing"): prune skips it.
        _git_ok(root, "worktree", "unlock", str(tree))
    _git_ok(root, "worktree", "prune")


def _git_ok(root: Path, *args: str) -> bool:
    """Run a git command whose failure is not an error; True when it succeeded."""
    proc = subprocess.run(["git", "-C", str(root), *args], capture_output=True, env=_env())
    return proc.returncode == 0


def _add_worktree(root: Path, tree: Path, commit: str) -> None:
    try:
        git(root, "worktree", "add", "--detach", str(tree), commit, extra_env=_QUIET_CHECKOUT_ENV)
        return
    except OperationError as exc:
        first = exc
    # Some file contents are missing (a partial clone offline, a damaged object store): check
    # out every file that can be read and leave the rest missing, as if deleted.
    _remove_worktree(root, tree, tree)  # what the failed checkout left; the temp dir stays
    try:
        git(
            root,
            "worktree",
            "add",
            "--no-checkout",
            "--detach",
            str(tree),
            commit,
            extra_env=_QUIET_CHECKOUT_ENV,
        )
        git(tree, "read-tree", commit)
    except OperationError:
        raise OperationError(f"cannot check out {commit[:12]} in a temp dir: {first}") from None
    subprocess.run(
        ["git", "-C", str(tree), "checkout-index", "--all", "--force"],
        capture_output=True,
        env=_env() | _QUIET_CHECKOUT_ENV,
    )
