"""parse_source() never raises: broken, binary, empty, huge and pathological inputs."""

from __future__ import annotations

import time

import pytest

from repomind.parse import ParsedFile
from repomind.parse.languages import LANGUAGES
from repomind.parse.patterns import compiled_query
from repomind.parse.symbols import parse_source

SNIPPETS: dict[str, bytes] = {
    "python": b"def f(x):\n    return helper(x)\n",
    "javascript": b"function f(x) { return helper(x); }\n",
    "typescript": b"function f(x: number): number { return helper(x); }\n",
    "tsx": b"const f = () => <Helper x={1} />;\n",
    "go": b"package p\nfunc f(x int) int { return helper(x) }\n",
    "rust": b"fn f(x: i32) -> i32 { helper(x) }\n",
    "java": b"class A { int f(int x) { return helper(x); } }\n",
    "c": b"int f(int x) { return helper(x); }\n",
    "cpp": b"int f(int x) { return helper(x); }\n",
    "csharp": b"class A { int F(int x) { return Helper(x); } }\n",
    "ruby": b"def f(x)\n  helper(x)\nend\n",
    "php": b"<?php\nfunction f($x) { return helper($x); }\n",
    "bash": b'f() {\n  helper "$1"\n}\n',
}


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_language_finds_a_function(language: str) -> None:
    parsed = parse_source(language, SNIPPETS[language])
    assert parsed.language == language
    assert not parsed.has_errors
    assert [s.name.lower() for s in parsed.symbols if s.kind in ("function", "method")] == ["f"]
    refs = {name.lower(): count for name, count in parsed.references}
    assert refs["helper"] == 1


@pytest.mark.parametrize("language", LANGUAGES)
def test_empty_file(language: str) -> None:
    assert parse_source(language, b"") == ParsedFile(language=language)


@pytest.mark.parametrize("language", LANGUAGES)
def test_syntax_errors_keep_what_was_found(language: str) -> None:
    broken = SNIPPETS[language] + b"\n)))( {{{ <<< class def fn func ;;;\n"
    parsed = parse_source(language, broken)
    assert parsed.has_errors
    assert "f" in [s.name.lower() for s in parsed.symbols]


def test_python_syntax_error_mid_file_keeps_both_sides() -> None:
    source = b"def before():\n    pass\n\ndef broken(:\n    pass\n\nclass After:\n    pass\n"
    parsed = parse_source("python", source)
    assert parsed.has_errors
    names = {s.name for s in parsed.symbols}
    assert {"before", "After"} <= names


@pytest.mark.parametrize("language", LANGUAGES)
def test_non_utf8_and_binary_bytes(language: str) -> None:
    parsed = parse_source(language, SNIPPETS[language] + b"\xff\xfe\x00\x81 caf\xe9 \xc3(")
    assert isinstance(parsed, ParsedFile)
    parsed = parse_source(language, bytes(range(256)) * 64)
    assert isinstance(parsed, ParsedFile)


def test_non_utf8_names_are_decoded_with_replacement() -> None:
    parsed = parse_source("python", b'def caf\xe9():\n    """D\xe9j\xe0 vu."""\n')
    assert len(parsed.symbols) == 1
    assert parsed.symbols[0].name.startswith("caf")
    assert parsed.symbols[0].doc.startswith("D")


@pytest.mark.parametrize("language", LANGUAGES)
def test_output_is_deterministic(language: str) -> None:
    source = SNIPPETS[language] * 20
    assert parse_source(language, source) == parse_source(language, source)


def test_python_output_is_deterministic_on_a_real_sized_file() -> None:
    body = b"".join(
        b'class C%d(Base):\n    """Doc %d."""\n    X_%d = %d\n    def m(self):\n'
        b"        # note %d\n        return helper(self.v, C%d)\n\n" % ((i,) * 6)
        for i in range(300)
    )
    first, second = parse_source("python", body), parse_source("python", body)
    assert first == second
    assert len(first.symbols) == 900
    assert dict(first.references)["helper"] == 300


def test_five_megabyte_single_line_returns_quickly() -> None:
    source = b"x = [" + b"1, " * 1_700_000 + b"]"
    assert len(source) > 5_000_000
    start = time.monotonic()
    parsed = parse_source("python", source)
    assert time.monotonic() - start < 20
    # either parsed (then too big to query) or cut by the parse deadline on a slow machine
    assert parsed.symbols == ()
    assert parsed.extra.get("skipped") in ("too many nodes", "parse timeout")


def test_five_megabyte_minified_line_in_c_hits_the_parse_deadline() -> None:
    source = b"var a=function(b){return b+1};" * 170_000
    start = time.monotonic()
    parsed = parse_source("c", source)
    assert time.monotonic() - start < 20
    assert parsed.has_errors


def test_wide_error_nodes_do_not_stall_the_query() -> None:
    start = time.monotonic()
    parsed = parse_source("python", b"(" * 100_000)
    assert time.monotonic() - start < 10
    assert parsed.has_errors and parsed.symbols == ()


def test_comment_text_is_capped() -> None:
    source = b"".join(b"x%d = 1  # trailing comment %d with words\n" % (i, i) for i in range(500))
    parsed = parse_source("python", source)
    assert 1000 < len(parsed.comments) <= 2000


def test_reference_count_is_capped() -> None:
    source = b"".join(b"f(name_%d)\n" % i for i in range(6000))
    refs = parse_source("python", source).references
    assert len(refs) == 4000
    assert [name for name, _ in refs] == sorted(name for name, _ in refs)


def test_unknown_language_is_a_caller_error() -> None:
    with pytest.raises(ValueError):
        parse_source("cobol", b"IDENTIFICATION DIVISION.")


@pytest.mark.parametrize("language", LANGUAGES)
def test_queries_compile_once_and_have_definitions(language: str) -> None:
    compiled = compiled_query(language)
    assert compiled is compiled_query(language)
    assert compiled.definitions
    assert compiled.query.pattern_count > len(compiled.definitions)


RICH: dict[str, bytes] = {
    "python": b"@dec\nclass A(B):\n    def m(self, x: T) -> list[U]:\n"
    b"        return self.f.g(h(x), V.w, isinstance(x, K))\n",
    "javascript": b"class A extends B { m() { return new C.D(this.e.f(g), h.i); } }\n"
    b"const X = () => <Y.Z p={q} />;\n",
    "typescript": b"class A extends B implements I<T> { m(x: U): V { return new W(x).y(z); } }\n",
    "tsx": b"function F(p: P): JSX.Element { return <A.B c={d.e(f)}><G /></A.B>; }\n",
    "go": b"package p\ntype S struct{ f T }\n"
    b"func (s *S) M(x pkg.U) V { return s.f.g(h(x), W{}) }\n",
    "rust": b"struct S { f: T }\nimpl Tr for S { fn m(&self) -> U { self.f.g(h(x), V::new()); "
    b"mac!(w, Y::Z) } }\n",
    "java": b"class A extends B implements C { D m(E e) { return F.g(new H(e).i(), e.j); } }\n",
    "c": b"struct s { T f; };\nU m(V *v) { return g(v->f, sizeof(W), h); }\n",
    "cpp": b"namespace n { class A : public B { C m(D d) { return ns::f(d.g(), new E(h)); } }; }\n",
    "csharp": b"class A : B, I { C M(D d) { return E.F(new G(d).H(), d.J, K<L>.M); } }\n",
    "ruby": b"class A < B\n  def m(x)\n    C::D.new(x).e(F, g)\n  end\nend\n",
    "php": b"<?php\nclass A extends B implements C { function m(D $d): E "
    b"{ return F::g(new H($d), $d->i->j(), K::L); } }\n",
    "bash": b'f() { g "$X" "${Y}"; h; }\nf\n',
}


@pytest.mark.parametrize("language", LANGUAGES)
def test_no_node_is_captured_twice_as_a_reference(language: str) -> None:
    from tree_sitter import QueryCursor

    from repomind.parse.languages import get_parser

    tree = get_parser(language).parse(RICH[language])
    refs = QueryCursor(compiled_query(language).query).captures(tree.root_node).get("ref", [])
    spans = [(n.start_byte, n.end_byte) for n in refs]
    assert len(refs) >= 3
    assert len(spans) == len(set(spans))
