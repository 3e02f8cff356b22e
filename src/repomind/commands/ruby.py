"""Ruby: Gemfile, Rakefile and Ruby tools."""

from __future__ import annotations

import re

from repomind.commands.helpers import _pairs
from repomind.commands.model import _C_VERSION, _Ctx

_RUBY_FRAMEWORKS = _pairs(
    "rails=rails sinatra=sinatra hanami=hanami rspec=rspec rspec-rails=rspec "
    "minitest=minitest sidekiq=sidekiq"
)


def _ruby(ctx: _Ctx) -> None:
    text = ctx.text("Gemfile") if ctx.has("Gemfile") else None
    if text is None:
        return
    ctx.pms.add("bundler")
    gems = set(re.findall(r"""^\s*gem\s+["']([^"']+)["']""", text, re.M))
    ctx.framework_from(gems, _RUBY_FRAMEWORKS)
    ctx.add("install", "bundle install", "Gemfile.lock" if ctx.has("Gemfile.lock") else "Gemfile")
    rails = "rails" in gems and ctx.has("bin/rails")
    if ctx.has_dir("spec") or "rspec" in gems or "rspec-rails" in gems:
        ctx.add("test", "bundle exec rspec", "spec" if ctx.has_dir("spec") else "Gemfile")
    if rails and ctx.has_dir("test"):
        ctx.add("test", "bin/rails test", "bin/rails")
    elif ctx.has("Rakefile") and ctx.has_dir("test"):
        ctx.add("test", "bundle exec rake test", "Rakefile")
    if ctx.has(".rubocop.yml") or "rubocop" in gems:
        ctx.add(
            "lint", "bundle exec rubocop", ".rubocop.yml" if ctx.has(".rubocop.yml") else "Gemfile"
        )
        ctx.tool("linter", "rubocop")
    if rails:
        ctx.add("run", "bin/rails server", "bin/rails")
    version = re.search(r"""^\s*ruby\s+["']([^"']+)["']""", text, re.M)
    pinned = ctx.first_line(".ruby-version")
    if version:
        ctx.convention(_C_VERSION, f"Ruby {version.group(1)} (Gemfile)")
    elif pinned:
        ctx.convention(_C_VERSION, f"Ruby {pinned} (.ruby-version)")
