"""Find and redact secrets in text before it reaches memory files, rule files or an API request.

What is found: the patterns of detect-secrets' plugins (AWS, Azure, Artifactory, basic-auth
URLs, Cloudant, Discord, GitHub, GitLab, IBM, JWT, Mailchimp, npm, OpenAI, PyPI, SendGrid,
Slack, SoftLayer, Square, Stripe, Telegram, Twilio), read from the plugin classes; what it
lacks (Anthropic, Google, Hugging Face, DigitalOcean and new-style OpenAI/GitHub/npm/Stripe keys,
Bearer/Authorization headers, `curl -u`, `mysql -p`, `sshpass -p`, PEM and PuTTY private keys
over many lines, passwords in any URL); secret-named keys (its keyword list plus token, auth
and credential names) assigned a literal in code, shell, .env, JSON, YAML, XML, CLI flags and
URL query strings; and random-looking base64 tokens (entropy, case changes, no words: 82% of
random 20-character and 98% of 64-character tokens). Identifiers, paths, URLs without
credentials, versions, UUIDs and hex (git SHAs, checksums: hex alone is never a secret here)
survive; stand-in values ("xxxx", "${TOKEN}", "user:password", 'plain') and code
(`password=password`) are left alone; base64 blobs (runs over 1 kB, wrapped lines) are data.

How: one scan of the whole text, not per line. detect-secrets' own per-line scan measured
0.3 MB/s (34 s for a 10 MB transcript); here maximal runs of base64 characters are found once
with bytes.translate/find, and each pattern is tried only on the runs holding its literal head,
or of its length, or after its literal; key names are found by bytes.find. ~25 MB/s.
detect_secrets (~120 ms to import) is imported on the first call, regexes are compiled on first
use. Text may be raw or JSON-escaped (a transcript line read as is): a redaction never splits a
backslash escape, and redacting twice changes nothing.
"""

from __future__ import annotations

import base64
import itertools
import math
import re
import string
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from functools import lru_cache
from typing import Any, TypeVar, cast

T = TypeVar("T")


class _LazyPattern:
    """A regex compiled on first use, so importing this module compiles nothing."""

    def __init__(self, pattern: str, flags: int = 0) -> None:
        self._source = (pattern, flags)

    def __getattr__(self, name: str) -> Any:
        compiled = re.compile(*self._source)
        for method in ("match", "search", "finditer", "fullmatch", "findall"):
            setattr(self, method, getattr(compiled, method))  # later calls skip __getattr__
        return getattr(compiled, name)


def _lazy_re(pattern: str, flags: int = 0) -> re.Pattern[str]:
    return cast("re.Pattern[str]", _LazyPattern(pattern, flags))


PLACEHOLDER = re.compile(r"\[REDACTED:[a-z0-9-]+\]")


@dataclass(frozen=True, slots=True)
class Secret:
    """A secret at text[start:end]; `kind` names what it is ("github-token", "password", ...)."""

    start: int
    end: int
    kind: str


def find_secrets(text: str) -> list[Secret]:
    """Every secret in `text`, sorted and non-overlapping."""
    if not text:
        return []
    scan = _Scan(text)
    if len(text) < _SHORT and not scan.runs() and not _any_needle().search(scan.lowered):
        return []  # most strings in a transcript's records: nothing any detector looks for
    found: list[Found] = []
    for detector in _detectors():
        found.extend(detector(scan))
    return _resolve(text, found)


def redact(text: str) -> str:
    """`text` with each secret replaced by `[REDACTED:<kind>]`; keys, URL users and hosts kept."""
    secrets = find_secrets(text)
    if not secrets:
        return text
    parts: list[str] = []
    pos = 0
    for secret in secrets:
        parts.append(text[pos : secret.start])
        parts.append(f"[REDACTED:{secret.kind}]")
        pos = secret.end
    parts.append(text[pos:])
    return "".join(parts)


def contains_secret(text: str) -> bool:
    """True when `redact` would change `text`."""
    return bool(find_secrets(text))


def redact_data(value: T) -> T:
    """`value` with every str inside dicts, lists and tuples redacted (dict keys too).

    A str is judged with its dict key: under a secret-sounding key ({"password": "swordfish"})
    it is redacted whole unless it is a stand-in, and a header value ({"Authorization":
    "Basic ..."}) as the header it is. Other types are returned unchanged.
    """
    return cast(T, _redact_value(value, None))


def _redact_value(value: Any, key: str | None) -> Any:
    if isinstance(value, str):
        return _redact_keyed(value, key) if key else redact(value)
    if isinstance(value, dict):
        return {
            _redact_value(k, None): _redact_value(v, k if isinstance(k, str) else None)
            for k, v in value.items()
        }
    if isinstance(value, list):
        return [_redact_value(v, key) for v in value]
    if isinstance(value, tuple):
        items = [_redact_value(v, key) for v in value]
        if hasattr(value, "_fields"):  # namedtuple
            return type(value)(*items)
        return type(value)(items)
    return value


def _redact_keyed(value: str, key: str) -> str:
    kind = _secret_key_kind(key)
    if kind and _plausible_value(value, key, quoted=False, style="env"):
        spans = find_secrets(value)
        if not (len(spans) == 1 and spans[0].start == 0 and spans[0].end == len(value)):
            return f"[REDACTED:{kind}]"
    if len(key) <= 64 and "\n" not in key:
        # Read as `key: value` so the key gives the value its context (Authorization: Basic x).
        header = f"{key}: "
        out = redact(header + value)
        if out.startswith(header):
            return out[len(header) :]
    return redact(value)


# --- resolution --------------------------------------------------------------------------------

# Lower wins when spans overlap: a GITHUB_TOKEN=ghp_... value is a "github-token", not a "secret".
_PRIORITY_SPECIFIC = 0
_PRIORITY_PASSWORD = 1
_PRIORITY_GENERIC = 2
_PRIORITY_ENTROPY = 3


def _resolve(text: str, found: list[tuple[int, int, int, str]]) -> list[Secret]:
    if not found:
        return []
    placeholders = (
        [(m.start(), m.end()) for m in PLACEHOLDER.finditer(text)] if "[REDACTED:" in text else []
    )
    spans: list[tuple[int, int, int, str]] = []
    for start, end, priority, kind in found:
        start, end = _whole_escapes(text, start, end)
        if end <= start:
            continue
        if placeholders and any(ps < end and start < pe for ps, pe in placeholders):
            continue
        spans.append((start, end, priority, kind))
    spans.sort()
    merged: list[list[Any]] = []
    for start, end, priority, kind in spans:
        if merged and start < merged[-1][1]:
            last = merged[-1]
            last[1] = max(last[1], end)
            if priority < last[2]:
                last[2], last[3] = priority, kind
        else:
            merged.append([start, end, priority, kind])
    return [Secret(s, e, k) for s, e, _, k in merged]


def _whole_escapes(text: str, start: int, end: int) -> tuple[int, int]:
    """Shrink a span so it neither starts inside nor ends halfway through a backslash escape."""
    if start > 0 and _odd_backslashes_before(text, start):
        start += 1
    if end > start and _odd_backslashes_before(text, end):
        end -= 1
    return start, end


def _odd_backslashes_before(text: str, pos: int) -> bool:
    n = 0
    while pos - n - 1 >= 0 and text[pos - n - 1] == "\\":
        n += 1
    return n % 2 == 1


# --- the scan ------------------------------------------------------------------------------------

Found = tuple[int, int, int, str]
Detector = Callable[["_Scan"], Iterator[Found]]

# Characters of base64/base64url tokens. A maximal run of them at least 20 long is where every
# token-shaped secret lives (each is at least 20 characters), so runs are found once, fast, and
# each detector looks only there; `=` padding, `.` and `:` end a run.
_RUN_CHARS = string.ascii_letters + string.digits + "+/_-"
_RUN_TABLE = bytes(ord("a") if chr(i) in _RUN_CHARS else ord(" ") for i in range(256))
_RUN_MIN = 20
_BLOB_RUN = 1024


class _Scan:
    """A text prepared for scanning: an ASCII copy to search fast, runs, literal hits."""

    __slots__ = ("_blobs", "_hits", "_runs", "data", "lowered", "text")

    def __init__(self, text: str) -> None:
        self.text = text
        # One byte per character (non-ASCII becomes "?"), so offsets agree with `text`;
        # bytes.find is several times faster than a regex over the str.
        self.data = text.encode("ascii", "replace")
        self.lowered = self.data.lower()
        self._hits: dict[str, list[int]] = {}
        self._runs: list[tuple[int, int]] | None = None
        self._blobs: set[int] | None = None

    def hits(self, needle: str) -> list[int]:
        """Offsets of `needle` (case-insensitive when given in lower case)."""
        if not self._hits and len(self.text) < _SHORT:
            # Short text: one regex pass finds every common needle (16 finds cost more).
            for needle_ in _NEEDLES:
                self._hits[needle_] = []
            for m in _any_needle().finditer(self.lowered):
                self._hits[m.group().decode()].append(m.start())
        found = self._hits.get(needle)
        if found is None:
            haystack = self.lowered if needle.islower() else self.data
            target = needle.encode()
            found = []
            i = haystack.find(target)
            while i >= 0:
                found.append(i)
                i = haystack.find(target, i + 1)
            self._hits[needle] = found
        return found

    def runs(self) -> list[tuple[int, int]]:
        """(start, end) of every maximal run of base64 characters at least 20 long."""
        if self._runs is None:
            mapped = self.data.translate(_RUN_TABLE)
            probe = b"a" * _RUN_MIN
            runs = []
            i = mapped.find(probe)
            while i >= 0:
                while i > 0 and mapped[i - 1] == 97:  # 97: "a"
                    i -= 1
                j = mapped.find(b" ", i)
                if j < 0:
                    j = len(mapped)
                runs.append((i, j))
                i = mapped.find(probe, j)
            self._runs = runs
        return self._runs

    def blobs(self) -> set[int]:
        """Indices of runs that are encoded data, not tokens: longer than 1 kB, or a line of
        base64 wrapped at a fixed width (an image, a certificate, a bundle)."""
        if self._blobs is None:
            runs = self.runs()
            blobs = set()
            for i, (start, end) in enumerate(runs):
                long_line = end - start >= 60 or (i > 0 and runs[i - 1][1] - runs[i - 1][0] >= 60)
                if end - start > _BLOB_RUN or (long_line and _wrapped(self.text, runs, i)):
                    blobs.add(i)
            self._blobs = blobs
        return self._blobs


_SHORT = 4096


@lru_cache(maxsize=1)
def _any_needle() -> re.Pattern[bytes]:
    """Every literal a detector starts from besides runs (lower case: matched on `lowered`)."""
    return re.compile(b"|".join(re.escape(n.encode()) for n in _NEEDLES))


@lru_cache(maxsize=1)
def _detectors() -> tuple[Detector, ...]:
    return (
        _token_detector(),
        _pem_blocks,
        _putty_keys,
        _url_detector(),
        _auth_headers,
        _curl_user,
        _cli_passwords,
        _assignments,
        _high_entropy,
    )


# --- detect-secrets' patterns --------------------------------------------------------------------


# Which runs a pattern is tried on: those holding a literal its tokens start with (`heads`),
# those right after a literal (`after_literal`: "AccountKey=", "SG."), those of given lengths
# (values of the IBM/Cloudant/SoftLayer/AWS assignment patterns). The window searched is the
# run widened by `before`/`after` characters.
@dataclass(frozen=True, slots=True)
class _Rule:
    kind: str
    group: int = 0  # the group holding the secret; 0: the whole match
    heads: tuple[str, ...] = ()
    after_literal: str = ""
    lengths: tuple[int, ...] = ()
    keyword_before: bool = False  # an assignment pattern: a key name must precede the value
    before: int = 0
    after: int = 0


_ASSIGNED = (24, 44, 48, 64)
# Every keyword of detect-secrets' assignment patterns (key|pwd|pw|password|pass|token|secret).
_ASSIGNMENT_KEYWORD = re.compile(
    rb"key|pw|pass|token|secret"
)  # lengths of the values IBM/Cloudant/SoftLayer assignments hold

# detect-secrets plugins used: module, class, and one rule per pattern of its denylist. The
# patterns themselves are read from the classes.
_PLUGINS: tuple[tuple[str, str, tuple[_Rule, ...]], ...] = (
    (
        "aws",
        "AWSKeyDetector",
        (
            _Rule("aws-access-key", heads=("A3T", "ABIA", "ACCA", "AKIA", "ASIA")),
            _Rule("aws-secret-key", 1, lengths=(40,), keyword_before=True, before=64, after=1),
        ),
    ),
    (
        "artifactory",
        "ArtifactoryDetector",
        (
            _Rule("artifactory-token", heads=("AKC",), before=1, after=1),
            _Rule("artifactory-token", heads=("AP",), before=1, after=1),
        ),
    ),
    (
        "azure_storage_key",
        "AzureStorageKeyDetector",
        (_Rule("azure-storage-key", after_literal="AccountKey=", before=11),),
    ),
    (
        "cloudant",
        "CloudantDetector",
        (
            _Rule("cloudant-key", 1, lengths=_ASSIGNED, keyword_before=True, before=64, after=1),
            _Rule("cloudant-key", 1, lengths=_ASSIGNED, keyword_before=True, before=64, after=1),
            _Rule("cloudant-key", 1),  # URLs: tried by the URL detector
            _Rule("cloudant-key", 1),
        ),
    ),
    (
        "discord",
        "DiscordBotTokenDetector",
        (_Rule("discord-token", lengths=(24, 25, 26), after=40),),
    ),
    (
        "github_token",
        "GitHubTokenDetector",
        (_Rule("github-token", heads=("ghp_", "gho_", "ghu_", "ghs_", "ghr_")),),
    ),
    (
        "gitlab_token",
        "GitLabTokenDetector",
        (
            _Rule("gitlab-token", heads=("glpat-", "gldt-", "glft-", "glsoat-", "glrt-")),
            _Rule("gitlab-token", heads=("GR1348941",)),
            _Rule("gitlab-token", heads=("glcbt-",)),
            _Rule("gitlab-token", heads=("glimt-",)),
            _Rule("gitlab-token", heads=("glptt-",)),
            _Rule("gitlab-token", heads=("glagent-",)),
            _Rule("gitlab-token", heads=("gloas-",)),
        ),
    ),
    (
        "ibm_cloud_iam",
        "IbmCloudIamDetector",
        (_Rule("ibm-cloud-key", 1, lengths=_ASSIGNED, keyword_before=True, before=64, after=1),),
    ),
    (
        "ibm_cos_hmac",
        "IbmCosHmacDetector",
        (_Rule("ibm-cos-key", 1, lengths=_ASSIGNED, keyword_before=True, before=64, after=1),),
    ),
    ("jwt", "JwtTokenDetector", (_Rule("jwt", heads=("eyJ",), after=8192),)),
    ("mailchimp", "MailchimpDetector", (_Rule("mailchimp-key", heads=("-us",), before=32),)),
    (
        "npm",
        "NpmDetector",
        (_Rule("npm-token", 1, after_literal="_authToken=", before=512, after=1),),
    ),
    ("openai", "OpenAIDetector", (_Rule("openai-key", heads=("sk-",)),)),
    (
        "pypi_token",
        "PypiTokenDetector",
        (
            _Rule("pypi-token", heads=("pypi-",)),
            _Rule("pypi-token", heads=("pypi-",)),
        ),
    ),
    (
        "sendgrid",
        "SendGridDetector",
        (_Rule("sendgrid-key", after_literal="SG.", before=3, after=50),),
    ),
    (
        "slack",
        "SlackDetector",
        (
            _Rule("slack-token", heads=("xox", "XOX", "Xox")),
            _Rule("slack-webhook"),  # a URL: tried by the URL detector
        ),
    ),
    (
        "softlayer",
        "SoftlayerDetector",
        (
            _Rule("softlayer-key", 1, lengths=_ASSIGNED, keyword_before=True, before=64, after=1),
            _Rule("softlayer-key", 1),  # a URL: tried by the URL detector
        ),
    ),
    ("square_oauth", "SquareOAuthDetector", (_Rule("square-secret", heads=("sq0csp-",)),)),
    ("stripe", "StripeDetector", (_Rule("stripe-key", heads=("sk_live_", "rk_live_")),)),
    (
        "telegram_token",
        "TelegramBotTokenDetector",
        (_Rule("telegram-token", after_literal=":", before=11),),
    ),
    (
        "twilio",
        "TwilioKeyDetector",
        (
            _Rule("twilio-key", heads=("AC",)),
            _Rule("twilio-key", heads=("SK",)),
        ),
    ),
)

# What detect-secrets lacks: (rule, pattern).
_EXTRA_RULES: tuple[tuple[_Rule, str], ...] = (
    (_Rule("anthropic-key", heads=("sk-",)), r"sk-ant-[a-z]{2,8}\d{0,3}-[A-Za-z0-9_-]{20,}"),
    (_Rule("openai-key", heads=("sk-",)), r"sk-(?:proj|svcacct|admin|None)-[A-Za-z0-9_-]{20,}"),
    (_Rule("openai-key", heads=("sk-",)), r"sk-[A-Za-z0-9]{48}(?![\w-])"),
    (_Rule("google-api-key", heads=("AIza",)), r"AIza[0-9A-Za-z_-]{35}"),
    (_Rule("github-token", heads=("github_pat_",)), r"github_pat_[A-Za-z0-9_]{22,}"),
    (_Rule("npm-token", heads=("npm_",)), r"npm_[A-Za-z0-9]{36}"),
    (_Rule("huggingface-token", heads=("hf_",)), r"hf_[A-Za-z]{34}(?![\w-])"),
    (_Rule("stripe-key", heads=("sk_test_", "rk_test_")), r"[sr]k_test_[0-9a-zA-Z]{24,}"),
    (_Rule("slack-token", heads=("xapp-",)), r"xapp-\d-[A-Za-z0-9]+-\d+-[A-Za-z0-9]+"),
    (_Rule("digitalocean-token", heads=("dop_", "doo_", "dor_")), r"do[pro]_v1_[a-f0-9]{64}"),
)

# Kinds whose pattern may stop short of the real token (Stripe keys grew to 99 characters).
_EXTEND_TO_TOKEN_END = frozenset(
    {"github-token", "gitlab-token", "stripe-key", "slack-token", "openai-key", "anthropic-key"}
)
# Kinds whose pattern has no left boundary of its own and would fire inside longer words.
_NEEDS_BOUNDARY = frozenset(
    {
        "aws-access-key",
        "discord-token",
        "mailchimp-key",
        "telegram-token",
        "twilio-key",
        "npm-token",
        "huggingface-token",
        "stripe-key",
        "openai-key",
    }
)
_TOKEN_MAX = 1100  # the longest token patterns (GitLab agent tokens) match up to ~1030 chars
_TOKEN_TAIL = _lazy_re(r"[A-Za-z0-9_-]*")
_JWT_TAIL = _lazy_re(r"[A-Za-z0-9_=+/.-]*")


def _plugin_rules() -> list[tuple[_Rule, re.Pattern[str]]]:
    import importlib

    rules: list[tuple[_Rule, re.Pattern[str]]] = []
    for module_name, class_name, plugin_rules in _PLUGINS:
        module = importlib.import_module(f"detect_secrets.plugins.{module_name}")
        denylist = list(getattr(module, class_name).denylist)
        if len(denylist) != len(plugin_rules):
            raise RuntimeError(f"detect-secrets {class_name} changed: {len(denylist)} patterns")
        for pattern, rule in zip(denylist, plugin_rules, strict=True):
            # The plugins run per line, so ^ and $ meant the line's ends.
            rules.append((rule, re.compile(pattern.pattern, pattern.flags | re.M)))
    rules.extend((rule, re.compile(source)) for rule, source in _EXTRA_RULES)
    return rules


def _token_detector() -> Detector:
    from detect_secrets.plugins.jwt import JwtTokenDetector

    jwt_valid = JwtTokenDetector.is_formally_valid
    rules = _plugin_rules()
    by_head: dict[str, list[tuple[_Rule, re.Pattern[str]]]] = {}
    by_literal: dict[str, list[tuple[_Rule, re.Pattern[str]]]] = {}
    by_length: dict[int, list[tuple[_Rule, re.Pattern[str]]]] = {}
    for rule, pattern in rules:
        for head in rule.heads:
            by_head.setdefault(head, []).append((rule, pattern))
        if rule.after_literal:
            by_literal.setdefault(rule.after_literal, []).append((rule, pattern))
        for length in rule.lengths:
            by_length.setdefault(length, []).append((rule, pattern))
    literals = list(by_literal.items())
    heads = re.compile("|".join(re.escape(h) for h in sorted(by_head, key=len, reverse=True)))

    def detect(scan: _Scan) -> Iterator[Found]:
        text = scan.text
        seen: set[tuple[int, int]] = set()
        blobs = scan.blobs()
        for i, (run_start, run_end) in enumerate(scan.runs()):
            if i in blobs:
                continue
            tries: list[tuple[_Rule, re.Pattern[str], int]] = [
                (rule, pattern, m.start())
                for m in heads.finditer(text, run_start, run_end)
                for rule, pattern in by_head[m.group()]
            ]
            for literal, rules_after in literals:
                if text.startswith(literal, run_start - len(literal)):
                    tries.extend((rule, pattern, run_start) for rule, pattern in rules_after)
            by_this_length = by_length.get(run_end - run_start, ())
            if by_this_length:
                keyword = _ASSIGNMENT_KEYWORD.search(
                    scan.lowered, max(0, run_start - 64), run_start
                )
                tries.extend(
                    (rule, pattern, run_start)
                    for rule, pattern in by_this_length
                    if keyword or not rule.keyword_before
                )
            for rule, pattern, at in tries:
                # Bounded: in a 10 MB base64 blob, a head every few kB must not mean a
                # search to the end of the blob each time.
                lo = max(0, at - rule.before)
                hi = min(len(text), run_end + rule.after, at + _TOKEN_MAX + rule.after)
                for m in pattern.finditer(text, lo, hi):
                    found = _token_span(text, rule, m, jwt_valid)
                    if found and found[:2] not in seen:
                        seen.add(found[:2])
                        yield found

    return detect


def _token_span(
    text: str, rule: _Rule, m: re.Match[str], jwt_valid: Callable[[str], bool]
) -> Found | None:
    kind = rule.kind
    if rule.group and m.start(rule.group) >= 0:
        start, end = m.start(rule.group), m.end(rule.group)
    else:
        start, end = m.start(), m.end()
    if kind == "artifactory-token":  # its pattern includes the delimiters around
        token = m.group().strip(' \t\r\n=:"')
        start = m.start() + m.group().index(token)
        end = start + len(token)
    elif kind == "azure-storage-key":
        start += len("AccountKey=")
    elif kind == "npm-token" and rule.group:  # its pattern runs to the end of the line
        end = _UNQUOTED_VALUE.match(text, start).end()  # type: ignore[union-attr]
    elif kind == "jwt":
        if not jwt_valid(m.group().rstrip(".")):
            return None
        end = _JWT_TAIL.match(text, end).end()  # type: ignore[union-attr]
    if kind in _NEEDS_BOUNDARY and start > 0 and (text[start - 1].isalnum()):
        return None
    if kind in _EXTEND_TO_TOKEN_END:
        end = _TOKEN_TAIL.match(text, end).end()  # type: ignore[union-attr]
    return start, end, _PRIORITY_SPECIFIC, kind


# --- private keys ---------------------------------------------------------------------------

# PEM private keys, possibly spanning many lines, raw or with \n escapes; an SSH2 header has
# four dashes and spaces. Without an END line, the base64 body that follows is taken.
_PEM_BEGIN = _lazy_re(r"-{4,5} ?BEGIN ((?:[A-Z0-9]+ )*PRIVATE KEY(?: BLOCK)?) ?-{4,5}")
_PEM_BODY = _lazy_re(r"(?:[A-Za-z0-9+/=\s:,-]|\\[nrt])*")
_PEM_MAX = 64 * 1024


def _pem_blocks(scan: _Scan) -> Iterator[Found]:
    text = scan.text
    stop = 0
    for begin in scan.hits("BEGIN "):
        if begin < stop:
            continue
        m = _PEM_BEGIN.search(text, max(0, begin - 6), begin + 80)
        if not m:
            continue
        end_marker = re.compile(r"-{4,5} ?END " + re.escape(m.group(1)) + r" ?-{4,5}")
        end = end_marker.search(text, m.end(), m.end() + _PEM_MAX)
        if end:
            stop = end.end()
        else:
            stop = _PEM_BODY.match(text, m.end(), m.end() + _PEM_MAX).end()  # type: ignore[union-attr]
            if sum(c.isalnum() for c in text[m.end() : stop]) < 20:
                continue
        yield m.start(), stop, _PRIORITY_SPECIFIC, "private-key"


_PUTTY = _lazy_re(
    r"PuTTY-User-Key-File-\d+:.{0,16384}?(?:Private-MAC:\s*[0-9a-fA-F]+|\n\s*\n|\\n\\n|$)", re.S
)


def _putty_keys(scan: _Scan) -> Iterator[Found]:
    for at in scan.hits("PuTTY-User-Key-File"):
        m = _PUTTY.match(scan.text, at)
        if m:
            yield m.start(), m.end(), _PRIORITY_SPECIFIC, "private-key"


# --- URLs, headers, command lines ----------------------------------------------------------------

# ://user:password@host, more lenient than detect-secrets' (which rejects reserved characters
# in the password, leaking "p@ss!word"-style ones whole): the password runs to the last "@".
_URL_PASSWORD = _lazy_re(r"://[^\s:/@\"'<>\\]*:(?!\[REDACTED:)([^\s/\"'<>\\]+)@")
_URL_WINDOW = 512
# Plugin URL patterns that name their host; the others (basic auth) need an "@".
_URL_HOSTS = {
    "slack-webhook": "hooks.slack.com",
    "cloudant-key": "cloudant.com",
    "softlayer-key": "softlayer.com",
}


def _url_detector() -> Detector:
    """Passwords in URLs, Slack webhooks, Cloudant and SoftLayer URLs: tried at each "://"."""
    url_rules: list[tuple[str, str | None, re.Pattern[str], int]] = []
    for rule, pattern in _plugin_rules():
        if rule.heads or rule.after_literal or rule.lengths:
            continue
        host = _URL_HOSTS.get(rule.kind)
        url_rules.append((rule.kind, host, pattern, rule.group))

    def detect(scan: _Scan) -> Iterator[Found]:
        text = scan.text
        for at in scan.hits("://"):
            lo, hi = max(0, at - 8), min(len(text), at + _URL_WINDOW)
            has_at = text.find("@", at, hi) >= 0
            if has_at:
                m = _URL_PASSWORD.match(text, at, hi)
                if m and _literal_credential(m.group(1)):
                    yield m.start(1), m.end(1), _PRIORITY_PASSWORD, "password"
            for kind, host, pattern, group in url_rules:
                if host is None and not has_at:
                    continue
                if host is not None and text.find(host, at, at + 32) < 0:
                    continue
                m = pattern.search(text, lo, hi)
                if not m or m.start() > at:
                    continue
                start, end = (m.start(group), m.end(group)) if group else (m.start(), m.end())
                if kind == "password" and text.startswith("[REDACTED:", start):
                    continue
                priority = _PRIORITY_PASSWORD if kind == "password" else _PRIORITY_SPECIFIC
                yield start, end, priority, kind

    return detect


_BEARER = _lazy_re(r"[Bb]earer[ \t]+(?!\[REDACTED:)([A-Za-z0-9\-._~+/]+=*)")
_AUTHORIZATION = _lazy_re(
    r"(?i)(?:proxy-)?authorization\\?[\"']?[ \t]*[:=][ \t]*\\?[\"']?"
    r"(?:(basic|bearer|token|digest|apikey|key|bot|sso-key|negotiate)[ \t]+)?"
    r"(?!\[REDACTED:)([^\s\"'\\,;]+)"
)


def _auth_headers(scan: _Scan) -> Iterator[Found]:
    text = scan.text
    for at in scan.hits("bearer"):
        if at > 0 and text[at - 1].isalnum():
            continue
        m = _BEARER.match(text, at)
        if not m:
            continue
        token = m.group(1)
        if (
            len(token) >= 8
            and _literal_credential(token)
            and (_has_digit(token) or len(token) >= 20)
        ):
            yield m.start(1), m.end(1), _PRIORITY_GENERIC, "bearer-token"
    for at in scan.hits("authorization"):
        if at > 0 and (text[at - 1].isalnum() or text[at - 1] == "_"):
            continue
        m = _AUTHORIZATION.match(text, at)
        if not m:
            continue
        token = m.group(2)
        if len(token) < 8 or not _literal_credential(token):
            continue
        if not m.group(1) and not _has_digit(token):
            continue
        kind = "bearer-token" if (m.group(1) or "").lower() == "bearer" else "authorization"
        yield m.start(2), m.end(2), _PRIORITY_GENERIC, kind


def _literal_credential(value: str) -> bool:
    """Not a stand-in: ${PASS}, <token>, "password", "testtoken", "user:pass", 5432 (a port)."""
    if _is_template(value) or value.isdigit() or "$" in value or value.startswith("//"):
        return False
    squashed = value.lower().replace("_", "").replace("-", "")
    if squashed in _PLAIN_WORDS or squashed == "pass" or _KEY_NOUN.search(squashed):
        return False
    return not _WORDS_ONLY.fullmatch(value) or _basic_credentials(value)


def _basic_credentials(value: str) -> bool:
    """Whether `value` is the base64 of "user:password" (an Authorization: Basic header)."""
    decoded = _base64_text(value)
    return decoded is not None and ":" in decoded


_CURL_USER = _lazy_re(r"(?:-u|--user)[ \t]+\\?[\"']?[^\s:\"'\\]+:([^\s\"'\\@]+)")


def _curl_user(scan: _Scan) -> Iterator[Found]:
    text = scan.text
    for at in scan.hits("-u"):
        if text.startswith("--user", at - 1):
            at -= 1
        if at > 0 and (text[at - 1].isalnum() or text[at - 1] in "-_"):
            continue
        m = _CURL_USER.match(text, at)
        if m and _literal_credential(m.group(1)):
            yield m.start(1), m.end(1), _PRIORITY_PASSWORD, "password"


# `mysql -pS3cret` (the password glued to -p), `sshpass -p S3cret`.
_MYSQL_PASSWORD = _lazy_re(r"[^\n;|&]*?[ \t]-p(?=\S)")
_SSHPASS = _lazy_re(r"sshpass[ \t]+-p[ \t]*")
_QUOTE = _lazy_re(r"\\*[\"']")
_BARE_WORD = _lazy_re(r"[^\s\"'\\;|&]+")


def _cli_passwords(scan: _Scan) -> Iterator[Found]:
    text = scan.text
    starts = [
        m.end()
        for at in (*scan.hits("mysql"), *scan.hits("mariadb"))
        if (m := _MYSQL_PASSWORD.match(text, at, at + 512))
    ]
    starts += [m.end() for at in scan.hits("sshpass") if (m := _SSHPASS.match(text, at))]
    for pos in starts:
        span = _shell_word(text, pos)
        if span and _literal_credential(text[span[0] : span[1]]):
            yield span[0], span[1], _PRIORITY_PASSWORD, "password"


def _shell_word(text: str, pos: int) -> tuple[int, int] | None:
    """The span of the shell argument at `pos`, inside its quotes if it is quoted."""
    quote = _QUOTE.match(text, pos)
    if quote:
        close = text.find(quote.group(), quote.end(), quote.end() + 512)
        return (quote.end(), close) if close > quote.end() else None
    word = _BARE_WORD.match(text, pos)
    return (pos, word.end()) if word else None


# --- key = value assignments --------------------------------------------------------------------

# A key that names a secret: detect-secrets' keyword list plus token/credential/auth names. The
# keyword must end the key (`max_tokens`, `token_type`, `password_reset_url` are not secrets).
_SECRET_SUFFIX = r"(?:[_-]?(?:base|value|b64|base64|hex|raw))?"
_QUERY_ONLY_KEYS = _lazy_re(r"(?i)(?:sig|signature|x-amz-signature|x-amz-credential)")
_KEY_CHARS = string.ascii_letters + string.digits + "_.-"
_KEY_MAX = 64
# What may follow a key before its value: a quote, "]", spaces, an operator (or a space: --flag).
_ASSIGN_HINT = _lazy_re(r"[\\\"'`\]]*[ \t]*[:=!]|[ \t>]")
# Every secret key name contains one of these (lower case: found in any case).
_KEY_WORDS = ("pass", "pw", "secret", "token", "key", "auth", "credential", "contrase", "sig")
_NEEDLES = (*_KEY_WORDS, "bearer", "-u", "://", "begin ", "putty", "mysql", "mariadb")
_ASSIGN_OP = _lazy_re(
    r"(?P<kq>\\*[\"'`])?\]?(?P<sp1>[ \t]*)(?P<op>:=|=>|===?|!==?|=|:(?!:))(?P<sp2>[ \t]*)@?"
    r"(?P<vq>\\*[\"'`])?"
)
_FLAG_OP = _lazy_re(r"(?P<kq>)(?P<sp1>)(?P<op>[ \t]+)(?P<sp2>)(?P<vq>\\*[\"'])?")
_UNQUOTED_VALUE = _lazy_re(r"(?:[^\s\"'`\\<>]|\\\\)+")
_DOTTED_IDENT = _lazy_re(r"[A-Za-z_$][\w$]*(?:(?:\.|->|::)[A-Za-z_$][\w$]*)+")
_IDENT = _lazy_re(r"[A-Za-z_$][\w$-]*")
_PLAIN_WORDS = frozenset(
    """null none nil true false undefined required optional str string bytes int bool any
    object number text secret secrets password passwd token tokens key apikey api_key env empty
    redacted hidden masked omitted dummy example placeholder your_token your_password
    your_api_key your-api-key unset default auto char varchar yes no on off enabled
    disabled""".split()
)


@lru_cache(maxsize=1)
def _secret_key_pattern() -> re.Pattern[str]:
    from detect_secrets.plugins.keyword import DENYLIST

    keywords = [
        *DENYLIST,
        "passphrase",
        "token",
        "credentials?",
        "auth",
        "(?:access|secret|signing|encryption|master|session|app|consumer|webhook)_?key",
        "apikey",
        "(?<![a-z])pass",
    ]
    # detect-secrets spells separators as `_?`; keys here also use `-` (X-Api-Key) or nothing.
    alternatives = "|".join(k.replace("_?", "[_-]?") for k in keywords)
    return re.compile(rf"(?i)[\w.-]*?(?:{alternatives}){_SECRET_SUFFIX}")


@lru_cache(maxsize=4096)
def _secret_key_kind(key: str) -> str | None:
    """ "password" or "secret" when `key` names a secret (DB_PASSWORD, apiKey, x-auth-token)."""
    key = key.strip("-")
    if not _secret_key_pattern().fullmatch(key) or key.lower().startswith("public"):
        return None  # publicKeyToken, public_key: published on purpose
    lowered = key.lower()
    return (
        "password"
        if ("pass" in lowered or "pwd" in lowered or "contrase" in lowered)
        else ("secret")
    )


def _assignments(scan: _Scan) -> Iterator[Found]:
    text = scan.text
    hits = sorted({(at, len(word)) for word in _KEY_WORDS for at in scan.hits(word)})
    done = -1
    for at, length in hits:
        if at < done:
            continue
        head = text[max(0, at - _KEY_MAX) : at]
        start = at - (len(head) - len(head.rstrip(_KEY_CHARS)))
        if start > 0 and text[start - 1] == "\\" and text[start] in "nrt":  # "...\nSECRET=x"
            start += 1
        tail = text[at + length : at + length + _KEY_MAX]
        end = at + length + len(tail) - len(tail.lstrip(_KEY_CHARS))
        done = end
        if not _ASSIGN_HINT.match(text, end):
            continue
        key = text[start:end].rstrip(".")
        end = start + len(key)
        in_query = start > 0 and text[start - 1] in "?&;" and text[end : end + 1] == "="
        kind = _secret_key_kind(key)
        if kind is None:
            if not (in_query and _QUERY_ONLY_KEYS.fullmatch(key)):
                continue
            kind = "secret"
        if text.endswith("<", 0, start) and text.startswith(">", end):  # <password>x</password>
            close = text.find("</", end + 1, end + 1 + 2048)
            value = text[end + 1 : close]
            if close > end + 1 and "\n" not in value and _plausible_value(value, key, True):
                done = max(done, close)
                yield end + 1, close, _PRIORITY_PASSWORD, kind
            continue
        op_pattern = _ASSIGN_OP
        if key.startswith("--") and text[end : end + 1] in " \t":
            op_pattern = _FLAG_OP
        op = op_pattern.match(text, end)
        if not op:
            continue
        value_start = op.end()
        quote = op.group("vq")
        if quote and not op.group("kq") and not op.group("sp2") and text.endswith(quote, 0, start):
            continue  # '--password=' . $value: the quote closes the string holding the key
        if quote == "`" or text.endswith("case ", 0, start):
            continue  # `pwd` (a command), `case FOO_AUTH:` (a label)
        if quote:
            close = text.find(quote, value_start, value_start + 2048)
            line_end = text.find("\n", value_start, close if close >= 0 else value_start + 2048)
            if close < 0 or line_end >= 0:
                continue
            value_end = close
        else:
            if op.group("op").startswith(("==", "!")):
                continue
            m = _UNQUOTED_VALUE.match(text, value_start)
            if not m:
                continue
            value_end = m.end()
            if in_query:
                value_end = value_start + len(re.split(r"[&#]", m.group(), maxsplit=1)[0])
            value_end = value_start + len(text[value_start:value_end].rstrip(",;)]}."))
        value = text[value_start:value_end]
        if not quote and op.group("op") == ":" and not _LINE_END.match(text, value_end):
            continue  # `TOKEN: Final = ...`, `CMD_NO_AUTH: Command doesn't...`: not YAML/headers
        spaced = bool(op.group("sp1") or op.group("sp2"))
        style = "quoted" if quote else _unquoted_style(key, op.group("op"), spaced, in_query)
        if style == "code" and _LINE_END.match(text, value_end):
            style = "code-eol"
        if _plausible_value(value, key, style == "quoted", style):
            done = max(done, value_end)
            yield value_start, value_end, _PRIORITY_PASSWORD, kind


def _unquoted_style(key: str, op: str, spaced: bool, in_query: bool) -> str:
    """ "env" when an unquoted value is surely a literal (.env, shell, URL, --flag, HEADER:)."""
    bare = key.lstrip("-")
    if in_query:
        return "query"
    if key.startswith("--"):
        return "env"
    if bare.upper() == bare and not spaced and op in ("=", ":"):
        return "env"
    if bare.upper() == bare and op == ":":  # YAML `POSTGRES_PASSWORD: x`, header `X-API-KEY: x`
        return "env"
    return "code"


_WORDS_ONLY = _lazy_re(r"[A-Za-z]+(?:[.\-_/:][A-Za-z]+)*")
_LINE_END = _lazy_re(r"[ \t]*(?:\r?$|\\[nr]|#|\\?[\"'])", re.M)
_VERSION = _lazy_re(r"[\^~<>=v]*\d+(?:\.\d+)+[\w.+-]*")
_KEY_NOUN = _lazy_re(
    r"password|passwd|passphrase|secret|token|apikey|appkey|accesskey|privatekey|credential"
)


def _plausible_value(value: str, key: str, quoted: bool, style: str = "quoted") -> bool:
    """Whether `value`, assigned to a secret-named `key`, is a literal secret (not code/prose)."""
    if len(value) < 3 or value.startswith("[REDACTED:") or _is_template(value):
        return False
    if _VERSION.fullmatch(value):
        return False  # "pbkdf2-password": "1.2.1" in package.json
    squashed = value.lower().replace("_", "").replace("-", "")
    noun = _KEY_NOUN.search(key.lower().replace("_", "").replace("-", ""))
    if (noun and noun.group() in squashed) or _KEY_NOUN.search(squashed):
        return False  # test-appkey, my-super-secret-password, user:password: stand-ins
    lowered = value.lower()
    if lowered in _PLAIN_WORDS or lowered.strip("-_") == key.lower().strip("-_"):
        return False
    if len(set(value)) <= 2 or value.isdigit() or "..." in value or "…" in value:
        return False  # ****, xxxx, 0000, "sk-..."
    if quoted:
        # Literal secrets in code have a digit or a symbol; words, dotted names and kebab-case
        # ('plain', 'same-origin', 'keyword.operator', "RESET") are test values and enums.
        return not any(c.isspace() for c in value) and not _WORDS_ONLY.fullmatch(value)
    if value.startswith(("/", "~/", "./", "../")) and not _random_base64(value):
        return False  # PWD=/home/user/project, PASSWORD_FILE=/run/secrets/db
    if style == "env":
        return True
    if style == "query":
        return not _WORDS_ONLY.fullmatch(value)  # ?token=jessica, ?signature=abc: test values
    # Code: `password=password`, `token = get_token()`, `apiKey: config.apiKey`,
    # `password: str`, `cancelToken: defaultToConfig2,`; only literals with a digit that end
    # the line (YAML `password: hunter2`) are secrets.
    if any(c in value for c in "()[]{}?$") or _DOTTED_IDENT.fullmatch(value):
        return False
    if not _has_digit(value) or (_IDENT.fullmatch(value) and not style.endswith("eol")):
        return False
    return len(value) >= 6


_TEMPLATE = _lazy_re(r"^\$|\{\{|\$\{|%\(|%s$|^<[^>]*>$|^#\{|^\*+$|^x{3,}$", re.I)


def _is_template(value: str) -> bool:
    return bool(_TEMPLATE.search(value))


_DIGIT = _lazy_re(r"\d")


def _has_digit(value: str) -> bool:
    return bool(_DIGIT.search(value))


# --- high entropy ------------------------------------------------------------------------------

_HEXISH = _lazy_re(r"[0-9a-fA-F-]+")
# API object ids (Anthropic, OpenAI, Stripe): identifiers, not credentials.
_ID_PREFIX = _lazy_re(
    r"(?:toolu|srvtoolu|msg|msgbatch|req|call|resp|fc|rs|run|thread|asst|file|batch|evt|ch|cus|"
    r"pi|in|sub|prod|price|chatcmpl|step|vs|ftjob|org|proj|user)[_-]"
)
# What precedes a digest: sha256:..., sha512-... (SRI), h1:... (go.sum), commit abc...
_DIGEST_CONTEXT = _lazy_re(
    r"(?i)(?:sha-?\d*|md5|h1|blake2b?|hash|digest|checksum|integrity|etag|commit|revision|rev|"
    r"object|blob|tree|fingerprint|nonce|salt|id|uuid|parent|source|target|ssh-\w+|nistp\d+|@|w/\W)"
    r"(?:[\"'\s:=@-]|&quot;)*$"
)
_LOWER_RUN = _lazy_re(r"[a-z]+")
_WORDISH = _lazy_re(r"[A-Z][a-z]{2,}|[a-z]{3,}")


def _high_entropy(scan: _Scan) -> Iterator[Found]:
    text = scan.text
    public = _public_pem_blocks(scan)
    runs = scan.runs()
    blobs = scan.blobs()
    for i, (start, end) in enumerate(runs):
        while public and public[0][1] <= start:
            public.pop(0)
        if public and public[0][0] <= start:
            continue  # a certificate or public key: base64, but not secret
        if text.startswith("=", end):  # base64 padding
            end += 2 if text.startswith("==", end) else 1
        if start > 0 and _odd_backslashes_before(text, start):  # "\\nAbc..." in JSON text
            start += 1
        if i in blobs:
            if end - start > _BLOB_RUN:  # base64 of text is judged by its content
                decoded = _base64_text(text[start:end])
                if decoded is not None and find_secrets(decoded):
                    yield start, end, _PRIORITY_ENTROPY, "high-entropy"
            continue
        if _looks_random(text[start:end], text, start):
            yield start, end, _PRIORITY_ENTROPY, "high-entropy"


_PEM_PUBLIC = _lazy_re(r"-----BEGIN ((?:[A-Z0-9]+ )*(?:CERTIFICATE|PUBLIC KEY)[A-Z ]*)-----")


def _public_pem_blocks(scan: _Scan) -> list[tuple[int, int]]:
    blocks = []
    for at in scan.hits("-----BEGIN "):
        m = _PEM_PUBLIC.match(scan.text, at)
        if m:
            end = scan.text.find("-----END " + m.group(1), m.end(), m.end() + _PEM_MAX)
            blocks.append((at, end if end >= 0 else m.end()))
    return blocks


_WRAP_GAP = _lazy_re(r"(?:\s|\\[nr])*")


def _wrapped(text: str, runs: list[tuple[int, int]], i: int) -> bool:
    """Whether run i is a line of base64 wrapped at a fixed width (60+), as blobs are.

    Two runs on consecutive lines, with nothing but the line break between them, the first at
    least 60 long and not shorter than the second.
    """
    for first, second in ((i - 1, i), (i, i + 1)):
        if first < 0 or second >= len(runs):
            continue
        (s1, e1), (s2, e2) = runs[first], runs[second]
        gap = text[e1:s2]
        if (
            e1 - s1 >= 60
            and e1 - s1 >= e2 - s2
            and len(gap) <= 16
            and ("\n" in gap or "\\n" in gap)
            and _WRAP_GAP.fullmatch(gap)
        ):
            return True
    return False


_REPEATS = _lazy_re(r"(.)\1{4}")  # five of a kind: padding, gzip headers; rare when random
_LONG_BLOB = 256


def _looks_random(token: str, text: str, start: int) -> bool:
    """Whether `token` (a run of base64 characters) is a random, secret-looking string.

    Not when it is the local part of an e-mail address (`123+user@users.noreply.github.com`) or
    follows a `$` (a shell or PHP variable, a crypt(3) hash field).

    Hex-only tokens never are: in transcripts and code they are digests far more often than
    keys (7-40 characters: git commit ids; 64: sha256 checksums, image ids; UUIDs). Hex secrets
    are still caught under a secret-named key, in URLs and headers, and by the formats that have
    them (Mailchimp, Twilio, DigitalOcean, IBM, Cloudant, SoftLayer).
    """
    if not _mixed(token) or _HEXISH.fullmatch(token) or _ID_PREFIX.match(token):
        return False
    if len(token) > _LONG_BLOB:  # binary: compressed or image data; text: judged by content
        decoded = _base64_text(token)
        return decoded is not None and bool(find_secrets(decoded))
    if _REPEATS.search(token) or _preceded_by_digest_word(text, start):
        return False
    if text.startswith("@", start + len(token)) or text.endswith("$", 0, start):
        return False
    decoded = _base64_text(token) if len(token) >= 24 else None
    if decoded is not None:  # base64 of text: secret only if the text holds one
        return bool(find_secrets(decoded))
    if "/" in token and _is_path(token):
        if not any(len(part) >= 20 and _random_base64(part) for part in token.split("/")):
            return False
    elif not _random_base64(token):
        return False
    return True


def _base64_text(token: str) -> str | None:
    """The text `token` is the base64 of, if it is the base64 of printable text."""
    body = token.rstrip("=")
    if len(body) % 4 == 1:
        return None
    padded = body + "=" * (-len(body) % 4)
    try:
        raw = base64.b64decode(padded.replace("-", "+").replace("_", "/"), validate=True)
        decoded = raw.decode("utf-8")
    except (ValueError, UnicodeDecodeError):
        return None
    visible = decoded.replace("\n", "").replace("\r", "").replace("\t", "")
    return decoded if visible.isprintable() else None


def _random_base64(token: str) -> bool:
    """Shannon entropy near that of random base62 text, and letters that change case at random.

    Identifiers change case only at word starts (ConnectionResetErrorHandler: 7 changes in 26
    letter pairs) and hold long lower-case words; random text changes case at every other pair
    and rarely has six lower-case letters in a row. Measured on random 20-40 character tokens:
    92-95% pass.
    """
    body = token.rstrip("=")
    if len(body) < 20 or not _mixed(body):
        return False
    if _entropy(body) < _base64_threshold(len(body)):
        return False
    pairs = changes = 0
    for a, b in itertools.pairwise(body):
        if a.isalpha() and b.isalpha():
            pairs += 1
            changes += a.isupper() != b.isupper()
    if not pairs or changes < 0.3 * pairs:
        return False
    if max(map(len, _LOWER_RUN.findall(body)), default=0) > 6 + len(body) // 20:
        return False
    # Words (Test, Context, Get, Float in TestContextGetFloat64) cover most of an identifier.
    return _word_share(body) < 0.55


def _mixed(value: str) -> bool:
    """Both cases and a digit, as 97% of random base62 strings of 20 characters have."""
    return not (value.islower() or value.isupper()) and _has_digit(value)


def _word_share(value: str) -> float:
    return sum(len(w) for w in _WORDISH.findall(value)) / max(1, len(value))


def _base64_threshold(length: int) -> float:
    # Random base62 text of length n has entropy close to log2(n) for small n, up to ~5.95;
    # 99% of random tokens measured lie above this line.
    return min(4.2, math.log2(length) - 0.9)


def _preceded_by_digest_word(text: str, start: int) -> bool:
    return bool(_DIGEST_CONTEXT.search(text, max(0, start - 24), start))


def _is_path(token: str) -> bool:
    """Whether most /-separated parts are words (src/app, people/~igusa): a path, not base64."""
    parts = [p for p in token.split("/") if p]
    wordy = sum(1 for p in parts if len(p) <= 3 or _word_share(p) >= 0.6)
    return 2 * wordy >= len(parts)


def _entropy(value: str) -> float:
    length = len(value)
    return -sum(n / length * math.log2(n / length) for n in Counter(value).values())
