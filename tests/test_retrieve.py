"""`repomind related` and `repomind query` through the real CLI on repositories built here."""

from __future__ import annotations

import json

import pytest

from conftest import GitRepo
from repomind.retrieve.query import query_terms
from repomind.retrieve.testpairs import is_test, is_test_pair, subject_stem


def _shop(repo: GitRepo) -> None:
    repo.commit(
        "initial shop",
        {
            "shop/models.py": '"""Domain models."""\n\n\nclass Cart:\n    """A cart."""\n',
            "shop/serializers.py": "from shop.models import Cart\n\n\ndef dump(c: Cart):\n"
            "    return {}\n",
            "shop/pricing.py": '"""Price rules and discount codes."""\n\n\n'
            "def apply_discount(total, code):\n    return total\n",
            "shop/ui/view.py": "def render():\n    return 'ok'\n",
            "tests/test_pricing.py": "from shop.pricing import apply_discount\n\n\n"
            "def test_discount():\n    assert apply_discount(1, 'x') == 1\n",
            "docs/guide.md": "# Guide\n",
        },
    )
    for i in range(4):
        repo.commit(
            f"Add field {i} to the cart model",
            {
                "shop/models.py": f'"""Domain models."""\n\n\nclass Cart:\n    """A cart."""\n'
                f"    f{i} = {i}\n",
                "shop/serializers.py": "from shop.models import Cart\n\n\ndef dump(c: Cart):\n"
                f"    return {{'f{i}': {i}}}\n",
            },
        )
    repo.commit("Tweak the view", {"shop/ui/view.py": "def render():\n    return 'ok!'\n"})


def test_related_ranks_cochange_partner_first_with_reasons(repo: GitRepo) -> None:
    _shop(repo)
    result = repo.repomind("related", "shop/models.py", "--json")
    assert result.code == 0, result.err
    ranked = json.loads(result.out)
    assert ranked[0]["path"] == "shop/serializers.py"
    assert ranked[0]["score"] > 0
    reasons = " ".join(ranked[0]["reasons"])
    assert "changed together in 5 of its 5 commits" in reasons
    assert "imports models.py" in reasons
    scores = [r["score"] for r in ranked]
    assert scores == sorted(scores, reverse=True)


def test_related_finds_test_pair_without_history(repo: GitRepo) -> None:
    _shop(repo)
    ranked = json.loads(repo.repomind("related", "shop/pricing.py", "--json").out)
    assert ranked[0]["path"] == "tests/test_pricing.py"
    assert "test and code pair" in ranked[0]["reasons"]


def test_related_accepts_paths_relative_to_cwd_and_limits(repo: GitRepo) -> None:
    _shop(repo)
    from conftest import run_cli

    result = run_cli("related", "models.py", "-n", "1", "--json", cwd=repo.root / "shop")
    assert result.code == 0, result.err
    ranked = json.loads(result.out)
    assert [r["path"] for r in ranked] == ["shop/serializers.py"]


@pytest.mark.parametrize("path", ["nope.py", "docs/missing file é.md", "../outside.py"])
def test_related_unknown_file_exits_2(repo: GitRepo, path: str) -> None:
    _shop(repo)
    assert repo.repomind("index", "-q").code == 0
    result = repo.repomind("related", path)
    assert result.code == 2
    assert result.err.startswith("repomind: error: ")
    assert len(result.err.strip().splitlines()) == 1


def test_related_deleted_file_exits_2(repo: GitRepo) -> None:
    _shop(repo)
    assert repo.repomind("index", "-q").code == 0
    repo.git("rm", "-q", "shop/ui/view.py")
    repo.commit("remove view")
    assert repo.repomind("index", "-q").code == 0
    result = repo.repomind("related", "shop/ui/view.py")
    assert result.code == 2 and "not an indexed file" in result.err


def test_query_finds_the_file_by_words_names_and_docstrings(repo: GitRepo) -> None:
    _shop(repo)
    ranked = json.loads(repo.repomind("query", "apply a discount code to the price", "--json").out)
    assert ranked[0]["path"] == "shop/pricing.py"
    assert {"name": "apply_discount", "kind": "function", "line": 4} in ranked[0]["symbols"]
    named = json.loads(repo.repomind("query", "bug in `dump` output", "--json").out)
    assert named[0]["path"] == "shop/serializers.py"
    by_path = json.loads(repo.repomind("query", "render in shop/ui/view.py is wrong", "--json").out)
    assert by_path[0]["path"] == "shop/ui/view.py"
    assert "named in the task" in by_path[0]["reasons"]


def test_query_uses_past_commit_messages(repo: GitRepo) -> None:
    _shop(repo)
    ranked = json.loads(repo.repomind("query", "add another field to the cart", "--json").out)
    paths = [r["path"] for r in ranked[:2]]
    assert set(paths) == {"shop/models.py", "shop/serializers.py"}


@pytest.mark.parametrize("text", ["", "   ", "\n"])
def test_empty_query_exits_2(repo: GitRepo, text: str) -> None:
    _shop(repo)
    assert repo.repomind("index", "-q").code == 0
    result = repo.repomind("query", text)
    assert result.code == 2 and "query is empty" in result.err


@pytest.mark.parametrize(
    "text",
    ["修复购物车的折扣计算", "скидка не применяется", '"unbalanced quote AND OR NOT (', "* NEAR ^"],
)
def test_query_in_any_script_or_syntax_never_fails(repo: GitRepo, text: str) -> None:
    _shop(repo)
    result = repo.repomind("query", text, "--json")
    assert result.code == 0, result.err
    assert isinstance(json.loads(result.out), list)


def test_huge_query_is_bounded(repo: GitRepo) -> None:
    _shop(repo)
    text = ("discount " + "lorem ipsum dolor " * 60_000)[:1_000_000]
    result = repo.repomind("query", "-", "--json", stdin=text)
    assert result.code == 0, result.err
    assert json.loads(result.out)[0]["path"] == "shop/pricing.py"


def test_query_builds_the_index_when_missing(repo: GitRepo) -> None:
    _shop(repo)
    result = repo.repomind("query", "discount", "--json")
    assert result.code == 0
    assert "building the index first" in result.err
    assert (repo.root / ".repomind" / "cache" / "index.sqlite").exists()


def test_repo_without_history_still_answers(repo: GitRepo) -> None:
    repo.write("a.py", "from b import helper\n\n\ndef main():\n    helper()\n")
    repo.write("b.py", "def helper():\n    pass\n")
    ranked = json.loads(repo.repomind("related", "a.py", "--json").out)
    assert ranked[0]["path"] == "b.py"


def test_query_terms_split_identifiers_and_drop_noise() -> None:
    terms = query_terms("Fix the HTTPClient retry_policy in src/net/client.py when it is slow")
    for word in ("fix", "httpclient", "http", "client", "retry", "policy", "src", "net", "slow"):
        assert word in terms
    for noise in ("the", "in", "when", "it", "is"):
        assert noise not in terms


@pytest.mark.parametrize(
    ("test", "code"),
    [
        ("tests/test_http_client.py", "src/http_client.py"),
        ("pkg/client_test.go", "pkg/client.go"),
        ("src/Button.test.tsx", "src/Button.tsx"),
        ("src/test/java/com/x/ParserTest.java", "src/main/java/com/x/Parser.java"),
        ("spec/models/user_spec.rb", "app/models/user.rb"),
    ],
)
def test_test_pairs(test: str, code: str) -> None:
    assert is_test(test) and not is_test(code)
    assert is_test_pair(test, code) and is_test_pair(code, test)
    assert subject_stem(test) == subject_stem(code)
    assert not is_test_pair(code, code)


def test_query_with_overloaded_names_on_one_line(repo: GitRepo) -> None:
    repo.commit(
        "overloads",
        {
            "a.ts": "export function parse(a: string): string;\n"
            "export function parse(a: any) { return a; }\n"
            "export const parse_x = 1, parse_y = 2;\n"
        },
    )
    ranked = json.loads(repo.repomind("query", "parse x y", "--json").out)
    assert ranked[0]["path"] == "a.ts"


def test_related_content_counts_how_often_the_file_words_recur(repo: GitRepo) -> None:
    """The content signal: a candidate repeating the file's frequent words ranks first, even
    without history, imports or a shared name; the file is read from the work tree."""
    from repomind.layout import Layout
    from repomind.retrieve.related import _candidates, related_files
    from repomind.store import Store

    files = {
        "lib/download.js": "function download(res, file) {\n"
        + "  res.attachment(file); res.download(file); // download attachment\n" * 6
        + "}\n",
        "test/alpha.js": "describe('alpha', () => {\n"
        + "  it('sends a download attachment', () => { res.download('a'); });\n" * 8
        + "});\n",
        "test/beta.js": "describe('beta', () => {\n"
        + "  it('renders the page title', () => { render(view, title, page); });\n" * 8
        + "  it('once', () => download());\n});\n",
    }
    for i in range(6):  # unrelated files, so that the words above are rare in the repository
        files[f"src/other{i}.js"] = f"function other{i}(x) {{ return x + {i}; }}\n"
    repo.commit("initial", files)
    assert repo.repomind("index", "-q").code == 0
    store = Store.open(Layout(repo.root).index_db, readonly=True)
    try:
        indexed = set(store.indexed_paths())
        found = _candidates(store, "lib/download.js", indexed)
        features = {p: c.features for p, c in found.items()}
        assert features["test/alpha.js"]["content"] > features["test/beta.js"].get("content", 0)
        ranked = related_files(store, "lib/download.js")
        assert ranked[0].path == "test/alpha.js"
        assert "says the same words" in ranked[0].reasons
    finally:
        store.close()


def test_related_knows_what_agent_sessions_edited_together(repo: GitRepo) -> None:
    from repomind.memory.lessons import Entry, LessonFile, write_lessons

    _shop(repo)
    before = json.loads(repo.repomind("related", "shop/pricing.py", "--json").out)
    assert "docs/guide.md" not in [r["path"] for r in before[:2]]

    def coedit(files: tuple[str, ...], seen: int, stale: str = "") -> Entry:
        topic = "cochange:" + "+".join(files)
        text = f"`{files[0]}` and `{files[1]}` were edited together for one task."
        return Entry(
            topic, "cochange", topic, text, "Files edited together", files, seen=seen, stale=stale
        )

    lessons = LessonFile(
        [
            coedit(("docs/guide.md", "shop/pricing.py"), 2),
            coedit(("shop/pricing.py", "shop/ui/view.py"), 3, stale="a file is gone"),
            coedit(("shop/gone.py", "shop/pricing.py"), 2),  # not in the index: never offered
        ]
    )
    write_lessons(repo.root / ".repomind" / "memory" / "lessons.md", lessons)
    after = json.loads(repo.repomind("related", "shop/pricing.py", "--json").out)
    assert after[0]["path"] in ("docs/guide.md", "tests/test_pricing.py")
    guide = next(r for r in after if r["path"] == "docs/guide.md")
    assert "edited together in 2 agent sessions" in guide["reasons"]
    assert guide["score"] > next(r["score"] for r in before if r["path"] == "docs/guide.md")
    view = next((r for r in after if r["path"] == "shop/ui/view.py"), None)
    assert view is None or not any("agent session" in x for x in view["reasons"])
    assert "shop/gone.py" not in [r["path"] for r in after]
