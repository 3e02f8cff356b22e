"""Names never worth recording as references: keywords and per-language noise words."""

from __future__ import annotations

from functools import cache

_COMMON = frozenset({"self", "this", "super", "cls", "true", "false", "null", "nil", "None"})

_KEYWORDS: dict[str, str] = {
    "python": """False None True and as assert async await break class continue def del elif
        else except finally for from global if import in is lambda nonlocal not or pass raise
        return try while with yield match case type print""",
    "javascript": """await break case catch class const continue debugger default delete do
        else enum export extends false finally for function if implements import in instanceof
        interface let new null package private protected public return static super switch
        this throw true try typeof var void while with yield undefined arguments require
        module exports prototype constructor""",
    "go": """break case chan const continue default defer else fallthrough for func go goto
        if import interface map package range return select struct switch type var nil true
        false iota err""",
    "rust": """as async await break const continue crate dyn else enum extern false fn for if
        impl in let loop match mod move mut pub ref return self Self static struct super trait
        true type unsafe use where while Some None Ok Err""",
    "java": """abstract assert boolean break byte case catch char class const continue default
        do double else enum extends final finally float for goto if implements import
        instanceof int interface long native new package private protected public return
        short static strictfp super switch synchronized this throw throws transient try void
        volatile while var record yield""",
    "c": """auto break case char const continue default do double else enum extern float for
        goto if inline int long register restrict return short signed sizeof static struct
        switch typedef union unsigned void volatile while NULL""",
    "cpp": """alignas alignof and asm auto bool break case catch char class const constexpr
        const_cast continue decltype default delete do double dynamic_cast else enum explicit
        export extern false float for friend goto if inline int long mutable namespace new
        noexcept nullptr operator or private protected public register reinterpret_cast return
        short signed sizeof static static_assert static_cast struct switch template this
        throw true try typedef typeid typename union unsigned using virtual void volatile
        while override final std NULL""",
    "csharp": """abstract as base bool break byte case catch char checked class const
        continue decimal default delegate do double else enum event explicit extern false
        finally fixed float for foreach goto if implicit in int interface internal is lock
        long namespace new null object operator out override params private protected public
        readonly ref return sbyte sealed short sizeof stackalloc static string struct switch
        this throw true try typeof uint ulong unchecked unsafe ushort using virtual void
        volatile while var async await nameof value get set""",
    "ruby": """BEGIN END alias and begin break case class def defined do else elsif end ensure
        false for if in module next nil not or redo rescue retry return self super then true
        undef unless until when while yield new require require_relative attr_accessor
        attr_reader attr_writer include extend private protected public""",
    "php": """abstract and array as break callable case catch class clone const continue
        declare default do echo else elseif empty enddeclare endfor endforeach endif
        endswitch endwhile eval exit extends final finally fn for foreach function global goto
        if implements include instanceof insteadof interface isset list match namespace new
        or print private protected public readonly require return static switch throw trait
        try unset use var while xor yield parent self this define""",
    "bash": """if then else elif fi case esac for select while until do done in function time
        break continue
        echo printf cd pwd export local set unset shift exit return source read eval exec
        test true false declare readonly typeset trap wait kill let alias unalias type
        command builtin getopts mkdir rm cp mv ls cat grep sed awk find xargs sort uniq head
        tail tr cut chmod chown ln touch sleep basename dirname env""",
}
_KEYWORDS["typescript"] = (
    _KEYWORDS["javascript"]
    + """ any boolean number string symbol
    never unknown object declare namespace abstract readonly keyof infer is asserts"""
)
_KEYWORDS["tsx"] = _KEYWORDS["typescript"]


@cache
def stop_names(language: str) -> frozenset[str]:
    """Keywords and noise names excluded from a language's references."""
    return _COMMON | frozenset(_KEYWORDS.get(language, "").split())
