from __future__ import annotations

import subprocess
from pathlib import Path

from conftest import GitRepo
from repomind.config import HistorySettings
from repomind.history import update_history
from repomind.store import Store


def _history(repo: GitRepo, tmp_path: Path, store: Store | None = None, **settings: int) -> Store:
    store = store or Store.open(tmp_path / "index.sqlite")
    with store.transaction():
        update_history(store, repo.root, HistorySettings(**settings))
    return store


def _pairs(store: Store) -> dict[tuple[str, str], int]:
    return {(r.a, r.b): r.n for r in store.cochange_pairs(1)}


def test_cochange_counts_churn_and_authors(repo: GitRepo, tmp_path: Path) -> None:
    repo.commit("one", {"a.py": "1", "b.py": "1", "c.py": "1"})
    repo.commit("two", {"a.py": "2", "b.py": "2"}, author="Bob")
    repo.commit("three", {"a.py": "3"})
    store = _history(repo, tmp_path)
    assert _pairs(store) == {("a.py", "b.py"): 2, ("a.py", "c.py"): 1, ("b.py", "c.py"): 1}
    history = store.file_history()
    assert history["a.py"][:2] == (3, 3)
    assert history["c.py"][:2] == (1, 1)
    assert store.top_authors("a.py") == [("Ada", 2), ("Bob", 1)]
    assert store.commit_count() == 3
    # the partial reads `related` uses agree with the full table
    assert store.file_history_of(["a.py", "c.py", "nope.py"]) == {
        p: history[p] for p in ("a.py", "c.py")
    }
    assert store.history_extremes() == (3, max(h[3] for h in history.values()))


def test_bulk_commits_and_merges_do_not_count(repo: GitRepo, tmp_path: Path) -> None:
    repo.commit("base", {"a.py": "1", "b.py": "1"})
    repo.commit("bulk", {f"f{i}.py": "x" for i in range(5)} | {"a.py": "2"})
    repo.git("checkout", "-q", "-b", "side")
    repo.commit("side", {"a.py": "3", "b.py": "3"})
    repo.git("checkout", "-q", "main")
    repo.commit("main", {"c.py": "1"})
    repo.git("merge", "-q", "--no-ff", "-m", "merge side", "side")
    store = _history(repo, tmp_path, max_files_per_commit=4)
    pairs = _pairs(store)
    assert pairs[("a.py", "b.py")] == 2  # base + side; the merge commit adds nothing
    assert not any("f0.py" in pair for pair in pairs)  # the bulk commit is ignored
    assert store.file_history()["a.py"][:2] == (3, 2)  # churn counts it, co-change does not
    subjects = [r[0] for r in store.conn.execute("SELECT subject FROM commits ORDER BY seq")]
    assert "merge side" not in subjects


def test_renames_carry_history_to_the_new_path(repo: GitRepo, tmp_path: Path) -> None:
    body = "\n".join(f"line {i}" for i in range(40)) + "\n"
    repo.commit("one", {"old.py": body, "b.py": "1"})
    repo.commit("two", {"old.py": body + "x\n", "b.py": "2"})
    repo.git("mv", "old.py", "new.py")
    repo.commit("rename")
    repo.commit("three", {"new.py": body + "y\n", "b.py": "3"})
    store = _history(repo, tmp_path)
    pairs = _pairs(store)
    assert pairs == {("b.py", "new.py"): 3}
    assert "old.py" not in store.file_history()
    assert store.file_history()["new.py"][:2] == (4, 4)
    assert store.file_subjects(["new.py"])["new.py"].split("\n") == [
        "three",
        "rename",
        "two",
        "one",
    ]


def test_incremental_equals_full_including_renames(repo: GitRepo, tmp_path: Path) -> None:
    body = "\n".join(f"line {i}" for i in range(40)) + "\n"
    repo.commit("one", {"old.py": body, "b.py": "1", "c.py": "1"})
    incremental = _history(repo, tmp_path / "inc")
    repo.commit("two", {"old.py": body + "x\n", "b.py": "2"})
    repo.git("mv", "old.py", "new.py")
    repo.commit("rename", {"c.py": "2"})
    repo.commit("three", {"new.py": body + "y\n", "b.py": "3"})
    _history(repo, tmp_path, store=incremental)
    full = _history(repo, tmp_path / "full")
    assert _pairs(incremental) == _pairs(full)
    assert incremental.file_history() == full.file_history()
    assert incremental.file_subjects() == full.file_subjects()
    assert incremental.commit_count() == full.commit_count() == 4


def test_history_follows_head_only_and_rebuilds_after_branch_switch(
    repo: GitRepo, tmp_path: Path
) -> None:
    repo.commit("base", {"a.py": "1", "b.py": "1"})
    repo.git("checkout", "-q", "-b", "feature")
    repo.commit("feature work", {"a.py": "2", "f.py": "1"})
    repo.git("checkout", "-q", "main")
    repo.commit("main work", {"a.py": "3", "m.py": "1"})
    store = _history(repo, tmp_path)
    assert ("a.py", "f.py") not in _pairs(store)  # other refs are not this checkout's history
    assert ("a.py", "m.py") in _pairs(store)
    repo.git("checkout", "-q", "feature")
    _history(repo, tmp_path, store=store)
    assert ("a.py", "f.py") in _pairs(store)
    assert ("a.py", "m.py") not in _pairs(store)


def test_empty_repository_has_no_history(repo: GitRepo, tmp_path: Path) -> None:
    store = _history(repo, tmp_path)
    assert store.commit_count() == 0
    assert store.meta("history_head") is None


def test_detached_head_and_shallow_clone(repo: GitRepo, tmp_path: Path) -> None:
    for i in range(5):
        repo.commit(f"c{i}", {"a.py": str(i), "b.py": str(i)})
    repo.git("checkout", "-q", "--detach", "HEAD~1")
    store = _history(repo, tmp_path / "detached")
    assert store.commit_count() == 4
    clone = tmp_path / "shallow"
    repo_url = f"file://{repo.root}"
    subprocess.run(
        ["git", "clone", "-q", "--depth", "2", "--branch", "main", repo_url, str(clone)],
        check=True,
    )
    shallow_repo = GitRepo.__new__(GitRepo)
    shallow_repo.root = clone
    shallow = _history(shallow_repo, tmp_path / "sh")
    assert shallow.commit_count() == 2
    assert _pairs(shallow)[("a.py", "b.py")] == 2


def test_a_path_reused_by_another_file_keeps_all_its_counts(repo: GitRepo, tmp_path: Path) -> None:
    """A file deleted, then another renamed into its path: walking back, two files end with one
    name. Their counts are summed like their pairs are, so no pair outnumbers a file's commits."""
    repo.commit("one", {"a.py": "first a\n" * 20, "z.py": "zed\n" * 20, "b.py": "1"})
    repo.git("rm", "-q", "a.py")
    repo.commit("drop a", {"b.py": "2"})
    repo.git("mv", "z.py", "a.py")
    repo.commit("z becomes a", {"b.py": "3"})
    repo.commit("four", {"a.py": "zed\n" * 20 + "more\n", "b.py": "4"})
    store = _history(repo, tmp_path)
    history = store.file_history()
    assert history["a.py"][:2] == (5, 5)  # z.py's "one", "z becomes a", "four" + old a's two
    assert _pairs(store)[("a.py", "b.py")] == 4
    for row in store.cochange_pairs(1):
        assert row.n <= min(history[row.a][1], history[row.b][1]), row
    full = store.file_subjects(["a.py"])["a.py"].split("\n")
    assert full[:2] == ["four", "z becomes a"]
    assert sorted(full) == sorted(["four", "z becomes a", "one", "drop a", "one"])
