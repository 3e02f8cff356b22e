"""The command line: parse options, call one function, render its result (rich or --json)."""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path
from typing import Annotated, Any

import typer

from repomind.errors import RepomindError

app = typer.Typer(
    add_completion=False,
    no_args_is_help=True,
    help="Long-term memory of a git repository for coding agents.",
    pretty_exceptions_enable=False,
)

RepoOption = Annotated[
    Path | None,
    typer.Option("--repo", "-C", help="Repository to work on (default: the current directory)."),
]
JsonOption = Annotated[bool, typer.Option("--json", help="Print one JSON document on stdout.")]
QuietOption = Annotated[bool, typer.Option("--quiet", "-q", help="Print nothing but errors.")]


def _layout(repo: Path | None):  # type: ignore[no-untyped-def]
    from repomind.layout import Layout, find_root

    if repo is not None and not repo.exists():
        from repomind.errors import UsageError

        raise UsageError(f"no such directory: {repo}")
    return Layout(find_root(repo))


def _config(layout):  # type: ignore[no-untyped-def]
    from repomind.config import load_config

    return load_config(layout.config)


def _print_json(data: Any) -> None:
    sys.stdout.write(json.dumps(data, indent=2, sort_keys=True, ensure_ascii=False) + "\n")


@app.command()
def init(
    repo: RepoOption = None,
    agents: Annotated[
        str | None,
        typer.Option(
            "--agents",
            help="Comma-separated rule-file targets (agents,claude,cursor,copilot,gemini,"
            "windsurf,cline) or agents' names (codex reads AGENTS.md); default: detected "
            "from the repository.",
        ),
    ] = None,
    hooks: Annotated[
        bool, typer.Option("--hooks", help="Also install git hooks and the agents' hooks.")
    ] = False,
    quiet: QuietOption = False,
) -> None:
    """Create .repomind/ (config with every setting, ignore rules). Safe to run twice."""
    from repomind.exports.targets import chosen_targets, detect_targets
    from repomind.init import init_repo

    layout = _layout(repo)
    _config(layout)  # an existing config must be valid
    requested = [a.strip() for a in agents.split(",") if a.strip()] if agents else []
    chosen = (
        [t.name for t in chosen_targets(layout.root, [], requested)]
        if requested
        else (detect_targets(layout.root))
    )
    report = init_repo(layout, chosen)
    if not quiet:
        for path in report.created:
            typer.echo(f"created {path}")
        for path in report.kept:
            typer.echo(f"kept    {path} (already there)")
        if report.created:
            how = "chosen" if requested else "detected"
            typer.echo(f"rule files for: {', '.join(chosen)} ({how}; edit export.targets)")
    if hooks:
        _hooks("install", repo, True, "claude" in chosen, False, False, "gemini" in chosen)
    if not quiet:
        typer.echo("next: repomind index && repomind export")


@app.command()
def index(
    repo: RepoOption = None,
    full: Annotated[bool, typer.Option("--full", help="Rebuild from scratch.")] = False,
    quiet: QuietOption = False,
    as_json: JsonOption = False,
) -> None:
    """Index files, symbols, graph, history and commands; write .repomind/memory/."""
    from repomind.indexer import run_index
    from repomind.ui import index_progress

    layout = _layout(repo)
    config = _config(layout)
    with index_progress(enabled=not (quiet or as_json) and sys.stderr.isatty()) as progress:
        report = run_index(layout, config, full=full, progress=progress)
    for warning in report.warnings:
        typer.echo(f"warning: {warning}", err=True)
    if as_json:
        from dataclasses import asdict

        _print_json(asdict(report))
    elif not quiet:
        from repomind.ui import index_summary

        typer.echo(index_summary(report))


@app.command()
def status(repo: RepoOption = None, as_json: JsonOption = False) -> None:
    """What is indexed, when, at which commit, what is stale, cache size."""
    from repomind.status import collect_status

    layout = _layout(repo)
    report = collect_status(layout)
    if as_json:
        _print_json(report.to_json())
        return
    from repomind.ui import print_status

    print_status(report)
    from repomind.status import watch_rows

    for key, value in watch_rows(report.to_json()):
        typer.echo(f"{key:<16}{value}")


def _open_index(layout, config):  # type: ignore[no-untyped-def]
    """The index, read-only; built first (quietly) when missing, outdated or unreadable."""
    from repomind.errors import OperationError
    from repomind.store import Store

    try:
        return Store.open(layout.index_db, readonly=True)
    except OperationError:
        from repomind.indexer import run_index

        typer.echo("repomind: building the index first (repomind index)…", err=True)
        run_index(layout, config)
        return Store.open(layout.index_db, readonly=True)


MAX_QUERY_BYTES = 1 << 20
LimitOption = Annotated[int, typer.Option("-n", "--limit", min=1, max=1000, help="How many.")]


@app.command()
def related(
    file: Annotated[str, typer.Argument(help="A file of the repository.")],
    repo: RepoOption = None,
    limit: LimitOption = 10,
    as_json: JsonOption = False,
) -> None:
    """Files likely to change with FILE, ranked, each with its reasons."""
    from repomind.layout import relative_path
    from repomind.retrieve.related import related_files

    layout = _layout(repo)
    path = relative_path(layout.root, file)
    store = _open_index(layout, _config(layout))
    try:
        results = related_files(store, path, limit)
    finally:
        store.close()
    if as_json:
        _print_json(
            [{"path": r.path, "score": r.score, "reasons": list(r.reasons)} for r in results]
        )
        return
    from repomind.ui import print_ranked

    print_ranked(
        [(r.path, r.score, "; ".join(r.reasons)) for r in results],
        empty=f"nothing related to {path} yet (no shared history, imports or naming)",
    )


@app.command()
def query(
    text: Annotated[str, typer.Argument(help="The task, in words (quote it); - reads stdin.")],
    repo: RepoOption = None,
    limit: LimitOption = 10,
    as_json: JsonOption = False,
) -> None:
    """Files (and their best-matching definitions) relevant to a task, ranked."""
    from repomind.retrieve.query import query_files

    if text == "-":
        text = sys.stdin.read(MAX_QUERY_BYTES)
    layout = _layout(repo)
    store = _open_index(layout, _config(layout))
    try:
        hits = query_files(store, text, limit)
    finally:
        store.close()
    from repomind.wiki.search import query_wiki

    pages = query_wiki(layout, text)  # separate items after the files: the ranking is unchanged
    if as_json:
        _print_json(
            [
                {
                    "path": h.path,
                    "score": h.score,
                    "reasons": list(h.reasons),
                    "symbols": [
                        {"name": s.name, "kind": s.kind, "line": s.line} for s in h.symbols
                    ],
                }
                for h in hits
            ]
            + [p.to_json() for p in pages]
        )
        return
    from repomind.ui import print_ranked

    rows = []
    for h in hits:
        where = ", ".join(f"{s.name}:{s.line}" for s in h.symbols)
        rows.append((h.path, h.score, "; ".join(h.reasons) + (f" — {where}" if where else "")))
    rows += [(p.path, p.score, f"wiki page: {p.description or p.title}") for p in pages]
    print_ranked(rows, empty="nothing in the index matches this task")


@app.command("eval")
def eval_command(
    repo: RepoOption = None,
    commits: Annotated[
        int, typer.Option("--commits", help="How many recent commits to replay.")
    ] = 100,
    as_json: JsonOption = False,
) -> None:
    """How predictive the memory is, measured on this repository's own recent commits.

    Indexes a temporary checkout of the history before the last N commits (non-merge, 2-30
    indexable files each), then asks which files changed with each touched file (T1) and
    which files each commit message needs (T2); scores recall@5, recall@10 and MRR against
    same-directory, co-change and BM25 baselines. With fewer than 2 usable commits it says
    there is nothing to learn from and exits 0 with empty metrics.
    """
    from repomind.errors import UsageError
    from repomind.evaluate import evaluate
    from repomind.ui import index_progress

    if commits < 1:
        raise UsageError(f"--commits must be at least 1, got {commits}")
    layout = _layout(repo)
    with index_progress(enabled=sys.stderr.isatty()) as progress:
        report = evaluate(layout.root, commits, progress=progress)
    if as_json:
        _print_json(report.to_json())
        return
    from repomind.ui import print_eval

    print_eval(report)


@app.command()
def export(
    repo: RepoOption = None,
    target: Annotated[
        list[str] | None,
        typer.Option(
            "--target",
            "-t",
            help="agents, claude, cursor, copilot, gemini, windsurf or cline (repeatable); "
            "default: the config's, else the ones this repo uses.",
        ),
    ] = None,
    check: Annotated[
        bool, typer.Option("--check", help="Write nothing; exit 1 if a rule file is stale.")
    ] = False,
    dry_run: Annotated[
        bool, typer.Option("--dry-run", help="Write nothing; show the diff that would apply.")
    ] = False,
    refresh: Annotated[
        bool,
        typer.Option("--refresh", help="Only update files that already hold repomind's block."),
    ] = False,
    quiet: QuietOption = False,
) -> None:
    """Render memory into the agents' rule files, inside repomind's managed block only."""
    from repomind.exports.run import export_rules

    layout = _layout(repo)
    config = _config(layout)
    store = _open_index(layout, config)
    try:
        report = export_rules(
            layout, store, config, target or [], write=not (check or dry_run), refresh_only=refresh
        )
    finally:
        store.close()
    for outcome in report.outcomes:
        if dry_run and outcome.diff:
            typer.echo(outcome.diff, nl=False)
        elif not quiet and outcome.status != "error":
            verb = {"created": "would create", "updated": "would update"}.get(outcome.status)
            shown = verb if (check or dry_run) and verb else outcome.status
            detail = f" ({outcome.detail})" if outcome.detail else ""
            typer.echo(f"{shown:<12} {outcome.path}{detail}")
    for outcome in report.errors:
        typer.echo(f"repomind: error: {outcome.path}: {outcome.detail}", err=True)
    if report.errors or (check and report.stale):
        if check and report.stale:
            names = ", ".join(o.path for o in report.stale)
            typer.echo(f"repomind: stale rule files: {names} (run `repomind export`)", err=True)
        raise typer.Exit(1)


@app.command()
def reflect(
    transcripts: Annotated[
        list[Path] | None,
        typer.Argument(help="Transcripts to read (default: new sessions of this repository)."),
    ] = None,
    repo: RepoOption = None,
    dry_run: Annotated[
        bool, typer.Option("--dry-run", help="Write nothing; show the lessons and memory diff.")
    ] = False,
    offline: Annotated[
        bool, typer.Option("--offline", help="Never ask Claude, even when a key is set.")
    ] = False,
    reread: Annotated[
        bool,
        typer.Option("--all", help="Read every transcript again, not just what is new."),
    ] = False,
    quiet: QuietOption = False,
    as_json: JsonOption = False,
) -> None:
    """Learn from finished agent sessions; consolidate lessons into .repomind/memory/lessons.md."""
    from repomind.reflect.run import reflect_and_export

    layout = _layout(repo)
    config = _config(layout)
    show = not (quiet or as_json) and sys.stderr.isatty()
    report = reflect_and_export(
        layout,
        config,
        paths=[p.resolve() for p in transcripts] if transcripts else None,
        dry_run=dry_run,
        reread=reread,
        offline=offline,
        on_session=(lambda name: typer.echo(f"reading {name}", err=True)) if show else None,
    )
    for warning in report.warnings:
        typer.echo(f"warning: {warning}", err=True)
    if as_json:
        _print_json(report.as_json())
        return
    if quiet:
        return
    from repomind.ui import print_reflect

    print_reflect(report, dry_run=dry_run)


@app.command()
def watch(
    repo: RepoOption = None,
    detach: Annotated[
        bool, typer.Option("--detach", help="Run in the background (log: .repomind/state/).")
    ] = False,
    stop: Annotated[bool, typer.Option("--stop", help="Stop the running watcher.")] = False,
    show_status: Annotated[
        bool, typer.Option("--status", help="Whether a watcher runs, and its last step.")
    ] = False,
    as_json: JsonOption = False,
    settle_seconds: Annotated[float | None, typer.Option(hidden=True)] = None,
    idle_seconds: Annotated[float | None, typer.Option(hidden=True)] = None,
    log_file: Annotated[Path | None, typer.Option(hidden=True)] = None,
) -> None:
    """Re-index and export when the tree settles; reflect and refresh the wiki when idle.

    Runs in the foreground until Ctrl-C, or in the background with --detach (one watcher per
    repository). Settle and idle times: the `watch` section of .repomind/config.yaml.
    """
    from repomind.errors import UsageError
    from repomind.watch import control, daemon
    from repomind.watch.state import watcher_status

    if detach + stop + show_status > 1:
        raise UsageError("choose one of --detach, --stop, --status")
    layout = _layout(repo)
    if show_status:
        current = watcher_status(layout)
        if as_json:
            _print_json(current.to_json())
        else:
            typer.echo(f"watch: {current.describe()}")
        return
    if stop:
        report = control.stop_watcher(layout)
        if not report.was_running:
            typer.echo("watch: not running in this repository")
        else:
            how = "killed (it did not stop in time)" if report.killed else "stopped"
            typer.echo(f"watch: {how} (pid {report.pid})")
        return
    daemon.watch_times(layout, settle_seconds, idle_seconds)  # a bad config fails here, not later
    if detach:
        pid, log_path = control.start_detached(layout, settle_seconds, idle_seconds)
        typer.echo(f"watch: started in the background (pid {pid}); log: {log_path}")
        return
    raise typer.Exit(daemon.run_foreground(layout, settle_seconds, idle_seconds, log_file))


@app.command()
def wiki(
    repo: RepoOption = None,
    dry_run: Annotated[
        bool, typer.Option("--dry-run", help="Write nothing; list pages to build, tokens, cost.")
    ] = False,
    budget_tokens: Annotated[
        int | None, typer.Option("--budget-tokens", help="Cap on tokens this run may use.")
    ] = None,
    budget_usd: Annotated[
        float | None, typer.Option("--budget-usd", help="Cap on USD this run may spend.")
    ] = None,
    batch: Annotated[
        bool,
        typer.Option(
            "--batch", help="Submit as a Message Batch (half price); a later run collects."
        ),
    ] = False,
    area: Annotated[
        str | None, typer.Option("--area", help="Only this area (slug or directory) or overview.")
    ] = None,
    quiet: QuietOption = False,
    as_json: JsonOption = False,
) -> None:
    """Deep wiki in .repomind/wiki/: a page per area plus overview and index; only stale pages."""
    from repomind.errors import UsageError
    from repomind.wiki.run import open_wiki_llm, run_wiki

    if budget_tokens is not None and budget_usd is not None:
        raise UsageError("give --budget-tokens or --budget-usd, not both")
    layout = _layout(repo)
    config = _config(layout)
    store = _open_index(layout, config)
    try:
        report = run_wiki(
            layout,
            config,
            store,
            dry_run=dry_run,
            budget_tokens=budget_tokens,
            budget_usd=budget_usd,
            batch=batch,
            area=area,
            llm=open_wiki_llm(layout, config),
        )
    finally:
        store.close()
    for message in report.messages:
        typer.echo(f"repomind: {message}", err=True)
    if as_json:
        _print_json(report.to_json())
    elif not quiet:
        from repomind.wiki.report import render_report

        typer.echo(render_report(report, dry_run=dry_run))


hooks_app = typer.Typer(help="Install or remove repomind's git and agent hooks.")
app.add_typer(hooks_app, name="hooks")
GitFlag = Annotated[bool, typer.Option("--git", help="git post-commit/merge/checkout/rewrite.")]
ClaudeFlag = Annotated[bool, typer.Option("--claude", help="Claude Code settings.")]
CodexFlag = Annotated[bool, typer.Option("--codex", help="Codex .codex/hooks.json.")]
GeminiFlag = Annotated[bool, typer.Option("--gemini", help="Gemini CLI .gemini/settings.json.")]
SharedFlag = Annotated[
    bool,
    typer.Option("--shared", help="Claude Code: the committed .claude/settings.json (whole team)."),
]


def _hooks(
    action: str,
    repo: Path | None,
    git: bool,
    claude: bool,
    codex: bool,
    shared: bool,
    gemini: bool,
) -> None:
    from repomind.agenthooks import install as hooks

    layout = _layout(repo)
    if not (git or claude or codex or gemini):
        git = claude = True
    run = hooks.install if action == "install" else hooks.uninstall
    for change in run(layout.root, git, claude, codex, shared, gemini):
        typer.echo(f"{change.action:<10} {change.path}")


@hooks_app.command("install")
def hooks_install(
    repo: RepoOption = None,
    git: GitFlag = False,
    claude: ClaudeFlag = False,
    codex: CodexFlag = False,
    gemini: GeminiFlag = False,
    shared: SharedFlag = False,
) -> None:
    """Add repomind's hooks (default: --git --claude), keeping every existing hook."""
    _hooks("install", repo, git, claude, codex, shared, gemini)


@hooks_app.command("uninstall")
def hooks_uninstall(
    repo: RepoOption = None,
    git: GitFlag = False,
    claude: ClaudeFlag = False,
    codex: CodexFlag = False,
    gemini: GeminiFlag = False,
    shared: SharedFlag = False,
) -> None:
    """Remove only what `hooks install` added (default: --git --claude)."""
    _hooks("uninstall", repo, git, claude, codex, shared, gemini)


@app.command("merge-file", hidden=True)
def merge_file_command(base: Path, ours: Path, theirs: Path) -> None:
    """git merge driver for memory and rule files (set up by `hooks install --git`)."""
    from repomind.agenthooks.merge import merge_file

    raise typer.Exit(merge_file(base, ours, theirs))


@app.command()
def context() -> None:
    """What an agent hook injects: reads the hook's JSON on stdin, prints JSON or nothing."""
    from repomind.agenthooks.context import main_context

    raise typer.Exit(main_context())


def main() -> None:
    """Entry point: one-line errors with documented exit codes, never a traceback."""
    if sys.argv[1:2] == ["context"] and len(sys.argv) == 2:
        # The hook hot path: skip building the CLI (it runs on every agent prompt).
        from repomind.agenthooks.context import main_context

        sys.exit(main_context())
    try:
        app()  # standalone mode: typer reports usage errors itself (exit 2)
    except RepomindError as exc:
        typer.echo(f"repomind: error: {exc}", err=True)
        sys.exit(exc.exit_code)
    except KeyboardInterrupt:
        typer.echo("repomind: interrupted", err=True)
        sys.exit(130)
    except Exception as exc:  # the last line of defence: a one-line message, not a traceback
        if os.environ.get("REPOMIND_DEBUG"):
            raise
        typer.echo(
            f"repomind: internal error: {type(exc).__name__}: {exc} "
            "(set REPOMIND_DEBUG=1 for details)",
            err=True,
        )
        sys.exit(1)
