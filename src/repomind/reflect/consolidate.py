"""Consolidation: new lessons update memory instead of piling up.

Same topic and same advice → the entry is reinforced (seen + 1, evidence added). Same topic,
different advice → the newer lesson supersedes the older, which goes to the archive; unless a
human wrote or edited the older one: human text always wins. A lesson very close to an existing
one of the same kind merges into it. Over the size budget, the weakest generated entries move to
the archive. Everything is deterministic: same inputs, same order, same bytes.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from typing import Literal

from repomind.memory.lessons import (
    Entry,
    LessonFile,
    entry_from_lesson,
    session_key,
    with_evidence,
)
from repomind.reflect.lesson import Lesson

ARCHIVE_CAP = 400  # retired entries kept; the oldest beyond this are dropped
SIMILAR = 0.6  # word-set overlap at which two lessons of one kind are the same lesson

Action = Literal["add", "reinforce", "supersede", "keep-human", "retire", "stale", "unchanged"]


@dataclass(frozen=True, slots=True)
class Change:
    action: Action
    id: str
    text: str
    detail: str = ""


@dataclass(slots=True)
class Memory:
    """lessons.md and its archive, being consolidated."""

    lessons: LessonFile
    archive: LessonFile


def consolidate(memory: Memory, new: list[Lesson], *, max_lessons: int) -> list[Change]:
    """Merge `new` into `memory` (in place) and enforce the budget; returns what changed."""
    changes: list[Change] = []
    touched: set[str] = set()  # entries this batch (one session) already taught
    for lesson in sorted(new, key=lambda item: (item.topic, item.text)):
        change = _merge_one(memory, lesson, touched)
        touched.add(change.id)
        changes.append(change)
    changes += enforce_budget(memory, max_lessons)
    return [c for c in changes if c.action != "unchanged"]


def _merge_one(memory: Memory, lesson: Lesson, touched: set[str]) -> Change:
    incoming = entry_from_lesson(lesson)
    entries = memory.lessons.entries
    index = _find(entries, incoming)
    if index is None:
        if _dismissed(memory.archive, incoming):
            return Change("unchanged", incoming.id, incoming.text, "retired by a human")
        entries.append(incoming)
        return Change("add", incoming.id, incoming.text)
    current = entries[index]
    taught = {*current.taught_by, *(session_key(e.session_id) for e in current.evidence)}
    if current.id in touched or (taught and set(incoming.taught_by) <= taught):
        return Change("unchanged", current.id, current.text)  # this session taught it already
    if same_advice(current, incoming):
        updated = with_evidence(replace(current, seen=current.seen + 1), incoming.evidence)
        if not current.human:
            # A new session confirms it: citations are refreshed and a stale mark is lifted.
            updated = replace(
                updated,
                stale="",
                files=incoming.files or current.files,
                symbols=incoming.symbols or current.symbols,
                commands=incoming.commands or current.commands,
            )
        entries[index] = updated
        return Change("reinforce", current.id, current.text)
    if current.human:
        return Change("keep-human", current.id, current.text, incoming.text)
    if incoming.last_date and incoming.last_date < current.last_date:
        # Reflecting an old session late: it cannot overrule what newer sessions taught.
        return Change("unchanged", current.id, current.text, "older than the lesson in memory")
    _retire(memory, current, f"superseded by a later session ({incoming.last_date or 'undated'})")
    entries[index] = replace(incoming, section=current.section)
    return Change("supersede", current.id, incoming.text, current.text)


def _find(entries: list[Entry], incoming: Entry) -> int | None:
    for i, entry in enumerate(entries):
        if entry.topic == incoming.topic:
            return i
    if incoming.kind == "confirmed":
        # A command that passed confirms the lesson recommending it rather than repeating it.
        for kind in ("command", "correction"):
            for i, entry in enumerate(entries):
                if entry.kind == kind and set(incoming.commands) & set(entry.commands):
                    return i
    for i, entry in enumerate(entries):
        if entry.kind == incoming.kind and similarity(entry.text, incoming.text) >= SIMILAR:
            return i
    return None


def _dismissed(archive: LessonFile, incoming: Entry) -> bool:
    """A human retired this very lesson (moved it to the archive marked `retired=human`)."""
    return any(
        e.retired.startswith("human") and (e.topic == incoming.topic or e.text == incoming.text)
        for e in archive.entries
    )


def same_advice(a: Entry, b: Entry) -> bool:
    if b.kind == "confirmed" and a.kind != "confirmed":
        return bool(set(a.commands) & set(b.commands))
    if a.commands and b.commands:
        return set(a.commands) == set(b.commands)
    return similarity(a.text, b.text) >= SIMILAR


_WORD = re.compile(r"[A-Za-z0-9_./-]+")


def similarity(a: str, b: str) -> float:
    """Overlap of the two texts' word sets (Jaccard), case-insensitive; 0 when they name
    different specifics (paths, commands, identifiers, numbers): "never edit a.py" and "never
    edit b.py" are two lessons."""
    wa = {w.lower() for w in _WORD.findall(a)}
    wb = {w.lower() for w in _WORD.findall(b)}
    if not wa or not wb or _specifics(a) != _specifics(b):
        return 0.0
    return len(wa & wb) / len(wa | wb)


_SPECIFIC = re.compile(
    r"`[^`]+`|[\w-]*(?:[/_\d]|\.\w)[\w./-]*|\b[a-z]+[A-Z]\w*|\b[A-Z]\w*[a-z][A-Z]\w*"
)


def _specifics(text: str) -> set[str]:
    return {m.strip("`.").lower() for m in _SPECIFIC.findall(text) if m.strip("`.")}


def strength(entry: Entry) -> tuple[int, str, str]:
    """Sort key, strongest first when reversed: sessions that taught it, then recency."""
    return (entry.seen, entry.last_date, entry.id)


def enforce_budget(memory: Memory, max_lessons: int) -> list[Change]:
    generated = [e for e in memory.lessons.entries if not e.human]
    overflow = len(generated) - max_lessons
    if overflow <= 0:
        return []
    weakest = sorted(generated, key=strength)[:overflow]
    changes = []
    for entry in weakest:
        memory.lessons.entries.remove(entry)
        _retire(memory, entry, "over the lessons budget")
        changes.append(Change("retire", entry.id, entry.text, "over the lessons budget"))
    return changes


def retire(memory: Memory, entry_id: str, reason: str) -> Change | None:
    """Move a generated entry to the archive (human entries are never retired by repomind)."""
    for entry in memory.lessons.entries:
        if entry.id == entry_id and not entry.human:
            memory.lessons.entries.remove(entry)
            _retire(memory, entry, reason)
            return Change("retire", entry.id, entry.text, reason)
    return None


def _retire(memory: Memory, entry: Entry, reason: str) -> None:
    archived = replace(entry, retired=reason)
    kept = [e for e in memory.archive.entries if not (e.id == entry.id and e.text == entry.text)]
    kept.append(archived)
    memory.archive.entries = kept[-ARCHIVE_CAP:]
