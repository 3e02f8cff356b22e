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
def init(repo: RepoOption = None, quiet: QuietOption = False) -> None:
    """Create .repomind/ (config with every default, ignore rules). Safe to run twice."""
    from repomind.init import init_repo

    layout = _layout(repo)
    _config(layout)  # an existing config must be valid
    report = init_repo(layout)
    if not quiet:
        for path in report.created:
            typer.echo(f"created {path}")
        for path in report.kept:
            typer.echo(f"kept    {path} (already there)")
        typer.echo("next: repomind index")


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


def main() -> None:
    """Entry point: one-line errors with documented exit codes, never a traceback."""
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
