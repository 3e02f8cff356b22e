""".NET: solutions and projects."""

from __future__ import annotations

import re

from repomind.commands.model import _C_VERSION, _MAX_PACKAGES, _SKIP_PACKAGE_DIRS, _Ctx

# Deep inside a test folder, or in fixture/vendor folders: test data, not the project's own.
_TEST_DATA = re.compile(r"(^|/)tests?/[^/]+/[^/]+/")


def _dotnet(ctx: _Ctx) -> None:
    own = [
        f for f in ctx.sorted_files if not _SKIP_PACKAGE_DIRS.search(f) and not _TEST_DATA.search(f)
    ]
    all_solutions = [f for f in own if f.endswith((".sln", ".slnx"))]
    all_projects = [f for f in own if f.endswith((".csproj", ".fsproj", ".vbproj"))]
    solutions = [f for f in all_solutions if "/" not in f]
    projects = [f for f in all_projects if "/" not in f]
    anywhere = all_solutions or all_projects
    if not all_projects:
        return  # a solution of C++ projects only (zstd's build/VS2008): not .NET
    if len(solutions) == 1 or (not solutions and len(projects) == 1):
        target, source = "", (solutions or projects)[0]
    else:
        source = (solutions or anywhere)[0]
        target = f" {source}"
    ctx.add("build", f"dotnet build{target}", source)
    ctx.add("test", f"dotnet test{target}", source)
    ctx.add("format", f"dotnet format{target} --verify-no-changes", source)
    ctx.add("install", f"dotnet restore{target}", source)
    for rel in [p for p in all_projects if not p.endswith(".vbproj")][:_MAX_PACKAGES]:
        text = ctx.text(rel) or ""
        if "Microsoft.NET.Sdk.Web" in text:
            ctx.frameworks.add("aspnetcore")
        for needle, name in (("xunit", "xunit"), ("NUnit", "nunit"), ("MSTest", "mstest")):
            if f'Include="{needle}' in text:
                ctx.frameworks.add(name)
        target_fw = re.search(r"<TargetFrameworks?>([^<]+)<", text)
        if target_fw:
            ctx.convention(_C_VERSION, f".NET {target_fw.group(1)} ({rel})")
