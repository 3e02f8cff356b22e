"""`repomind wiki` offline: skeleton pages planned from a real repository's index."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import pytest

from conftest import GitRepo
from repomind.wiki.mermaid import Node, check_flowchart, diagrams_in, flowchart
from repomind.wiki.page import read_page
from repomind.wiki.prose import check_citations, split_reply

MODELS = '''"""Domain models of the shop: carts and their items."""


class Item:
    """One product line in a cart."""

    def __init__(self, sku, price):
        self.sku = sku
        self.price = price


class Cart:
    """A customer's cart; totals are computed on demand."""

    def __init__(self):
        self.items = []

    def total(self):
        return sum(i.price for i in self.items)
'''
STORE = '''"""Persistence of carts."""
from app.core.models import Cart


def load_cart(key):
    """Load a saved cart."""
    return Cart()


def save_cart(cart):
    return cart
'''
EVENTS = '''"""Events published when a cart changes."""
from app.core.models import Cart


def cart_changed(cart: Cart) -> str:
    return "changed"
'''
VIEWS = '''"""HTTP views of the shop."""
from app.core.models import Cart
from app.core.store import load_cart


def show_cart(request):
    """Render the cart page."""
    cart = load_cart(request)
    return render_total(cart)


def render_total(cart: Cart) -> str:
    return str(cart.total())
'''
ROUTES = '''"""URL routes."""
from app.web.views import show_cart

ROUTES = {"/cart": show_cart}
'''
FORMS = '''"""Forms."""
from app.core.models import Item


def parse_item(data) -> Item:
    return Item(data["sku"], data["price"])
'''
CLI = '''"""Command line for shop admins."""
from app.web.routes import ROUTES


def main():
    """Print the routes."""
    print(ROUTES)


def usage() -> str:
    """How to call the command line."""
    return "usage: shop-admin [routes|export|report]"


def dispatch(argv):
    if not argv:
        return usage()
    return main()
'''
EXPORT = '''"""Export carts to CSV."""
from app.core.store import load_cart


def export_csv(key):
    return load_cart(key)
'''
REPORT = '''"""Sales reports."""
from app.core.models import Cart


def daily_report(carts):
    return [c.total() for c in carts]
'''


def _shop(repo: GitRepo) -> GitRepo:
    repo.commit(
        "shop",
        {
            "app/__init__.py": "",
            "app/core/__init__.py": '"""The core of the shop."""\n',
            "app/core/models.py": MODELS,
            "app/core/store.py": STORE,
            "app/core/events.py": EVENTS,
            "app/web/__init__.py": "",
            "app/web/views.py": VIEWS,
            "app/web/routes.py": ROUTES,
            "app/web/forms.py": FORMS,
            "tools/cli.py": CLI,
            "tools/export.py": EXPORT,
            "tools/report.py": REPORT,
            "README.md": "[![Logo](https://x.io/l.png)](https://x.io) ![ci](https://x.io/b.svg)\n"
            "\n# Shop\n\nA tiny web shop used to test the wiki.\n",
        },
    )
    for n in range(3):  # models and store keep changing together
        repo.commit(
            f"tweak {n}",
            {
                "app/core/models.py": MODELS + f"\nVERSION = {n}\n",
                "app/core/store.py": STORE + f"\nSTORE_VERSION = {n}\n",
            },
        )
    return repo


@pytest.fixture(scope="module")
def template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    repo = _shop(GitRepo(tmp_path_factory.mktemp("template") / "shop"))
    assert repo.repomind("index", "-q").code == 0
    return repo.root


@pytest.fixture
def shop(template: Path, tmp_path: Path) -> GitRepo:
    """A copy of the indexed shop (indexing once per module keeps the tests fast)."""
    root = tmp_path / "shop"
    shutil.copytree(template, root, symlinks=True)
    repo = GitRepo(root)
    repo._clock = 1_800_000_000  # later than the template's commits
    return repo


def _wiki(repo: GitRepo, *args: str) -> dict:
    result = repo.repomind("wiki", "--json", *args, env={"ANTHROPIC_API_KEY": ""})
    assert result.code == 0, result.err
    return json.loads(result.out)


def _pages(root: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted((root / ".repomind/wiki").glob("*.md"))}


def test_skeleton_plans_areas_overview_and_index(shop: GitRepo) -> None:
    report = _wiki(shop)
    pages = _pages(shop.root)
    assert set(pages) == {
        "app-core.md",
        "app-web.md",
        "tools.md",
        "overview.md",
        "index.md",
    }
    assert report["generator"] == "skeleton" and report["calls"] == 0
    core = read_page(shop.root / ".repomind/wiki/app-core.md")
    assert core is not None and core.generator == "skeleton"
    assert core.description.startswith("app/core: 4 files — The core of the shop.")
    assert set(core.sources) == {
        "app/core/__init__.py",
        "app/core/models.py",
        "app/core/store.py",
        "app/core/events.py",
    }
    assert all(re.fullmatch(r"[0-9a-f]{12}", h) for h in core.sources.values())
    text = pages["app-core.md"].decode()
    for heading in (
        "## Purpose",
        "## Key files and entry points",
        "## Main flows",
        "## Connections to other areas",
        "## Gotchas",
        "## Dependency diagram",
    ):
        assert heading in text
    # co-change history becomes a gotcha; the web area is linked as a user of the core
    assert "`app/core/models.py` usually changes with `app/core/store.py`" in text or (
        "`app/core/store.py` usually changes with `app/core/models.py`" in text
    )
    assert "[app/web](app-web.md)" in text
    index = pages["index.md"].decode()
    assert "[Overview](overview.md)" in index and "[tools](tools.md)" in index
    overview = pages["overview.md"].decode()
    assert "A tiny web shop used to test the wiki." in overview
    assert "x.io" not in overview.split("\n---\n")[0]  # badges stay out of the summary
    status = json.loads(shop.repomind("status", "--json").out)["wiki"]
    assert status == {
        "pages": 4,
        "prose": 0,
        "skeleton": 4,
        "readonly": 0,
        "batch_pending": None,
    }


def test_every_diagram_is_valid_mermaid(shop: GitRepo) -> None:
    _wiki(shop)
    found = 0
    for name, data in _pages(shop.root).items():
        for diagram in diagrams_in(data.decode()):
            found += 1
            assert check_flowchart(diagram) == [], (name, diagram)
    assert found == 4  # three areas and the overview
    overview = (shop.root / ".repomind/wiki/overview.md").read_text()
    (diagram,) = diagrams_in(overview)
    assert re.search(r'n\d+\["app/web"\]', diagram)
    assert "-->" in diagram


def test_mermaid_checker_rejects_what_mermaid_rejects() -> None:
    good = flowchart(
        [Node("a", 'say "hi" <b>'), Node("end", "end"), Node("c", "#1", "group")],
        [("a", "end", 1.0), ("c", "a", 2.0), ("a", "zzz", 1.0)],
    )
    assert check_flowchart(good) == []
    assert "#quot;" in good and "#lt;" in good and "#35;" in good
    assert check_flowchart("graph XY\n") != []
    assert check_flowchart('flowchart LR\n  end["x"]\n') != []
    assert check_flowchart('flowchart LR\n  a["say "hi""]\n') != []
    assert check_flowchart('flowchart LR\n  a["x"]\n  a --> b\n') != []
    assert check_flowchart('flowchart LR\n  subgraph g["x"]\n  a["y"]\n') != []
    assert check_flowchart("flowchart LR\n  a -> b\n") != []


def test_citations_point_at_real_lines(shop: GitRepo) -> None:
    _wiki(shop)
    cited = 0
    for name, data in _pages(shop.root).items():
        for path, line in re.findall(r"`([\w./-]+\.py):(\d+)`", data.decode()):
            lines = (shop.root / path).read_text().split("\n")
            assert 1 <= int(line) <= len(lines), (name, path, line)
            cited += 1
    assert cited > 10
    core = (shop.root / ".repomind/wiki/app-core.md").read_text()
    (line,) = re.findall(r"class Cart:` `app/core/models.py:(\d+)`", core)
    assert (
        (shop.root / "app/core/models.py")
        .read_text()
        .split("\n")[int(line) - 1]
        .startswith("class Cart")
    )


def test_rerun_is_byte_stable_and_writes_nothing(shop: GitRepo) -> None:
    _wiki(shop)
    before = _pages(shop.root)
    mtimes = {p.name: p.stat().st_mtime_ns for p in (shop.root / ".repomind/wiki").glob("*.md")}
    report = _wiki(shop)
    assert report["written"] == [] and report["fresh"] == 4
    assert _pages(shop.root) == before
    assert mtimes == {
        p.name: p.stat().st_mtime_ns for p in (shop.root / ".repomind/wiki").glob("*.md")
    }
    dry = _wiki(shop, "--dry-run")
    assert dry["to_build"] == []
    shutil.rmtree(shop.root / ".repomind/wiki")
    _wiki(shop)
    assert _pages(shop.root) == before  # same index, same bytes


def test_only_pages_whose_sources_changed_enough_are_rebuilt(shop: GitRepo) -> None:
    _wiki(shop)
    before = _pages(shop.root)
    shop.commit(
        "new helper",
        {"tools/report.py": REPORT + "\n\ndef weekly_report(carts):\n    return carts\n"},
    )
    assert shop.repomind("index", "-q").code == 0
    dry = _wiki(shop, "--dry-run")
    assert [j["page"] for j in dry["to_build"]] == ["tools.md"]
    assert dry["to_build"][0]["reason"].startswith("sources changed")
    report = _wiki(shop)
    assert "tools.md" in report["written"]
    after = _pages(shop.root)
    assert after["app-core.md"] == before["app-core.md"]
    assert after["app-web.md"] == before["app-web.md"]
    assert "weekly_report" in after["tools.md"].decode()


def test_small_change_below_the_threshold_keeps_the_page(shop: GitRepo) -> None:
    (shop.root / ".repomind").mkdir(exist_ok=True)
    (shop.root / ".repomind/config.yaml").write_text("wiki:\n  refresh_threshold: 0.9\n")
    _wiki(shop)
    before = _pages(shop.root)
    shop.commit("tweak events", {"app/core/events.py": EVENTS + "\nX = 1\n"})
    assert shop.repomind("index", "-q").code == 0
    assert _wiki(shop)["written"] == []
    assert _pages(shop.root) == before


def test_human_text_outside_the_block_is_kept_and_readonly_is_respected(shop: GitRepo) -> None:
    _wiki(shop)
    tools = shop.root / ".repomind/wiki/tools.md"
    tools.write_text(tools.read_text() + "\n## Team notes\n\nAsk Ada before touching exports.\n")
    web = shop.root / ".repomind/wiki/app-web.md"
    web.write_text(
        web.read_text().replace('generator: "skeleton"', 'generator: "skeleton"\nreadonly: true')
    )
    locked = web.read_bytes()
    shop.commit(
        "rework",
        {
            "tools/cli.py": CLI + "\n\ndef version():\n    return 2\n",
            "tools/report.py": REPORT + "\n\ndef monthly():\n    return 3\n",
            "app/web/views.py": VIEWS + "\n\ndef about():\n    return 'a'\n",
            "app/web/forms.py": FORMS + "\n\ndef empty():\n    return None\n",
        },
    )
    assert shop.repomind("index", "-q").code == 0
    report = _wiki(shop)
    assert "tools.md" in report["written"] and "app-web.md" not in report["written"]
    text = tools.read_text()
    assert text.endswith("## Team notes\n\nAsk Ada before touching exports.\n")
    assert "def version" in text
    assert web.read_bytes() == locked


def test_area_option_and_unknown_area(shop: GitRepo) -> None:
    report = _wiki(shop, "--area", "tools")
    assert sorted(report["written"]) == ["index.md", "tools.md"]
    result = shop.repomind("wiki", "--area", "nope", env={"ANTHROPIC_API_KEY": ""})
    assert result.code == 2 and "no wiki area 'nope'" in result.err


def test_dry_run_offline_lists_pages_and_writes_nothing(shop: GitRepo) -> None:
    result = shop.repomind("wiki", "--dry-run", env={"ANTHROPIC_API_KEY": ""})
    assert result.code == 0, result.err
    assert "build  app-core.md" in result.out
    assert "no API key: no cost" in result.out
    assert not (shop.root / ".repomind/wiki").exists()


def test_max_pages_caps_the_plan(shop: GitRepo) -> None:
    (shop.root / ".repomind/config.yaml").write_text("wiki:\n  max_pages: 2\n")
    _wiki(shop)
    names = set(_pages(shop.root)) - {"overview.md", "index.md"}
    assert len(names) == 2


def test_area_pages_of_vanished_areas_are_removed(shop: GitRepo) -> None:
    _wiki(shop)
    shop.git("rm", "-q", "-r", "tools")
    shop.commit("drop tools")
    assert shop.repomind("index", "-q").code == 0
    report = _wiki(shop)
    assert report["removed"] == ["tools.md"]
    assert "tools.md" not in _pages(shop.root)


def test_query_and_context_find_wiki_pages(shop: GitRepo) -> None:
    before = json.loads(shop.repomind("query", "cart persistence load_cart", "--json").out)
    _wiki(shop)
    hits = json.loads(shop.repomind("query", "cart persistence load_cart", "--json").out)
    files = [h for h in hits if h.get("kind") != "wiki"]
    assert files == before  # the file ranking `repomind eval` measures is untouched
    wiki = [h for h in hits if h.get("kind") == "wiki"]
    assert files and files[0]["path"] == "app/core/store.py"
    assert wiki and wiki[0]["path"].startswith(".repomind/wiki/")
    assert hits.index(wiki[0]) > hits.index(files[-1])  # appended after the file ranking
    payload = {
        "hook_event_name": "UserPromptSubmit",
        "cwd": str(shop.root),
        "prompt": "fix `load_cart` in app/core/store.py",
    }
    out = shop.repomind("context", stdin=json.dumps(payload)).out
    text = json.loads(out)["hookSpecificOutput"]["additionalContext"]
    assert ".repomind/wiki/app-core.md" in text


def test_damaged_markers_are_reported_not_guessed(shop: GitRepo) -> None:
    _wiki(shop)
    tools = shop.root / ".repomind/wiki/tools.md"
    damaged = tools.read_text().replace("<!-- repomind:end wiki -->", "")
    tools.write_text(damaged)
    shop.commit("rework tools", {"tools/cli.py": CLI + "\n\ndef version():\n    return 2\n"})
    assert shop.repomind("index", "-q").code == 0
    result = shop.repomind("wiki", env={"ANTHROPIC_API_KEY": ""})
    assert result.code == 0
    assert "tools.md not written" in result.err and "markers are damaged" in result.err
    assert tools.read_text() == damaged


def test_citations_are_completed_or_marked_and_replies_split_into_sections() -> None:
    lines = {"src/app/models.py": 40, "src/app/views.py": 10}
    text, seen, bad = check_citations(
        "See `app/models.py:12`, src/app/views.py:3-9, `views.py:11`, `ghost.py:1` and "
        "https://example.com:8080/x.",
        lines,
    )
    assert text == (
        "See `src/app/models.py:12`, src/app/views.py:3-9, `views.py:11` (unverified), "
        "`ghost.py:1` (unverified) and https://example.com:8080/x."
    )
    assert (seen, bad) == (4, 2)
    summary, sections, order = split_reply(
        "```markdown\nSummary: Keeps carts.\n\n## Purpose\nCarts.\n\n## gotchas:\nNone.\n```"
    )
    assert summary == "Keeps carts." and order == ["Purpose", "Gotchas"]
    assert sections == {"Purpose": "Carts.", "Gotchas": "None."}
