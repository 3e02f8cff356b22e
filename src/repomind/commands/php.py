"""PHP: composer.json scripts and PHP tools."""

from __future__ import annotations

import re

from repomind.commands.helpers import _dict, _pairs, _runs, _script_label, _str
from repomind.commands.model import _C_VERSION, TIER_EXPLICIT, _Ctx
from repomind.commands.shell import _script_kind

_PHP_FRAMEWORKS = _pairs(
    "laravel/framework=laravel symfony/framework-bundle=symfony symfony/symfony=symfony "
    "slim/slim=slim phpunit/phpunit=phpunit pestphp/pest=pest cakephp/cakephp=cakephp "
    "yiisoft/yii2=yii"
)


def _composer(ctx: _Ctx) -> None:
    manifest = ctx.json_object("composer.json")
    if manifest is None:
        return
    ctx.pms.add("composer")
    for name, body in sorted(_dict(manifest.get("scripts")).items()):
        if re.match(r"(pre|post)-", name):
            continue
        label = _script_label(body)
        command = "composer test" if name == "test" else f"composer run-script {name}"
        kind = _script_kind(name, label)
        ctx.add(kind, command, f"composer.json#scripts.{name}", _runs(label), tier=TIER_EXPLICIT)
    ctx.add(
        "install",
        "composer install",
        "composer.lock" if ctx.has("composer.lock") else "composer.json",
    )
    deps = {**_dict(manifest.get("require")), **_dict(manifest.get("require-dev"))}
    ctx.framework_from(deps, _PHP_FRAMEWORKS)
    php = _str(_dict(manifest.get("require")).get("php"))
    if php:
        ctx.convention(_C_VERSION, f"PHP {php} (composer.json)")


def _php_tools(ctx: _Ctx) -> None:
    if not ctx.has("composer.json"):
        return
    phpunit = ctx.first("phpunit.xml", "phpunit.xml.dist")
    if ctx.has("tests/Pest.php"):
        ctx.add("test", "vendor/bin/pest", "tests/Pest.php")
    if phpunit:
        ctx.add("test", "vendor/bin/phpunit", phpunit)
    phpstan = ctx.first("phpstan.neon", "phpstan.neon.dist", "phpstan.dist.neon")
    if phpstan:
        ctx.add("typecheck", "vendor/bin/phpstan analyse", phpstan)
        ctx.tool("type checker", "phpstan")
    fixer = ctx.first(".php-cs-fixer.php", ".php-cs-fixer.dist.php")
    if fixer:
        ctx.add("format", "vendor/bin/php-cs-fixer fix --dry-run --diff", fixer)
        ctx.tool("formatter", "php-cs-fixer")
    phpcs = ctx.first("phpcs.xml", "phpcs.xml.dist", ".phpcs.xml", ".phpcs.xml.dist")
    if phpcs:
        ctx.add("lint", "vendor/bin/phpcs", phpcs)
        ctx.tool("linter", "phpcs")
