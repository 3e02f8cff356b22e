"""`repomind export`: managed blocks in the agents' rule files, human text provably untouched."""

from __future__ import annotations

import os

import pytest
import yaml

from conftest import GitRepo
from repomind.memory.document import split_frontmatter

HUMAN = "# Project rules\n\nAlways be kind to the parser.\n"


def _project(repo: GitRepo) -> None:
    repo.commit(
        "init",
        {
            "Makefile": "test:\n\tpytest -q\n\nlint:\n\truff check .\n",
            "app/core.py": "def run():\n    return 1\n",
            "app/api.py": "from app.core import run\n\n\ndef serve():\n    return run()\n",
        },
    )
    for i in range(4):
        repo.commit(
            f"change {i}",
            {"app/core.py": f"def run():\n    return {i}\n", "app/api.py": f"# {i}\n"},
        )
    assert repo.repomind("index", "-q").code == 0


def test_creates_agents_md_with_commands_and_cochange(repo: GitRepo) -> None:
    _project(repo)
    result = repo.repomind("export")
    assert result.code == 0, result.err
    assert "created      AGENTS.md" in result.out
    text = (repo.root / "AGENTS.md").read_text()
    assert text.startswith("<!-- repomind:begin rules -->\n")
    assert "- test: `make test`" in text and "- lint: `make lint`" in text
    assert "`app/api.py` → `app/core.py`" in text or "`app/core.py` → `app/api.py`" in text
    assert "repomind query" in text
    assert not (repo.root / "CLAUDE.md").exists()  # no sign of Claude Code: not created


def test_human_text_is_kept_byte_for_byte_and_rerun_is_stable(repo: GitRepo) -> None:
    _project(repo)
    before = "# Rules\r\n\r\nDo not touch `legacy/`.\r\n"
    tail = "\r\n## Human section after the block\r\nkeep me\r\n"
    (repo.root / "AGENTS.md").write_bytes(b"\xef\xbb\xbf" + before.encode())
    assert repo.repomind("export", "-q").code == 0
    data = (repo.root / "AGENTS.md").read_bytes()
    assert data.startswith(b"\xef\xbb\xbf" + before.encode())  # BOM and CRLF kept
    assert b"\n" not in data.replace(b"\r\n", b"")  # every line still CRLF
    (repo.root / "AGENTS.md").write_bytes(data + tail.encode())
    assert repo.repomind("export", "-q").code == 0
    again = (repo.root / "AGENTS.md").read_bytes()
    assert again == data + tail.encode()
    assert repo.repomind("export", "--check").code == 0


def test_check_and_dry_run_write_nothing(repo: GitRepo) -> None:
    _project(repo)
    (repo.root / "AGENTS.md").write_text(HUMAN)
    check = repo.repomind("export", "--check")
    assert check.code == 1
    assert "stale rule files: AGENTS.md" in check.err
    dry = repo.repomind("export", "--dry-run")
    assert dry.code == 0
    assert "+<!-- repomind:begin rules -->" in dry.out and "--- a/AGENTS.md" in dry.out
    assert (repo.root / "AGENTS.md").read_text() == HUMAN
    assert repo.repomind("export", "-q").code == 0
    assert repo.repomind("export", "--check").code == 0
    repo.commit("new command", {"justfile": "fmt:\n    ruff format .\n"})
    assert repo.repomind("index", "-q").code == 0
    assert repo.repomind("export", "--check").code == 1


def test_damaged_markers_are_an_error_and_the_file_is_untouched(repo: GitRepo) -> None:
    _project(repo)
    damaged = HUMAN + "<!-- repomind:begin rules -->\nhalf a block\n"
    (repo.root / "AGENTS.md").write_text(damaged)
    result = repo.repomind("export")
    assert result.code == 1
    assert "AGENTS.md: the repomind:rules markers are damaged" in result.err
    assert (repo.root / "AGENTS.md").read_text() == damaged


def test_claude_md_that_imports_agents_md_is_respected(repo: GitRepo) -> None:
    _project(repo)
    (repo.root / "CLAUDE.md").write_text("@AGENTS.md\n\nClaude-only notes.\n")
    result = repo.repomind("export")
    assert result.code == 0
    assert "skipped      CLAUDE.md (imports AGENTS.md" in result.out
    assert (repo.root / "CLAUDE.md").read_text() == "@AGENTS.md\n\nClaude-only notes.\n"
    assert "repomind:begin rules" in (repo.root / "AGENTS.md").read_text()


def test_claude_md_symlink_is_not_duplicated(repo: GitRepo) -> None:
    _project(repo)
    (repo.root / "AGENTS.md").write_text(HUMAN)
    os.symlink("AGENTS.md", repo.root / "CLAUDE.md")
    result = repo.repomind("export", "-t", "agents", "-t", "claude")
    assert result.code == 0
    assert "skipped      CLAUDE.md (a symlink to AGENTS.md" in result.out
    assert (repo.root / "CLAUDE.md").is_symlink()
    assert (repo.root / "AGENTS.md").read_text().count("repomind:begin rules") == 1


def test_cursor_and_copilot_formats_and_budgets(repo: GitRepo) -> None:
    _project(repo)
    (repo.root / ".cursor").mkdir()
    (repo.root / ".github").mkdir()
    (repo.root / ".github" / "copilot-instructions.md").write_text(HUMAN)
    assert repo.repomind("export", "-q").code == 0
    mdc = (repo.root / ".cursor" / "rules" / "repomind.mdc").read_text()
    front = split_frontmatter(mdc)
    assert front.fields["alwaysApply"] is True and "description" in front.fields
    assert yaml.safe_load(mdc.split("---")[1])["alwaysApply"] is True
    copilot = (repo.root / ".github" / "copilot-instructions.md").read_text()
    assert copilot.startswith(HUMAN)
    assert len(copilot) - len(HUMAN) <= 4000 + 80


def test_non_utf8_rule_file_is_left_alone(repo: GitRepo) -> None:
    _project(repo)
    latin = "# R\xe8gles\n".encode("latin-1")
    (repo.root / "AGENTS.md").write_bytes(latin)
    result = repo.repomind("export")
    assert result.code == 1
    assert "AGENTS.md: not UTF-8 text" in result.err
    assert (repo.root / "AGENTS.md").read_bytes() == latin


@pytest.mark.skipif(os.geteuid() == 0, reason="root ignores file permissions")
def test_read_only_rule_file_is_reported(repo: GitRepo) -> None:
    _project(repo)
    (repo.root / "AGENTS.md").write_text(HUMAN)
    os.chmod(repo.root / "AGENTS.md", 0o444)
    result = repo.repomind("export")
    assert result.code == 1 and "read-only" in result.err
    assert (repo.root / "AGENTS.md").read_text() == HUMAN


def test_unknown_target_is_a_usage_error(repo: GitRepo) -> None:
    _project(repo)
    result = repo.repomind("export", "-t", "emacs")
    assert result.code == 2 and "unknown export target emacs" in result.err


def test_path_scoped_rules_for_areas_with_their_own_couplings(repo: GitRepo) -> None:
    files = {f"src/api/m{i}.py": "x = 0\n" for i in range(6)}
    files |= {f"docs/p{i}.md": "# p\n" for i in range(6)}
    repo.commit("init", files)
    for n in range(4):
        repo.commit(f"api {n}", {f"src/api/m{i}.py": f"x = {n}\n" for i in range(6)})
        repo.commit(f"docs {n}", {f"docs/p{i}.md": f"# p{n}\n" for i in range(6)})
    assert repo.repomind("index", "-q").code == 0
    (repo.root / ".cursor").mkdir()
    (repo.root / ".claude" / "rules").mkdir(parents=True)
    human = repo.root / ".claude" / "rules" / "mine.md"
    human.write_text("---\npaths:\n  - src/**\n---\nmine\n")
    stale = repo.root / ".claude" / "rules" / "repomind-gone.md"
    stale.write_text("<!-- repomind:begin rules -->\nold\n<!-- repomind:end rules -->\n")
    result = repo.repomind("export", "-t", "claude", "-t", "cursor", "-t", "copilot")
    assert result.code == 0, result.err
    claude = (repo.root / ".claude" / "rules" / "repomind-src-api.md").read_text()
    assert split_frontmatter(claude).fields == {"paths": ["src/api/**"]}
    assert "`src/api/m" in claude and "docs/" not in claude.split("---")[2]
    cursor = split_frontmatter((repo.root / ".cursor/rules/repomind-docs.mdc").read_text()).fields
    assert cursor["globs"] == "docs/**" and cursor["alwaysApply"] is False
    copilot = (repo.root / ".github/instructions/repomind-src-api.instructions.md").read_text()
    assert split_frontmatter(copilot).fields == {"applyTo": "src/api/**"}
    assert not stale.exists() and "removed      .claude/rules/repomind-gone.md" in result.out
    assert human.read_text() == "---\npaths:\n  - src/**\n---\nmine\n"
    assert (
        repo.repomind("export", "--check", "-t", "claude", "-t", "cursor", "-t", "copilot").code
        == 0
    )


def test_init_detects_or_takes_the_agents_and_can_install_hooks(repo: GitRepo) -> None:
    repo.commit("init", {"a.py": "x = 1\n", "CLAUDE.md": "# notes\n"})
    result = repo.repomind("init", "--hooks")
    assert result.code == 0, result.err
    assert "rule files for: agents, claude (detected" in result.out
    config = yaml.safe_load((repo.root / ".repomind" / "config.yaml").read_text())
    assert config["export"]["targets"] == ["agents", "claude"]
    assert (repo.root / ".git" / "hooks" / "post-commit").exists()
    assert (repo.root / ".claude" / "settings.local.json").exists()
    other = GitRepo(repo.root.parent / "other")
    other.commit("init", {"a.py": "x = 1\n"})
    assert other.repomind("init", "--agents", "cursor,copilot").code == 0
    config = yaml.safe_load((other.root / ".repomind" / "config.yaml").read_text())
    assert config["export"]["targets"] == ["cursor", "copilot"]
    bad = GitRepo(repo.root.parent / "bad")
    assert bad.repomind("init", "--agents", "vim").code == 2


def test_agents_may_be_named_instead_of_their_files(repo: GitRepo) -> None:
    _project(repo)
    result = repo.repomind("init", "--agents", "codex, Claude-Code")
    assert result.code == 0, result.err
    assert repo.repomind("export", "-t", "Codex").code == 0
    assert "<!-- repomind:begin" in (repo.root / "AGENTS.md").read_text()
    assert repo.repomind("export").code == 0  # the config names canonical targets
    assert "<!-- repomind:begin" in (repo.root / "CLAUDE.md").read_text()
    assert not (repo.root / "GEMINI.md").exists()
