"""Find and redact secrets in text before it reaches memory files, rule files or an API request.

One pass over the whole text (not per line): the regexes of detect-secrets' plugins, read from
the plugin classes and compiled once, plus patterns it lacks (Anthropic, Google, Hugging Face and
new-style OpenAI/GitHub/npm keys, Bearer/Authorization headers, multi-line PEM blocks,
`password=`/`token:`/`API_KEY=` assignments in code, shell, .env, JSON, YAML and URL query
strings, passwords in URLs) and a high-entropy check tuned so that identifiers, paths, UUIDs,
versions and git SHAs survive. Text may be raw or JSON-escaped (a transcript line read as is):
a redaction never splits a backslash escape.

Calling detect-secrets per line measured 0.3 MB/s (34 s for a 10 MB transcript), so only its
patterns and its JWT validity check are used; detect_secrets itself (~120 ms to import) is
imported on the first call, never at module import.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from functools import lru_cache
from typing import Any, TypeVar, cast

T = TypeVar("T")

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
    found: list[tuple[int, int, int, str]] = []
    for detector in _detectors():
        found.extend(detector(text))
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

    A str under a secret-sounding key ({"password": "hunter2"}) is redacted as a whole even
    when the string alone would not look secret. Other types are returned unchanged.
    """
    return cast(T, _redact_value(value, None))


def _redact_value(value: Any, key: str | None) -> Any:
    if isinstance(value, str):
        if key is not None and _secret_key_kind(key) and _plausible_value(value, key, True):
            spans = find_secrets(value)
            if not (len(spans) == 1 and spans[0].start == 0 and spans[0].end == len(value)):
                return f"[REDACTED:{_secret_key_kind(key)}]"
        return redact(value)
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


# --- detectors ----------------------------------------------------------------------------------

Found = tuple[int, int, int, str]
Detector = Callable[[str], Iterator[Found]]

# detect-secrets plugins used: module, class, the kind for each pattern of its denylist, and the
# group holding the secret (0: the whole match). The patterns themselves come from the classes.
_PLUGINS: tuple[tuple[str, str, tuple[str, ...], tuple[int, ...]], ...] = (
    ("aws", "AWSKeyDetector", ("aws-access-key", "aws-secret-key"), (0, 1)),
    ("artifactory", "ArtifactoryDetector", ("artifactory-token", "artifactory-token"), (0, 0)),
    ("azure_storage_key", "AzureStorageKeyDetector", ("azure-storage-key",), (0,)),
    ("basic_auth", "BasicAuthDetector", ("password",), (1,)),
    ("cloudant", "CloudantDetector", ("cloudant-key",) * 4, (1, 1, 1, 1)),
    ("discord", "DiscordBotTokenDetector", ("discord-token",), (0,)),
    ("github_token", "GitHubTokenDetector", ("github-token",), (0,)),
    ("gitlab_token", "GitLabTokenDetector", ("gitlab-token",) * 7, (0,) * 7),
    ("ibm_cloud_iam", "IbmCloudIamDetector", ("ibm-cloud-key",), (1,)),
    ("ibm_cos_hmac", "IbmCosHmacDetector", ("ibm-cos-key",), (1,)),
    ("jwt", "JwtTokenDetector", ("jwt",), (0,)),
    ("mailchimp", "MailchimpDetector", ("mailchimp-key",), (0,)),
    ("npm", "NpmDetector", ("npm-token",), (1,)),
    ("openai", "OpenAIDetector", ("openai-key",), (0,)),
    ("pypi_token", "PypiTokenDetector", ("pypi-token", "pypi-token"), (0, 0)),
    ("sendgrid", "SendGridDetector", ("sendgrid-key",), (0,)),
    ("slack", "SlackDetector", ("slack-token", "slack-webhook"), (0, 0)),
    ("softlayer", "SoftlayerDetector", ("softlayer-key", "softlayer-key"), (1, 1)),
    ("square_oauth", "SquareOAuthDetector", ("square-secret",), (0,)),
    ("stripe", "StripeDetector", ("stripe-key",), (0,)),
    ("telegram_token", "TelegramBotTokenDetector", ("telegram-token",), (0,)),
    ("twilio", "TwilioKeyDetector", ("twilio-key", "twilio-key"), (0, 0)),
)

# Patterns detect-secrets lacks (kind, pattern). Prefix-anchored, so cheap to scan for.
_EXTRA_TOKENS: tuple[tuple[str, str], ...] = (
    ("anthropic-key", r"sk-ant-[a-z]{2,8}\d{0,3}-[A-Za-z0-9_-]{20,}"),
    ("openai-key", r"sk-(?:proj|svcacct|admin|None)-[A-Za-z0-9_-]{20,}"),
    ("openai-key", r"(?<![\w-])sk-[A-Za-z0-9]{48}(?![\w-])"),
    ("google-api-key", r"AIza[0-9A-Za-z_-]{35}"),
    ("github-token", r"github_pat_[A-Za-z0-9_]{22,}"),
    ("npm-token", r"(?<![\w-])npm_[A-Za-z0-9]{36}"),
    ("huggingface-token", r"(?<![\w-])hf_[A-Za-z]{34}(?![\w-])"),
    ("stripe-key", r"(?<![\w-])(?:sk|rk)_test_[0-9a-zA-Z]{24,}"),
    ("slack-token", r"xapp-\d-[A-Za-z0-9]+-\d+-[A-Za-z0-9]+"),
    ("digitalocean-token", r"do[pro]_v1_[a-f0-9]{64}"),
    ("aws-access-key", r"(?<![A-Za-z0-9])ASIA[0-9A-Z]{16}(?![A-Za-z0-9])"),
)

# Kinds whose pattern may stop short of the real token (Stripe keys grew to 99 characters).
_EXTEND_TO_TOKEN_END = frozenset(
    {"github-token", "gitlab-token", "stripe-key", "slack-token", "openai-key", "anthropic-key"}
)
# Kinds whose pattern has no left boundary of its own and would fire inside longer words.
_NEEDS_BOUNDARY = frozenset(
    {"aws-access-key", "discord-token", "mailchimp-key", "telegram-token", "twilio-key"}
)
_TOKEN_TAIL = re.compile(r"[A-Za-z0-9_-]*")
_JWT_TAIL = re.compile(r"[A-Za-z0-9_=+/.-]*")


@lru_cache(maxsize=1)
def _detectors() -> tuple[Detector, ...]:
    return (
        _token_detector(),
        _pem_blocks,
        _putty_keys,
        _url_passwords,
        _auth_headers,
        _curl_user,
        _assignments,
        _high_entropy,
    )


def _plugin_patterns() -> list[tuple[str, re.Pattern[str], int]]:
    import importlib

    patterns: list[tuple[str, re.Pattern[str], int]] = []
    for module_name, class_name, kinds, groups in _PLUGINS:
        module = importlib.import_module(f"detect_secrets.plugins.{module_name}")
        denylist = list(getattr(module, class_name).denylist)
        if len(denylist) != len(kinds):
            raise RuntimeError(f"detect-secrets {class_name} changed: {len(denylist)} patterns")
        for pattern, kind, group in zip(denylist, kinds, groups, strict=True):
            # The plugins run per line, so ^ and $ meant the line's ends.
            patterns.append((kind, re.compile(pattern.pattern, pattern.flags | re.M), group))
    for kind, source in _EXTRA_TOKENS:
        patterns.append((kind, re.compile(source), 0))
    return patterns


def _token_detector() -> Detector:
    from detect_secrets.plugins.jwt import JwtTokenDetector

    patterns = _plugin_patterns()
    jwt_valid = JwtTokenDetector.is_formally_valid

    def detect(text: str) -> Iterator[Found]:
        for kind, pattern, group in patterns:
            for m in pattern.finditer(text):
                if group and m.start(group) >= 0:
                    start, end = m.start(group), m.end(group)
                else:
                    start, end = m.start(), m.end()
                if kind == "artifactory-token":  # its pattern includes the delimiters around
                    token = m.group().strip(' \t\r\n=:"')
                    start = m.start() + m.group().index(token)
                    end = start + len(token)
                elif kind == "azure-storage-key":
                    start += len("AccountKey=")
                elif kind == "npm-token":  # its pattern runs to the end of the line
                    end = _UNQUOTED_VALUE.match(text, start).end()
                elif kind == "jwt":
                    if not jwt_valid(m.group().rstrip(".")):
                        continue
                    end = _JWT_TAIL.match(text, end).end()
                if kind in _NEEDS_BOUNDARY and start > 0 and text[start - 1].isalnum():
                    continue
                if kind in _EXTEND_TO_TOKEN_END:
                    end = _TOKEN_TAIL.match(text, end).end()
                if kind == "password" and text.startswith("[REDACTED:", start):
                    continue
                yield start, end, _PRIORITY_SPECIFIC if kind != "password" else 1, kind

    return detect


# PEM private keys, possibly spanning many lines, raw or with \n escapes; an SSH2 header has
# four dashes and spaces. Without an END line, the base64 body that follows is taken.
_PEM_BEGIN = re.compile(r"-{4,5} ?BEGIN ((?:[A-Z0-9]+ )*PRIVATE KEY(?: BLOCK)?) ?-{4,5}")
_PEM_BODY = re.compile(r"(?:[A-Za-z0-9+/=\s:,-]|\\[nrt])*")
_PEM_MAX = 64 * 1024


def _pem_blocks(text: str) -> Iterator[Found]:
    pos = 0
    while True:
        begin = text.find("BEGIN ", pos)
        if begin < 0:
            return
        pos = begin + 6
        m = _PEM_BEGIN.search(text, max(0, begin - 6), begin + 80)
        if not m:
            continue
        end_marker = re.compile(r"-{4,5} ?END " + re.escape(m.group(1)) + r" ?-{4,5}")
        end = end_marker.search(text, m.end(), m.end() + _PEM_MAX)
        if end:
            stop = end.end()
        else:
            stop = _PEM_BODY.match(text, m.end(), m.end() + _PEM_MAX).end()
            if sum(c.isalnum() for c in text[m.end() : stop]) < 20:
                continue
        pos = stop
        yield m.start(), stop, _PRIORITY_SPECIFIC, "private-key"


_PUTTY = re.compile(
    r"PuTTY-User-Key-File-\d+:.{0,16384}?(?:Private-MAC:\s*[0-9a-fA-F]+|\n\s*\n|\\n\\n|$)", re.S
)


def _putty_keys(text: str) -> Iterator[Found]:
    if "PuTTY-User-Key-File" not in text:
        return
    for m in _PUTTY.finditer(text):
        yield m.start(), m.end(), _PRIORITY_SPECIFIC, "private-key"


# scheme://user:password@host, more lenient than detect-secrets' (which rejects reserved
# characters in the password, leaking "p@ss!word"-style ones whole).
_URL_PASSWORD = re.compile(
    r"\b[A-Za-z][A-Za-z0-9+.-]*://[^\s:/@\"'<>\\]*:(?!\[REDACTED:)([^\s/\"'<>\\]+)@"
)


def _url_passwords(text: str) -> Iterator[Found]:
    if "://" not in text:
        return
    for m in _URL_PASSWORD.finditer(text):
        password = m.group(1)
        if password.isdigit() or _is_template(password):  # host:port@..., ${PASSWORD}
            continue
        yield m.start(1), m.end(1), _PRIORITY_PASSWORD, "password"


_BEARER = re.compile(r"\b[Bb]earer[ \t]+(?!\[REDACTED:)([A-Za-z0-9\-._~+/]+=*)")
_AUTHORIZATION = re.compile(
    r"(?i)(?<![\w-])(?:proxy-)?authorization\\?[\"']?[ \t]*[:=][ \t]*\\?[\"']?"
    r"(?:(basic|bearer|token|digest|apikey|key|bot|sso-key|negotiate)[ \t]+)?"
    r"(?!\[REDACTED:)([^\s\"'\\,;]+)"
)


def _auth_headers(text: str) -> Iterator[Found]:
    for m in _BEARER.finditer(text):
        token = m.group(1)
        if len(token) >= 8 and not _is_template(token) and (_has_digit(token) or len(token) >= 20):
            yield m.start(1), m.end(1), _PRIORITY_GENERIC, "bearer-token"
    for m in _AUTHORIZATION.finditer(text):
        token = m.group(2)
        if len(token) < 8 or _is_template(token) or (not m.group(1) and not _has_digit(token)):
            continue
        kind = "bearer-token" if (m.group(1) or "").lower() == "bearer" else "authorization"
        yield m.start(2), m.end(2), _PRIORITY_GENERIC, kind


_CURL_USER = re.compile(r"(?<![\w-])(?:-u|--user)[ \t]+\\?[\"']?[^\s:\"'\\]+:([^\s\"'\\@]+)")


def _curl_user(text: str) -> Iterator[Found]:
    for m in _CURL_USER.finditer(text):
        if not _is_template(m.group(1)):
            yield m.start(1), m.end(1), _PRIORITY_PASSWORD, "password"


# --- key = value assignments --------------------------------------------------------------------

# A key that names a secret: detect-secrets' keyword list plus token/credential/auth names. The
# keyword must end the key (`max_tokens`, `token_type`, `password_reset_url` are not secrets).
_SECRET_SUFFIX = r"(?:[_-]?(?:base|value|b64|base64|hex|raw))?"
_QUERY_ONLY_KEYS = re.compile(r"(?i)(?:sig|signature|x-amz-credential|key|code)")
_KEY_CHARS = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_.-")
_KEYWORD_HIT = re.compile(r"(?i)pass|pwd|secret|token|key|auth|credential|contrase|sig")
_ASSIGN_OP = re.compile(
    r"(?P<kq>\\*[\"'`])?\]?(?P<sp1>[ \t]*)(?P<op>:=|=>|===?|!==?|=|:(?!:))(?P<sp2>[ \t]*)@?"
    r"(?P<vq>\\*[\"'`])?"
)
_FLAG_OP = re.compile(r"(?P<kq>)(?P<sp1>)(?P<op>[ \t]+)(?P<sp2>)(?P<vq>\\*[\"'])?")
_UNQUOTED_VALUE = re.compile(r"(?:[^\s\"'`\\<>]|\\\\)+")
_DOTTED_IDENT = re.compile(r"[A-Za-z_$][\w$]*(?:(?:\.|->|::)[A-Za-z_$][\w$]*)+")
_IDENT = re.compile(r"[A-Za-z_$][\w$-]*")
_PLAIN_WORDS = frozenset(
    """null none nil true false undefined required optional str string bytes int bool any
    object number text secret secrets password passwd token tokens key apikey api_key env empty
    redacted hidden masked omitted dummy example placeholder your_token your_password
    your_api_key your-api-key unset default auto none_ char varchar""".split()
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


def _secret_key_kind(key: str) -> str | None:
    """ "password" or "secret" when `key` names a secret (DB_PASSWORD, apiKey, x-auth-token)."""
    key = key.strip("-")
    if not _secret_key_pattern().fullmatch(key):
        return None
    lowered = key.lower()
    return (
        "password"
        if ("pass" in lowered or "pwd" in lowered or "contrase" in lowered)
        else ("secret")
    )


def _assignments(text: str) -> Iterator[Found]:
    done = -1
    for hit in _KEYWORD_HIT.finditer(text):
        if hit.start() < done:
            continue
        start, end = hit.start(), hit.end()
        while start > 0 and text[start - 1] in _KEY_CHARS:
            start -= 1
        if start > 0 and text[start - 1] == "\\" and text[start] in "nrt":  # "...\nSECRET=x"
            start += 1
        while end < len(text) and text[end] in _KEY_CHARS:
            end += 1
        done = end
        key = text[start:end].rstrip(".")
        end = start + len(key)
        in_query = start > 0 and text[start - 1] in "?&;" and text[end : end + 1] == "="
        kind = _secret_key_kind(key)
        if kind is None:
            if not (in_query and _QUERY_ONLY_KEYS.fullmatch(key)):
                continue
            kind = "secret"
        op_pattern = _ASSIGN_OP
        if key.startswith("--") and text[end : end + 1] in " \t":
            op_pattern = _FLAG_OP
        op = op_pattern.match(text, end)
        if not op:
            continue
        value_start = op.end()
        quote = op.group("vq")
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
            value_end = value_start + len(text[value_start:value_end].rstrip(",;)]}"))
        value = text[value_start:value_end]
        spaced = bool(op.group("sp1") or op.group("sp2"))
        style = "quoted" if quote else _unquoted_style(key, op.group("op"), spaced, in_query)
        if _plausible_value(value, key, style == "quoted", style):
            done = max(done, value_end)
            yield value_start, value_end, _PRIORITY_PASSWORD, kind


def _unquoted_style(key: str, op: str, spaced: bool, in_query: bool) -> str:
    """ "env" when an unquoted value is surely a literal (.env, shell, URL, --flag, HEADER:)."""
    bare = key.lstrip("-")
    if in_query or key.startswith("--"):
        return "env"
    if bare.upper() == bare and not spaced and op in ("=", ":"):
        return "env"
    if bare.upper() == bare and op == ":":  # YAML `POSTGRES_PASSWORD: x`, header `X-API-KEY: x`
        return "env"
    return "code"


def _plausible_value(value: str, key: str, quoted: bool, style: str = "quoted") -> bool:
    """Whether `value`, assigned to a secret-named `key`, is a literal secret (not code/prose)."""
    if len(value) < 3 or value.startswith("[REDACTED:") or _is_template(value):
        return False
    lowered = value.lower()
    if lowered in _PLAIN_WORDS or lowered.strip("-_") == key.lower().strip("-_"):
        return False
    if len(set(value)) <= 2 or value.isdigit() or "..." in value or "…" in value:
        return False  # ****, xxxx, 0000, "sk-..."
    if quoted:
        if any(c.isspace() for c in value):
            return False  # prose: "the password for the admin user"
        return not (value.isupper() and _secret_key_kind(value))  # "GITHUB_TOKEN": an env name
    if value.startswith(("/", "~/", "./", "../")) and not _random_base64(value):
        return False  # PWD=/home/user/project, PASSWORD_FILE=/run/secrets/db
    if style == "env":
        return True
    # Code: `password=password`, `token = get_token()`, `apiKey: config.apiKey`,
    # `password: str`; only random-looking literals (`password: hunter2`) are secrets.
    if any(c in value for c in "()[]{}") or _DOTTED_IDENT.fullmatch(value):
        return False
    if _IDENT.fullmatch(value) and not _has_digit(value):
        return False
    return len(value) >= 6


_TEMPLATE = re.compile(r"^\$|\{\{|\$\{|%\(|%s$|^<[^>]*>$|^#\{|^\*+$|^x{3,}$", re.I)


def _is_template(value: str) -> bool:
    return bool(_TEMPLATE.search(value))


_DIGIT = re.compile(r"\d")


def _has_digit(value: str) -> bool:
    return bool(_DIGIT.search(value))


# --- high entropy ------------------------------------------------------------------------------

# Runs of base64/base64url characters. `=` only as padding; `.` and `:` split tokens, so
# dotted versions, hosts and file names never form one.
_ENTROPY_CANDIDATE = re.compile(r"[A-Za-z0-9+/_-]{20,}={0,2}")
_HEX = re.compile(r"[0-9a-fA-F]+")
_HEXISH = re.compile(r"[0-9a-fA-F-]+")
# API object ids (Anthropic, OpenAI, Stripe): identifiers, not credentials.
_ID_PREFIX = re.compile(
    r"(?:toolu|srvtoolu|msg|msgbatch|req|call|resp|fc|rs|run|thread|asst|file|batch|evt|ch|cus|"
    r"pi|in|sub|prod|price|chatcmpl|step|vs|ftjob|org|proj|user)[_-]"
)
# What precedes a digest: sha256:..., sha512-... (SRI), h1:... (go.sum), commit abc...
_DIGEST_CONTEXT = re.compile(
    r"(?i)(?:sha\d*|md5|h1|blake2b?|hash|digest|checksum|integrity|etag|commit|revision|rev|"
    r"object|blob|tree|fingerprint|nonce|salt|id|uuid|@)[\"'\s:=@-]*$"
)
_WORDISH = re.compile(r"[A-Z]?[a-z]{2,}|[A-Z]{2,}(?![a-z])")


def _high_entropy(text: str) -> Iterator[Found]:
    for m in _ENTROPY_CANDIDATE.finditer(text):
        token = m.group()
        start, end = m.start(), m.end()
        if start > 0 and _odd_backslashes_before(text, start):  # "\nAbc..." in JSON text
            token, start = token[1:], start + 1
        if _looks_random(token, text, start, end):
            yield start, end, _PRIORITY_ENTROPY, "high-entropy"


def _looks_random(token: str, text: str, start: int, end: int) -> bool:
    if not _has_digit(token) or _ID_PREFIX.match(token):
        return False
    if _HEXISH.fullmatch(token):
        return _random_hex(token, text, start, end)
    if "/" in token and _is_path(token):
        return any(
            len(part) >= 20 and _random_base64(part) for part in token.split("/")
        ) and not _preceded_by_digest_word(text, start)
    return _random_base64(token) and not _preceded_by_digest_word(text, start)


def _random_base64(token: str) -> bool:
    body = token.rstrip("=")
    if len(body) < 20:
        return False
    digits = sum(c.isdigit() for c in body)
    upper = sum(c.isupper() for c in body)
    lower = sum(c.islower() for c in body)
    if digits < 2 or not upper or not lower:
        return False
    # Words in identifiers (ConnectionResetError2Handler, test_parse_v2_utf8_bom) cover most of
    # the token; in random text, runs of two or more letters in one case are short and rare.
    words = sum(len(w) for w in _WORDISH.findall(body))
    if words > 0.45 * len(body):
        return False
    return _entropy(body) >= _base64_threshold(len(body))


def _base64_threshold(length: int) -> float:
    # Random base62 text of length n has entropy close to log2(n) for small n, up to ~5.95.
    # The threshold sits ~0.4 bits under the expectation measured on random tokens.
    return min(4.3, math.log2(length) - 0.55)


def _random_hex(token: str, text: str, start: int, end: int) -> bool:
    """Hex is mostly digests (git SHAs, checksums, ids): flagged only when long and unexplained.

    A 7-40 character hex token is taken for a git commit id or SHA-1 and kept; UUIDs are kept;
    64/128-hex digests after a digest word (sha256:, commit, checksum) or followed by two
    spaces and a file name (sha256sum output) are kept.
    """
    if "-" in token:
        return False  # UUIDs and other dashed ids
    if len(token) <= 40 or not _HEX.fullmatch(token):
        return False
    if token.isdigit() or token.isalpha():
        return False
    if _preceded_by_digest_word(text, start) or text.startswith("  ", end):
        return False
    counts = Counter(token.lower())
    return _entropy_from_counts(counts, len(token)) >= 3.0


def _preceded_by_digest_word(text: str, start: int) -> bool:
    return bool(_DIGEST_CONTEXT.search(text, max(0, start - 24), start))


def _is_path(token: str) -> bool:
    parts = [p for p in token.split("/") if p]
    return any(len(p) >= 3 and _WORDISH.fullmatch(p) for p in parts) or len(parts) >= 3


def _entropy(value: str) -> float:
    return _entropy_from_counts(Counter(value), len(value))


def _entropy_from_counts(counts: Counter[str], length: int) -> float:
    return -sum(n / length * math.log2(n / length) for n in counts.values())
