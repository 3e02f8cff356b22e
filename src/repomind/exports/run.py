"""`repomind export`: render memory into each chosen rule file (or check / preview that)."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from typing import TYPE_CHECKING

from repomind.config import Config
from repomind.exports import rulefile
from repomind.exports.content import MAX_LESSONS, MAX_RULES, render_rules
from repomind.exports.scoped import (
    SCOPED_DIRS,
    render_scoped,
    scoped_rules,
    scoped_target,
    stale_scoped_files,
)
from repomind.exports.targets import Target, chosen_targets
from repomind.layout import Layout
from repomind.store import Store

if TYPE_CHECKING:
    from repomind.commands import ProjectFacts
    from repomind.memory.lessons import Entry


@dataclass(frozen=True, slots=True)
class ExportReport:
    outcomes: tuple[rulefile.Outcome, ...]

    @property
    def stale(self) -> list[rulefile.Outcome]:
        return [o for o in self.outcomes if o.status in ("created", "updated", "stale")]

    @property
    def errors(self) -> list[rulefile.Outcome]:
        return [o for o in self.outcomes if o.status == "error"]


def with_session_commands(
    facts: ProjectFacts, lessons: list[Entry], confirmed: list[Entry]
) -> ProjectFacts:
    """`facts` with what agent sessions proved: a command a lesson recommends after another
    failed goes first for its kind; a command that passed in sessions fills a kind the
    manifests did not reveal."""
    from repomind.commands import Command
    from repomind.reflect.extractors.shell import purpose

    proven: dict[str, Command] = {}
    for entry in lessons:
        if entry.kind == "command" and entry.topic.startswith("command:") and entry.commands:
            kind = entry.topic.split(":", 1)[1]
            proven.setdefault(
                kind, Command(kind, entry.commands[0], "agent sessions", "failed alternatives")
            )
    known = {c.kind for c in facts.commands}
    for entry in confirmed:
        passed = purpose(entry.commands[0])
        if passed and passed not in known and passed not in proven:
            proven[passed] = Command(
                passed, entry.commands[0], "agent sessions", f"passed in {entry.seen} session(s)"
            )
    if not proven:
        return facts
    rest = [
        c for c in facts.commands if not (c.kind in proven and c.command == proven[c.kind].command)
    ]
    return dataclasses.replace(facts, commands=(*proven.values(), *rest))


def export_rules(
    layout: Layout,
    store: Store,
    config: Config,
    requested: list[str],
    write: bool = True,
    refresh_only: bool = False,
) -> ExportReport:
    """Plan every target and, when `write`, apply the changes. Never writes outside the repo."""
    from repomind import gitrepo
    from repomind.commands import detect_project
    from repomind.memory.cochange import strongest_rules

    facts = detect_project(layout.root, gitrepo.list_files(layout.root), store.languages())
    indexed = {p for p, row in store.files().items() if row.skip is None}
    rules = strongest_rules(store, config.memory, indexed)
    from repomind.reflect.verify import current_lessons, lessons_for_agents, sessions_confirmed

    def defined(name: str) -> bool:
        return bool(store.definers_of([name.split(".")[-1]]))

    entries = current_lessons(layout.root)  # read once for lessons and proven commands
    fit = lessons_for_agents(layout.root, 50, defined, entries)
    lessons = [e.text for e in fit[:MAX_LESSONS]]
    facts = with_session_commands(facts, fit, sessions_confirmed(layout.root, entries))
    outcomes = []
    targets = chosen_targets(layout.root, config.export.targets, requested)
    planned: list[tuple[Target, str]] = []
    for target in targets:
        budget = min(config.export.max_chars, target.max_chars)
        planned.append((target, render_rules(facts, rules, budget, lessons)))
    # Knowledge specific to one part of the tree goes to path-scoped files.
    shown = {(r.a, r.b) for r in rules[:MAX_RULES]}
    more = strongest_rules(store, dataclasses.replace(config.memory, cochange_rules=500), indexed)
    areas = scoped_rules(more, shown)
    kinds = [t.name for t in targets if t.name in SCOPED_DIRS]
    for kind in kinds:
        for area, lines in areas.items():
            planned.append((scoped_target(kind, area), render_scoped(area, lines)))
    for target, content in planned:
        if refresh_only and not rulefile.has_block(layout.root, target):
            continue  # git hooks refresh blocks a human exported; they never create files
        outcome, data = rulefile.plan(layout.root, target, content)
        if write and data is not None:
            outcome = rulefile.apply(layout.root, outcome, data)
        outcomes.append(outcome)
    wanted = {t.path for t, _ in planned}
    for rel in stale_scoped_files(layout.root, kinds, wanted):
        if write and not refresh_only:
            (layout.root / rel).unlink()
        outcomes.append(
            rulefile.Outcome(rel, "removed" if write else "stale", "area no longer needs it")
        )
    return ExportReport(tuple(outcomes))
