"""`.repomind/config.yaml`: settings a human edits, their defaults, validation, env overrides."""

from __future__ import annotations

import os
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import Any

from repomind.errors import UsageError

ENV_PREFIX = "REPOMIND_"


@dataclass(slots=True)
class IndexSettings:
    max_file_kb: int = field(
        default=1024, metadata={"doc": "files larger than this (KiB) are left out of the index"}
    )
    exclude: list[str] = field(
        default_factory=list,
        metadata={"doc": "extra gitignore-style globs to leave out (vendored, generated, data)"},
    )
    include: list[str] = field(
        default_factory=list,
        metadata={"doc": "globs to keep even though a default rule would leave them out"},
    )
    workers: int = field(default=0, metadata={"doc": "parser processes; 0 means one per CPU"})


@dataclass(slots=True)
class HistorySettings:
    max_commits: int = field(
        default=0, metadata={"doc": "newest commits of HEAD's history to read; 0 means all"}
    )
    max_files_per_commit: int = field(
        default=30, metadata={"doc": "commits touching more files are bulk edits: no co-change"}
    )


@dataclass(slots=True)
class MemorySettings:
    repo_map_tokens: int = field(
        default=1500, metadata={"doc": "token budget of memory/repo-map.md"}
    )
    cochange_rules: int = field(
        default=25, metadata={"doc": "strongest co-change rules kept in memory/cochange.md"}
    )
    cochange_min_support: int = field(
        default=3,
        metadata={"doc": "a pair must have changed together in at least this many commits"},
    )
    cochange_min_confidence: float = field(
        default=0.5,
        metadata={"doc": "...and in at least this share of the commits touching one of them"},
    )


@dataclass(slots=True)
class ExportSettings:
    targets: list[str] = field(
        default_factory=list,
        metadata={
            "doc": "rule files to write: agents claude cursor copilot gemini windsurf cline; "
            "[] detects them"
        },
    )
    max_chars: int = field(
        default=6000, metadata={"doc": "size budget of repomind's block in each rule file"}
    )


@dataclass(slots=True)
class LLMSettings:
    model: str = field(
        default="claude-sonnet-4-6",
        metadata={"doc": "Claude model for the wiki and reflection (any Messages-API model)"},
    )
    base_url: str = field(
        default="",
        metadata={"doc": "Messages API endpoint; '' means ANTHROPIC_BASE_URL or Anthropic's"},
    )
    max_request_tokens: int = field(
        default=24000, metadata={"doc": "no single request may carry more input tokens than this"}
    )
    max_output_tokens: int = field(
        default=2048, metadata={"doc": "output tokens asked for per request"}
    )
    timeout_seconds: int = field(default=60, metadata={"doc": "per-request timeout"})
    max_retries: int = field(
        default=3, metadata={"doc": "retries on 429 / 5xx / timeouts, with backoff"}
    )
    budget_usd_day: float = field(
        default=1.0,
        metadata={"doc": "LLM spend allowed per day (USD); 0 disables LLM calls", "max": None},
    )
    budget_usd_month: float = field(
        default=10.0,
        metadata={"doc": "LLM spend allowed per calendar month (USD)", "max": None},
    )


@dataclass(slots=True)
class ReflectSettings:
    on_session_end: bool = field(
        default=True,
        metadata={"doc": "reflect in the background when an agent session ends (hook)"},
    )
    use_llm: bool = field(
        default=True, metadata={"doc": "ask Claude for lessons when a key or base_url is set"}
    )
    max_session_tokens: int = field(
        default=8000, metadata={"doc": "size cap of the session digest sent to Claude"}
    )
    max_lessons: int = field(
        default=40,
        metadata={"doc": "lessons kept in memory/lessons.md; the weakest overflow to the archive"},
    )
    archive_after_sessions: int = field(
        default=30,
        metadata={"doc": "a lesson not relevant in this many later sessions moves to the archive"},
    )


@dataclass(slots=True)
class WikiSettings:
    max_pages: int = field(default=40, metadata={"doc": "area pages at most (plus overview)"})
    page_output_tokens: int = field(
        default=1800, metadata={"doc": "output tokens asked for per wiki page"}
    )
    refresh_threshold: float = field(
        default=0.2,
        metadata={"doc": "share of a page's sources (by weight) that must change to rewrite it"},
    )


@dataclass(slots=True)
class WatchSettings:
    settle_seconds: int = field(
        default=3, metadata={"doc": "quiet time after a change before re-indexing"}
    )
    idle_minutes: int = field(
        default=10, metadata={"doc": "developer idle time before sleep-time work (reflect, wiki)"}
    )


@dataclass(slots=True)
class Config:
    index: IndexSettings = field(default_factory=IndexSettings)
    history: HistorySettings = field(default_factory=HistorySettings)
    memory: MemorySettings = field(default_factory=MemorySettings)
    export: ExportSettings = field(default_factory=ExportSettings)
    llm: LLMSettings = field(default_factory=LLMSettings)
    reflect: ReflectSettings = field(default_factory=ReflectSettings)
    wiki: WikiSettings = field(default_factory=WikiSettings)
    watch: WatchSettings = field(default_factory=WatchSettings)


SECTION_DOCS = {
    "index": "which files are indexed and how",
    "history": "what is read from git history",
    "memory": "what is written to .repomind/memory/",
    "export": "the agents' rule files repomind keeps a block in (repomind export)",
    "llm": "Claude, used only when ANTHROPIC_API_KEY or a base_url is set; spend is capped",
    "reflect": "learning lessons from finished agent sessions (repomind reflect)",
    "wiki": "the deep wiki under .repomind/wiki/ (repomind wiki)",
    "watch": "the background watcher (repomind watch)",
}


def default_config_text(export_targets: list[str] | None = None) -> str:
    """The config file `repomind init` writes: every setting with its default and a comment
    (`export_targets`: the agents chosen or detected at init, instead of [])."""
    lines = [
        "# repomind settings. Every setting is listed with its default; edit freely.",
        "# Env variables override these: REPOMIND_<SECTION>_<KEY>, e.g. REPOMIND_INDEX_WORKERS=2",
    ]
    for section in fields(Config):
        lines.append("")
        lines.append(f"{section.name}:  # {SECTION_DOCS[section.name]}")
        obj = getattr(Config(), section.name)
        for f in fields(obj):
            value = _yaml_scalar(getattr(obj, f.name))
            if (section.name, f.name) == ("export", "targets") and export_targets is not None:
                value = _yaml_scalar(export_targets)
            lines.append(f"  {f.name}: {value}  # {f.metadata['doc']}")
    return "\n".join(lines) + "\n"


def _yaml_scalar(value: Any) -> str:
    import json

    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list) or value == "":
        return json.dumps(value)
    return str(value)


def load_config(path: Path, environ: dict[str, str] | None = None) -> Config:
    """Read and validate `path` (missing file: defaults), then apply environment overrides."""
    config = Config()
    if path.exists():
        data = _read_yaml(path)
        _apply(config, data, source=str(path.name))
    env = os.environ if environ is None else environ
    _apply_env(config, env)
    return config


def _read_yaml(path: Path) -> dict[str, Any]:
    import yaml

    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise UsageError(f"cannot read {path}: {exc}") from None
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" (line {mark.line + 1})" if mark is not None else ""
        raise UsageError(f"{path} is not valid YAML{where}; fix or delete it") from None
    if data is None:
        return {}
    if not isinstance(data, dict):
        raise UsageError(f"{path} must be a mapping of sections (index:, history:, memory:)")
    return data


def _apply(config: Config, data: dict[str, Any], source: str) -> None:
    sections = {f.name: f for f in fields(Config)}
    for name, values in data.items():
        if name not in sections:
            known = ", ".join(sorted(sections))
            raise UsageError(f"{source}: unknown section {name!r} (known: {known})")
        if values is None:
            continue
        if not isinstance(values, dict):
            raise UsageError(f"{source}: section {name!r} must be a mapping")
        target = getattr(config, name)
        for key, value in values.items():
            _set(target, name, str(key), value, source)


def _set(target: Any, section: str, key: str, value: Any, source: str) -> None:
    known = {f.name: f for f in fields(target)}
    if key not in known:
        names = ", ".join(sorted(known))
        raise UsageError(f"{source}: unknown key {section}.{key} (known: {names})")
    default = getattr(type(target)(), key)
    upper = known[key].metadata.get("max", 1)
    setattr(target, key, _coerce(value, default, f"{section}.{key}", source, upper))


def _coerce(value: Any, default: Any, name: str, source: str, upper: float | None = 1) -> Any:
    def bad(expected: str) -> UsageError:
        return UsageError(f"{source}: {name} must be {expected}, got {value!r}")

    if isinstance(default, bool):
        if not isinstance(value, bool):
            raise bad("true or false")
        return value
    if isinstance(default, int):
        if isinstance(value, bool) or not isinstance(value, int):
            raise bad("an integer")
        if value < 0:
            raise bad("zero or more")
        return value
    if isinstance(default, float):
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            raise bad("a number")
        if upper is not None and not 0 <= value <= upper:
            raise bad(f"between 0 and {upper}")
        if value < 0:
            raise bad("zero or more")
        return float(value)
    if isinstance(default, list):
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            raise bad("a list of strings")
        return list(value)
    if isinstance(default, str):
        if not isinstance(value, str):
            raise bad("a string")
        return value
    raise bad(type(default).__name__)


def _apply_env(config: Config, environ: Any) -> None:
    import yaml

    for section in fields(Config):
        target = getattr(config, section.name)
        for f in fields(target):
            var = f"{ENV_PREFIX}{section.name}_{f.name}".upper()
            raw = environ.get(var)
            if raw is None:
                continue
            try:
                value = yaml.safe_load(raw)
            except yaml.YAMLError:
                value = raw
            _set(target, section.name, f.name, value, source=var)
