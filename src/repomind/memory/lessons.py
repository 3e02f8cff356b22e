"""`.repomind/memory/lessons.md` and its archive: lessons as reviewable markdown, read back with
their provenance, so a human can edit, reorder or delete any of them in a PR.

Each lesson is a list item; its bookkeeping (id, kind, topic, citations, evidence) sits in an HTML
comment under it, out of the agents' way. `sig` is a hash of the text as repomind last wrote it:
when the text no longer matches, a human edited it and the entry becomes the human's (repomind
never rewrites it again). Items without a comment were written by a human. Entries keep their
order in the file (new ones are appended to their section), so diffs stay small and two
branches' additions merge.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field, replace
from pathlib import Path

from repomind.fsutil import write_text_atomic
from repomind.memory.blocks import find_block, replace_block
from repomind.memory.document import split_frontmatter
from repomind.reflect.lesson import Evidence, Lesson

LESSONS = "lessons.md"
ARCHIVE = "lessons-archive.md"
BLOCK = "lessons"
ARCHIVE_BLOCK = "archive"
EVIDENCE_KEPT = 3
SESSIONS_KEPT = 40  # sessions remembered per lesson, so re-reading one never counts it twice

DESCRIPTION = (
    "Lessons learned from agent sessions: corrections and preferences the user stated, commands "
    "that work (and ones that fail), files edited together, pitfalls. Edit, reorder or delete "
    "freely: repomind keeps human edits and never rewrites them."
)
ARCHIVE_DESCRIPTION = (
    "Retired lessons (superseded, overflowing the budget, stale or no longer relevant), kept for "
    "reference; not shown to agents. Move a line back to lessons.md to revive it."
)
TITLES = {
    "correction": "Corrections and preferences",
    "command": "Commands",
    "confirmed": "Commands",
    "loop": "Pitfalls",
    "cochange": "Files edited together",
}
SECTION_ORDER = ("Corrections and preferences", "Commands", "Pitfalls", "Files edited together")
_KIND_OF_TITLE = {
    "Corrections and preferences": "correction",
    "Commands": "command",
    "Pitfalls": "loop",
    "Files edited together": "cochange",
}
_META_START = "<!-- repomind:lesson "
_FIRST_LINE = re.compile(r'(\w+)=("(?:[^"\\]|\\.)*"|\S+)')


@dataclass(frozen=True, slots=True)
class Entry:
    """A lesson as it stands in a memory file."""

    id: str
    kind: str
    topic: str
    text: str  # the item's markdown without the leading "- " (continuation lines joined by \n)
    section: str
    files: tuple[str, ...] = ()
    symbols: tuple[str, ...] = ()
    commands: tuple[str, ...] = ()
    seen: int = 1  # sessions that taught or re-taught it
    evidence: tuple[Evidence, ...] = ()  # newest first
    taught_by: tuple[str, ...] = ()  # session_key() of every session that taught it, newest first
    human: bool = False  # written or edited by a human: its text wins and is never rewritten
    stale: str = ""  # why its citations no longer hold; withheld from agents until confirmed
    retired: str = ""  # archive only: why it left lessons.md

    @property
    def last_date(self) -> str:
        return max((e.date for e in self.evidence), default="")


@dataclass(slots=True)
class LessonFile:
    """A parsed lessons file: entries in file order plus whatever humans wrote between them."""

    entries: list[Entry] = field(default_factory=list)
    loose: dict[str, list[str]] = field(default_factory=dict)  # section → human non-item lines


def lesson_id(topic: str) -> str:
    return hashlib.sha1(topic.encode("utf-8")).hexdigest()[:8]


def text_sig(text: str) -> str:
    return hashlib.sha1(" ".join(text.split()).encode("utf-8")).hexdigest()[:6]


def entry_from_lesson(lesson: Lesson) -> Entry:
    return Entry(
        id=lesson_id(lesson.topic),
        kind=lesson.kind,
        topic=lesson.topic,
        text=_inert(lesson.text),
        section=TITLES.get(lesson.kind, SECTION_ORDER[0]),
        files=lesson.files,
        symbols=lesson.symbols,
        commands=lesson.commands,
        evidence=tuple(lesson.evidence[:EVIDENCE_KEPT]),
        taught_by=tuple(dict.fromkeys(session_key(e.session_id) for e in lesson.evidence)),
    )


def session_key(session_id: str) -> str:
    """A short, stable name for a session (evidence keeps only the latest few in full)."""
    return hashlib.sha1(session_id.encode("utf-8")).hexdigest()[:8]


def _inert(text: str) -> str:
    """Generated text on one line that cannot open or close a comment or a managed block."""
    return " ".join(text.split()).replace("<!--", "<!‐-").replace("-->", "-‐>")


# --- reading ---------------------------------------------------------------------------------


def read_lessons(path: Path, block: str = BLOCK) -> LessonFile:
    """The lessons in `path`'s block (an absent file or block: none)."""
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return LessonFile()
    found = find_block(text, block)
    return parse_block(found.inner if found else "")


def parse_block(inner: str) -> LessonFile:
    result = LessonFile()
    section = SECTION_ORDER[0]
    lines = inner.replace("\r\n", "\n").split("\n")
    i = 0
    while i < len(lines):
        line = lines[i]
        if line.startswith("## "):
            section = line[3:].strip() or section
            i += 1
            continue
        if not line.startswith("- "):
            if line.strip():
                result.loose.setdefault(section, []).append(line)
            i += 1
            continue
        body = [line[2:]]
        i += 1
        while i < len(lines) and lines[i].startswith((" ", "\t")):
            if lines[i].strip().startswith(_META_START):
                break
            body.append(lines[i].strip())
            i += 1
        meta: list[str] = []
        if i < len(lines) and lines[i].strip().startswith(_META_START):
            while i < len(lines):
                meta.append(lines[i].strip())
                i += 1
                if meta[-1].endswith("-->"):
                    break
        result.entries.append(_entry(section, "\n".join(body).strip(), meta))
    return result


def _entry(section: str, text: str, meta: list[str]) -> Entry:
    if not meta:
        kind = _KIND_OF_TITLE.get(section, "correction")
        ident = "h" + text_sig(text) + "0"
        return Entry(ident, kind, f"human:{ident}", text, section, human=True)
    head = meta[0][len(_META_START) :].removesuffix("-->").strip()
    attrs = {k: _unquote(v) for k, v in _FIRST_LINE.findall(head)}
    values: dict[str, list[str]] = {}
    for line in meta[1:]:
        line = line.removesuffix("-->").strip()
        key, sep, value = line.partition(":")
        if sep and value.strip():
            values.setdefault(key.strip(), []).append(value.strip())
    topic = (values.get("topic") or [""])[0]
    ident = attrs.get("id") or lesson_id(topic or text)
    human = attrs.get("by") == "human" or attrs.get("sig") != text_sig(text)
    try:
        seen = max(1, int(attrs.get("seen", "1")))
    except ValueError:
        seen = 1
    return Entry(
        id=ident,
        kind=attrs.get("kind") or _KIND_OF_TITLE.get(section, "correction"),
        topic=topic or f"human:{ident}",
        text=text,
        section=section,
        files=_split(values.get("files")),
        symbols=_split(values.get("symbols")),
        commands=tuple(values.get("command", [])),
        seen=seen,
        evidence=tuple(e for v in values.get("evidence", []) if (e := _evidence(v))),
        taught_by=tuple(k for v in values.get("sessions", []) for k in v.split()),
        human=human,
        stale=attrs.get("stale", ""),
        retired=attrs.get("retired", ""),
    )


def _split(values: list[str] | None) -> tuple[str, ...]:
    return tuple(v.strip() for value in values or [] for v in value.split(",") if v.strip())


def _unquote(value: str) -> str:
    if len(value) >= 2 and value[0] == value[-1] == '"':
        return value[1:-1].replace('\\"', '"').replace("\\\\", "\\")
    return value


_EVIDENCE = re.compile(r'^(\S+) (\S+) (\S+): "(.*)"$')


def _evidence(value: str) -> Evidence | None:
    match = _EVIDENCE.match(value)
    if not match:
        return None
    agent, date, session, quote = match.groups()
    return Evidence(session, agent, "" if date == "-" else date, quote.replace('\\"', '"'))


# --- writing ---------------------------------------------------------------------------------


def render_block(lessons: LessonFile) -> str:
    """The block's markdown: known sections in a fixed order, then any a human added."""
    by_section: dict[str, list[Entry]] = {}
    for entry in lessons.entries:
        by_section.setdefault(entry.section, []).append(entry)
    extra = [s for s in [*by_section, *lessons.loose] if s not in SECTION_ORDER]
    out: list[str] = []
    for section in [*SECTION_ORDER, *dict.fromkeys(extra)]:
        entries = by_section.get(section, [])
        loose = lessons.loose.get(section, [])
        if not entries and not loose:
            continue
        out += [f"## {section}", ""]
        if loose:
            out += [*loose, ""]
        for entry in entries:
            out += _render_entry(entry)
        out.append("")
    return "\n".join(out).rstrip("\n") + "\n" if out else ""


def _render_entry(entry: Entry) -> list[str]:
    first, *rest = entry.text.split("\n")
    lines = [f"- {first}", *(f"  {line}" for line in rest)]
    head = [f"id={entry.id}", f"kind={entry.kind}", f"seen={entry.seen}"]
    head.append("by=human" if entry.human else f"sig={text_sig(entry.text)}")
    if entry.stale:
        head.append(f"stale={_quote(entry.stale)}")
    if entry.retired:
        head.append(f"retired={_quote(entry.retired)}")
    meta = [_META_START + " ".join(head), f"topic: {_safe(entry.topic)}"]
    if entry.files:
        meta.append("files: " + ", ".join(_safe(f) for f in entry.files))
    if entry.symbols:
        meta.append("symbols: " + ", ".join(_safe(s) for s in entry.symbols))
    meta += [f"command: {_safe(c)}" for c in entry.commands]
    if entry.taught_by:
        meta.append("sessions: " + " ".join(_safe(k) for k in entry.taught_by[:SESSIONS_KEPT]))
    for ev in entry.evidence[:EVIDENCE_KEPT]:
        quote = _safe(ev.quote).replace('"', '\\"')
        meta.append(f'evidence: {ev.agent} {ev.date or "-"} {_safe(ev.session_id)}: "{quote}"')
    meta[-1] += " -->"
    return lines + [f"  {m}" for m in meta]


def _quote(value: str) -> str:
    return '"' + _safe(value).replace("\\", "\\\\").replace('"', '\\"') + '"'


def _safe(value: str) -> str:
    """One line that cannot end the HTML comment early."""
    return " ".join(value.split()).replace("-->", "-- >")


def write_lessons(
    path: Path, lessons: LessonFile, *, block: str = BLOCK, description: str = DESCRIPTION
) -> bool:
    """Write the block, keeping every human line outside it; True when the bytes changed.
    A file marked `readonly: true` is left alone."""
    try:
        existing: str | None = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        existing = None
    if existing is not None and split_frontmatter(existing).fields.get("readonly") is True:
        return False
    if existing is None:
        if not lessons.entries and not lessons.loose:
            return False
        title = "Lessons learned" if block == BLOCK else "Retired lessons"
        existing = f"---\ndescription: {description}\n---\n\n# {title}\n\n"
    return write_text_atomic(path, replace_block(existing, block, render_block(lessons)))


def with_evidence(
    entry: Entry, evidence: tuple[Evidence, ...], taught_by: tuple[str, ...] = ()
) -> Entry:
    """`entry` with `evidence` added (newest first, one per session, at most EVIDENCE_KEPT)
    and the sessions behind it remembered."""
    merged: dict[str, Evidence] = {}
    for ev in sorted(
        (*evidence, *entry.evidence), key=lambda e: (e.date, e.session_id), reverse=True
    ):
        merged.setdefault(ev.session_id, ev)
    keys = (*taught_by, *(session_key(e.session_id) for e in evidence), *entry.taught_by)
    return replace(
        entry,
        evidence=tuple(merged.values())[:EVIDENCE_KEPT],
        taught_by=tuple(dict.fromkeys(keys))[:SESSIONS_KEPT],
    )


def merge_lesson_blocks(base: str, ours: str, theirs: str) -> str:
    """Three-way merge of two branches' lessons (block contents), entry by entry, so lessons
    learned on both sides survive without conflict markers.

    An entry only one side has is kept, unless the other side deleted it since the base. An
    entry both sides changed keeps the human's text if either is human, else the version seen
    more often; evidence from both sides is pooled.
    """
    old, mine, other = parse_block(base), parse_block(ours), parse_block(theirs)
    base_ids = {e.id for e in old.entries}
    mine_ids = {e.id for e in mine.entries}
    merged = LessonFile(list(mine.entries), {k: list(v) for k, v in mine.loose.items()})
    for entry in other.entries:
        if entry.id not in mine_ids:
            if entry.id not in base_ids:
                merged.entries.append(entry)  # learned on their side only
            continue  # in base, gone from ours: our deletion wins
        i = next(i for i, e in enumerate(merged.entries) if e.id == entry.id)
        current = merged.entries[i]
        if current == entry:
            continue
        theirs_wins = (entry.human and not current.human) or (
            entry.human == current.human
            and (entry.seen, entry.last_date) > (current.seen, current.last_date)
        )
        winner = entry if theirs_wins else current
        merged.entries[i] = with_evidence(
            replace(winner, seen=max(current.seen, entry.seen)),
            entry.evidence + current.evidence,
            entry.taught_by + current.taught_by,
        )
    # Their deletion wins over an entry we left as it was in the base.
    theirs_ids = {e.id for e in other.entries}
    unchanged = {e.id for e in old.entries if e in mine.entries}
    merged.entries = [e for e in merged.entries if e.id in theirs_ids or e.id not in unchanged]
    for section, lines in other.loose.items():
        kept = merged.loose.setdefault(section, [])
        kept += [line for line in lines if line not in kept]
    return render_block(merged)
