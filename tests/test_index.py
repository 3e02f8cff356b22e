"""`repomind index` / `init` / `status` end to end through the real CLI on real git repos."""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from conftest import GitRepo, memory_snapshot, run_cli

PY_MODELS = '''"""Domain models for the shop."""


class Cart:
    """A shopping cart."""

    def add(self, item):
        return item


def total(cart: Cart) -> int:
    return 0
'''

PY_SERVICE = '''"""Checkout service."""
from shop.models import Cart, total


def checkout(cart: Cart) -> int:
    """Charge the cart."""
    return total(cart)
'''

TS_API = """import { formatPrice } from "./format";

/** Client for the pricing API. */
export class PriceClient {
  get(id: string): string {
    return formatPrice(id);
  }
}
"""

TS_FORMAT = """export function formatPrice(value: string): string {
  return value;
}
"""


def _project(repo: GitRepo) -> None:
    repo.commit(
        "initial",
        {
            "shop/__init__.py": "",
            "shop/models.py": PY_MODELS,
            "shop/service.py": PY_SERVICE,
            "web/api.ts": TS_API,
            "web/format.ts": TS_FORMAT,
            "Makefile": "test:\n\tpytest -q\n\nlint:\n\truff check .\n",
            "pyproject.toml": '[project]\nname = "shop"\n\n[tool.pytest.ini_options]\n',
            "README.md": "# Shop\n\nA tiny shop.\n",
        },
    )
    for i in range(3):
        repo.commit(
            f"change models and service {i}",
            {
                "shop/models.py": PY_MODELS + f"\nVERSION_{i} = {i}\n",
                "shop/service.py": PY_SERVICE + f"\n# rev {i}\n",
            },
        )


def test_index_without_init_writes_memory(repo: GitRepo) -> None:
    _project(repo)
    result = repo.repomind("index")
    assert result.code == 0, result.err
    memory = repo.root / ".repomind" / "memory"
    names = sorted(p.name for p in memory.glob("*.md"))
    assert names == ["cochange.md", "commands.md", "repo-map.md"]
    repo_map = (memory / "repo-map.md").read_text()
    assert repo_map.startswith("---\ndescription: ")
    assert "`shop/models.py`" in repo_map
    assert "class Cart" in repo_map
    commands = (memory / "commands.md").read_text()
    assert "`make test`" in commands
    cochange = (memory / "cochange.md").read_text()
    assert "`shop/models.py` → `shop/service.py`" in cochange or (
        "`shop/service.py` → `shop/models.py`" in cochange
    )
    ignore = (repo.root / ".repomind" / ".gitignore").read_text()
    assert "cache/" in ignore and "state/" in ignore
    # the cache is never committed: git sees only memory + ignore file
    status = repo.git("status", "--porcelain", "--untracked-files=all")
    assert ".repomind/cache" not in status and ".repomind/state" not in status


def test_models_rank_above_leaf_files(repo: GitRepo) -> None:
    _project(repo)
    assert repo.repomind("index", "-q").code == 0
    db = sqlite3.connect(repo.root / ".repomind" / "cache" / "index.sqlite")
    rank = dict(db.execute("SELECT path, score FROM file_rank"))
    assert rank["shop/models.py"] > rank["shop/service.py"]
    assert rank["web/format.ts"] > rank["web/api.ts"]
    edges = {(s, d) for s, d in db.execute("SELECT src, dst FROM edges")}
    assert ("shop/service.py", "shop/models.py") in edges
    assert ("web/api.ts", "web/format.ts") in edges


def test_reindex_is_byte_stable_and_incremental(repo: GitRepo) -> None:
    _project(repo)
    assert repo.repomind("index", "-q").code == 0
    before = memory_snapshot(repo.root)
    again = repo.repomind("index")
    assert again.code == 0
    assert "0 parsed" in again.out
    assert memory_snapshot(repo.root) == before
    repo.commit("touch format", {"web/format.ts": TS_FORMAT + "// note\n"})
    third = repo.repomind("index")
    assert third.code == 0
    assert "1 parsed" in third.out and "1 new commits" in third.out
    full = repo.repomind("index", "--full", "-q")
    assert full.code == 0
    after_full = memory_snapshot(repo.root)
    repo.repomind("index", "-q")
    assert memory_snapshot(repo.root) == after_full


def test_human_text_and_readonly_memory_are_kept(repo: GitRepo) -> None:
    _project(repo)
    assert repo.repomind("index", "-q").code == 0
    commands = repo.root / ".repomind" / "memory" / "commands.md"
    commands.write_text(commands.read_text() + "\nHuman note: deploy with `make ship`.\n")
    repo_map = repo.root / ".repomind" / "memory" / "repo-map.md"
    frozen = "---\ndescription: hand written\nreadonly: true\n---\nmine\n"
    repo_map.write_text(frozen)
    repo.commit("more", {"shop/extra.py": "def extra():\n    return 1\n"})
    assert repo.repomind("index", "-q").code == 0
    assert commands.read_text().endswith("\nHuman note: deploy with `make ship`.\n")
    assert repo_map.read_text() == frozen


def test_files_that_are_not_worth_indexing_are_skipped(repo: GitRepo) -> None:
    _project(repo)
    repo.write("assets/logo.png", b"\x89PNG\r\n\x1a\n\0\0\0binary")
    repo.write("data.bin.txt", b"abc\0def" * 10)
    repo.write("vendor/lib/thing.py", "def vendored():\n    pass\n")
    repo.write("web/app.min.js", "var a=1;" * 2000)
    repo.write("web/bundle.js", "x" * 10000)  # one long line: minified
    repo.write("gen/api.go", "// Code generated by protoc. DO NOT EDIT.\npackage gen\n")
    repo.write("big.py", "x = 1\n" * 400_000)  # 2.4 MB > default 1 MiB limit
    with open(repo.root / "huge.py", "wb") as handle:  # a sparse 2 GB file: never read
        handle.truncate(2 * 1024**3)
    repo.write("latin1.py", "# caf\xe9\ndef cafe():\n    return 1\n".encode("latin-1"))
    repo.write("broken.py", "def broken(:\n    pass\nclass Fine:\n    pass\n")
    repo.write("link.py", "")
    os.unlink(repo.root / "link.py")
    os.symlink("link.py", repo.root / "link.py")  # a symlink loop
    result = repo.repomind("index")
    assert result.code == 0, result.err
    db = sqlite3.connect(repo.root / ".repomind" / "cache" / "index.sqlite")
    files = {p: skip for p, skip in db.execute("SELECT path, skip FROM files")}
    assert "assets/logo.png" not in files
    assert "vendor/lib/thing.py" not in files
    assert "web/app.min.js" not in files
    assert "big.py" not in files
    assert "huge.py" not in files
    assert "link.py" not in files
    assert files["data.bin.txt"] == "binary"
    assert files["web/bundle.js"] == "minified"
    assert files["gen/api.go"] == "generated"
    assert files["latin1.py"] is None and files["broken.py"] is None
    names = {n for (n,) in db.execute("SELECT name FROM symbols")}
    assert {"cafe", "Fine"} <= names


def test_config_excludes_and_includes(repo: GitRepo) -> None:
    _project(repo)
    repo.write("vendor/keep/kept.py", "def kept():\n    pass\n")
    repo.write(
        ".repomind/config.yaml", "index:\n  exclude: ['web/']\n  include: ['vendor/keep/']\n"
    )
    assert repo.repomind("index", "-q").code == 0
    db = sqlite3.connect(repo.root / ".repomind" / "cache" / "index.sqlite")
    paths = {p for (p,) in db.execute("SELECT path FROM files")}
    assert "vendor/keep/kept.py" in paths
    assert not any(p.startswith("web/") for p in paths)


def test_init_is_idempotent_and_keeps_human_config(repo: GitRepo) -> None:
    first = repo.repomind("init")
    assert first.code == 0
    assert "created .repomind/config.yaml" in first.out
    config = repo.root / ".repomind" / "config.yaml"
    snapshot = memory_snapshot(repo.root)
    second = repo.repomind("init")
    assert second.code == 0 and "kept" in second.out
    assert memory_snapshot(repo.root) == snapshot
    config.write_text("memory:\n  repo_map_tokens: 500\n")
    assert repo.repomind("init").code == 0
    assert config.read_text() == "memory:\n  repo_map_tokens: 500\n"


def test_not_a_git_repository(tmp_path: Path) -> None:
    plain = tmp_path / "plain"
    plain.mkdir()
    for command in (["index"], ["status"], ["init"]):
        result = run_cli(*command, cwd=plain)
        assert result.code == 2
        assert result.err.startswith("repomind: error: not a git repository")
        assert "Traceback" not in result.err
        assert len(result.err.strip().splitlines()) == 1


def test_bad_config_exits_2_with_one_line(repo: GitRepo) -> None:
    _project(repo)
    repo.write(".repomind/config.yaml", "index:\n  workers: lots\n")
    result = repo.repomind("index")
    assert result.code == 2
    assert result.err.strip() == (
        "repomind: error: config.yaml: index.workers must be an integer, got 'lots'"
    )
    result = repo.repomind("index", "--repo", str(repo.root / "nope"))
    assert result.code == 2 and "no such directory" in result.err


def test_corrupted_cache_is_rebuilt(repo: GitRepo) -> None:
    _project(repo)
    assert repo.repomind("index", "-q").code == 0
    before = memory_snapshot(repo.root)
    db = repo.root / ".repomind" / "cache" / "index.sqlite"
    for suffix in ("-wal", "-shm"):
        Path(str(db) + suffix).unlink(missing_ok=True)
    db.write_bytes(b"this is not a database" * 100)
    status = repo.repomind("status", "--json")
    assert status.code == 0
    assert json.loads(status.out)["indexed"] is False
    result = repo.repomind("index", "-q")
    assert result.code == 0, result.err
    assert memory_snapshot(repo.root) == before


def test_old_schema_cache_is_rebuilt_not_misread(repo: GitRepo) -> None:
    _project(repo)
    assert repo.repomind("index", "-q").code == 0
    db_path = repo.root / ".repomind" / "cache" / "index.sqlite"
    db = sqlite3.connect(db_path)
    db.execute("UPDATE meta SET value='0' WHERE key='schema_version'")
    db.commit()
    db.close()
    result = repo.repomind("index")
    assert result.code == 0
    assert "0 parsed" not in result.out  # everything was parsed again


def test_concurrent_index_runs_do_not_corrupt(repo: GitRepo) -> None:
    _project(repo)
    for i in range(30):
        repo.write(f"pkg/mod{i}.py", f"def f{i}():\n    return {i}\n")
    results: list[int] = []

    def run() -> None:
        results.append(repo.repomind("index", "-q").code)

    threads = [threading.Thread(target=run) for _ in range(3)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert results == [0, 0, 0]
    snapshot = memory_snapshot(repo.root)
    assert repo.repomind("index", "-q").code == 0
    assert memory_snapshot(repo.root) == snapshot


@pytest.mark.parametrize("delay", [0.15, 0.4, 0.8])
def test_killed_index_leaves_memory_old_or_new(repo: GitRepo, delay: float) -> None:
    _project(repo)
    assert repo.repomind("index", "-q").code == 0
    before = memory_snapshot(repo.root)
    for i in range(300):
        repo.write(f"gen/m{i}.py", f"class C{i}:\n    def m(self):\n        return {i}\n")
    proc = subprocess.Popen(
        [sys.executable, "-c", "from repomind.cli import main; main()", "index", "-q"],
        cwd=repo.root,
    )
    time.sleep(delay)
    proc.kill()
    proc.wait()
    snapshot = memory_snapshot(repo.root)
    assert set(snapshot) == set(before)
    for name, data in snapshot.items():
        if name.startswith("memory/"):
            assert data.startswith(b"---\n")
            assert data.endswith(b"<!-- repomind:end generated -->\n")
    assert not list((repo.root / ".repomind" / "memory").glob(".*.tmp"))
    assert repo.repomind("index", "-q").code == 0
    status = json.loads(repo.repomind("status", "--json").out)
    assert status["stale"]["files"] == 0
    assert status["counts"]["files"] == 308


def test_empty_repository(repo: GitRepo) -> None:
    result = repo.repomind("index")
    assert result.code == 0, result.err
    status = json.loads(repo.repomind("status", "--json").out)
    assert status["head"] is None and status["counts"]["commits"] == 0
    repo.write("a.py", "def a():\n    pass\n")
    assert repo.repomind("index", "-q").code == 0
    status = json.loads(repo.repomind("status", "--json").out)
    assert status["counts"]["files"] == 1


def test_status_reports_counts_and_staleness(repo: GitRepo) -> None:
    _project(repo)
    before = json.loads(repo.repomind("status", "--json").out)
    assert before["indexed"] is False
    assert repo.repomind("index", "-q").code == 0
    status = json.loads(repo.repomind("status", "--json").out)
    assert status["indexed"] is True
    assert status["counts"]["files"] == 8  # README.md, Makefile, pyproject + 5 source files
    assert status["counts"]["commits"] == 4
    assert status["languages"] == {"python": 3, "typescript": 2}
    assert status["stale"] == {"files": 0, "head_moved": False}
    assert status["indexed_commit"] == status["head"]
    assert status["cache_bytes"] > 0
    repo.commit("edit", {"shop/models.py": PY_MODELS + "\n# edited\n"})
    stale = json.loads(repo.repomind("status", "--json").out)
    assert stale["stale"] == {"files": 1, "head_moved": True}
    human = repo.repomind("status")
    assert human.code == 0 and "run `repomind index`" in human.out


def test_worktree_keeps_its_own_cache(repo: GitRepo, tmp_path: Path) -> None:
    _project(repo)
    assert repo.repomind("index", "-q").code == 0
    other = tmp_path / "wt"
    repo.git("worktree", "add", "-q", "-b", "wt", str(other))
    result = run_cli("index", "-q", cwd=other)
    assert result.code == 0, result.err
    assert (other / ".repomind" / "cache" / "index.sqlite").exists()
    status = json.loads(run_cli("status", "--json", cwd=other).out)
    assert status["root"] == str(other)
    assert status["branch"] == "wt"


def test_submodule_is_not_indexed_as_a_file(repo: GitRepo, tmp_path: Path) -> None:
    sub = GitRepo(tmp_path / "sub")
    sub.commit("sub", {"lib.py": "def lib():\n    pass\n"})
    _project(repo)
    repo.git(
        "-c", "protocol.file.allow=always", "submodule", "add", "-q", str(sub.root), "deps/sub"
    )
    repo.commit("add submodule")
    result = repo.repomind("index", "-q")
    assert result.code == 0, result.err
    db = sqlite3.connect(repo.root / ".repomind" / "cache" / "index.sqlite")
    paths = {p for (p,) in db.execute("SELECT path FROM files")}
    assert "deps/sub" not in paths and "deps/sub/lib.py" not in paths


@pytest.mark.parametrize("flag", ["--quiet", "-q"])
def test_quiet_prints_nothing(repo: GitRepo, flag: str) -> None:
    _project(repo)
    result = repo.repomind("index", flag)
    assert result.code == 0 and result.out == "" and result.err == ""


def _edges(repo: GitRepo) -> set[tuple[str, str, float, int]]:
    db = sqlite3.connect(repo.root / ".repomind" / "cache" / "index.sqlite")
    return set(db.execute("SELECT src, dst, weight, imports FROM edges"))


def test_incremental_graph_equals_a_full_rebuild(repo: GitRepo) -> None:
    _project(repo)
    repo.commit(
        "more modules",
        {
            f"shop/mod{i}.py": f"from shop.models import Cart\n\n\ndef use{i}(c: Cart):\n"
            f"    return total(c)\n"
            for i in range(30)
        },
    )
    assert repo.repomind("index", "-q").code == 0
    # a definition moves to another file, a file is removed, one is added, one renamed
    repo.write("shop/models.py", PY_MODELS.replace("def total", "def grand_total"))
    repo.write("shop/totals.py", "def total(cart) -> int:\n    return 0\n")
    repo.git("rm", "-q", "shop/mod3.py")
    repo.git("mv", "shop/mod4.py", "shop/renamed.py")
    repo.commit("move total")
    incremental = repo.repomind("index", "--json")
    assert incremental.code == 0
    assert json.loads(incremental.out)["parsed"] == 2
    after_incremental = _edges(repo)
    assert ("shop/mod0.py", "shop/totals.py") in {(s, d) for s, d, _, _ in after_incremental}
    assert not any("mod3" in s or "mod3" in d for s, d, _, _ in after_incremental)
    assert repo.repomind("index", "--full", "-q").code == 0
    assert _edges(repo) == after_incremental


def test_damaged_history_is_a_warning_not_a_failure(repo: GitRepo) -> None:
    _project(repo)
    tree = repo.git("rev-parse", "HEAD~2^{tree}").strip()
    obj = repo.root / ".git" / "objects" / tree[:2] / tree[2:]
    obj.chmod(0o644)
    obj.unlink()  # an object the history walk needs is gone (a damaged or partial clone)
    result = repo.repomind("index")
    assert result.code == 0, result.err
    assert "warning: history not updated: git log failed" in result.err
    assert (repo.root / ".repomind" / "memory" / "repo-map.md").exists()
    status = json.loads(repo.repomind("status", "--json").out)
    assert status["counts"]["files"] == 8


def test_history_survives_missing_contents_without_rename_detection(repo: GitRepo) -> None:
    body = "\n".join(f"line {i}" for i in range(40)) + "\n"
    repo.commit("one", {"old.py": body, "b.py": "1"})
    repo.git("mv", "old.py", "new.py")
    repo.commit("rename and edit", {"new.py": body + "x\n", "b.py": "2"})
    repo.commit("three", {"new.py": body + "y\n", "b.py": "3"})
    blob = repo.git("rev-parse", "HEAD~2:old.py").strip()
    obj = repo.root / ".git" / "objects" / blob[:2] / blob[2:]
    obj.chmod(0o644)
    obj.unlink()  # only rename detection reads it (a partial clone has no old contents)
    result = repo.repomind("index")
    assert result.code == 0, result.err
    assert "warning: history read without rename detection: git log failed" in result.err
    status = json.loads(repo.repomind("status", "--json").out)
    assert status["counts"]["commits"] == 3  # the whole history, not none of it
    related = json.loads(repo.repomind("related", "new.py", "--json").out)
    assert related and related[0]["path"] == "b.py"
    assert "changed together in 2 of its 2 commits" in related[0]["reasons"]


def test_file_names_that_are_not_utf8_are_left_out_of_files_and_history(repo: GitRepo) -> None:
    bad = os.fsencode(repo.root) + b"/bad-\xc3(.py"  # like bat's tests/examples/test-invalid-utf8
    with open(bad, "wb") as handle:
        handle.write(b"X = 1\n")
    repo.commit("add a file with a latin-1 name", {"good.py": "Y = 1\n"})
    with open(bad, "wb") as handle:
        handle.write(b"X = 2\n")
    repo.commit("change both", {"good.py": "Y = 2\n", "other.py": "Z = 2\n"})
    result = repo.repomind("index")
    assert result.code == 0, result.err
    status = json.loads(repo.repomind("status", "--json").out)
    assert status["counts"]["files"] == 2 and status["counts"]["commits"] == 2
    related = json.loads(repo.repomind("related", "good.py", "--json").out)
    assert [r["path"] for r in related] == ["other.py"]
    eval_run = repo.repomind("eval", "--commits", "1", "--json")
    assert eval_run.code == 0, eval_run.err
