"""ModuleResolver: imports -> repo files, one rule set per language."""

from __future__ import annotations

from repomind.parse import Import, ParsedFile, Symbol
from repomind.parse.resolve import ModuleResolver
from repomind.parse.symbols import parse_source


def _resolver(files: list[str], **kwargs: object) -> ModuleResolver:
    return ModuleResolver(files, **kwargs)  # type: ignore[arg-type]


# -- Python -------------------------------------------------------------------------------

PY_FILES = [
    "setup.py",
    "src/shop/__init__.py",
    "src/shop/cart.py",
    "src/shop/models/__init__.py",
    "src/shop/models/item.py",
    "src/shop/models/price.pyi",
    "src/shop/util/__init__.py",
    "tests/test_cart.py",
    "tests/fixtures/json.py",
    "tools/gen.py",
    "docs/conf.py",
]


def test_python_absolute_module_under_src_root() -> None:
    r = _resolver(PY_FILES)
    imp = Import("shop.models.item", 1)
    assert r.resolve("tests/test_cart.py", imp, "python") == ("src/shop/models/item.py",)
    assert r.resolve("tests/test_cart.py", Import("shop", 1), "python") == ("src/shop/__init__.py",)
    assert r.resolve("tests/test_cart.py", Import("shop.models", 1), "python") == (
        "src/shop/models/__init__.py",
    )


def test_python_from_package_import_module_or_name() -> None:
    r = _resolver(PY_FILES)
    # `from shop.models import item` -> the submodule file
    sub = Import("shop.models", 1, ("item",))
    assert r.resolve("tools/gen.py", sub, "python") == ("src/shop/models/item.py",)
    # `from shop.models import Item` (a name, not a module) -> the package __init__
    name = Import("shop.models", 1, ("Item",))
    assert r.resolve("tools/gen.py", name, "python") == ("src/shop/models/__init__.py",)
    both = Import("shop", 1, ("cart", "util"))
    assert r.resolve("tools/gen.py", both, "python") == (
        "src/shop/cart.py",
        "src/shop/util/__init__.py",
    )


def test_python_stub_files_and_external_modules() -> None:
    r = _resolver(PY_FILES)
    assert r.resolve("x.py", Import("shop.models.price", 1), "python") == (
        "src/shop/models/price.pyi",
    )
    assert r.resolve("src/shop/cart.py", Import("numpy", 1), "python") == ()
    # stdlib names never resolve to a same-named file deep in the tree
    assert r.resolve("src/shop/cart.py", Import("json", 1), "python") == ()


def test_python_relative_imports() -> None:
    r = _resolver(PY_FILES)
    importer = "src/shop/models/item.py"
    assert r.resolve(importer, Import("", 1, ("price",), 1), "python") == (
        "src/shop/models/price.pyi",
    )
    assert r.resolve(importer, Import("cart", 1, ("Cart",), 2), "python") == ("src/shop/cart.py",)
    assert r.resolve(importer, Import("", 1, ("util",), 2), "python") == (
        "src/shop/util/__init__.py",
    )
    assert r.resolve(importer, Import("", 1, ("Missing",), 2), "python") == (
        "src/shop/__init__.py",
    )
    # from an __init__.py, `.` is the package itself
    init = "src/shop/models/__init__.py"
    assert r.resolve(init, Import("item", 1, ("Item",), 1), "python") == (
        "src/shop/models/item.py",
    )
    # beyond the repository root
    assert r.resolve("setup.py", Import("x", 1, (), 3), "python") == ()


def test_python_prefers_the_root_enclosing_the_importer() -> None:
    files = ["a/pkg/mod.py", "a/pkg/__init__.py", "b/pkg/mod.py", "b/pkg/__init__.py"]
    r = _resolver(files)
    assert r.resolve("b/run.py", Import("pkg.mod", 1), "python") == ("b/pkg/mod.py",)
    assert r.resolve("a/pkg/other.py", Import("pkg.mod", 1), "python") == ("a/pkg/mod.py",)


# -- JavaScript / TypeScript --------------------------------------------------------------

JS_FILES = [
    "web/src/app.ts",
    "web/src/util.ts",
    "web/src/types.d.ts",
    "web/src/components/index.tsx",
    "web/src/components/Button.tsx",
    "web/src/legacy.js",
    "web/src/data.json",
    "web/lib/esm.mjs",
]


def test_js_relative_specifiers() -> None:
    r = _resolver(JS_FILES)
    app = "web/src/app.ts"
    assert r.resolve(app, Import("./util", 1), "typescript") == ("web/src/util.ts",)
    assert r.resolve(app, Import("./util.js", 1), "typescript") == ("web/src/util.ts",)
    assert r.resolve(app, Import("./components", 1), "typescript") == (
        "web/src/components/index.tsx",
    )
    assert r.resolve(app, Import("./components/Button", 1), "tsx") == (
        "web/src/components/Button.tsx",
    )
    assert r.resolve(app, Import("./types", 1), "typescript") == ("web/src/types.d.ts",)
    assert r.resolve(app, Import("./legacy", 1), "typescript") == ("web/src/legacy.js",)
    assert r.resolve(app, Import("./data.json", 1), "typescript") == ("web/src/data.json",)
    assert r.resolve(app, Import("../lib/esm.mjs", 1), "javascript") == ("web/lib/esm.mjs",)


def test_js_bare_and_missing_specifiers_are_unresolved() -> None:
    r = _resolver(JS_FILES)
    assert r.resolve("web/src/app.ts", Import("react", 1), "typescript") == ()
    assert r.resolve("web/src/app.ts", Import("@scope/pkg/util", 1), "typescript") == ()
    assert r.resolve("web/src/app.ts", Import("./nope", 1), "typescript") == ()
    assert r.resolve("web/src/app.ts", Import("../../../x", 1), "typescript") == ()


# -- Go -----------------------------------------------------------------------------------

GO_FILES = [
    "go.mod",
    "cmd/server/main.go",
    "internal/store/store.go",
    "internal/store/cache.go",
    "internal/store/store_test.go",
    "tools/go.mod",
    "tools/lint/lint.go",
]
GO_MODS = {
    "go.mod": b"module github.com/acme/shop\n\ngo 1.22\n",
    "tools/go.mod": b"module github.com/acme/shop/tools\n",
}


def test_go_module_paths_from_go_mod() -> None:
    r = _resolver(GO_FILES, read=GO_MODS.get)
    imp = Import("github.com/acme/shop/internal/store", 3)
    assert r.resolve("cmd/server/main.go", imp, "go") == (
        "internal/store/cache.go",
        "internal/store/store.go",
    )
    # the longest module prefix wins (nested module)
    lint = Import("github.com/acme/shop/tools/lint", 3)
    assert r.resolve("cmd/server/main.go", lint, "go") == ("tools/lint/lint.go",)
    assert r.resolve("cmd/server/main.go", Import("fmt", 3), "go") == ()
    assert r.resolve("cmd/server/main.go", Import("github.com/other/x", 3), "go") == ()


def test_go_without_go_mod_matches_directory_suffix() -> None:
    r = _resolver(GO_FILES)
    imp = Import("github.com/acme/shop/internal/store", 3)
    assert r.resolve("cmd/server/main.go", imp, "go") == (
        "internal/store/cache.go",
        "internal/store/store.go",
    )
    assert r.resolve("cmd/server/main.go", Import("strings", 3), "go") == ()


# -- Rust ---------------------------------------------------------------------------------

RUST_FILES = [
    "Cargo.toml",
    "src/lib.rs",
    "src/config.rs",
    "src/parser/mod.rs",
    "src/parser/lexer.rs",
    "src/parser/ast.rs",
    "src/net.rs",
    "src/net/http.rs",
]


def test_rust_mod_declarations() -> None:
    r = _resolver(RUST_FILES)
    assert r.resolve("src/lib.rs", Import("mod:config", 1), "rust") == ("src/config.rs",)
    assert r.resolve("src/lib.rs", Import("mod:parser", 1), "rust") == ("src/parser/mod.rs",)
    assert r.resolve("src/parser/mod.rs", Import("mod:lexer", 1), "rust") == (
        "src/parser/lexer.rs",
    )
    # non-mod.rs module files own a directory named after them
    assert r.resolve("src/net.rs", Import("mod:http", 1), "rust") == ("src/net/http.rs",)
    assert r.resolve("src/lib.rs", Import("mod:missing", 1), "rust") == ()


def test_rust_use_paths() -> None:
    r = _resolver(RUST_FILES)
    importer = "src/parser/ast.rs"
    assert r.resolve(importer, Import("crate::config::Config", 1), "rust") == ("src/config.rs",)
    assert r.resolve(importer, Import("crate::parser::lexer::Token", 1), "rust") == (
        "src/parser/lexer.rs",
    )
    assert r.resolve(importer, Import("super::lexer", 1, ("Token", "Lexer")), "rust") == (
        "src/parser/lexer.rs",
    )
    assert r.resolve(importer, Import("crate::net", 1, ("http", "Client")), "rust") == (
        "src/net.rs",
        "src/net/http.rs",
    )
    assert r.resolve("src/parser/mod.rs", Import("self::ast::Node", 1), "rust") == (
        "src/parser/ast.rs",
    )
    assert r.resolve(importer, Import("crate", 1, ("Error",)), "rust") == ("src/lib.rs",)
    assert r.resolve(importer, Import("std::io", 1, ("Read",)), "rust") == ()
    assert r.resolve(importer, Import("serde::Deserialize", 1), "rust") == ()


def test_rust_workspace_member_crate_root() -> None:
    files = [
        "Cargo.toml",
        "crates/core/Cargo.toml",
        "crates/core/src/lib.rs",
        "crates/core/src/io.rs",
    ]
    r = _resolver(files)
    assert r.resolve("crates/core/src/lib.rs", Import("crate::io::Reader", 1), "rust") == (
        "crates/core/src/io.rs",
    )


# -- Java ---------------------------------------------------------------------------------

JAVA_FILES = [
    "core/src/main/java/com/acme/orders/OrderService.java",
    "core/src/main/java/com/acme/orders/Order.java",
    "core/src/main/java/com/acme/billing/Invoice.java",
    "core/src/main/java/com/acme/billing/Tax.java",
]


def test_java_class_wildcard_static_and_nested_imports() -> None:
    r = _resolver(JAVA_FILES)
    importer = JAVA_FILES[0]
    assert r.resolve(importer, Import("com.acme.billing.Invoice", 1), "java") == (JAVA_FILES[2],)
    assert r.resolve(importer, Import("com.acme.billing", 1, ("*",)), "java") == (
        JAVA_FILES[2],
        JAVA_FILES[3],
    )
    static = Import("com.acme.billing.Tax", 1, ("rate",))
    assert r.resolve(importer, static, "java") == (JAVA_FILES[3],)
    nested = Import("com.acme.billing.Invoice.Line", 1)
    assert r.resolve(importer, nested, "java") == (JAVA_FILES[2],)
    assert r.resolve(importer, Import("java.util.List", 1), "java") == ()


# -- C / C++ ------------------------------------------------------------------------------

C_FILES = [
    "src/main.c",
    "src/ring.h",
    "src/util/log.h",
    "include/acme/api.h",
    "third_party/a/config.h",
    "third_party/b/config.h",
]


def test_c_includes() -> None:
    r = _resolver(C_FILES)
    assert r.resolve("src/main.c", Import("ring.h", 1), "c") == ("src/ring.h",)
    assert r.resolve("src/main.c", Import("util/log.h", 1), "c") == ("src/util/log.h",)
    # not next to the includer: unique path-suffix match
    assert r.resolve("src/main.c", Import("acme/api.h", 1), "cpp") == ("include/acme/api.h",)
    # ambiguous suffix: the candidate closest to the includer, or nothing
    assert r.resolve("src/main.c", Import("config.h", 1), "c") == ()
    assert r.resolve("third_party/a/x.c", Import("config.h", 1), "c") == ("third_party/a/config.h",)
    # system includes are never resolved
    assert r.resolve("src/main.c", Import("ring.h", 1, ("<system>",)), "c") == ()


# -- C# -----------------------------------------------------------------------------------


def test_csharp_using_namespace_via_facts() -> None:
    facts = {
        "Ledger.cs": parse_source("csharp", b"namespace Acme.Accounting { class Ledger {} }"),
        "Entry.cs": parse_source("csharp", b"namespace Acme.Accounting;\nrecord Entry(int A);"),
        "Report.cs": parse_source("csharp", b"namespace Acme.Reports { static class Fmt {} }"),
    }
    r = ModuleResolver(facts, facts)
    using = Import("Acme.Accounting", 1)
    assert r.resolve("Report.cs", using, "csharp") == ("Entry.cs", "Ledger.cs")
    static = Import("Acme.Reports.Fmt", 1)
    assert r.resolve("Ledger.cs", static, "csharp") == ("Report.cs",)
    assert r.resolve("Ledger.cs", Import("System.Linq", 1), "csharp") == ()


def test_csharp_using_static_with_facts_lacking_symbols() -> None:
    facts = {
        "Fmt.cs": ParsedFile("csharp", extra={"namespace": "Acme.Reports"}),
        "Csv.cs": ParsedFile("csharp", extra={"namespace": "Acme.Reports"}),
    }
    r = ModuleResolver(facts, facts)
    assert r.resolve("x.cs", Import("Acme.Reports.Fmt", 1), "csharp") == ("Csv.cs", "Fmt.cs")


def test_csharp_namespace_fanout_is_capped() -> None:
    facts = {
        f"Gen{i}.cs": ParsedFile("csharp", extra={"namespace": "Acme.Generated"}) for i in range(30)
    }
    r = ModuleResolver(facts, facts)
    assert r.resolve("Other.cs", Import("Acme.Generated", 1), "csharp") == ()


# -- Ruby ---------------------------------------------------------------------------------


def test_ruby_require_and_require_relative() -> None:
    files = ["lib/billing.rb", "lib/billing/invoice.rb", "app/models/user.rb", "spec/json.rb"]
    r = _resolver(files)
    rel = Import("../lib/billing/invoice", 1, ("<relative>",))
    assert r.resolve("app/user_spec.rb", rel, "ruby") == ("lib/billing/invoice.rb",)
    assert r.resolve("app/x.rb", Import("billing", 1), "ruby") == ("lib/billing.rb",)
    assert r.resolve("app/x.rb", Import("billing/invoice", 1), "ruby") == (
        "lib/billing/invoice.rb",
    )
    assert r.resolve("app/x.rb", Import("models/user", 1), "ruby") == ("app/models/user.rb",)
    assert r.resolve("app/x.rb", Import("json", 1), "ruby") == ()


# -- PHP ----------------------------------------------------------------------------------


def test_php_use_by_namespace_facts_and_psr4_suffix() -> None:
    files = ["app/Models/User.php", "src/Support/Money.php", "public/index.php", "lib/helpers.php"]
    facts = {
        "app/Models/User.php": ParsedFile(
            "php",
            symbols=(Symbol("User", "class", 3, 9),),
            extra={"namespace": "App\\Models"},
        )
    }
    r = ModuleResolver(files, facts)
    assert r.resolve("public/index.php", Import("App\\Models\\User", 1), "php") == (
        "app/Models/User.php",
    )
    # PSR-4 style: `Acme\Support\Money` with the `Acme\` prefix mapped to src/
    assert r.resolve("public/index.php", Import("Acme\\Support\\Money", 1), "php") == (
        "src/Support/Money.php",
    )
    assert r.resolve("public/index.php", Import("Vendor\\Lib\\Thing", 1), "php") == ()


def test_php_include_paths() -> None:
    r = _resolver(["public/index.php", "public/boot.php", "lib/helpers.php"])
    include = Import("./boot.php", 1, ("<include>",))
    assert r.resolve("public/index.php", include, "php") == ("public/boot.php",)
    from_root = Import("lib/helpers.php", 1, ("<include>",))
    assert r.resolve("public/index.php", from_root, "php") == ("lib/helpers.php",)


# -- Bash ---------------------------------------------------------------------------------


def test_bash_source_relative_to_script_or_root() -> None:
    r = _resolver(["scripts/deploy.sh", "scripts/lib/common.sh", "env.sh"])
    importer = "scripts/deploy.sh"
    assert r.resolve(importer, Import("./lib/common.sh", 1), "bash") == ("scripts/lib/common.sh",)
    dirname = Import('$(dirname "$0")/lib/common.sh', 1)
    assert r.resolve(importer, dirname, "bash") == ("scripts/lib/common.sh",)
    assert r.resolve(importer, Import("${SCRIPT_DIR}/lib/common.sh", 1), "bash") == (
        "scripts/lib/common.sh",
    )
    assert r.resolve(importer, Import("env.sh", 1), "bash") == ("env.sh",)
    assert r.resolve(importer, Import("$HOME/.bashrc", 1), "bash") == ()


# -- general ------------------------------------------------------------------------------


def test_unknown_language_and_self_imports_resolve_to_nothing() -> None:
    r = _resolver(["a.py", "b.py"])
    assert r.resolve("a.py", Import("b", 1), "cobol") == ()
    assert r.resolve("a.py", Import("a", 1), "python") == ()


def test_builds_once_over_many_files_and_resolves_fast() -> None:
    files = [f"pkg{i}/sub{j}/mod{k}.py" for i in range(20) for j in range(20) for k in range(30)]
    r = _resolver(files)
    assert len(r.files) == 12_000
    assert r.resolve("pkg0/x.py", Import("pkg3.sub4.mod5", 1), "python") == ("pkg3/sub4/mod5.py",)
