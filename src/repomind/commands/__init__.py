"""Build/test/lint commands and conventions, from manifests and CI config.

`detect_project` reads (never executes) the manifests, task-runner files and CI
workflows of a repository and answers: how do I build, test, lint, format,
type-check, run and install this project, typed at the repository root?  It also
collects the conventions an agent should respect (line length, layout, tool
choices, versions, lockfiles) and the frameworks in use.

Ranking inside a kind (best first):
  1. root commands before commands of monorepo packages;
  2. explicit task runners the project wrote (Makefile, justfile, Taskfile,
     package.json / composer scripts, tox, nox, hatch, pdm, poe) before commands
     inferred from tool configuration or manifests;
  3. inside a tier: confirmed by CI, then CI-only, then unconfirmed;
  4. ties by source path, then the script named exactly like its kind
     (`make test` before `make test-unit`), then line, fragment and command.

Where things live:
  model        `Command`, `ProjectFacts`, candidates and the per-run context
  helpers      small shared helpers (text, paths, TOML/INI values, YAML nodes)
  shell        tokenising command lines and classifying them by tool
  python, node, rust, go, elixir, jvm (Maven, Gradle), cmake, ruby, php, dotnet
               one module per ecosystem's manifests and tool configs
  runners      Makefile, justfile, Taskfile
  ci           pre-commit and GitHub Actions
  conventions  .editorconfig, commit convention, layout, lockfiles, tool choices, languages
  assemble     merging, ranking, scoping, the detection steps and `detect_project`
"""

from __future__ import annotations

from repomind.commands.assemble import detect_project
from repomind.commands.model import KINDS, MAX_PER_KIND, Command, ProjectFacts

__all__ = ["KINDS", "MAX_PER_KIND", "Command", "ProjectFacts", "detect_project"]
