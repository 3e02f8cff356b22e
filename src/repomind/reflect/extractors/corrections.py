"""Correction lessons: what the user told the agent to do differently, in the user's own words.

Only what the user typed counts. Tool output, file contents and agent-injected messages are
data: an instruction inside them never becomes a lesson.
"""

from __future__ import annotations

import re
from pathlib import Path

from repomind.reflect.extractors import shell
from repomind.reflect.extractors.common import evidence, repo_path, runs
from repomind.reflect.lesson import Lesson, one_line
from repomind.reflect.session import AssistantMessage, Session, ToolCall, UserMessage

TEXT_CHARS = 200
MAX_MESSAGE_CHARS = 1500  # longer messages are pasted logs or specs, not corrections

# An instruction that starts a procedure: "run …", "you must run …", "always regenerate …".
_DO = (
    r"^(?:please\s+)?(?:(?:you|we) (?:must|should|need to|have to|always)(?: to)?\s+)?"
    r"(?:always\s+)?(?:re)?(?:run|check|read|build|lint|test|update|pull|install|format|ask"
    r"|wait|restart|clear|regenerate|back up|commit|rebase|fetch|make sure|double-check|verify"
    r"|bump)\b[^.]*\b"
)
# A durable rule, wherever it appears (also in the first prompt). "always"/"never" count only
# as an instruction ("always run …", "we never …", "No, always …"), not as a description
# ("the cart always shows 0", "a function that … and always returns ASCII"). The families:
# time ("from now on", "next time", "going forward"), scope ("in this repo", "our convention",
# "we use/never/don't …"), habits ("every time you …, run …"), procedures ("run X before
# committing"), emphasis ("don't ever", "as a rule"). Shorthand and non-native forms are made
# standard first (`normalized`); polite questions become requests (`_as_request`).
_RULE = re.compile(
    r"(?:^|[,;:(—–]\s*|\b(?:please|just|remember|(?:you|we|i)(?: should| must| will|'ll| to)?)"
    r"\s+)(?:always|never)\b"
    r"|\b(?:make|be) sure (?:to|you)\s+(?:always|never)\b"
    r"|\b(?:from now on|from here on|going forward|moving forward|henceforth|in (?:the )?future"
    r"|for (?:the )?future|for future reference|(?<!the )next time\b|as a (?:general )?rule\b"
    r"|remember(?: that| to)?\b|keep in mind"
    r"|(?:in|for|across) this (?:repo(?:sitory)?|project|codebase|team|monorepo)"
    r"|in our (?:repo(?:sitory)?|project|codebase|team|monorepo|code)\b"
    r"|we(?:'ve| have)? (?:switched|moved|migrated) (?:over )?(?:to|from|away from)\b"
    r"|\bgenerated\b[^.?!]*\b(?:don'?t|do not|never) (?:hand-?)?(?:edit|touch|modify|change)"
    r"|\b(?:don'?t|do not|never) (?:hand-?)?(?:edit|touch|modify|change)\b[^.?!]*\bgenerated\b"
    r"|(?:our|the (?:house|team|project|repo)'?s?) (?:convention|style|rule|policy|standard"
    r"|guideline|practice)s?\b|house style|style guide"
    r"|we (?:use|don'?t|do not|prefer|only|not|avoid|stick to|go with|rely on|follow|require)\b"
    r"|i prefer\b|prefer\b|(?:don'?t|do not) ever\b|never ever\b|,\s*ever\b"
    r"|\b(?:this|the|our) (?:repo(?:sitory)?|project|codebase|team) (?:uses|prefers|runs on)\b)"
    # a procedure: "Rerun it once before investigating", "Pull before rebasing", "test after
    # every change"
    r"|" + _DO + r"(?:before|after) (?:\w+ing\b|(?:every|each|any)\b)",
    re.IGNORECASE,
)
# A correction of what the agent just did: at the start of the message or of a sentence.
_CORRECTION_START = re.compile(
    r"^(?:(?:no|nope)\s*[,.!:;—–-]|wrong\b|not (?:that|this|like that)\b"
    r"|that'?s (?:wrong|not right)\b|that is (?:wrong|not right)\b|stop \w+ing\b|don'?t\b|do not\b"
    r"|please (?:don'?t|do not|stop \w+ing|use|avoid)\b|instead\b"
    r"|you (?:should|need to|have to|must)\b|stop with\b"
    r"|avoid\b|quit \w+ing\b|no more \w+|i'?d rather\b|i would rather\b)",
    re.IGNORECASE,
)
# Anywhere in a sentence: a contrast with what the agent did ("instead", "X, not Y").
_CONTRAST = (
    r"\binstead(?: of)?\b|\brather than\b|\bwrong (?:file|place|command|directory|dir|module"
    r"|package|branch|function|test|folder)\b|\b(?:use|run|call|put|keep|edit|import)\b"
    r"[^.;]{1,60},? not\b"
    # "the config lives in settings/, not config/"; "pnpm, not npm"; "tabs not spaces"
    r"|\b(?:lives?|goes|go|belongs?|is|are|sits?|stays?|kept|stored|defined|located) (?:in|under"
    r"|at|inside|within) [^.;]{1,60},? not\b"
    r"|^[\w`'./@:-]+(?: [\w`'./@:-]+){0,2},? not [\w`'./@:-]+(?: [\w`'./@:-]+){0,2}[.!]*$"
)
_CORRECTION_ANY = re.compile(
    _CONTRAST
    # "tests should go in tests/unit/", "helpers belong in app/utils/"
    + r"|\b(?:should|must|need to|needs to|have to|has to) (?:go|live|be kept|stay|be put) (?:in"
    r"|under|inside|at)\b|\bbelongs? (?:in|under)\b"
    r"|\b(?:go|goes|lives?) (?:in|under|into|inside) `?[\w.-]*/"
    # said after the agent acted, these correct it; in a first prompt they only set the scene
    r"|(?:this|it)(?:'s| is) an? [\w.-]+ (?:project|repo(?:sitory)?|shop|codebase|monorepo)\b"
    r"|\bi (?:already |have |'ve )?told you\b|\bas i (?:said|told you|mentioned) (?:before"
    r"|earlier|already)\b|\bhow many times (?:do|must|should|have) i\b"
    r"|\bwe(?:'re| are) (?:(?:on|using) (?!(?:the|a|an|it|this|that|my|our|track|time)\b)"
    r"|an? \w+ (?:shop|project|team)\b)"
    # "run lint before you say you're done", "run cargo fmt --check before finish"
    r"|" + _DO + r"before (?:you(?:'re| are)? |we(?:'re| are)? )?(?:finish|done|commit|push|merg"
    r"|releas|say|report|hand|wrap|stop|declar|submit|open|clos|ship|end)\w*"
    # "the docs are generated, don't edit docs/api/": a warning after a comma
    r"|[,;:]\s*(?:so\s+|and\s+|but\s+)?(?:please\s+)?(?:don'?t|do not|never|stop|avoid)\b",
    re.IGNORECASE,
)
# What makes a new prompt a follow-up of the task at hand: a contrast, not a mere constraint
# ("Add a CLI flag, don't touch the tests" starts a new task).
_CONTRAST_ONLY = re.compile(_CONTRAST, re.IGNORECASE)
# Task-scoped wishes and clarifications of the current task, not lasting rules.
_EPHEMERAL = re.compile(
    r"\b(?:yet|for now|this time|right now|today|for the moment|in this pr|this pr|anymore)\b"
    r"|\bdon'?t (?:worry|bother|forget to commit|know|understand|think|see|get|care|mind)\b"
    r"|\blet'?s\b"
    r"|\bi (?:meant|mean|wanted|want|asked|said|need|needed|think|guess|suspect|believe|bet)\b"
    r"|\bjust (?:explain|tell me|answer|describe|show me|look)\b"
    r"|\b(?:don'?t|do not) (?:change|touch|modify|edit|fix|do) anything(?! (?:in|under|inside))\b",
    re.IGNORECASE,
)
# Lines of pasted logs, traces and code: never a rule, whatever words they contain.
_PASTED = re.compile(
    r"^\s*(?:>|at |File \"|Traceback|\$ |\d+\s*\||[-+]{3} |@@)|\b\w*(?:Error|Exception):"
    r"|[{};]\s*$|^\s{4,}\S",
)
_STRONG_RULE = re.compile(
    r"\b(?:always|never|from now on|going forward|moving forward|remember|(?<!the )next time"
    r"|as a rule|in the future|(?:switched|moved|migrated) (?:over )?(?:to|from))\b",
    re.I,
)
_FENCE = re.compile(r"```.*?(?:```|\Z)", re.DOTALL)
_LEADING_FILLER = re.compile(
    r"^(?:(?:no(?!\s+(?:need|more|longer|one|way)\b)|nope|nah|wait|actually|hmm+|um+|oh|ok(?:ay)?"
    r"|well|so|also|and|but|please|hey"
    r"|btw|by the way|fyi|plus|additionally|one more thing|another thing)\b"
    r"[\s,.!:;—–-]*)+",
    re.IGNORECASE,
)
_COMPLIMENT = re.compile(
    r"\b(?:nice|great|good|pleasure|fun|happy|glad|lovely|awesome) (?:working|to work|job|work"
    r"|catch)\b|\bthank(?:s| you)\b|\bappreciate",
    re.IGNORECASE,
)
_THANKS = re.compile(r"^(?:thanks?|thank you|great|perfect|nice|cool|lgtm|looks good)\b", re.I)
_SENTENCE = re.compile(
    r"(?<=[^\s][.!?])\s+(?=[A-Za-z`\"'(])|\n+"
    r"|\s+[—–]\s+(?=(?:and |but )?(?:always|never|don'?t|use|instead)\b)"
)
_STOPWORDS = frozenset(
    "a an the and or but to of in on at for with by from is are be it its this that these those"
    " you your we our i me my do does did not no never always don't dont use using run running"
    " instead rather than please just also should must remember from now going forward every"
    " time when whenever here there repo repository project codebase sure via as so if"
    " then than it's that's them they there's was were been being have has had will would can"
    " could only even any all into out up down over under again more most other some such own"
    " same too very one two let's lets stop wrong like".split()
)
_BACKTICK = re.compile(r"`([^`\n]{1,120})`")
_PATHLIKE = re.compile(
    r"(?<![\w/.-])((?:[\w.-]+/)*[\w-]+\.[A-Za-z0-9]{1,6}|(?:[\w.-]+/)+)(?![\w/])"
)


def correction_lessons(session: Session, root: Path) -> list[Lesson]:
    ran = {r.normal for r in runs(session, root) if r.normal}
    touched = _touched_files(session, root)
    lessons: dict[str, Lesson] = {}
    for _, block, rule in stated_rules(session):
        lesson = _lesson(session, root, block, rule, ran, touched)
        lessons.setdefault(lesson.topic, lesson)
    return list(lessons.values())


def stated_rules(session: Session) -> list[tuple[int, str, str]]:
    """(position of the user message, the text quoted, the rule) for each rule the user stated."""
    found = []
    agent_acted = False
    first = True
    for position, event in enumerate(session.events):
        if isinstance(event, (ToolCall, AssistantMessage)):
            agent_acted = True
            continue
        if not isinstance(event, UserMessage) or event.is_meta:
            continue
        text = event.text.strip()
        is_first, first = first, False
        after_action, agent_acted = agent_acted, False
        if not text or len(text) > MAX_MESSAGE_CHARS:
            continue
        strict = is_first or not after_action
        found += [(position, block, rule) for block, rule in _rules(text, strict)]
    return found


def superseded_commands(session: Session, root: Path) -> set[str]:
    """Commands that passed, then a rule of the user asked for another way to do the same thing,
    and the agent switched: `npm test` before "we use pnpm here" and a passing `pnpm test`;
    `go test ./...` before "run the tests with -race from now on" and `go test -race ./...`.
    """
    passed = [r for r in runs(session, root) if r.ok and r.normal and r.purpose]
    found = set()
    for position, _, rule in stated_rules(session):
        if _CONDITIONAL.search(rule):
            continue  # "don't run the full suite for small changes": only sometimes
        words = {w.strip("`'\".,;:()") for w in rule.lower().split()}
        for old in (r for r in passed if r.position < position):
            for new in (r for r in passed if r.position > position):
                if new.purpose != old.purpose or new.normal == old.normal:
                    continue
                added = set(shell.tokens(new.normal.lower())) - set(
                    shell.tokens(old.normal.lower())
                )
                if any(
                    (len(t) >= 3 or t.startswith("-")) and t in words and t not in _GENERIC
                    for t in added
                ):
                    found.add(old.normal)
    return found


def _rules(text: str, strict: bool) -> list[tuple[str, str]]:
    """(the text quoted as evidence, the rule) for each rule a message states.

    A bullet list gives one rule per bullet; after an agent action, a list introduced with a
    colon ("A few things:") is feedback, so each of its bullets counts. In running text, a rule
    introduced with "also …" / "one more thing …" is a rule of its own.
    """
    quoted = text
    text = normalized(text)
    lines = [ln for ln in text.splitlines() if ln.strip()]
    bullets = [ln for ln in lines if _BULLET.match(ln)]
    if len(bullets) < 2:
        return [(quoted, rule) for rule in _rule_sentences(text, strict)]
    intro = " ".join(ln for ln in lines if not _BULLET.match(ln)).strip()
    listed = not strict and intro.endswith(":") and not _suspicious(intro)
    found = []
    for bullet in bullets:
        item = _BULLET.sub("", bullet).strip()
        rule = " ".join(_rule_sentences(item, strict))
        if not rule and listed and _usable(item) and not _PASTED.search(item):
            rule = _capitalised(_LEADING_FILLER.sub("", item)) if len(_key_words(item)) >= 2 else ""
        if rule:
            found.append((item, rule))
    return found


# Shorthand, typos and non-native forms, made standard before the message is read.
_SHORTHAND = {
    "pls": "please",
    "plz": "please",
    "pleas": "please",
    "plese": "please",
    "pleae": "please",
    "dont": "don't",
    "doesnt": "doesn't",
    "didnt": "didn't",
    "cant": "can't",
    "wont": "won't",
    "isnt": "isn't",
    "arent": "aren't",
    "shouldnt": "shouldn't",
    "u": "you",
    "ur": "your",
    "alway": "always",
    "allways": "always",
    "alwasy": "always",
    "alwyas": "always",
    "alwys": "always",
    "nevr": "never",
    "nver": "never",
    "thx": "thanks",
    "thanx": "thanks",
    "teh": "the",
    "hte": "the",
}
_SHORTHAND_WORD = re.compile(r"(?<![\w`'/.-])(" + "|".join(_SHORTHAND) + r")(?![\w`'/-])", re.I)
# "pls not use X", "we not use rspec": a "not" that means "don't".
_BARE_NOT = re.compile(
    r"((?:^|[.!;:,]\s+|\n|\b(?:please|we|you|i)\s+))(?:not(?: to)?|(?<![\w\s])no) "
    r"(?=(?:use|run|edit|touch|add|commit|push|call|put|write|change|modify|create|delete|remove|install|import|mock|hardcode|hand-edit"
    r"|rename|merge|skip|disable|ignore|make|do)\b)",
    re.IGNORECASE,
)
_FROM_NOW_ON = re.compile(r"\b(?:form|frm|fron) now on\b", re.IGNORECASE)


def normalized(text: str) -> str:
    """`text` with shorthand and typos spelled out: "pls not use X" → "please don't use X"."""
    text = _SHORTHAND_WORD.sub(lambda m: _SHORTHAND[m.group(1).lower()], text)
    text = _FROM_NOW_ON.sub("from now on", text)
    return _BARE_NOT.sub(lambda m: m.group(1) + "don't ", text)


def is_follow_up(text: str) -> bool:
    """Whether a prompt continues the task at hand (a correction, "also …", "now add …")."""
    text = normalized(text.strip())
    return bool(
        _FOLLOW_UP.match(text)
        or _OPENING_CORRECTION.match(text)
        or any(_corrective(s, narrow=True) or _durable(s) for s in _SENTENCE.split(text) if s)
    )


_FOLLOW_UP = re.compile(
    r"^(?:(?:ok(?:ay)?|good|great|thanks|nice|perfect|cool)[,.!]?\s+)?(?:also|and|now|then|next"
    r"|plus|additionally|same|too|but|can you also|could you also|please also|and also"
    r"|one more|another)\b",
    re.IGNORECASE,
)
_BULLET = re.compile(r"^\s*(?:[-*•]|\d{1,2}[.)])\s+")


def _suspicious(text: str) -> bool:
    """Text that addresses repomind or AI agents, or asks for memory writes: data, not a rule."""
    return bool(_ADDRESSED.search(text))


_ADDRESSED = re.compile(
    r"\brepomind\b|\b(?:ai|coding|llm) (?:agents?|assistants?|models?)\b|\bnote to (?:ai|agents?"
    r"|the (?:ai|agent|assistant))\b|\b(?:note|message|instructions?) (?:to|for) (?:ai|agents?"
    r"|assistants?|llms?|claude|codex|copilot|gemini|the (?:ai|agent|assistant|model))\b"
    r"|\bif you(?:'re| are) an? (?:ai|llm|language model|assistant|agent|bot)\b"
    r"|\b(?:add|write|save|store) (?:this|it|that) (?:to|in|into) "
    r"(?:your )?(?:long-term )?memory\b|ignore (?:all )?(?:previous|prior|above) instructions",
    re.IGNORECASE,
)


def _capitalised(text: str) -> str:
    text = text.strip(" ,;:—–-")
    return text[:1].upper() + text[1:]


def _rule_sentences(text: str, strict: bool) -> list[str]:
    """The rules a message states or the corrections it makes, each as the user's sentences.

    `strict` (a first prompt, or a message with no agent action before it): only durable rules.
    """
    text = "\n".join(ln for ln in _FENCE.sub("\n", text).splitlines() if not _PASTED.search(ln))
    sentences = [_as_request(s.strip()) for s in _SENTENCE.split(text) if s and s.strip()]
    usable = [s for s in sentences if _usable(s) and not _suspicious(s)]
    groups: list[list[str]] = []
    previous_kept = False
    task = False  # a new task was set earlier in the message ("Now add pagination. Use …")
    for at, sentence in enumerate(usable):
        durable = _durable(sentence)
        corrective = not strict and _corrective(sentence) and not _one_off(sentence)
        if corrective and task and _BARE_USE.match(_LEADING_FILLER.sub("", sentence)):
            corrective = False  # "Use the existing Paginator class.": how to do the new task
        if durable or corrective:
            if groups and previous_kept and not _ADDITIVE.match(sentence):
                groups[-1].append(sentence)
            else:
                groups.append([sentence])
                if at and not previous_kept and _BACK_REFERENCE.search(sentence):
                    # "… it's generated. Change the proto instead.": "instead" of the sentence
                    # before, which says what not to do.
                    before = usable[at - 1]
                    if len(_key_words(before)) >= 2 and not _THANKS.match(before):
                        groups[-1].insert(0, before)
            previous_kept = True
        elif (
            previous_kept
            and usable[at - 1] == _previous(usable, sentence)
            and (_CONTINUATION.match(_LEADING_FILLER.sub("", sentence)))
        ):
            groups[-1].append(sentence)  # "Stop editing gen/. Change the spec and regenerate."
        else:
            previous_kept = False
            task = task or not (_THANKS.match(sentence) or _COMPLIMENT.search(sentence))
    if not strict and _OPENING_CORRECTION.match(text) and len(sentences) <= 3:
        # A short "No, …" / "Wrong file — …" message is a correction as a whole, when it says
        # more than "no, call it x" / "not that one, the other file".
        rest = [s for s in usable if not _one_off(s)]
        if rest and (len(rest) > 1 or _durable_fact(" ".join(rest))):
            groups = [rest]
    rules = []
    for group in groups:
        rule = _capitalised(_LEADING_FILLER.sub("", " ".join(group)))
        # One telling word is enough for a lasting rule ("From now on, use pnpm."), not for a
        # bare fix ("No, use it.").
        needed = 2
        if any(
            _durable(s)
            or _BACKTICK.search(s)
            or _CORRECTION_ANY.search(s)
            or _USE_INSTEAD.match(_LEADING_FILLER.sub("", s))
            for s in group
        ):
            needed = 1
        if len(_key_words(rule)) >= needed:
            rules.append(rule)
    return rules


# A sentence that starts a rule of its own, not the previous one's continuation.
_ADDITIVE = re.compile(
    r"^(?:also|and also|additionally|plus|one more thing|another thing|oh,? and|btw|by the way"
    r"|second(?:ly)?|another (?:rule|thing))\b",
    re.IGNORECASE,
)
_BARE_USE = re.compile(r"^use\b(?![^.;]*\b(?:not|instead|rather)\b)", re.IGNORECASE)
_BACK_REFERENCE = re.compile(r"\binstead\W*$", re.IGNORECASE)
# A polite request: "Could you please run the tests with -race from now on?"
_POLITE = re.compile(
    r"^(?:(?:ok(?:ay)?|thanks|thank you|great|cool|also|and|but|hey|btw)[,.!]*\s+)*"
    r"(?:please,?\s+)?(?:would you mind|(?:could|can|would|will) (?:you|we)(?:\s+please)?,?)"
    r"\s+(?!you\b|we\b)",
    re.IGNORECASE,
)
# Durable even in a polite question ("always" alone there asks for the task: "can you always
# log the request id as well?").
_STRONG_DURABLE = re.compile(
    r"\b(?:from now on|from here on|going forward|moving forward|henceforth|in (?:the )?future"
    r"|(?<!the )next time|as a (?:general )?rule|every time|each time|whenever (?:you|we)"
    r"|in this (?:repo(?:sitory)?|project|codebase))\b",
    re.IGNORECASE,
)
# A habit: "Every time you touch the schema, regenerate the client", "test after each change".
_HABIT = re.compile(
    r"\b(?:(?:every|each) time (?:you|we)|whenever (?:you|we)|(?:before|after) (?:every|each|any)"
    r" (?:change|commit|push|edit|release|merge|pr|pull request)s?)\b",
    re.IGNORECASE,
)
_IMPERATIVE = re.compile(
    r"(?:^|[,:;]\s*)(?:please\s+)?(?:always\s+)?(?:run|use|update|regenerate|re-?run|rebuild"
    r"|check|add|bump|make sure|ask|tell|write|keep|don'?t|do not|never|commit|format|lint|test"
    r"|document|note|mention|restart|reinstall|verify|double-check)\b",
    re.IGNORECASE,
)
# A fact about the repository, not about the change at hand.
_FACT = re.compile(
    r"\b(?:lives?|goes|go|belongs?|sits?|stays?|is|are|kept|stored|defined|located)"
    r" (?:in|under|at|inside|within|next to)\b|\b(?:is|are) (?:generated|overwritten|vendored"
    r"|auto-?generated|read-?only)\b|`|" + _PATHLIKE.pattern,
    re.IGNORECASE,
)
# A correction of this one change: "no, call it total_price", "not that one, the other file".
_ONE_OFF = re.compile(
    r"^(?:(?:call|name|rename|make|change|set|revert|undo|put|move|turn|keep|leave|use|edit|open"
    r"|try|pick|take|do) (?:it|that|this|them|those|these|the other|the first|the second"
    r"|the last|the previous|the old)\b|the other\b|(?:that|this|the other) one\b|try again\b"
    r"|do it again\b|go back\b|undo\b|revert\b|not (?:that|this)(?: one)?\b"
    r"|(?:delete|remove|drop) (?:it|that|this|them|those|these|the \w+)\W*$)",
    re.IGNORECASE,
)


def _as_request(sentence: str) -> str:
    """A polite question asking for something from now on, as the request it is."""
    polite = _POLITE.match(sentence)
    if polite is None or not sentence.endswith("?"):
        return sentence
    rest = sentence[polite.end() :].rstrip("?").strip()
    lasting = _durable(rest) and not re.search(r"\b(?:as well|too|also)\b", rest, re.I)
    if not (_STRONG_DURABLE.search(rest) or _CORRECTION_ANY.search(rest) or lasting):
        return sentence
    return _capitalised(rest) + "."


def _durable(sentence: str) -> bool:
    """Whether a sentence states a lasting rule, whatever its opening words."""
    bare = _LEADING_FILLER.sub("", sentence)
    if _RULE.search(sentence) or _RULE.search(bare):
        return True
    return bool(_HABIT.search(sentence) and _IMPERATIVE.search(bare))


def _durable_fact(text: str) -> bool:
    return _durable(text) or bool(_FACT.search(text))


def _one_off(sentence: str) -> bool:
    """A correction of the change at hand only: no path, no command, no lasting rule in it."""
    bare = _LEADING_FILLER.sub("", sentence)
    bare = _OPENING_CORRECTION.sub("", bare).strip(" ,.;:—–-")
    bare = _LEADING_FILLER.sub("", bare)
    if _durable(sentence) or _FACT.search(bare):
        return False
    bare = _DEICTIC_NOT.sub("", bare)
    return not bare or bool(_ONE_OFF.match(bare))


_DEICTIC_NOT = re.compile(
    r"^(?:not (?:here|there|that|this|like that|yet)(?: one)?\b[\s,.;:!—–-]*)+", re.IGNORECASE
)


def _previous(sentences: list[str], sentence: str) -> str | None:
    at = sentences.index(sentence)
    return sentences[at - 1] if at else None


# An imperative that spells out what to do instead, right after a correction.
_CONTINUATION = re.compile(
    r"^(?:use|change|edit|put|call|run|move|keep|write|regenerate|import|update|modify|prefer"
    r"|go through|do it|fix it in|rely on|read|ask)\b",
    re.IGNORECASE,
)


def _usable(sentence: str) -> bool:
    """Not a question, thanks, or a wish about the task at hand."""
    if sentence.endswith("?"):
        return False
    durable = _durable(sentence)
    if (_THANKS.match(sentence) or _COMPLIMENT.search(sentence)) and not _CORRECTION_ANY.search(
        sentence
    ):
        return False
    return not (_EPHEMERAL.search(sentence) and not (durable and _STRONG_RULE.search(sentence)))


def _corrective(sentence: str, narrow: bool = False) -> bool:
    bare = _LEADING_FILLER.sub("", sentence)
    if bare != sentence and bare and _corrective(bare, narrow):
        return True  # "ok, don't …", "hmm, use …"
    if re.match(r"^use\b", sentence, re.I):
        # "Use pnpm." right after the agent acted is a fix; a long "Use …" is a task.
        short = len(sentence.split()) <= 8
        return short or bool(re.search(r"\b(?:not|instead|rather)\b", sentence, re.I))
    anywhere = _CONTRAST_ONLY if narrow else _CORRECTION_ANY
    return bool(_CORRECTION_START.match(sentence) or anywhere.search(sentence))


_OPENING_CORRECTION = re.compile(
    r"^(?:no|nope)\s*[,.!:;—–-]|^(?:wrong|(?:that'?s|that is|this is) (?:the )?wrong"
    r"|that'?s not right|not (?:that|this) one)\b",
    re.IGNORECASE,
)


def _lesson(
    session: Session,
    root: Path,
    text: str,
    rule: str,
    ran: set[str],
    touched: dict[str, str],
) -> Lesson:
    commands = _cited_commands(rule, ran)
    files = _cited_files(rule, session, root, touched)
    topic = "correction:" + " ".join(_topic_words(rule))
    body = one_line(rule, TEXT_CHARS)
    return Lesson(
        kind="correction",
        topic=topic,
        text=body,
        files=files,
        commands=commands,
        evidence=(evidence(session, text),),
    )


def _key_words(text: str) -> list[str]:
    words = re.findall(r"[a-z_][a-z0-9_./'-]*[a-z0-9_]", text.lower())
    return [w for w in words if len(w) >= 3 and w not in _STOPWORDS and "'" not in w]


def _topic_words(rule: str, limit: int = 6) -> list[str]:
    """The rule's first key words (its first sentence when that says enough), sorted."""
    first = _SENTENCE.split(rule, maxsplit=1)[0]
    if len(set(_key_words(first))) >= 2:
        rule = first
    quoted = [w for c in _BACKTICK.findall(rule) for w in _key_words(c)]
    words = list(dict.fromkeys(quoted + _key_words(rule)))
    return sorted(words[:limit])


def _cited_commands(rule: str, ran: set[str]) -> tuple[str, ...]:
    """Commands the rule recommends that were really run in the session, as they were run.

    A command the rule warns against ("don't run the full `npm test`") is not cited.
    """
    cited = []
    mentions = [(m.start(), m.group(1).strip()) for m in _BACKTICK.finditer(rule)]
    lowered = rule.lower()
    for normal in ran:
        places = [at for at, c in mentions if _same_command(c, normal)]
        if not places and len(normal) >= 6:
            places = [m.start() for m in re.finditer(re.escape(normal.lower()), lowered)]
        if places and not all(_NEGATED.search(rule[max(0, at - 30) : at]) for at in places):
            cited.append(normal)
    return tuple(sorted(set(cited)))


def discouraged_commands(session: Session, root: Path) -> set[str]:
    """Commands run in the session that a correction then warned against, unconditionally.

    "Don't run bare pytest here: use `make test`" discourages `python -m pytest -q`; "don't run
    the full npm test for small changes" does not discourage `npm test` (only sometimes).
    """
    all_runs = [r for r in runs(session, root) if r.normal]
    ran = {r.normal for r in all_runs}
    found = set()
    for lesson in correction_lessons(session, root):
        rule = lesson.text
        if lesson.commands and _USE_INSTEAD.match(rule) and not _CONDITIONAL.search(rule):
            # "Use `make fmt`." after the agent ran `go fmt ./...`: the other way is superseded.
            wanted = {r.purpose for r in all_runs if r.normal in lesson.commands}
            found |= {
                r.normal
                for r in all_runs
                if r.purpose in wanted and r.normal not in lesson.commands
            }
        for clause in re.split(r"[.;:,]|\s[—–]\s", rule):
            negated = _NEGATION.search(clause)
            if negated is None or _CONDITIONAL.search(clause):
                continue
            warned = clause[negated.end() :].lower().replace("`", "")
            for normal in ran:
                if any(
                    re.search(rf"(?<![\w-]){re.escape(name)}(?![\w-])", warned)
                    for name in _identities(normal)
                ):
                    found.add(normal)
    return found


# Words of a command line that say nothing about which tool or way it is.
_GENERIC = _STOPWORDS | {"test", "tests", "check", "lint", "build", "exec", "all", "unit", "--"}


def not_to_edit(session: Session, root: Path) -> set[str]:
    """Repo files and directories a rule of the user says not to edit by hand: "don't hand-edit
    anything under src/gen/", "src/utils.js is generated", "stop editing api/gen/"."""
    found = set()
    for _, _, rule in stated_rules(session):
        for clause in re.split(r"[.;,]\s|\s[—–-]\s", rule):
            if not _HANDS_OFF.search(clause):
                continue
            for token in _PATHLIKE.findall(clause):
                relative = repo_path(token.strip("`'\".,;:()").rstrip("/"), session, root)
                if relative:
                    found.add(relative)
    return found


_HANDS_OFF = re.compile(
    r"\b(?:generated|(?:don'?t|do not|never|stop|avoid) (?:\w+ )?(?:hand-?)?(?:edit|touch|modify"
    r"|chang|writ)\w*)\b",
    re.IGNORECASE,
)


def _identities(normal: str) -> set[str]:
    """What a user calls a command: `python3 -m pytest -q` → {"pytest", "python3 -m pytest -q"}."""
    names = {normal.lower()}
    for segment in shell.split_segments(normal):
        argv = shell.core(segment).argv
        if not argv or argv[0] in ("cd",):
            continue
        if len(argv) >= 3 and argv[1] == "-m":
            names.add(argv[2].lower())
        elif len(argv) >= 2 and argv[0] in ("npm", "yarn", "pnpm", "go", "cargo", "make"):
            names.add(f"{argv[0]} {argv[1]}".lower())
        else:
            names.add(argv[0].lower())
    return names


_USE_INSTEAD = re.compile(r"^(?:please\s+)?(?:use|run)\b", re.IGNORECASE)
_NEGATION = re.compile(
    r"\b(?:don'?t|do not|never|not|stop|avoid|rather than|instead of)\b", re.IGNORECASE
)
_CONDITIONAL = re.compile(
    r"\b(?:for (?:small|minor|quick|simple|tiny|trivial|big|large)\b|when|unless|if|except"
    r"|only)\b",
    re.IGNORECASE,
)
_NEGATED = re.compile(
    r"(?:\bdon'?t|\bdo not|\bnever|\bnot|\bno|rather than|instead of|\bstop|\bavoid)\b[^.;,]*$",
    re.IGNORECASE,
)


def _same_command(cited: str, ran: str) -> bool:
    """`make test` cites `make test`; `pytest -q` cites `PYTHONPATH=src pytest -q` too."""
    wanted = shell.normalize(cited)
    if not wanted:
        return False
    if wanted == ran or ran.startswith(wanted + " -"):  # `poetry run pytest` → `… pytest -q`
        return True
    return ran.endswith(" " + wanted) and "=" in ran.split(" ", 1)[0]


def _touched_files(session: Session, root: Path) -> dict[str, str]:
    """Repo files the session read or edited, by repo path and by base name."""
    found: dict[str, str] = {}
    for call in session.tool_calls():
        for path in call.file_paths:
            relative = repo_path(path, session, root)
            if relative:
                found.setdefault(relative, relative)
                found.setdefault(relative.rsplit("/", 1)[-1], relative)
    return found


def _cited_files(
    rule: str, session: Session, root: Path, touched: dict[str, str]
) -> tuple[str, ...]:
    files = set()
    for found in _PATHLIKE.findall(rule):
        token = found.strip("`'\".,;:()").rstrip("/")
        if not token:
            continue
        if token in touched:
            files.add(touched[token])
            continue
        relative = repo_path(token, session, root)
        if relative and ((root / relative).exists() or "/" in token):
            files.add(relative)
    return tuple(sorted(files))
