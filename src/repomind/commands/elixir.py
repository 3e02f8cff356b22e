"""Elixir: mix.exs (and nested mix projects)."""

from __future__ import annotations

import re

from repomind.commands.helpers import _parent
from repomind.commands.model import _C_VERSION, _MAX_PACKAGES, _Ctx


def _mix(ctx: _Ctx) -> None:
    """Elixir: mix.exs at the root (and mix projects one folder down, like Phoenix's)."""
    nested = [_parent(f) for f in ctx.named("mix.exs", max_depth=1) if "/" in f]
    text = ctx.text("mix.exs") if ctx.has("mix.exs") else None
    if text is None and not nested:
        return
    ctx.pms.add("mix")
    if text is not None:
        ctx.add("install", "mix deps.get", "mix.exs")
        ctx.add("build", "mix compile", "mix.exs")
        ctx.add("test", "mix test", "mix.exs")
        ctx.add("format", "mix format --check-formatted", "mix.exs")
        if re.search(r"\{:credo\b", text):
            ctx.add("lint", "mix credo", "mix.exs")
            ctx.tool("linter", "credo")
        if re.search(r"\{:dialyxir\b", text):
            ctx.add("typecheck", "mix dialyzer", "mix.exs")
        for dep, name in (("phoenix", "phoenix"), ("ecto", "ecto"), ("plug", "plug")):
            if re.search(rf"\{{:{dep}\b", text):
                ctx.frameworks.add(name)
        requirement = re.search(r'\belixir:\s*"([^"]+)"', text)
        if requirement is None:  # `elixir: @elixir_requirement`
            attribute = re.search(r"\belixir:\s*@(\w+)", text)
            requirement = attribute and re.search(
                rf'^\s*@{attribute.group(1)}\s+"([^"]+)"', text, re.M
            )
        if requirement:
            ctx.convention(_C_VERSION, f"Elixir {requirement.group(1)} (mix.exs)")
    for directory in nested[:_MAX_PACKAGES]:
        ctx.add("test", f"cd {directory} && mix test", f"{directory}/mix.exs", root=False)
