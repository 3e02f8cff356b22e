"""`repomind export`: render memory into each chosen rule file (or check / preview that)."""

from __future__ import annotations

from dataclasses import dataclass

from repomind.config import Config
from repomind.exports import rulefile
from repomind.exports.content import render_rules
from repomind.exports.targets import chosen_targets
from repomind.layout import Layout
from repomind.store import Store


@dataclass(frozen=True, slots=True)
class ExportReport:
    outcomes: tuple[rulefile.Outcome, ...]

    @property
    def stale(self) -> list[rulefile.Outcome]:
        return [o for o in self.outcomes if o.status in ("created", "updated")]

    @property
    def errors(self) -> list[rulefile.Outcome]:
        return [o for o in self.outcomes if o.status == "error"]


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
    outcomes = []
    for target in chosen_targets(layout.root, config.export.targets, requested):
        if refresh_only and not rulefile.has_block(layout.root, target):
            continue  # git hooks refresh blocks a human exported; they never create files
        budget = min(config.export.max_chars, target.max_chars)
        outcome, data = rulefile.plan(layout.root, target, render_rules(facts, rules, budget))
        if write and data is not None:
            outcome = rulefile.apply(layout.root, outcome, data)
        outcomes.append(outcome)
    return ExportReport(tuple(outcomes))
