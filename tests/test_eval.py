"""`repomind eval` on real git repositories: test-set choice, cutoff, metrics, cleanup, CLI."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from conftest import GitRepo
from repomind.evaluate import (
    EvalReport,
    eval_workspace,
    evaluate,
    query_metrics,
    score,
    select_commits,
)
from repomind.gitrepo import iter_commit_messages, temporary_worktree
from repomind.scan import PathFilter

FILLERS = {f"lib/mod{i:02d}.py": f"VALUE_{i} = {i}\n" for i in range(32)}  # root: a bulk commit


def _base(repo: GitRepo, extra: dict[str, str] | None = None) -> None:
    repo.commit(
        "initial import",
        {
            **FILLERS,
            "app/orders.py": "def place_order():\n    return 1\n",
            "app/invoices.py": "def send_invoice():\n    return 1\n",
            "app/ledger.py": "def post_entry():\n    return 1\n",
            "app/audit.py": "def record_event():\n    return 1\n",
            **(extra or {}),
        },
    )


def _pair_commits(repo: GitRepo, count: int, start: int = 0) -> str:
    sha = ""
    for i in range(start, start + count):
        sha = repo.commit(
            f"orders and invoices move together {i}",
            {
                "app/orders.py": f"def place_order():\n    return {i}\n",
                "app/invoices.py": f"def send_invoice():\n    return {i}\n",
            },
        )
    return sha


def _worktrees(repo: GitRepo) -> list[str]:
    out = repo.git("worktree", "list", "--porcelain")
    return [
        str(Path(line.split(" ", 1)[1]).resolve())
        for line in out.splitlines()
        if line.startswith("worktree ")
    ]


def _eval_json(repo: GitRepo, *args: str) -> dict:
    result = repo.repomind("eval", "--json", *args)
    assert result.code == 0, result.err
    return json.loads(result.out)


def test_files_that_always_change_together_are_predicted(repo: GitRepo) -> None:
    _base(repo)
    cutoff = _pair_commits(repo, 4)
    _pair_commits(repo, 2, start=4)
    data = _eval_json(repo, "--commits", "2")
    assert data["commits"] == 2
    assert data["cutoff"] == cutoff
    assert data["t1"]["queries"] == 4  # two commits, each file asked about once per commit
    assert data["t1"]["repomind"] == {"recall@5": 1.0, "recall@10": 1.0, "mrr": 1.0}
    assert data["t1"]["cochange"] == {"recall@5": 1.0, "recall@10": 1.0, "mrr": 1.0}
    assert data["t2"]["queries"] == 2
    assert _worktrees(repo) == [str(repo.root.resolve())]


def test_pair_that_only_changes_together_in_the_test_commits_is_not_known(
    repo: GitRepo,
) -> None:
    _base(repo)
    cutoff = _pair_commits(repo, 3)
    tested = [
        repo.commit(
            f"ledger and audit, first time together {i}",
            {
                "app/ledger.py": f"def post_entry():\n    return {i}  # LEAKMARKER\n",
                "app/audit.py": f"def record_event():\n    return {i}\n",
            },
        )
        for i in range(2)
    ]
    with eval_workspace(repo.root, 2) as ws:
        assert ws.cutoff == cutoff
        assert [c.sha for c in ws.commits] == tested[::-1]
        assert ws.store is not None and ws.tree is not None
        assert ws.store.cochange_partners("app/ledger.py") == []
        known = {sha for (sha,) in ws.store.conn.execute("SELECT sha FROM commits")}
        assert known.isdisjoint(tested) and cutoff in known
        assert "LEAKMARKER" not in (ws.tree / "app/ledger.py").read_text()
        report = score(ws)
    assert report.t1.queries == 4
    cochange = report.t1.results["cochange"]
    assert cochange is not None and cochange.recall_at_10 == 0.0 and cochange.mrr == 0.0


def test_alternative_rankers_are_scored_on_the_same_index(repo: GitRepo) -> None:
    _base(repo)
    _pair_commits(repo, 5)
    calls: list[str] = []

    def related(store: object, path: str, limit: int) -> list[str]:
        calls.append(path)
        other = "app/invoices.py" if path == "app/orders.py" else "app/orders.py"
        return ["lib/mod00.py", other] if path == "app/orders.py" else [other]

    def nothing(store: object, text: str, limit: int) -> list[str]:
        return []

    with eval_workspace(repo.root, 2) as ws:
        first = score(ws, {"mine": (related, nothing)}, baselines=False)
        second = score(ws, {"none": (None, nothing)}, baselines=False)
    m = first.t1.results["mine"]
    assert m is not None
    assert (m.recall_at_5, m.recall_at_10, m.mrr) == (1.0, 1.0, 0.75)  # ranks 2 and 1
    assert sorted(calls) == ["app/invoices.py"] * 2 + ["app/orders.py"] * 2
    t2 = first.t2.results["mine"]
    assert t2 is not None and (t2.recall_at_10, t2.mrr) == (0.0, 0.0)
    assert second.t1.results == {"none": None}  # no related function: T1 not applicable
    assert set(first.t1.results) == {"mine"}


def test_query_metrics() -> None:
    m = query_metrics(["x", "a", "x", "y", "z", "w", "b"], frozenset({"a", "b", "c", "d"}))
    assert (m.recall_at_5, m.recall_at_10, m.mrr) == (0.25, 0.5, 0.5)
    assert query_metrics([], frozenset({"a"})).mrr == 0.0


def test_bm25_finds_the_files_a_message_names(repo: GitRepo) -> None:
    _base(repo, {"app/widget.py": "def frobnicate_widget():\n    return 0\n"})
    _pair_commits(repo, 3)
    for i in range(2):
        repo.commit(
            f"Fix the frobnicate widget overflow {i}\n\nThe frobnicate widget wrapped around.",
            {
                "app/widget.py": f"def frobnicate_widget():\n    return {i + 1}\n",
                "app/orders.py": f"def place_order():\n    return {i + 10}\n",
            },
        )
    report = evaluate(repo.root, 2, rankers={})
    bm25 = report.t2.results["bm25"]
    assert bm25 is not None and bm25.mrr == 1.0  # widget.py is the only file with those words
    assert report.t2.results["same_dir"] is None
    assert report.t1.results["bm25"] is not None


def test_selection_rules(repo: GitRepo) -> None:
    _base(repo)
    one = repo.commit("one file only", {"app/orders.py": "def place_order():\n    return 7\n"})
    bulk = repo.commit("bulk", {f"lib/mod{i:02d}.py": "x = 0\n" for i in range(31)})
    binary = repo.commit(
        "a picture and a file",
        {"app/logo.png": b"\x89PNG\r\n", "app/orders.py": "def place_order():\n    return 8\n"},
    )
    docs = repo.commit("docs and code", {"docs/guide.md": "# Guide\n", "app/audit.py": "A = 1\n"})
    repo.git("mv", "app/ledger.py", "app/books.py")
    renamed = repo.commit("rename with an edit", {"app/invoices.py": "I = 2\n"})
    repo.git("checkout", "-q", "-b", "side")
    side = repo.commit("side", {"app/orders.py": "O = 3\n", "app/invoices.py": "I = 3\n"})
    repo.git("checkout", "-q", "main")
    repo.git("merge", "-q", "--no-ff", "-m", "merge side", "side")
    chosen = select_commits(repo.root, 10, PathFilter(exclude=["docs/"]))
    assert [c.sha for c in chosen] == [side, renamed]
    assert chosen[1].files == ("app/invoices.py", "app/ledger.py")  # named as before the commit
    assert chosen[0].message == "side" and chosen[0].parent == renamed
    assert {one, bulk, binary, docs}.isdisjoint(c.sha for c in chosen)
    # without the exclusion the docs commit counts
    assert docs in [c.sha for c in select_commits(repo.root, 10, PathFilter())]


def test_user_config_is_used_and_user_repomind_dir_is_untouched(repo: GitRepo) -> None:
    _base(repo, {"docs/guide.md": "# Guide\n"})
    cutoff = _pair_commits(repo, 1)
    _pair_commits(repo, 2, start=1)
    repo.commit("docs and orders", {"docs/guide.md": "# Guide 2\n", "app/orders.py": "O = 1\n"})
    repo.commit("docs and audit", {"docs/guide.md": "# Guide 3\n", "app/audit.py": "A = 1\n"})
    config = repo.write(".repomind/config.yaml", "index:\n  exclude: [docs/]\n")
    before = config.read_bytes()
    data = _eval_json(repo, "--commits", "2")
    # docs/ is excluded by the user's config: the two docs commits do not qualify
    assert data["commits"] == 2 and data["cutoff"] == cutoff
    assert data["t1"]["queries"] == 4
    assert sorted(p.name for p in (repo.root / ".repomind").iterdir()) == ["config.yaml"]
    assert config.read_bytes() == before
    assert _worktrees(repo) == [str(repo.root.resolve())]


def test_temporary_worktree_holds_the_old_tree_and_goes_away(repo: GitRepo) -> None:
    old = repo.commit("old", {"a.py": "A = 1\n", "b.py": "B = 1\n"})
    repo.commit("new\n\nwith a body", {"a.py": "A = 2\n", "c.py": "C = 2\n"})
    repo.write("a.py", "A = 3  # not committed\n")
    with temporary_worktree(repo.root, old) as tree:
        assert (tree / "a.py").read_text() == "A = 1\n" and not (tree / "c.py").exists()
        assert repo.git("-C", str(tree), "rev-parse", "HEAD").strip() == old
        assert len(_worktrees(repo)) == 2
    assert not tree.exists() and _worktrees(repo) == [str(repo.root.resolve())]
    assert (repo.root / "a.py").read_text() == "A = 3  # not committed\n"
    newest = next(iter(iter_commit_messages(repo.root)))
    assert newest.message == "new\n\nwith a body" and newest.parents == (old,)
    assert sorted(c.path for c in newest.changes) == ["a.py", "c.py"]


def test_a_worktree_left_half_made_is_cleaned_up(repo: GitRepo) -> None:
    old = repo.commit("old", {"a.py": "A = 1\n"})
    with temporary_worktree(repo.root, old) as tree:
        # what a `git worktree add` killed by Ctrl-C leaves: locked, without its .git file
        repo.git("worktree", "lock", "--reason", "initializing", str(tree))
        (tree / ".git").unlink()
    assert not tree.parent.exists()
    assert _worktrees(repo) == [str(repo.root.resolve())]


class _FailDuring:
    """A progress display that raises when indexing reaches a stage (a crash, or Ctrl-C)."""

    def __init__(self, repo: GitRepo, stage: str, exc: BaseException) -> None:
        self.repo, self.stage_name, self.exc = repo, stage, exc
        self.seen: list[str] = []

    def stage(self, name: str, total: int | None = None) -> None:
        if name == self.stage_name:
            self.seen = _worktrees(self.repo)
            raise self.exc

    def advance(self, n: int = 1) -> None:
        pass


@pytest.mark.parametrize("exc", [RuntimeError("boom"), KeyboardInterrupt()])
def test_worktree_is_removed_when_indexing_fails(repo: GitRepo, exc: BaseException) -> None:
    _base(repo)
    _pair_commits(repo, 4)
    progress = _FailDuring(repo, "reading history", exc)
    with pytest.raises(type(exc)):
        evaluate(repo.root, 2, progress=progress)
    assert len(progress.seen) == 2  # the temporary worktree existed while indexing
    temp = Path(progress.seen[1])
    assert not temp.exists() and not temp.parent.exists()
    assert _worktrees(repo) == [str(repo.root.resolve())]
    assert not (repo.root / ".repomind").exists()


def test_json_schema(repo: GitRepo) -> None:
    _base(repo)
    _pair_commits(repo, 4)
    data = _eval_json(repo, "--commits", "3")
    assert set(data) == {"commits", "cutoff", "t1", "t2", "seconds", "index_seconds", "message"}
    assert data["message"] is None and data["seconds"] > 0 and len(data["cutoff"]) == 40
    for task in ("t1", "t2"):
        assert set(data[task]) == {"queries", "repomind", "same_dir", "cochange", "bm25"}
        assert isinstance(data[task]["queries"], int) and data[task]["queries"] > 0
        for name in ("repomind", "cochange", "bm25"):
            metrics = data[task][name]
            assert set(metrics) == {"recall@5", "recall@10", "mrr"}
            assert all(0.0 <= v <= 1.0 for v in metrics.values())
    assert data["t2"]["same_dir"] is None


def test_human_table(repo: GitRepo) -> None:
    _base(repo)
    _pair_commits(repo, 4)
    result = repo.repomind("eval", "--commits", "2")
    assert result.code == 0, result.err
    assert "2 commits replayed" in result.out
    for row in ("repomind", "same-dir", "co-change", "bm25", "T1 R@5", "T2 MRR", "n/a"):
        assert row in result.out


@pytest.mark.parametrize("commits", [0, 1])
def test_nothing_to_learn_from(repo: GitRepo, commits: int) -> None:
    for i in range(commits):
        repo.commit(f"c{i}", {"a.py": f"A = {i}\n", "b.py": f"B = {i}\n"})
    result = repo.repomind("eval")
    assert result.code == 0, result.err
    assert result.out.startswith("nothing to learn from")
    assert len(result.out.strip().splitlines()) == 1
    data = _eval_json(repo)
    assert data["commits"] == 0 and data["cutoff"] is None
    assert data["message"].startswith("nothing to learn from")
    assert data["t1"] == {
        "queries": 0,
        "repomind": None,
        "same_dir": None,
        "cochange": None,
        "bm25": None,
    }
    assert _worktrees(repo) == [str(repo.root.resolve())]


def test_one_usable_commit_is_not_enough(repo: GitRepo) -> None:
    _base(repo)
    _pair_commits(repo, 1)
    report: EvalReport = evaluate(repo.root, 5, rankers={})
    assert report.commits == 0 and report.cutoff is None
    assert report.message is not None and report.message.endswith("found 1")


@pytest.mark.parametrize("value", ["0", "-3"])
def test_bad_commits_is_a_usage_error(repo: GitRepo, value: str) -> None:
    repo.commit("c", {"a.py": "A = 1\n"})
    result = repo.repomind("eval", "--commits", value)
    assert result.code == 2
    assert result.out == ""
    assert result.err.strip() == f"repomind: error: --commits must be at least 1, got {value}"


def _drop_object(repo: GitRepo, spec: str) -> None:
    sha = repo.git("rev-parse", spec).strip()
    obj = repo.root / ".git" / "objects" / sha[:2] / sha[2:]
    obj.chmod(0o644)
    obj.unlink()


def test_missing_file_contents_do_not_stop_eval(repo: GitRepo) -> None:
    """A partial clone (offline) or a damaged store lacks some old contents: eval still runs."""
    body = "\n".join(f"line {i}" for i in range(40)) + "\n"
    _base(repo, {"old.py": body, "data/big.txt": "large v1\n"})
    repo.git("mv", "old.py", "new.py")
    repo.commit("rename and edit", {"new.py": body + "x\n"})
    cutoff = _pair_commits(repo, 3)
    repo.commit("big data and orders", {"data/big.txt": "large v2\n", "app/orders.py": "X = 1\n"})
    _pair_commits(repo, 1, start=3)
    _drop_object(repo, "HEAD~2:data/big.txt")  # in the cutoff's tree: its checkout needs it
    _drop_object(repo, "HEAD~6:old.py")  # only rename detection in the history reads it
    data = _eval_json(repo, "--commits", "2")
    assert data["cutoff"] == cutoff
    assert data["t1"]["queries"] == 2  # data/big.txt is missing at the cutoff: not asked about
    # the history before the cutoff was read: the pair that always moves together is found
    assert data["t1"]["repomind"]["recall@10"] > 0.5
    assert data["t1"]["cochange"]["recall@10"] > 0.5
    assert _worktrees(repo) == [str(repo.root.resolve())]
