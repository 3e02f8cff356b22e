"""Precision and recall of the offline lesson extractors against the labelled sessions.

Usage: python bench/reflect_quality.py [LABELLED_DIR] [-v]

LABELLED_DIR (default tests/fixtures/reflect/labelled) holds transcripts and `labels.yaml`, which
says, per session, which lessons a careful human would write. A predicted lesson matches a label
when the kinds agree and every label term occurs (case-insensitively) in the lesson's topic, text,
files or commands; each label matches at most one lesson and each lesson at most one label.
Prints per-session and per-kind precision/recall; exits 1 when overall precision or recall is
below 0.8.
"""

from __future__ import annotations

import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from repomind.reflect import discover
from repomind.reflect.extract import extract_lessons
from repomind.reflect.lesson import Lesson
from repomind.reflect.session import Session

KINDS = ("command", "correction", "cochange", "loop", "confirmed")
BAR = 0.8
DEFAULT_DIR = Path(__file__).resolve().parent.parent / "tests" / "fixtures" / "reflect" / "labelled"


@dataclass
class Tally:
    predicted: int = 0
    labelled: int = 0
    matched_predictions: int = 0
    matched_labels: int = 0

    @property
    def precision(self) -> float:
        return self.matched_predictions / self.predicted if self.predicted else 1.0

    @property
    def recall(self) -> float:
        return self.matched_labels / self.labelled if self.labelled else 1.0

    def add(self, other: Tally) -> None:
        self.predicted += other.predicted
        self.labelled += other.labelled
        self.matched_predictions += other.matched_predictions
        self.matched_labels += other.matched_labels


@dataclass
class SessionScore:
    name: str
    by_kind: dict[str, Tally]
    false_positives: list[Lesson] = field(default_factory=list)
    missed: list[dict[str, Any]] = field(default_factory=list)


@dataclass
class Report:
    sessions: list[SessionScore]

    def kind(self, kind: str) -> Tally:
        total = Tally()
        for session in self.sessions:
            total.add(session.by_kind.get(kind, Tally()))
        return total

    @property
    def overall(self) -> Tally:
        total = Tally()
        for kind in KINDS:
            total.add(self.kind(kind))
        return total


def matches(lesson: Lesson, label: dict[str, Any]) -> bool:
    if lesson.kind != label["kind"]:
        return False
    haystack = " ".join([lesson.topic, lesson.text, *lesson.files, *lesson.commands]).lower()
    return all(str(term).lower() in haystack for term in label.get("terms", []))


def score_session(name: str, lessons: list[Lesson], labels: list[dict[str, Any]]) -> SessionScore:
    by_kind = {kind: Tally() for kind in KINDS}
    for lesson in lessons:
        by_kind[lesson.kind].predicted += 1
    for label in labels:
        by_kind[label["kind"]].labelled += 1
    used: set[int] = set()
    missed = []
    for label in labels:
        hit = next(
            (i for i, lesson in enumerate(lessons) if i not in used and matches(lesson, label)),
            None,
        )
        if hit is None:
            missed.append(label)
            continue
        used.add(hit)
        by_kind[label["kind"]].matched_labels += 1
        by_kind[label["kind"]].matched_predictions += 1
    false_positives = [lesson for i, lesson in enumerate(lessons) if i not in used]
    return SessionScore(name, by_kind, false_positives, missed)


def evaluate(directory: Path = DEFAULT_DIR) -> Report:
    spec = yaml.safe_load((directory / "labels.yaml").read_text(encoding="utf-8"))
    scores = []
    for name, entry in sorted(spec["sessions"].items()):
        sessions = _sessions(directory / name)
        if not sessions:
            raise SystemExit(f"{name}: no parser recognises this transcript")
        lessons = []
        for session in sessions:  # an Aider history holds several sessions
            root = Path(entry.get("root") or session.cwd)
            lessons += extract_lessons(session, root)
        scores.append(score_session(name, lessons, entry.get("lessons") or []))
    return Report(scores)


def _sessions(path: Path) -> list[Session]:
    parse_sessions = getattr(discover, "parse_sessions", None)
    if parse_sessions is not None:
        return list(parse_sessions(path))
    session = discover.parse_any(path)
    return [session] if session is not None else []


def _row(name: str, tally: Tally) -> str:
    return (
        f"{name:<52} {tally.predicted:>4} {tally.labelled:>4} {tally.matched_labels:>4}"
        f"  P={tally.precision:.2f}  R={tally.recall:.2f}"
    )


def main(argv: list[str]) -> int:
    verbose = "-v" in argv
    args = [a for a in argv if a != "-v"]
    directory = Path(args[0]) if args else DEFAULT_DIR
    report = evaluate(directory)
    print(f"{'session':<52} pred  lab  hit")
    for session in report.sessions:
        total = Tally()
        for tally in session.by_kind.values():
            total.add(tally)
        print(_row(session.name[-52:], total))
        if verbose:
            for lesson in session.false_positives:
                print(f"    extra   [{lesson.kind}] {lesson.topic}: {lesson.text}")
            for label in session.missed:
                print(f"    missed  [{label['kind']}] {label.get('terms')}")
    print()
    for kind in KINDS:
        print(_row(f"kind {kind}", report.kind(kind)))
    overall = report.overall
    print(_row("overall", overall))
    passed = overall.precision >= BAR and overall.recall >= BAR
    print(f"bar (P and R >= {BAR}): {'met' if passed else 'NOT met'}")
    return 0 if passed else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
