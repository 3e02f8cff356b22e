"""Go: go.mod (and nested modules), frameworks, Go version."""

from __future__ import annotations

import re

from repomind.commands.helpers import _pairs, _parent
from repomind.commands.model import _C_VERSION, _MAX_PACKAGES, _Ctx

_GO_FRAMEWORKS = _pairs(  # module paths without their /vN major-version suffix
    "github.com/gin-gonic/gin=gin github.com/labstack/echo=echo github.com/gofiber/fiber=fiber "
    "github.com/go-chi/chi=chi github.com/gorilla/mux=gorilla-mux github.com/spf13/cobra=cobra "
    "google.golang.org/grpc=grpc gorm.io/gorm=gorm github.com/stretchr/testify=testify "
    "github.com/urfave/cli=urfave-cli"
)


def _go(ctx: _Ctx) -> None:
    text = ctx.text("go.mod") if ctx.has("go.mod") else None
    nested = [_parent(f) for f in ctx.named("go.mod", max_depth=1) if "/" in f]
    if text is None and not nested:
        return
    ctx.pms.add("go")
    if text is not None:
        ctx.add("build", "go build ./...", "go.mod")
        ctx.add("test", "go test ./...", "go.mod")
        ctx.add("lint", "go vet ./...", "go.mod")
        ctx.add("format", "gofmt -l .", "go.mod")
        _go_mod_facts(ctx, text)
        if ctx.has("main.go"):
            ctx.add("run", "go run .", "main.go")
        for main in ctx.match(r"cmd/[^/]+/main\.go", "cmd/"):
            ctx.add("run", f"go run ./{_parent(main)}", main)
    for directory in nested[:_MAX_PACKAGES]:
        ctx.add("test", f"cd {directory} && go test ./...", f"{directory}/go.mod", root=False)
        _go_mod_facts(ctx, ctx.text(f"{directory}/go.mod") or "", root=False)
    golangci = ctx.first(".golangci.yml", ".golangci.yaml", ".golangci.toml", ".golangci.json")
    if golangci:
        ctx.add("lint", "golangci-lint run", golangci)
        ctx.tool("linter", "golangci-lint")


def _go_mod_facts(ctx: _Ctx, text: str, *, root: bool = True) -> None:
    requires = re.findall(
        r"^\s*(?:require\s+)?([a-z0-9.\-]+\.[a-z]+/[^\s]+)\s+v[\w.\-+]+", text, re.M
    )
    ctx.framework_from((re.sub(r"/v\d+$", "", r) for r in requires), _GO_FRAMEWORKS)
    version = re.search(r"^go\s+(\d[\w.]*)", text, re.M)
    if version and root:
        ctx.convention(_C_VERSION, f"Go {version.group(1)} (go.mod)")
