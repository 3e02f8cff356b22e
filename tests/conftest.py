"""Shared test helpers: real git repositories in temp dirs and the real CLI as a process."""

from __future__ import annotations

import os
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

GIT_ENV = {
    "GIT_AUTHOR_NAME": "Ada",
    "GIT_AUTHOR_EMAIL": "ada@example.com",
    "GIT_COMMITTER_NAME": "Ada",
    "GIT_COMMITTER_EMAIL": "ada@example.com",
    "GIT_CONFIG_GLOBAL": os.devnull,
    "GIT_CONFIG_SYSTEM": os.devnull,
}


@dataclass
class Result:
    code: int
    out: str
    err: str


class GitRepo:
    """A throw-away repository with deterministic commit dates."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self._clock = 1_700_000_000
        root.mkdir(parents=True, exist_ok=True)
        self.git("init", "-q", "-b", "main")

    def git(self, *args: str, author: str = "Ada") -> str:
        env = dict(os.environ, **GIT_ENV)
        env["GIT_AUTHOR_NAME"] = author
        env["GIT_AUTHOR_DATE"] = env["GIT_COMMITTER_DATE"] = f"{self._clock} +0000"
        proc = subprocess.run(
            ["git", "-C", str(self.root), *args], capture_output=True, text=True, env=env
        )
        if proc.returncode != 0:
            raise AssertionError(f"git {args} failed: {proc.stderr}")
        return proc.stdout

    def write(self, path: str, text: str | bytes) -> Path:
        target = self.root / path
        target.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(text, bytes):
            target.write_bytes(text)
        else:
            target.write_text(text, encoding="utf-8")
        return target

    def commit(
        self, message: str, files: dict[str, str | bytes] | None = None, author: str = "Ada"
    ) -> str:
        for path, text in (files or {}).items():
            self.write(path, text)
        self._clock += 3600
        self.git("add", "-A")
        self.git("commit", "-q", "--allow-empty", "-m", message, author=author)
        return self.git("rev-parse", "HEAD").strip()

    def repomind(
        self, *args: str, stdin: str | None = None, env: dict[str, str] | None = None
    ) -> Result:
        return run_cli(*args, cwd=self.root, stdin=stdin, env=env)


def run_cli(
    *args: str, cwd: Path, stdin: str | None = None, env: dict[str, str] | None = None
) -> Result:
    """Run the real `repomind` entry point in a subprocess."""
    full_env = dict(os.environ, **GIT_ENV)
    full_env.pop("REPOMIND_DEBUG", None)
    full_env.update(env or {})
    proc = subprocess.run(
        [sys.executable, "-c", "from repomind.cli import main; main()", *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        input=stdin,
        env=full_env,
        timeout=300,
    )
    return Result(proc.returncode, proc.stdout, proc.stderr)


@pytest.fixture
def repo(tmp_path: Path) -> GitRepo:
    return GitRepo(tmp_path / "repo")


def memory_snapshot(root: Path) -> dict[str, bytes]:
    """Every committed-memory file's bytes (cache and state excluded)."""
    base = root / ".repomind"
    out: dict[str, bytes] = {}
    for path in sorted(base.rglob("*")):
        rel = path.relative_to(base).as_posix()
        if path.is_file() and not rel.startswith(("cache/", "state/")):
            out[rel] = path.read_bytes()
    return out
