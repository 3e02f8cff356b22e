"""Plain-text summary of a `repomind wiki` run (or of a dry run's plan and estimate)."""

from __future__ import annotations

from typing import Any

from repomind.wiki.run import WikiReport


def describe_wiki(summary: dict[str, Any]) -> str:
    """One line for `repomind status`: pages, how many are prose, a batch waiting."""
    text = (
        f"{summary['pages']} pages ({summary['prose']} prose, {summary['skeleton']} skeleton"
        + (f", {summary['readonly']} read-only" if summary.get("readonly") else "")
        + ")"
    )
    if summary.get("batch_pending"):
        text += f"; batch {summary['batch_pending']} waiting (`repomind wiki` collects it)"
    return text


def render_report(report: WikiReport, *, dry_run: bool) -> str:
    lines: list[str] = []
    if dry_run:
        if not report.to_build:
            lines.append(f"wiki is up to date ({report.pages} pages); nothing to build")
        for job in report.to_build:
            tokens = (
                f"  ~{job.estimated_input} in + ≤{job.estimated_output} out tokens"
                if job.estimated_input
                else ""
            )
            lines.append(f"build  {job.name:<40} {job.reason}{tokens}")
        if report.to_build:
            if report.generator == "skeleton":
                lines.append(
                    f"{len(report.to_build)} pages as structural skeletons (no API key: no cost)"
                )
            else:
                lines.append(
                    f"{len(report.to_build)} pages with {report.generator}: "
                    f"~{report.estimated_input_tokens} input + ≤{report.estimated_output_tokens} "
                    f"output tokens, ≤ ${report.estimated_cost_usd:.4f}"
                )
        return "\n".join(lines)
    for name in report.written:
        lines.append(f"wrote   .repomind/wiki/{name}")
    for name in report.removed:
        lines.append(f"removed .repomind/wiki/{name}")
    if report.batch_collected:
        lines.append(f"collected batch {report.batch_collected}")
    if report.batch_submitted:
        lines.append(f"submitted batch {report.batch_submitted}: run `repomind wiki` later")
    spent = ""
    if report.calls or report.input_tokens:
        spent = (
            f"; {report.calls} calls, {report.input_tokens} input + {report.output_tokens} "
            f"output tokens, ${report.cost_usd:.4f}"
        )
    if report.unverified_citations:
        spent += f"; {report.unverified_citations} citations marked unverified"
    changed = len([n for n in report.written if n != "index.md"])
    lines.append(
        f"wiki: {report.pages} pages ({report.generator}), {changed} written, "
        f"{report.fresh} up to date{spent}"
    )
    return "\n".join(lines)
