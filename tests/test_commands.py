"""Tests for repomind.commands: commands, conventions and frameworks from real-looking repos."""

from __future__ import annotations

import json
import os
import random
import textwrap
from pathlib import Path

import pytest

from repomind.commands import MAX_PER_KIND, Command, ProjectFacts, detect_project

Tree = dict[str, str | bytes]


def write_tree(root: Path, tree: Tree) -> list[str]:
    for rel, content in tree.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(textwrap.dedent(content), encoding="utf-8")
    return sorted(tree)


def detect(root: Path, tree: Tree, languages: dict[str, int] | None = None) -> ProjectFacts:
    return detect_project(root, write_tree(root, tree), languages)


def workflow(*steps: str) -> str:
    """A one-job GitHub workflow; step N is on line 3 + N."""
    return "jobs:\n  j:\n    steps:\n" + "".join(f"      {step}\n" for step in steps)


def rows(facts: ProjectFacts, kind: str | None = None) -> list[tuple[str, str, str]]:
    return [(c.kind, c.command, c.source) for c in facts.commands if kind in (None, c.kind)]


def cmds(facts: ProjectFacts, kind: str) -> list[str]:
    return [c.command for c in facts.commands if c.kind == kind]


def find(facts: ProjectFacts, command: str) -> Command:
    matches = [c for c in facts.commands if c.command == command]
    assert len(matches) == 1, (command, facts.commands)
    return matches[0]


# ---------------------------------------------------------------------------
# Python: Makefile + pyproject (ruff, pytest, mypy) + CI
# ---------------------------------------------------------------------------

PY_MAKEFILE = """\
.PHONY: install test lint fmt typecheck

PY ?= python

install:
\tuv sync

test:  ## run tests
\t@uv run pytest -q

lint:
\tuv run ruff check .
\tuv run ruff format --check .

fmt:
\tuv run ruff format .

typecheck:
\tuv run mypy

check: lint typecheck test

docs/index.html: docs/intro.md
\tsphinx-build docs out
"""

PY_PYPROJECT = """\
[build-system]
requires = ["hatchling"]
build-backend = "hatchling.build"

[project]
name = "demo"
requires-python = ">=3.11"
dependencies = ["fastapi>=0.110", "pydantic"]

[project.optional-dependencies]
test = ["pytest>=8"]

[project.scripts]
demo = "demo.cli:main"

[tool.ruff]
line-length = 100

[tool.ruff.format]
quote-style = "double"

[tool.pytest.ini_options]
testpaths = ["tests"]
addopts = "-q"

[tool.mypy]
strict = true
files = ["src"]
"""

PY_CI = """\
name: CI
on: [push]
jobs:
  test:
    runs-on: ubuntu-latest
    steps:
      - uses: actions/checkout@v4
      - uses: astral-sh/setup-uv@v3
      - run: uv sync --frozen
      - name: Lint
        run: make lint
      - name: Tests
        run: |
          echo "running"
          uv run pytest -q --cov=src
      - run: uv run mypy
      - run: uv build
"""

PY_TREE: Tree = {
    "Makefile": PY_MAKEFILE,
    "pyproject.toml": PY_PYPROJECT,
    "uv.lock": "version = 1\n",
    ".github/workflows/ci.yml": PY_CI,
    "src/demo/__init__.py": "",
    "src/demo/cli.py": "",
    "tests/test_cli.py": "",
}


def test_python_project_commands_sources_and_ranking(tmp_path: Path) -> None:
    facts = detect(tmp_path, PY_TREE)
    assert rows(facts) == [
        ("build", "uv build", "pyproject.toml#build-system"),
        ("test", "make test", "Makefile:8"),
        ("test", "make check", "Makefile:21"),
        ("test", "uv run pytest", "pyproject.toml#tool.pytest"),
        ("lint", "make lint", "Makefile:11"),
        ("lint", "uv run ruff check .", "pyproject.toml#tool.ruff"),
        ("format", "make fmt", "Makefile:15"),
        ("format", "uv run ruff format .", "pyproject.toml#tool.ruff"),
        ("typecheck", "make typecheck", "Makefile:18"),
        ("typecheck", "uv run mypy", "pyproject.toml#tool.mypy"),
        ("run", "uv run demo", "pyproject.toml#project.scripts.demo"),
        ("install", "make install", "Makefile:5"),
        ("install", "uv sync", "uv.lock"),
    ]


def test_python_project_details_record_recipes_and_ci_confirmation(tmp_path: Path) -> None:
    facts = detect(tmp_path, PY_TREE)
    assert find(facts, "make test").detail == "runs: uv run pytest -q"
    assert find(facts, "make check").detail == "runs: make lint typecheck test"
    assert find(facts, "make lint").detail == (
        "runs: uv run ruff check .; also in CI (.github/workflows/ci.yml:11)"
    )
    # CI ran pytest with extra flags: folded into the manifest command, CI spelling kept.
    assert find(facts, "uv run pytest").detail == (
        "testpaths: tests; addopts: -q; also in CI (.github/workflows/ci.yml:15)"
        " as: uv run pytest -q --cov=src"
    )
    assert find(facts, "uv run mypy").detail == (
        "checks: src; strict; also in CI (.github/workflows/ci.yml:16)"
    )
    assert find(facts, "uv build").detail == "also in CI (.github/workflows/ci.yml:17)"
    assert find(facts, "uv sync").detail == (
        "also in CI (.github/workflows/ci.yml:9) as: uv sync --frozen"
    )
    assert find(facts, "uv run demo").detail == "entry point: demo.cli:main"
    # no duplicate CI-only entries for commands already known from manifests
    assert not [c for c in facts.commands if c.source.startswith(".github/")]


def test_python_project_conventions_frameworks_managers(tmp_path: Path) -> None:
    facts = detect(tmp_path, PY_TREE)
    assert facts.conventions == (
        "Python >=3.11 (requires-python)",
        "src/ layout: Python packages live under src/",
        "Python tests: tests/ with test_*.py files",
        "formatter: ruff",
        "linter: ruff",
        "type checker: mypy (strict)",
        "line length 100 (ruff)",
        "uv.lock is committed: use uv, not pip; keep it in sync",
    )
    assert facts.frameworks == ("fastapi", "pydantic", "pytest")
    assert facts.package_managers == ("uv",)
    assert facts.languages == (("python", 3),)
    assert facts.warnings == ()


def test_ruff_format_only_when_configured_or_used(tmp_path: Path) -> None:
    tree: Tree = {
        "pyproject.toml": '[project]\nname = "x"\n[tool.ruff]\nline-length = 90\n',
    }
    assert cmds(detect(tmp_path / "a", tree), "format") == []
    used_in_ci: Tree = {
        **tree,
        ".github/workflows/lint.yml": workflow("- run: ruff format --check ."),
    }
    facts = detect(tmp_path / "b", used_in_ci)
    assert rows(facts, "format") == [("format", "ruff format .", "pyproject.toml#tool.ruff")]
    assert find(facts, "ruff format .").detail == (
        "also in CI (.github/workflows/lint.yml:4) as: ruff format --check ."
    )


# ---------------------------------------------------------------------------
# hatch, tox, nox, poetry, pdm
# ---------------------------------------------------------------------------

HATCH_PYPROJECT = """\
[build-system]
requires = ["hatchling"]
build-backend = "hatchling.build"

[project]
name = "pkg"
requires-python = ">=3.9"
dependencies = ["click"]

[tool.hatch.envs.default]
dependencies = ["pytest", "pytest-cov"]

[tool.hatch.envs.default.scripts]
test = "pytest {args:tests}"
cov = ["test-cov", "cov-report"]

[tool.hatch.envs.lint]
detached = true
dependencies = ["black", "mypy"]

[tool.hatch.envs.lint.scripts]
typing = "mypy --install-types src/pkg"
style = ["black --check --diff {args:.}"]
check = ["style", "typing"]
fmt = "black {args:.}"

[tool.black]
line-length = 120
"""


def test_hatch_env_scripts(tmp_path: Path) -> None:
    facts = detect(
        tmp_path,
        {"pyproject.toml": HATCH_PYPROJECT, "src/pkg/__init__.py": "", "tests/test_a.py": ""},
    )
    assert rows(facts) == [
        ("build", "hatch build", "pyproject.toml#build-system"),
        ("test", "hatch run test", "pyproject.toml#tool.hatch.envs.default.scripts.test"),
        ("test", "hatch run cov", "pyproject.toml#tool.hatch.envs.default.scripts.cov"),
        # pytest lives in hatch's default env, so it is run through hatch
        ("test", "hatch run pytest", "pyproject.toml#tool.hatch.envs.default"),
        # a weak name ("check") in the lint env is a lint command
        ("lint", "hatch run lint:check", "pyproject.toml#tool.hatch.envs.lint.scripts.check"),
        ("lint", "hatch run lint:style", "pyproject.toml#tool.hatch.envs.lint.scripts.style"),
        ("format", "hatch run lint:fmt", "pyproject.toml#tool.hatch.envs.lint.scripts.fmt"),
        ("format", "hatch run lint:black .", "pyproject.toml#tool.black"),
        (
            "typecheck",
            "hatch run lint:typing",
            "pyproject.toml#tool.hatch.envs.lint.scripts.typing",
        ),
        ("install", "hatch env create", "pyproject.toml#tool.hatch.envs"),
    ]
    assert find(facts, "hatch run test").detail == "runs: pytest {args:tests}"
    assert find(facts, "hatch run lint:check").detail == "runs: style; typing"
    assert facts.package_managers == ("hatch",)
    assert "line length 120 (black)" in facts.conventions
    assert "formatter: black" in facts.conventions


TOX_TREE: Tree = {
    "tox.ini": """\
    [tox]
    envlist = py{310,311}, lint, type
    isolated_build = true

    [testenv]
    deps = pytest
    commands = pytest {posargs:tests}

    [testenv:lint]
    skip_install = true
    deps = flake8
    commands = flake8 src tests

    [testenv:type]
    deps = mypy
    commands = mypy src

    [testenv:docs]
    commands = sphinx-build docs docs/_build

    [flake8]
    max-line-length = 88
    """,
    "setup.cfg": """\
    [metadata]
    name = thing

    [options]
    install_requires =
        requests
        flask>=2

    [tool:pytest]
    addopts = -ra
    """,
    "setup.py": "from setuptools import setup\nsetup()\n",
    "requirements.txt": "flask\n",
    "noxfile.py": """\
    import nox

    @nox.session(python=["3.11", "3.12"])
    def tests(session):
        session.install("-e", ".")
        session.run("pytest", "-q", *session.posargs)


    @nox.session(name="lint-all")
    def lint(session):
        session.run("ruff", "check", ".")
    """,
    ".github/workflows/test.yaml": """\
    on: push
    jobs:
      t:
        steps:
          - run: pip install tox
          - run: tox -e lint
          - run: |
              python -m pip install nox
              nox -s tests
          - run: tox -e ${{ matrix.env }}
    """,
    "thing/__init__.py": "",
    "tests/test_thing.py": "",
}


def test_tox_nox_setup_cfg(tmp_path: Path) -> None:
    facts = detect(tmp_path, TOX_TREE)
    assert rows(facts) == [
        ("build", "python -m build", "setup.py"),
        ("test", "nox -s tests", "noxfile.py:3"),
        ("test", "tox -e py310", "tox.ini:2"),
        ("test", "tox -e py311", "tox.ini:2"),
        ("test", "pytest", "setup.cfg:9"),
        ("lint", "tox -e lint", "tox.ini:9"),
        ("lint", "nox -s lint-all", "noxfile.py:9"),
        ("lint", "flake8", "tox.ini:21"),
        ("typecheck", "tox -e type", "tox.ini:14"),
        ("install", "pip install -r requirements.txt", "requirements.txt"),
        ("install", "pip install -e .", "setup.py"),
        ("other", "tox -e docs", "tox.ini:18"),
    ]
    assert find(facts, "tox -e py311").detail == "runs: pytest {posargs:tests}"
    assert find(facts, "tox -e lint").detail == (
        "runs: flake8 src tests; also in CI (.github/workflows/test.yaml:6)"
    )
    assert find(facts, "nox -s tests").detail == (
        "runs: pytest -q; also in CI (.github/workflows/test.yaml:9)"
    )
    assert find(facts, "nox -s lint-all").detail == "runs: ruff check ."
    assert facts.frameworks == ("flask", "pytest")
    assert "line length 88 (flake8)" in facts.conventions
    assert facts.package_managers == ("pip",)


def test_native_tox_toml_in_pyproject(tmp_path: Path) -> None:
    facts = detect(
        tmp_path,
        {
            "pyproject.toml": """\
            [project]
            name = "n"
            [tool.tox]
            env_list = ["3.12", "lint"]
            [tool.tox.env_run_base]
            commands = [["pytest", "-x"]]
            [tool.tox.env.lint]
            commands = [["ruff", "check", "."]]
            """,
        },
    )
    assert find(facts, "tox -e lint") == Command(
        "lint", "tox -e lint", "pyproject.toml#tool.tox.env.lint", "runs: ruff check ."
    )
    assert find(facts, "tox -e 3.12").detail == "runs: pytest -x"


def test_poetry_with_poe_tasks_and_django(tmp_path: Path) -> None:
    facts = detect(
        tmp_path,
        {
            "pyproject.toml": """\
            [tool.poetry]
            name = "p"
            [tool.poetry.dependencies]
            python = "^3.10"
            django = "^5"
            [tool.poetry.group.dev.dependencies]
            pytest = "*"
            [tool.poetry.scripts]
            p = "p.cli:app"
            [tool.poe.tasks]
            test = "pytest"
            lint = { cmd = "ruff check ." }
            _hidden = "x"
            [tool.isort]
            profile = "black"
            [tool.commitizen]
            name = "cz_conventional_commits"
            [build-system]
            requires = ["poetry-core"]
            build-backend = "poetry.core.masonry.api"
            """,
            "poetry.lock": "",
            "manage.py": "",
            "p/__init__.py": "",
        },
    )
    assert rows(facts) == [
        ("build", "poetry build", "pyproject.toml#build-system"),
        ("test", "poetry run poe test", "pyproject.toml#tool.poe.tasks.test"),
        ("lint", "poetry run poe lint", "pyproject.toml#tool.poe.tasks.lint"),
        ("format", "poetry run isort .", "pyproject.toml#tool.isort"),
        ("run", "poetry run python manage.py runserver", "manage.py"),
        ("run", "poetry run p", "pyproject.toml#tool.poetry.scripts.p"),
        ("install", "poetry install", "poetry.lock"),
    ]
    assert facts.package_managers == ("poetry",)
    assert facts.frameworks == ("django", "pytest")
    assert "Python ^3.10 (tool.poetry.dependencies)" in facts.conventions
    assert "commit messages: Conventional Commits (commitizen)" in facts.conventions
    assert "poetry.lock is committed: use poetry, not pip; keep it in sync" in facts.conventions


def test_pdm_scripts_skip_hooks_and_shared_options(tmp_path: Path) -> None:
    facts = detect(
        tmp_path,
        {
            "pyproject.toml": """\
            [project]
            name = "q"
            dependencies = ["flask"]
            [tool.pdm.scripts]
            _.env_file = ".env"
            start = "flask run"
            test = {cmd = "pytest -x"}
            pre_test = "echo"
            lint = {composite = ["ruff check .", "mypy src"]}
            """,
            "pdm.lock": "",
        },
    )
    assert [(c.kind, c.command, c.detail) for c in facts.commands] == [
        ("test", "pdm run test", "runs: pytest -x"),
        ("lint", "pdm run lint", "runs: ruff check .; mypy src"),
        ("run", "pdm run start", "runs: flask run"),
        ("install", "pdm install", ""),
    ]


# ---------------------------------------------------------------------------
# JavaScript / TypeScript
# ---------------------------------------------------------------------------

PNPM_TREE: Tree = {
    "package.json": json.dumps(
        {
            "name": "mono",
            "private": True,
            "packageManager": "pnpm@9.1.0",
            "engines": {"node": ">=20"},
            "scripts": {
                "build": "turbo run build",
                "test": "turbo run test",
                "lint": "eslint .",
                "format": "prettier --write .",
                "typecheck": "tsc -b --noEmit",
                "dev": "turbo run dev",
                "prepare": "husky",
                "pretest": "echo pre",
                "release": "changeset publish",
            },
            "devDependencies": {"typescript": "^5", "eslint": "^9", "prettier": "^3"},
        },
        indent=2,
    ),
    "pnpm-lock.yaml": "lockfileVersion: '9.0'\n",
    "pnpm-workspace.yaml": "packages:\n  - 'packages/*'\n  - 'apps/*'\n  - '!packages/legacy'\n",
    "packages/ui/package.json": json.dumps(
        {
            "name": "@mono/ui",
            "scripts": {"test": "vitest run", "build": "tsup", "lint": "eslint src"},
            "dependencies": {"react": "^18"},
            "devDependencies": {"vitest": "^1"},
        }
    ),
    "packages/legacy/package.json": json.dumps({"name": "legacy", "scripts": {"test": "jest"}}),
    "apps/web/package.json": json.dumps(
        {
            "name": "web",
            "scripts": {"dev": "next dev", "build": "next build", "start": "next start"},
            "dependencies": {"next": "14", "react": "18"},
        }
    ),
    "packages/ui/src/button.test.tsx": "",
    "packages/ui/src/button.tsx": "",
    "apps/web/app/page.tsx": "",
    "tsconfig.json": '{\n  // JSONC\n  "compilerOptions": {"strict": true}\n}\n',
    "eslint.config.js": "export default []\n",
    ".prettierrc": "{}\n",
    "commitlint.config.js": "module.exports = {extends: ['@commitlint/config-conventional']}\n",
    ".github/workflows/ci.yml": """\
    on: [push, pull_request]
    jobs:
      build:
        runs-on: ubuntu-latest
        steps:
          - uses: actions/checkout@v4
          - uses: pnpm/action-setup@v4
          - uses: actions/setup-node@v4
            with: {node-version: 20, cache: pnpm}
          - run: pnpm install --frozen-lockfile
          - run: pnpm lint && pnpm run typecheck
          - run: pnpm test
          - run: npx prettier --check .
          - name: e2e
            working-directory: apps/web
            run: pnpm exec playwright test
    """,
}


def test_pnpm_monorepo(tmp_path: Path) -> None:
    facts = detect(tmp_path, PNPM_TREE)
    assert rows(facts) == [
        ("build", "pnpm run build", "package.json#scripts.build"),
        ("build", "pnpm --filter web run build", "apps/web/package.json#scripts.build"),
        ("build", "pnpm --filter @mono/ui run build", "packages/ui/package.json#scripts.build"),
        ("test", "pnpm test", "package.json#scripts.test"),
        # excluded from the workspace ('!packages/legacy'): run inside its directory
        ("test", "cd packages/legacy && pnpm test", "packages/legacy/package.json#scripts.test"),
        ("test", "pnpm --filter @mono/ui run test", "packages/ui/package.json#scripts.test"),
        # CI-only, in a working-directory: typeable from the root with cd
        ("test", "cd apps/web && pnpm exec playwright test", ".github/workflows/ci.yml:16"),
        ("lint", "pnpm run lint", "package.json#scripts.lint"),
        ("lint", "pnpm --filter @mono/ui run lint", "packages/ui/package.json#scripts.lint"),
        ("format", "pnpm run format", "package.json#scripts.format"),
        ("format", "npx prettier --check .", ".github/workflows/ci.yml:13"),
        ("typecheck", "pnpm run typecheck", "package.json#scripts.typecheck"),
        ("run", "pnpm run dev", "package.json#scripts.dev"),
        ("run", "pnpm --filter web run dev", "apps/web/package.json#scripts.dev"),
        ("run", "pnpm --filter web run start", "apps/web/package.json#scripts.start"),
        ("install", "pnpm install", "pnpm-lock.yaml"),
        ("other", "pnpm run release", "package.json#scripts.release"),
    ]
    assert find(facts, "pnpm test").detail == (
        "runs: turbo run test; also in CI (.github/workflows/ci.yml:12)"
    )
    # `pnpm lint && pnpm run typecheck` on one CI line confirms both scripts
    assert find(facts, "pnpm run lint").detail.endswith("also in CI (.github/workflows/ci.yml:11)")
    assert find(facts, "pnpm run typecheck").detail.endswith(
        "also in CI (.github/workflows/ci.yml:11)"
    )
    assert find(facts, "pnpm --filter @mono/ui run test").detail == "runs: vitest run"


def test_pnpm_monorepo_facts(tmp_path: Path) -> None:
    facts = detect(tmp_path, PNPM_TREE)
    assert facts.frameworks == ("next", "react", "vitest")
    assert facts.package_managers == ("pnpm",)
    assert facts.conventions == (
        "Node >=20 (package.json engines)",
        "JS/TS tests: *.test.tsx files",
        "TypeScript strict mode (tsconfig.json)",
        "formatter: prettier",
        "linter: eslint",
        "type checker: tsc",
        "commit messages: Conventional Commits (commitlint)",
        "package manager pinned: pnpm@9.1.0 (packageManager)",
        "pnpm-lock.yaml is committed: use pnpm, not npm",
    )
    assert facts.languages == (("tsx", 3), ("javascript", 2))


def test_npm_workspaces_and_script_syntax(tmp_path: Path) -> None:
    facts = detect(
        tmp_path,
        {
            "package.json": json.dumps(
                {
                    "workspaces": ["packages/*"],
                    "scripts": {
                        "test": "npm test --workspaces",
                        "start": "node server.js",
                        "lint:js": "eslint .",
                    },
                    "dependencies": {"express": "4"},
                    "type": "module",
                }
            ),
            "package-lock.json": "{}",
            "packages/a/package.json": json.dumps({"name": "@x/a", "scripts": {"test": "mocha"}}),
            ".github/workflows/ci.yml": workflow("- run: npm run test"),
        },
    )
    assert rows(facts) == [
        ("test", "npm test", "package.json#scripts.test"),
        ("test", "npm test -w @x/a", "packages/a/package.json#scripts.test"),
        ("lint", "npm run lint:js", "package.json#scripts.lint:js"),
        ("run", "npm start", "package.json#scripts.start"),
        ("install", "npm ci", "package-lock.json"),
    ]
    # `npm run test` in CI is the same command as `npm test`
    assert find(facts, "npm test").detail.endswith("also in CI (.github/workflows/ci.yml:4)")
    assert 'ES modules ("type": "module" in package.json)' in facts.conventions
    assert "package-lock.json is committed: install with npm ci" in facts.conventions
    assert facts.frameworks == ("express",)


def test_yarn_and_bun_syntax(tmp_path: Path) -> None:
    yarn = detect(
        tmp_path / "yarn",
        {
            "package.json": json.dumps(
                {
                    "workspaces": {"packages": ["apps/*"]},
                    "scripts": {"test": "jest", "typecheck": "tsc --noEmit", "info": "echo"},
                }
            ),
            "yarn.lock": "",
            "apps/site/package.json": json.dumps({"name": "site", "scripts": {"dev": "vite"}}),
            ".nvmrc": "20.11\n",
            "src/__tests__/a.js": "",
            "src/__tests__/b.js": "",
        },
    )
    assert cmds(yarn, "test") == ["yarn test"]
    assert cmds(yarn, "typecheck") == ["yarn typecheck"]
    assert cmds(yarn, "run") == ["yarn workspace site run dev"]
    assert cmds(yarn, "other") == ["yarn run info"]  # collides with the `yarn info` builtin
    assert cmds(yarn, "install") == ["yarn install"]
    assert "Node 20.11 (.nvmrc)" in yarn.conventions
    assert "JS/TS tests: __tests__/ folders" in yarn.conventions

    bun = detect(
        tmp_path / "bun",
        {
            "package.json": json.dumps({"scripts": {"test": "bun test", "dev": "bun src/x.ts"}}),
            "bun.lockb": "",
        },
    )
    # `bun test` would run bun's own runner, not the script: use `bun run test`
    assert rows(bun) == [
        ("test", "bun run test", "package.json#scripts.test"),
        ("run", "bun run dev", "package.json#scripts.dev"),
        ("install", "bun install", "bun.lockb"),
    ]


def test_js_tool_configs_without_scripts(tmp_path: Path) -> None:
    facts = detect(
        tmp_path,
        {
            "package.json": json.dumps(
                {"devDependencies": {"typescript": "5", "vitest": "1"}, "scripts": {}}
            ),
            "pnpm-lock.yaml": "",
            "tsconfig.json": "{}",
            ".eslintrc.json": "{}",
            "prettier.config.js": "",
            "vitest.config.ts": "",
        },
    )
    assert rows(facts) == [
        ("test", "pnpm exec vitest run", "vitest.config.ts"),
        ("lint", "pnpm exec eslint .", ".eslintrc.json"),
        ("format", "pnpm exec prettier --check .", "prettier.config.js"),
        ("typecheck", "pnpm exec tsc --noEmit", "tsconfig.json"),
        ("install", "pnpm install", "pnpm-lock.yaml"),
    ]


def test_nested_app_without_workspace_uses_cd_and_its_own_lockfile(tmp_path: Path) -> None:
    facts = detect(
        tmp_path,
        {
            "pyproject.toml": '[project]\nname = "api"\n',
            "frontend/package.json": json.dumps({"scripts": {"test": "vitest", "build": "vite"}}),
            "frontend/yarn.lock": "",
            "node_modules/x/package.json": json.dumps({"scripts": {"test": "no"}}),
        },
    )
    assert rows(facts, "test") == [
        ("test", "cd frontend && yarn test", "frontend/package.json#scripts.test")
    ]
    assert rows(facts, "build") == [
        ("build", "cd frontend && yarn build", "frontend/package.json#scripts.build")
    ]
    assert facts.package_managers == ("pip", "yarn")


# ---------------------------------------------------------------------------
# Rust, Go, JVM, C/C++, Ruby, PHP, .NET
# ---------------------------------------------------------------------------

CARGO_TREE: Tree = {
    "Cargo.toml": """\
    [workspace]
    members = ["crates/*", "tools/cli"]
    exclude = ["crates/experimental"]
    resolver = "2"

    [workspace.package]
    edition = "2021"
    rust-version = "1.74"

    [workspace.dependencies]
    tokio = { version = "1", features = ["full"] }
    """,
    "Cargo.lock": "",
    "crates/core/Cargo.toml": '[package]\nname = "mono-core"\n[dependencies]\nserde = "1"\n',
    "crates/core/src/lib.rs": "",
    "crates/experimental/Cargo.toml": '[package]\nname = "exp"\n',
    "tools/cli/Cargo.toml": '[package]\nname = "mono-cli"\n[dependencies]\naxum = "0.7"\n',
    "tools/cli/src/main.rs": "",
    "rustfmt.toml": "max_width = 110\n",
    "tests/it.rs": "",
    ".github/workflows/rust.yml": """\
    jobs:
      check:
        steps:
          - run: cargo fmt --all -- --check
          - run: cargo clippy --workspace --all-targets -- -D warnings
          - run: cargo test --workspace --all-features
          - run: cargo build --release
    """,
}


def test_cargo_workspace(tmp_path: Path) -> None:
    facts = detect(tmp_path, CARGO_TREE)
    assert rows(facts) == [
        # CI-only (tier "inferred", confirmed) outranks the unconfirmed inferred build
        ("build", "cargo build --release", ".github/workflows/rust.yml:7"),
        ("build", "cargo build --workspace", "Cargo.toml#workspace"),
        ("test", "cargo test --workspace", "Cargo.toml#workspace"),
        ("test", "cargo test -p mono-core", "crates/core/Cargo.toml"),
        ("test", "cargo test -p mono-cli", "tools/cli/Cargo.toml"),
        ("lint", "cargo clippy --workspace --all-targets", "Cargo.toml#workspace"),
        ("format", "cargo fmt --all --check", "Cargo.toml#workspace"),
        ("run", "cargo run -p mono-cli", "tools/cli/Cargo.toml"),
    ]
    # `cargo fmt --all -- --check` is the same command spelled differently
    assert find(facts, "cargo fmt --all --check").detail == (
        "also in CI (.github/workflows/rust.yml:4)"
    )
    assert find(facts, "cargo clippy --workspace --all-targets").detail == (
        "also in CI (.github/workflows/rust.yml:5)"
        " as: cargo clippy --workspace --all-targets -- -D warnings"
    )
    assert facts.frameworks == ("axum", "tokio")
    assert facts.package_managers == ("cargo",)
    assert facts.conventions == (
        "Rust edition 2021",
        "Rust MSRV 1.74 (rust-version)",
        "Rust integration tests in tests/",
        "line length 110 (rustfmt)",
    )


def test_single_crate_runs_and_is_not_workspace(tmp_path: Path) -> None:
    facts = detect(
        tmp_path,
        {
            "Cargo.toml": '[package]\nname = "app"\nedition = "2024"\n',
            "src/main.rs": "",
        },
    )
    assert [c.command for c in facts.commands] == [
        "cargo build",
        "cargo test",
        "cargo clippy --all-targets",
        "cargo fmt --check",
        "cargo run",
    ]
    assert facts.conventions == ("Rust edition 2024",)


GO_TREE: Tree = {
    "go.mod": """\
    module github.com/acme/svc

    go 1.22

    require (
    \tgithub.com/gin-gonic/gin v1.9.1
    \tgithub.com/stretchr/testify v1.8.4 // indirect
    )
    """,
    "main.go": "package main",
    "cmd/worker/main.go": "package main",
    "internal/api/handler.go": "",
    "internal/api/handler_test.go": "",
    ".golangci.yml": "linters:\n  enable: [gofmt]\n",
    ".editorconfig": """\
    root = true

    [*]
    indent_style = space
    indent_size = 2

    [*.go]
    indent_style = tab
    """,
    ".github/workflows/go.yml": """\
    jobs:
      lint:
        steps:
          - uses: golangci/golangci-lint-action@v6
            with:
              version: latest
      test:
        steps:
          - run: go test -race ./...
    """,
}


def test_go_module_with_golangci(tmp_path: Path) -> None:
    facts = detect(tmp_path, GO_TREE)
    assert rows(facts) == [
        ("build", "go build ./...", "go.mod"),
        ("test", "go test ./...", "go.mod"),
        ("lint", "golangci-lint run", ".golangci.yml"),
        ("lint", "go vet ./...", "go.mod"),
        ("format", "gofmt -l .", "go.mod"),
        ("run", "go run ./cmd/worker", "cmd/worker/main.go"),
        ("run", "go run .", "main.go"),
    ]
    assert find(facts, "golangci-lint run").detail == "also in CI (.github/workflows/go.yml:4)"
    assert find(facts, "go test ./...").detail == (
        "also in CI (.github/workflows/go.yml:9) as: go test -race ./..."
    )
    assert facts.frameworks == ("gin", "testify")
    assert facts.package_managers == ("go",)
    # [*.go] overrides [*] with tabs, the Go default: no indent convention
    assert facts.conventions == (
        "Go 1.22 (go.mod)",
        "Go tests: *_test.go files beside the code",
        "linter: golangci-lint",
    )


def test_editorconfig_reports_non_default_indent_and_line_length(tmp_path: Path) -> None:
    facts = detect(
        tmp_path,
        {
            ".editorconfig": "[*]\nindent_size = 4\n[*.{py,pyi}]\nindent_size = 2\n"
            "max_line_length = 99\n",
            "a.py": "",
            "b.ts": "",
        },
    )
    assert facts.conventions == (
        "indent: 2 spaces in *.py files (.editorconfig)",
        "indent: 4 spaces in *.ts files (.editorconfig)",
        "line length 99 (.editorconfig *.py)",
    )


MAVEN_POM = """\
<project>
  <properties><java.version>17</java.version></properties>
  <modules>
    <module>api</module>
    <module>core</module>
  </modules>
  <!-- <module>old</module> -->
  <dependencies>
    <dependency><groupId>org.springframework.boot</groupId></dependency>
    <dependency><groupId>org.junit.jupiter</groupId></dependency>
  </dependencies>
  <build><plugins>
    <plugin><artifactId>spring-boot-maven-plugin</artifactId></plugin>
    <plugin><artifactId>spotless-maven-plugin</artifactId></plugin>
  </plugins></build>
</project>
"""


def test_maven_with_wrapper_and_modules(tmp_path: Path) -> None:
    facts = detect(
        tmp_path,
        {
            "pom.xml": MAVEN_POM,
            "mvnw": "#!/bin/sh\n",
            "api/pom.xml": "<project/>",
            "core/pom.xml": "<project/>",
            ".github/workflows/maven.yml": workflow("- run: ./mvnw -B test"),
        },
    )
    assert rows(facts) == [
        ("build", "./mvnw -q -DskipTests package", "pom.xml"),
        ("test", "./mvnw -q test", "pom.xml"),
        ("test", "./mvnw -q -pl api -am test", "api/pom.xml"),
        ("test", "./mvnw -q -pl core -am test", "core/pom.xml"),
        ("format", "./mvnw -q spotless:check", "pom.xml"),
        ("run", "./mvnw spring-boot:run", "pom.xml"),
    ]
    # -q / -B are noise: CI's `./mvnw -B test` confirms `./mvnw -q test`
    assert find(facts, "./mvnw -q test").detail == (
        "via the Maven wrapper; also in CI (.github/workflows/maven.yml:4)"
    )
    assert facts.frameworks == ("junit", "spring")
    assert facts.conventions == ("Java 17 (pom.xml java.version)",)


def test_maven_without_wrapper_uses_mvn(tmp_path: Path) -> None:
    facts = detect(tmp_path, {"pom.xml": "<project></project>"})
    assert cmds(facts, "test") == ["mvn -q test"]


def test_gradle_cmake_dotnet(tmp_path: Path) -> None:
    facts = detect(
        tmp_path,
        {
            "build.gradle.kts": 'plugins {\n  id("org.springframework.boot") version "3.2.0"\n'
            '  id("com.diffplug.spotless")\n}\n',
            "settings.gradle.kts": 'rootProject.name = "x"\ninclude("app", "lib")\n',
            "gradlew": "",
            "CMakeLists.txt": "project(x)\nfind_package(GTest REQUIRED)\nenable_testing()\n",
            "App.sln": "",
            "src/App/App.csproj": '<Project Sdk="Microsoft.NET.Sdk.Web"><PropertyGroup>'
            "<TargetFramework>net8.0</TargetFramework></PropertyGroup>"
            '<ItemGroup><PackageReference Include="xunit" /></ItemGroup></Project>',
        },
    )
    # the only code is Kotlin (the Gradle scripts): Gradle's and tool-less commands lead
    assert rows(facts) == [
        ("build", "cmake -S . -B build && cmake --build build", "CMakeLists.txt"),
        ("build", "./gradlew build", "build.gradle.kts"),
        ("build", "dotnet build", "App.sln"),
        ("test", "./gradlew test", "build.gradle.kts"),
        ("test", "ctest --test-dir build", "CMakeLists.txt"),
        ("test", "./gradlew :app:test", "settings.gradle.kts"),
        ("test", "./gradlew :lib:test", "settings.gradle.kts"),
        ("test", "dotnet test", "App.sln"),
        ("format", "./gradlew spotlessCheck", "build.gradle.kts"),
        ("format", "dotnet format --verify-no-changes", "App.sln"),
        ("run", "./gradlew bootRun", "build.gradle.kts"),
        ("install", "dotnet restore", "App.sln"),
    ]
    assert facts.frameworks == ("aspnetcore", "googletest", "spring", "xunit")
    assert facts.package_managers == ("gradle",)
    assert ".NET net8.0 (src/App/App.csproj)" in facts.conventions


def test_rails_gemfile(tmp_path: Path) -> None:
    facts = detect(
        tmp_path,
        {
            "Gemfile": """\
            source "https://rubygems.org"
            ruby "3.2.2"
            gem "rails", "~> 7.1"
            gem "pg"
            group :development, :test do
              gem "rspec-rails"
              gem "rubocop", require: false
            end
            """,
            "Gemfile.lock": "",
            "bin/rails": "#!/usr/bin/env ruby\n",
            ".rubocop.yml": "AllCops: {}\n",
            "spec/models/user_spec.rb": "",
            "app/models/user.rb": "",
        },
    )
    assert rows(facts) == [
        ("test", "bundle exec rspec", "spec"),
        ("lint", "bundle exec rubocop", ".rubocop.yml"),
        ("run", "bin/rails server", "bin/rails"),
        ("install", "bundle install", "Gemfile.lock"),
    ]
    assert facts.frameworks == ("rails", "rspec")
    assert facts.package_managers == ("bundler",)
    assert facts.conventions == (
        "Ruby 3.2.2 (Gemfile)",
        "Ruby tests: spec/ with *_spec.rb files (RSpec)",
        "linter: rubocop",
    )


def test_plain_ruby_minitest_uses_rake(tmp_path: Path) -> None:
    facts = detect(tmp_path, {"Gemfile": 'gem "minitest"\n', "Rakefile": "", "test/a_test.rb": ""})
    assert cmds(facts, "test") == ["bundle exec rake test"]
    assert facts.frameworks == ("minitest",)


def test_composer_scripts_and_php_tools(tmp_path: Path) -> None:
    facts = detect(
        tmp_path,
        {
            "composer.json": json.dumps(
                {
                    "require": {"php": ">=8.2", "laravel/framework": "^11"},
                    "require-dev": {"phpunit/phpunit": "^10"},
                    "scripts": {
                        "test": "phpunit",
                        "lint": ["@php vendor/bin/phpcs"],
                        "post-install-cmd": ["@php artisan key:generate"],
                        "analyse": "phpstan analyse",
                    },
                }
            ),
            "composer.lock": "{}",
            "phpunit.xml.dist": "<phpunit/>",
            "phpstan.neon": "",
        },
    )
    assert rows(facts) == [
        ("test", "composer test", "composer.json#scripts.test"),
        ("test", "vendor/bin/phpunit", "phpunit.xml.dist"),
        ("lint", "composer run-script lint", "composer.json#scripts.lint"),
        ("typecheck", "composer run-script analyse", "composer.json#scripts.analyse"),
        ("typecheck", "vendor/bin/phpstan analyse", "phpstan.neon"),
        ("install", "composer install", "composer.lock"),
    ]
    assert facts.frameworks == ("laravel", "phpunit")
    assert facts.conventions == ("PHP >=8.2 (composer.json)", "type checker: phpstan")


# ---------------------------------------------------------------------------
# just, Taskfile, pre-commit
# ---------------------------------------------------------------------------


def test_justfile_and_taskfile(tmp_path: Path) -> None:
    facts = detect(
        tmp_path,
        {
            "justfile": """\
            set shell := ["bash", "-c"]
            default_py := "3.12"

            # list recipes
            default:
                @just --list

            test *args:
                pytest {{args}}

            [private]
            helper:
                echo hi

            _secret:
                echo

            @lint: fmt-check
                ruff check .

            alias t := test

            fmt-check:
                ruff format --check .

            build target='release':
                #!/usr/bin/env bash
                cargo build --{{target}}
            """,
            "Taskfile.yml": """\
            version: '3'
            tasks:
              test:
                desc: Run tests
                cmds:
                  - go test ./...
              lint:
                cmds:
                  - cmd: golangci-lint run
              ci:
                cmds:
                  - task: lint
                  - task: test
              gen:
                internal: true
                cmds: [go generate ./...]
              fmt: gofmt -w .
            """,
        },
    )
    assert [(c.kind, c.command, c.source, c.detail) for c in facts.commands] == [
        ("build", "just build", "justfile:26", "runs: cargo build --{{target}}"),
        ("test", "task test", "Taskfile.yml:3", "runs: go test ./..."),
        ("test", "just test", "justfile:8", "runs: pytest {{args}}"),
        ("lint", "task lint", "Taskfile.yml:7", "runs: golangci-lint run"),
        ("lint", "just lint", "justfile:18", "runs: ruff check ."),  # named for its kind
        ("lint", "task ci", "Taskfile.yml:10", "runs: task lint"),
        ("format", "task fmt", "Taskfile.yml:17", "runs: gofmt -w ."),
        ("format", "just fmt-check", "justfile:23", "runs: ruff format --check ."),
        ("other", "just default", "justfile:5", "runs: just --list"),
    ]


def test_pre_commit_hooks(tmp_path: Path) -> None:
    facts = detect(
        tmp_path,
        {
            ".pre-commit-config.yaml": """\
            repos:
              - repo: https://github.com/astral-sh/ruff-pre-commit
                rev: v0.6.0
                hooks:
                  - id: ruff
                    args: [--fix]
                  - id: ruff-format
              - repo: https://github.com/pre-commit/mirrors-mypy
                rev: v1.11.0
                hooks:
                  - id: mypy
            """,
            ".github/workflows/pc.yml": workflow("- uses: pre-commit/action@v3"),
        },
    )
    assert facts.commands == (
        Command(
            "lint",
            "pre-commit run --all-files",
            ".pre-commit-config.yaml",
            "also in CI (.github/workflows/pc.yml:4)",
        ),
    )
    assert facts.conventions == (
        "formatter: ruff",
        "linter: ruff",
        "type checker: mypy",
        "pre-commit hooks: ruff, ruff-format, mypy",
    )


# ---------------------------------------------------------------------------
# CI recognition
# ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("pytest -q tests", ("test", "pytest -q tests")),
        ("python -m pytest", ("test", "python -m pytest")),
        ("make -C backend test", ("test", "make -C backend test")),
        ("black --check .", ("format", "black --check .")),
        ("npx eslint src", ("lint", "npx eslint src")),
        ("yarn run lint", ("lint", "yarn run lint")),
        ("tsc --noEmit", ("typecheck", "tsc --noEmit")),
        ("./gradlew check", ("test", "./gradlew check")),
        ("CI=true go test ./...", ("test", "CI=true go test ./...")),
        ("bundle exec rspec --format progress", ("test", "bundle exec rspec --format progress")),
        ("tox -e lint", ("lint", "tox -e lint")),
        ("pytest --junitxml=out.xml | tee log.txt", ("test", "pytest --junitxml=out.xml")),
        ("swift test -c debug 2>&1", ("test", "swift test -c debug")),
        ("go vet ./... > vet.log 2> err.log", ("lint", "go vet ./...")),
        # setup noise and unrecognised commands are skipped
        ("pip install -e .[test]", None),
        ("npm ci", None),
        ('echo "pytest"', None),
        ("export FOO=1", None),
        ("./scripts/deploy.sh", None),
        ("docker build -t x .", None),
        ("pytest ${{ matrix.args }}", None),
    ],
)
def test_ci_run_line_recognition(
    tmp_path: Path, line: str, expected: tuple[str, str] | None
) -> None:
    tree: Tree = {".github/workflows/ci.yml": workflow(f"- run: '{line}'")}
    tree["gradlew"] = "#!/bin/sh\n"  # a program run by path must be in the repository
    facts = detect(tmp_path, tree)
    got = [(c.kind, c.command) for c in facts.commands]
    assert got == ([expected] if expected else [])
    if expected:
        assert facts.commands[0].source == ".github/workflows/ci.yml:4"


def test_ci_multiline_run_with_cd_and_continuations(tmp_path: Path) -> None:
    facts = detect(
        tmp_path,
        {
            ".github/workflows/ci.yml": """\
            jobs:
              web:
                defaults:
                  run:
                    working-directory: web
                steps:
                  - run: |
                      npm ci
                      npm run lint
                  - run: |
                      cd ../api
                      pytest \\
                        --maxfail=1
                      cargo build --locked
            """,
            "web/README.md": "",  # CI may only cd into folders the repository has
            "api/README.md": "",
        },
    )
    assert rows(facts) == [
        # `cd ../api` from the job's working-directory `web` is `api` from the root
        ("build", "cd api && cargo build --locked", ".github/workflows/ci.yml:14"),
        ("test", "cd api && pytest --maxfail=1", ".github/workflows/ci.yml:12"),
        ("lint", "cd web && npm run lint", ".github/workflows/ci.yml:9"),
    ]


# ---------------------------------------------------------------------------
# ranking, caps, determinism
# ---------------------------------------------------------------------------


def test_ranking_root_first_then_tier_then_ci(tmp_path: Path) -> None:
    facts = detect(
        tmp_path,
        {
            "pyproject.toml": '[project]\nname = "r"\n[tool.pytest.ini_options]\n',
            "Makefile": "unit:\n\tpytest tests/unit\n\ntest-all:\n\tpytest\n",
            "packages/js/package.json": json.dumps({"scripts": {"test": "vitest"}}),
            "tox.ini": "[tox]\nenvlist = py312\n",
            ".github/workflows/ci.yml": workflow(
                "- run: make test-all", "- run: pytest -x tests/integration"
            ),
        },
    )
    assert rows(facts, "test") == [
        # explicit task runners: CI-confirmed first, then by path / line
        ("test", "make test-all", "Makefile:4"),
        ("test", "make unit", "Makefile:1"),
        ("test", "tox -e py312", "tox.ini:2"),
        # inferred: CI-only (a real CI command) before an unconfirmed config inference
        ("test", "pytest -x tests/integration", ".github/workflows/ci.yml:5"),
        ("test", "pytest", "pyproject.toml#tool.pytest"),
        # monorepo package commands last
        ("test", "cd packages/js && npm test", "packages/js/package.json#scripts.test"),
    ]


def test_at_most_six_commands_per_kind(tmp_path: Path) -> None:
    makefile = "".join(f"test-{i}:\n\tpytest -k t{i}\n" for i in range(10))
    facts = detect(tmp_path, {"Makefile": makefile})
    assert cmds(facts, "test") == [f"make test-{i}" for i in range(MAX_PER_KIND)]
    assert MAX_PER_KIND == 6


def test_deterministic_regardless_of_file_order(tmp_path: Path) -> None:
    write_tree(tmp_path, PNPM_TREE)
    write_tree(tmp_path, PY_TREE)
    write_tree(tmp_path, GO_TREE)
    files = sorted({*PNPM_TREE, *PY_TREE, *GO_TREE})
    first = detect_project(tmp_path, files)
    shuffled = list(files)
    random.Random(7).shuffle(shuffled)
    again = detect_project(tmp_path, [f"./{f}" for f in shuffled])
    assert again == first
    assert detect_project(tmp_path, files) == first
    # every kind's block is contiguous and in the documented kind order
    kinds = [c.kind for c in first.commands]
    order = ["build", "test", "lint", "format", "typecheck", "run", "install", "other"]
    assert kinds == sorted(kinds, key=order.index)


def test_languages_given_or_counted(tmp_path: Path) -> None:
    tree: Tree = {"a.py": "", "b.py": "", "c.go": "", "d.rs": "", "README.md": ""}
    counted = detect(tmp_path, tree)
    assert counted.languages == (("python", 2), ("go", 1), ("rust", 1))
    given = detect(tmp_path, tree, languages={"zig": 3, "c": 3, "python": 9, "none": 0})
    assert given.languages == (("python", 9), ("c", 3), ("zig", 3))


def test_only_indexed_files_are_considered(tmp_path: Path) -> None:
    write_tree(tmp_path, {"Makefile": "test:\n\tpytest\n", "go.mod": "module x\n\ngo 1.21\n"})
    facts = detect_project(tmp_path, ["go.mod"])
    assert "make test" not in [c.command for c in facts.commands]
    assert cmds(facts, "test") == ["go test ./..."]


def test_empty_repository(tmp_path: Path) -> None:
    assert detect_project(tmp_path, []) == ProjectFacts((), (), (), (), (), ())


# ---------------------------------------------------------------------------
# robustness
# ---------------------------------------------------------------------------


def test_malformed_files_become_warnings(tmp_path: Path) -> None:
    facts = detect(
        tmp_path,
        {
            "pyproject.toml": "[project]\nname = 'x'\nversion = = 1\n",
            "package.json": '{"scripts": {"test": "jest",}}',
            "Cargo.toml": "[package\nname='x'",
            ".github/workflows/ci.yml": "jobs:\n  a:\n    steps:\n      - run: [unclosed\n",
            ".github/workflows/ok.yml": workflow("- run: pytest"),
            "tox.ini": "envlist = py311\n[tox\n",
            "Makefile": b"test:\n\tpytest \xff\xfe\n",
            "pnpm-workspace.yaml": "packages: [",
            "composer.json": "[1, 2]",
            "Taskfile.yml": "tasks: 3\n",
            ".pre-commit-config.yaml": "repos:\n  - hooks: notalist\n",
        },
    )
    assert facts.warnings == (
        ".github/workflows/ci.yml: invalid YAML (line 5), skipped",
        "Cargo.toml: invalid TOML (line 1), skipped",
        "Makefile: not valid UTF-8, skipped",
        "composer.json: expected a JSON object, skipped",
        "package.json: invalid JSON (line 1), skipped",
        "pnpm-workspace.yaml: invalid YAML (line 1), skipped",
        "pyproject.toml: invalid TOML (line 3), skipped",
        "tox.ini: invalid INI (line 1), skipped",
    )
    # whatever could be read is still used
    assert rows(facts) == [
        ("test", "pytest", ".github/workflows/ok.yml:4"),
        ("lint", "pre-commit run --all-files", ".pre-commit-config.yaml"),
    ]


def test_huge_missing_and_outside_files_are_skipped(tmp_path: Path) -> None:
    repo = tmp_path / "repo"
    write_tree(repo, {"requirements.txt": "flask\n" * 200_000, "pyproject.toml": ""})
    outside = tmp_path / "secret.toml"
    outside.write_text('[package]\nname = "leak"\n')
    os.symlink(outside, repo / "Cargo.toml")
    facts = detect_project(repo, ["requirements.txt", "pyproject.toml", "Cargo.toml", "go.mod"])
    assert facts.warnings == (
        "Cargo.toml: points outside the repository, skipped",
        "go.mod: not a readable file, skipped",
        "requirements.txt: larger than 1 MB, skipped",
    )
    assert "flask" not in facts.frameworks
    assert all("leak" not in c.command for c in facts.commands)


def test_unexpected_shapes_do_not_raise(tmp_path: Path) -> None:
    facts = detect(
        tmp_path,
        {
            "pyproject.toml": """\
            project = "not a table"
            [tool]
            ruff = 3
            mypy = "x"
            [tool.hatch]
            envs = ["a"]
            [tool.pdm]
            scripts = 5
            """,
            "package.json": json.dumps({"scripts": ["a"], "workspaces": 7, "engines": "node"}),
            "Cargo.toml": "workspace = 1\npackage = 2\n",
            ".github/workflows/ci.yml": "jobs: [1, 2]\n",
            ".github/workflows/b.yml": "- just a list\n",
            "Taskfile.yml": "tasks:\n  x: {cmds: 5}\n",
        },
    )
    assert facts.warnings == ()
    assert isinstance(facts.commands, tuple)


def test_never_executes_repository_code(tmp_path: Path) -> None:
    marker = tmp_path / "pwned"
    detect(
        tmp_path,
        {
            "noxfile.py": f"open({str(marker)!r}, 'w').write('x')\n"
            "import nox\n@nox.session\ndef tests(s):\n    s.run('pytest')\n",
            "Makefile": f"X := $(shell touch {marker})\ntest:\n\tpytest\n",
            "setup.py": f"open({str(marker)!r}, 'w')\n",
            "package.json": json.dumps({"scripts": {"preinstall": f"touch {marker}"}}),
        },
    )
    assert not marker.exists()


def test_ci_commands_scoped_to_a_package_do_not_confirm_root_commands(tmp_path: Path) -> None:
    facts = detect(
        tmp_path,
        {
            "Cargo.toml": '[package]\nname = "a"\n',
            "package.json": json.dumps({"scripts": {"build": "tsc"}}),
            "pnpm-lock.yaml": "",
            ".github/workflows/ci.yml": workflow(
                "- run: cargo test -p other --verbose",
                "- run: pnpm --filter web build",
                "- run: cargo build --locked",
            ),
        },
    )
    assert rows(facts, "test") == [
        ("test", "cargo test", "Cargo.toml"),  # not confirmed by the -p other run
        ("test", "cargo test -p other --verbose", ".github/workflows/ci.yml:4"),
    ]
    assert rows(facts, "build") == [
        ("build", "pnpm run build", "package.json#scripts.build"),
        ("build", "cargo build", "Cargo.toml"),  # confirmed by CI
        ("build", "pnpm --filter web build", ".github/workflows/ci.yml:5"),  # CI-only
    ]
    assert find(facts, "cargo build").detail == (
        "also in CI (.github/workflows/ci.yml:6) as: cargo build --locked"
    )
    assert find(facts, "pnpm run build").detail == "runs: tsc"


def test_ci_matrix_working_directory_is_skipped(tmp_path: Path) -> None:
    facts = detect(
        tmp_path,
        {
            ".github/workflows/ci.yml": workflow(
                "- working-directory: ${{ matrix.dir }}",
                "  run: pytest",
                "- run: cd ${{ matrix.dir }} && cargo test",
            )
        },
    )
    assert facts.commands == ()


def test_uv_workspace_members_get_package_test_commands(tmp_path: Path) -> None:
    facts = detect(
        tmp_path,
        {
            "pyproject.toml": """\
            [project]
            name = "root"
            [tool.uv.workspace]
            members = ["libs/*"]
            exclude = ["libs/old"]
            [tool.pytest.ini_options]
            """,
            "uv.lock": "",
            "libs/core/pyproject.toml": '[project]\nname = "core"\n',
            "libs/core/tests/test_core.py": "",
            "libs/old/pyproject.toml": '[project]\nname = "old"\n',
            "libs/old/tests/test_old.py": "",
            "libs/docs/pyproject.toml": '[project]\nname = "docs"\n',
        },
    )
    assert rows(facts, "test") == [
        ("test", "uv run pytest", "pyproject.toml#tool.pytest"),
        ("test", "cd libs/core && uv run pytest", "libs/core/pyproject.toml"),
    ]


def test_makefile_parsing_edge_cases(tmp_path: Path) -> None:
    makefile = """\
    include common.mk
    VERSION := $(shell git describe)
    export PATH := .venv/bin:$(PATH)

    .PHONY: all test lint
    all: build

    build:  ## compile
    \t@echo building
    # a comment between recipe lines
    ifeq ($(CI),1)
    \tpython -m build --wheel
    endif

    test lint:
    \t-$(MAKE) check-env
    \tpytest

    check: VERBOSE = 1
    check:
    \tpython -m mypy src

    %.o: %.c
    \tcc -c $<

    dist/app.tar.gz: build
    \ttar czf $@ build

    help:
    \t@grep -E '^[a-z]+:' Makefile
    """
    facts = detect(tmp_path, {"Makefile": makefile})
    assert [(c.kind, c.command, c.source, c.detail) for c in facts.commands] == [
        # the target named like its kind comes first
        ("build", "make build", "Makefile:8", "runs: echo building"),
        ("build", "make all", "Makefile:6", "runs: make build"),
        ("test", "make test", "Makefile:15", "runs: $(MAKE) check-env"),
        ("lint", "make lint", "Makefile:15", "runs: $(MAKE) check-env"),
        # `check` is a weak name: its recipe (mypy) decides the kind
        ("typecheck", "make check", "Makefile:20", "runs: python -m mypy src"),
    ]


def test_python_tool_configs_in_their_own_files(tmp_path: Path) -> None:
    facts = detect(
        tmp_path,
        {
            "setup.py": "",
            "Pipfile": '[packages]\nflask = "*"\n[dev-packages]\npyright = "*"\n',
            "mypy.ini": "[mypy]\nstrict = True\n",
            ".flake8": "[flake8]\nmax-line-length = 120\n",
            ".isort.cfg": "[settings]\nprofile = black\n",
            ".coveragerc": "[run]\nbranch = True\n",
            "pyrightconfig.json": '{"typeCheckingMode": "strict"}',
            "pytest.ini": "[pytest]\naddopts = -q\n",
            "src/app/__init__.py": "",
        },
    )
    assert rows(facts) == [
        ("build", "python -m build", "setup.py"),
        # same tier, no CI: ordered by source path
        ("test", "pipenv run coverage run -m pytest", ".coveragerc:1"),
        ("test", "pipenv run pytest", "pytest.ini:1"),
        ("lint", "pipenv run flake8", ".flake8:1"),
        ("format", "pipenv run isort .", ".isort.cfg:1"),
        # no `files` setting: check the src/ layout package explicitly
        ("typecheck", "pipenv run mypy src", "mypy.ini:1"),
        ("typecheck", "pipenv run pyright", "pyrightconfig.json"),
        ("install", "pipenv install --dev", "Pipfile"),
    ]
    assert find(facts, "pipenv run coverage run -m pytest").detail == "then: coverage report"
    assert find(facts, "pipenv run mypy src").detail == "strict"
    assert facts.package_managers == ("pipenv",)
    assert facts.conventions == (
        "src/ layout: Python packages live under src/",
        "formatter: isort",
        "linter: flake8",
        "type checker: mypy (strict), pyright (strict)",
        "line length 120 (flake8)",
    )


def test_tox_default_envs_rank_above_opt_in_envs(tmp_path: Path) -> None:
    facts = detect(
        tmp_path,
        {
            "pyproject.toml": (
                '[tool.tox]\nenv_list = ["py3.12", "style"]\n'
                '[tool.tox.env_run_base]\ncommands = [["pytest"]]\n'
                '[tool.tox.env.random]\ncommands = [["pytest", "-p", "random"]]\n'
            )
        },
    )
    tests = [c.command for c in facts.commands if c.kind == "test"]
    assert tests.index("tox -e py3.12") < tests.index("tox -e random")


def test_a_small_part_in_another_language_has_its_commands_and_conventions_scoped(
    tmp_path: Path,
) -> None:
    """git's dozen Rust files next to its C: `cargo fmt` must not read as the repo's formatter."""
    tree: Tree = {f"src/m{i}.c": "int x;\n" for i in range(40)}
    tree |= {f"t/t{i}.sh": "true\n" for i in range(20)}
    tree |= {"rust/lib.rs": "fn f() {}\n", "rust/varint.rs": "fn g() {}\n"}
    tree["Cargo.toml"] = '[package]\nname = "x"\nedition = "2018"\nrust-version = "1.49.0"\n'
    tree["Makefile"] = "all:\n\tcc -o x src/*.c\n\ntest:\n\t$(MAKE) -C t\n"
    facts = detect(tmp_path, tree)
    by_command = {c.command: c for c in facts.commands}
    assert by_command["cargo fmt --check"].scope == "Rust code only"
    assert by_command["make test"].scope == ""
    tests = [c for c in facts.commands if c.kind == "test"]
    assert tests[0].command == "make test"  # the main language's command first
    assert "Rust edition 2018 (Rust code only)" in facts.conventions

    from repomind.exports.content import _commands
    from repomind.memory.commands import render_commands

    assert "- format (Rust code only): `cargo fmt --check`" in _commands(facts)
    assert "- format (Rust code only): `cargo fmt --check` (Cargo.toml)" in render_commands(facts)

    # the same files as the main language: nothing is scoped
    tree |= {f"rust/m{i}.rs": "fn h() {}\n" for i in range(60)}
    facts = detect(tmp_path, tree)
    assert all(not c.scope for c in facts.commands)
    assert "Rust edition 2018" in facts.conventions


def test_dotnet_projects_in_test_data_are_not_the_projects_own(tmp_path: Path) -> None:
    """bat keeps a .slnx among its syntax-highlighting samples; it is not a .NET project."""
    tree: Tree = {
        "Cargo.toml": '[package]\nname = "x"\nedition = "2021"\n',
        "src/main.rs": "fn main() {}\n",
        "tests/syntax-tests/source/XML/solution.slnx": "<Solution />\n",
        "tests/syntax-tests/source/XML/console.csproj": "<Project />\n",
        "tests/fixtures/app/App.csproj": "<Project />\n",
    }
    facts = detect(tmp_path, tree)
    assert not [c for c in facts.commands if c.command.startswith("dotnet")]
    tree["tests/App.Tests/App.Tests.csproj"] = "<Project />\n"  # a real test project
    facts = detect(tmp_path, tree)
    assert "dotnet test tests/App.Tests/App.Tests.csproj" in cmds(facts, "test")


def test_placeholder_scripts_are_not_commands(tmp_path: Path) -> None:
    scripts = {
        "test": 'echo "Error: no test specified" && exit 1',  # what npm init writes
        "bench": "echo \"Error: Benchmarks have been moved to '/benchmarks'\" && exit 1",
        "lint": "eslint . || exit 1",
        "build": "tsc",
    }
    facts = detect(
        tmp_path,
        {"package.json": json.dumps({"scripts": scripts}), "package-lock.json": "{}"},
    )
    commands = [c.command for c in facts.commands]
    assert "npm test" not in commands and "npm run bench" not in commands
    assert "npm run lint" in commands and "npm run build" in commands


def test_ci_lines_running_downloaded_programs_and_cpp_solutions_are_not_commands(
    tmp_path: Path,
) -> None:
    """zstd: CI runs a shellcheck it downloaded; build/VS2008/zstd.sln holds C++ projects."""
    facts = detect(
        tmp_path,
        {
            "Makefile": "test:\n\t./tests/run.sh\n",
            "tests/run.sh": "true\n",
            "build/VS2008/zstd.sln": "Microsoft Visual Studio Solution File\n",
            "build/VS2008/zstd/zstd.vcproj": "<VisualStudioProject />\n",
            "composer.json": json.dumps({"name": "a/b"}),
            ".github/workflows/ci.yml": workflow(
                "- run: shellcheck-v0.7.1/shellcheck --shell=sh tests/run.sh",
                "- run: ./tests/run.sh --lint",
                "- run: vendor/bin/phpunit",
                "- run: cd beanstalkd-1.13 && make test",
            ),
        },
    )
    commands = [c.command for c in facts.commands]
    assert not any("shellcheck-v0.7.1" in c or "beanstalkd" in c for c in commands)
    assert not any(c.startswith("dotnet") for c in commands)
    assert "vendor/bin/phpunit" in commands or "composer test" in " ".join(commands)


def test_elixir_mix_project_leads_over_its_small_javascript_client(tmp_path: Path) -> None:
    """Phoenix: an Elixir project whose package.json is its JS client."""
    tree: Tree = {f"lib/m{i}.ex": "defmodule M do\nend\n" for i in range(30)}
    tree |= {f"test/m{i}_test.exs": "" for i in range(20)}
    tree |= {f"assets/js/c{i}.js": "" for i in range(8)}
    tree["mix.exs"] = textwrap.dedent(
        """\
        defmodule Phoenix.MixProject do
          @elixir_requirement "~> 1.15"
          def project do
            [app: :phoenix, elixir: @elixir_requirement, deps: deps()]
          end
          defp deps do
            [{:plug, "~> 1.14"}, {:credo, "~> 1.7", only: :dev}]
          end
        end
        """
    )
    tree["installer/mix.exs"] = "defmodule Installer.MixProject do\nend\n"
    tree["package.json"] = json.dumps({"scripts": {"test": "jest"}})
    tree["package-lock.json"] = "{}"
    facts = detect(tmp_path, tree)
    assert cmds(facts, "test")[:2] == ["mix test", "cd installer && mix test"]
    assert "npm test" in cmds(facts, "test")
    assert cmds(facts, "lint")[0] == "mix credo"
    assert "mix format --check-formatted" in cmds(facts, "format")
    assert "mix deps.get" in cmds(facts, "install")
    assert "Elixir ~> 1.15 (mix.exs)" in facts.conventions
    assert "plug" in facts.frameworks and "mix" in facts.package_managers
