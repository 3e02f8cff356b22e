"""Which file-system events matter to the watcher, and how a burst of them becomes one change.

The work tree is watched recursively (inotify through watchdog, imported lazily). An event
counts when it is a change to a file git would list (not git-ignored, not repomind's own
cache/state) or to the refs that say which commit is checked out (HEAD, branches,
packed-refs). Everything else — object writes, the index file, fetches of remote refs, editor
swap files in ignored folders — is dropped before it can wake the loop.
"""

from __future__ import annotations

import contextlib
import logging
import os
import threading
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from repomind.layout import REPOMIND_DIR

TREE = "tree"  # a work-tree file the index may read (or memory/config a human edited)
GIT = "git"  # the checked-out commit or a branch moved: commit, checkout, pull, rebase
QUEUE = "queue"  # a finished agent session was queued for reflection
HEALTH = "health"  # repomind's state folder or the repository itself went away

QUEUE_FILE = f"{REPOMIND_DIR}/state/reflect-queue.jsonl"
WATCH_LOCK = f"{REPOMIND_DIR}/state/watch.lock"
WATCH_STATUS = f"{REPOMIND_DIR}/state/watch.json"
MAX_BURST_PATHS = 5000  # beyond this a burst is "many files": no per-path ignore check


@dataclass(frozen=True, slots=True)
class GitDirs:
    """Where git keeps HEAD (per worktree) and the refs (shared by all worktrees)."""

    git_dir: Path
    common_dir: Path


def find_git_dirs(root: Path) -> GitDirs:
    from repomind import gitrepo

    out = gitrepo.git(root, "rev-parse", "--absolute-git-dir", "--git-common-dir")
    lines = out.decode("utf-8", "surrogateescape").splitlines()
    git_dir = Path(lines[0])
    common = Path(lines[1]) if len(lines) > 1 else git_dir
    if not common.is_absolute():
        common = (root / common).resolve()
    return GitDirs(git_dir, common)


class IgnoreRules:
    """A fast, conservative in-process check: the root .gitignore and .git/info/exclude.

    Nested .gitignore files and tracked-but-ignored files are left to `git check-ignore`, run
    once per settled burst (`unignored`), so this only has to never drop a file git lists.
    """

    def __init__(self, root: Path, dirs: GitDirs) -> None:
        import pathspec

        lines: list[str] = []
        for source in (root / ".gitignore", dirs.common_dir / "info" / "exclude"):
            try:
                lines.extend(source.read_text(encoding="utf-8", errors="replace").splitlines())
            except OSError:
                continue
        self._spec = pathspec.GitIgnoreSpec.from_lines(lines)

    def ignored(self, rel: str, is_dir: bool) -> bool:
        return bool(self._spec.match_file(rel + "/" if is_dir else rel))


def unignored(root: Path, paths: Iterable[str]) -> list[str]:
    """The paths git does not ignore (tracked files never count as ignored)."""
    import subprocess

    listed = sorted(set(paths))
    if not listed:
        return []
    data = b"".join(p.encode("utf-8", "surrogateescape") + b"\0" for p in listed)
    try:
        proc = subprocess.run(
            ["git", "-C", str(root), "check-ignore", "-z", "--stdin"],
            input=data,
            capture_output=True,
            env={**os.environ, "GIT_OPTIONAL_LOCKS": "0"},
            timeout=60,
            check=False,
        )
    except (OSError, subprocess.TimeoutExpired):
        return listed  # cannot tell: let the index decide
    if proc.returncode not in (0, 1):  # 1: nothing ignored; other codes: git failed
        return listed
    ignored = {p.decode("utf-8", "surrogateescape") for p in proc.stdout.split(b"\0") if p}
    return [p for p in listed if p not in ignored]


class EventFilter:
    """Classifies an absolute path from an event as TREE, GIT, QUEUE, HEALTH or irrelevant."""

    def __init__(self, root: Path, dirs: GitDirs) -> None:
        self.root = str(root)
        self._root_prefix = self.root + os.sep
        self._git_prefixes = sorted(
            {str(dirs.git_dir) + os.sep, str(dirs.common_dir) + os.sep}, key=len, reverse=True
        )
        self._rules = IgnoreRules(root, dirs)

    def reload_rules(self, root: Path, dirs: GitDirs) -> None:
        self._rules = IgnoreRules(root, dirs)

    def classify(self, path: str, is_dir: bool) -> tuple[str, str] | None:
        """(kind, repo-relative path) for an event on `path`, or None to drop it."""
        for prefix in self._git_prefixes:
            if path.startswith(prefix):
                return _classify_git(path[len(prefix) :].replace(os.sep, "/"))
        if path == self.root:
            return HEALTH, ""
        if not path.startswith(self._root_prefix):
            return None
        rel = path[len(self._root_prefix) :].replace(os.sep, "/")
        if rel == ".git" or rel.startswith(".git/"):
            return None  # a worktree's .git file, or a git dir we were not told about
        if rel == REPOMIND_DIR or rel.startswith(REPOMIND_DIR + "/"):
            return _classify_repomind(rel)
        if self._rules.ignored(rel, is_dir):
            return None
        return TREE, rel


def _classify_git(rel: str) -> tuple[str, str] | None:
    if rel.endswith(".lock"):
        return None  # the final rename onto the ref is the event that counts
    if rel in ("HEAD", "packed-refs") or rel.startswith("refs/heads/"):
        return GIT, rel
    return None  # objects, the index, logs, remote-tracking refs (a background fetch)


def _classify_repomind(rel: str) -> tuple[str, str] | None:
    if rel == QUEUE_FILE:
        return QUEUE, rel
    if rel in (REPOMIND_DIR, f"{REPOMIND_DIR}/state", WATCH_LOCK):
        return HEALTH, rel
    if rel.startswith((f"{REPOMIND_DIR}/cache", f"{REPOMIND_DIR}/state")):
        return None
    return TREE, rel  # memory, wiki or config edited by a human (or by a step: see Activity)


def _written_by_steps(rel: str) -> bool:
    from repomind.exports.targets import TARGETS

    if rel.startswith(REPOMIND_DIR + "/") or rel in _RULE_FILES:
        return True
    if not _RULE_FILES:
        _RULE_FILES.update(t.path for t in TARGETS.values())
    return rel in _RULE_FILES or rel.startswith(_RULE_DIRS)


_RULE_FILES: set[str] = set()
_RULE_DIRS = (".claude/rules/", ".cursor/rules/", ".github/instructions/")


@dataclass(slots=True)
class Activity:
    """What the observer thread saw since the loop last looked (guarded by `lock`)."""

    lock: threading.Lock = field(default_factory=threading.Lock)
    last_event: float = 0.0  # monotonic time of the newest TREE/GIT event
    pending: bool = False  # a burst is waiting to settle
    paths: set[str] = field(default_factory=set)
    overflow: bool = False  # more paths than MAX_BURST_PATHS in this burst
    git_moved: bool = False
    git_last: bool = False  # the newest event was a ref update: the git command has finished
    queue_changed: bool = False
    health: bool = False
    step_running: bool = False  # events under .repomind/ now are the step's own writes

    def take(self) -> tuple[set[str], bool, bool]:
        """The settled burst's paths, overflow and git flags; resets the burst."""
        with self.lock:
            paths, overflow, moved = self.paths, self.overflow, self.git_moved
            self.paths, self.overflow, self.git_moved, self.pending = set(), False, False, False
            self.git_last = False
            return paths, overflow, moved


class TreeWatcher:
    """watchdog observer over the work tree (and an outside git dir), feeding `Activity`."""

    def __init__(
        self, root: Path, dirs: GitDirs, activity: Activity, wake: Callable[[], None]
    ) -> None:
        self.root = root
        self.dirs = dirs
        self.activity = activity
        self.filter = EventFilter(root, dirs)
        self._wake = wake
        self._observer: Any = None
        self.degraded = ""  # why only part of the tree is watched, if so

    def start(self) -> None:
        from watchdog.events import (
            DirCreatedEvent,
            DirDeletedEvent,
            DirMovedEvent,
            FileCreatedEvent,
            FileDeletedEvent,
            FileModifiedEvent,
            FileMovedEvent,
            FileSystemEventHandler,
        )
        from watchdog.observers import Observer

        watcher = self

        class Handler(FileSystemEventHandler):
            def on_any_event(self, event: Any) -> None:
                watcher.on_event(event)

        kinds: list[Any] = [
            FileCreatedEvent,
            FileModifiedEvent,
            FileDeletedEvent,
            FileMovedEvent,
            DirCreatedEvent,
            DirDeletedEvent,
            DirMovedEvent,
        ]
        handler = Handler()
        try:
            self._observer = self._started(Observer(), handler, kinds, recursive=True)
        except OSError as exc:  # usually the inotify watch limit on a huge tree
            self.degraded = (
                f"cannot watch every folder ({exc.strerror or exc}); only top-level files and "
                "commits are seen (raise fs.inotify.max_user_watches)"
            )
            self._observer = self._started(Observer(), handler, kinds, recursive=False)

    def _started(self, observer: Any, handler: Any, kinds: list[Any], recursive: bool) -> Any:
        """`observer` watching the tree (and the refs where the tree watch misses them)."""
        observer.schedule(handler, str(self.root), recursive=recursive, event_filter=kinds)
        root_prefix = str(self.root) + os.sep
        for folder, deep in (
            (self.dirs.git_dir, False),
            (self.dirs.common_dir, False),
            (self.dirs.common_dir / "refs" / "heads", True),
        ):
            inside = str(folder).startswith(root_prefix)
            if (not recursive or not inside) and folder.is_dir():
                observer.schedule(handler, str(folder), recursive=deep, event_filter=kinds)
        observer.daemon = True
        try:
            observer.start()  # inotify watches are added here: this is where limits bite
        except OSError:
            with contextlib.suppress(Exception):
                observer.stop()
            raise
        return observer

    def alive(self) -> bool:
        observer = self._observer
        if observer is None or not observer.is_alive():
            return False
        return all(e.is_alive() for e in list(getattr(observer, "emitters", ())))

    def stop(self) -> None:
        observer, self._observer = self._observer, None
        if observer is None:
            return
        observer.stop()
        observer.join(timeout=5)

    def on_event(self, event: Any) -> None:
        """Runs on the observer thread: classify, record, wake the loop on a burst's start."""
        try:
            is_dir = bool(event.is_directory)
            paths = [event.src_path]
            dest = getattr(event, "dest_path", "")
            if dest:
                paths.append(dest)
            for raw in paths:
                path = os.fsdecode(raw)
                found = self.filter.classify(path, is_dir)
                if found is not None:
                    self._record(*found)
        except Exception:  # an exception here would end the observer thread
            logging.getLogger("repomind.watch").exception("cannot handle %r", event)

    def _record(self, kind: str, rel: str) -> None:
        activity = self.activity
        wake = False
        with activity.lock:
            if kind == QUEUE:
                wake = not activity.queue_changed
                activity.queue_changed = True
            elif kind == HEALTH:
                wake = not activity.health
                activity.health = True
            elif activity.step_running and _written_by_steps(rel):
                return  # the running step's own memory, wiki or rule-file writes
            else:
                wake = not activity.pending or kind == GIT  # a ref update shortens the wait
                activity.pending = True
                activity.last_event = time.monotonic()
                activity.git_last = kind == GIT
                if kind == GIT:
                    activity.git_moved = True
                elif len(activity.paths) < MAX_BURST_PATHS:
                    activity.paths.add(rel)
                else:
                    activity.overflow = True
                if rel == ".gitignore":
                    self.filter.reload_rules(self.root, self.dirs)
        if wake:
            self._wake()
