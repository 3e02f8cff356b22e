"""Secret redaction: planted secrets of every kind vanish; ordinary code and ids are untouched."""

from __future__ import annotations

import base64
import itertools
import json
import random
import string
from collections import namedtuple

import pytest

from repomind.redact import Secret, contains_secret, find_secrets, redact, redact_data

# Every secret below is built at run time from a seeded generator, so no realistic secret is
# committed (push protection) and runs are reproducible.
_rng = random.Random(20261124)
ALNUM = string.ascii_letters + string.digits


def rand(n: int, alphabet: str = ALNUM) -> str:
    # Random tokens this long are high-entropy; make sure each has letters of both cases and a
    # digit, as real ones practically always do.
    while True:
        s = "".join(_rng.choice(alphabet) for _ in range(n))
        if alphabet != ALNUM or (
            any(c.isdigit() for c in s)
            and any(c.isupper() for c in s)
            and any(c.islower() for c in s)
        ):
            return s


def b64url(data: dict[str, object]) -> str:
    return base64.urlsafe_b64encode(json.dumps(data).encode()).decode().rstrip("=")


AWS_KEY_ID = "AKIA" + rand(16, string.ascii_uppercase + string.digits)
AWS_SECRET = rand(40, ALNUM + "/+")
GITHUB = "ghp_" + rand(36)
GITHUB_PAT = "github_pat_" + rand(22) + "_" + rand(59)
GITLAB = "glpat-" + rand(20)
ANTHROPIC = "sk-ant-api03-" + rand(93, ALNUM + "-_") + "AA"
OPENAI = "sk-proj-" + rand(48, ALNUM + "-_")
OPENAI_LEGACY = "sk-" + rand(20) + "T3Blbk" + "FJ" + rand(20)
GOOGLE = "AI" + "za" + rand(35, ALNUM + "-_")
SLACK = "xo" + "xb-" + rand(12, string.digits) + "-" + rand(13, string.digits) + "-" + rand(24)
SLACK_HOOK = "https://hooks.slack.com/services/T" + rand(8) + "/B" + rand(8) + "/" + rand(24)
STRIPE = "sk_" + "live_" + rand(24)
STRIPE_LONG = "rk_" + "live_" + rand(99)
TWILIO = "SK" + rand(32, "0123456789abcdef")
SENDGRID = "SG." + rand(22) + "." + rand(43)
NPM = "npm_" + rand(36)
PYPI = "pypi-" + "AgEIcHlwaS5vcmc" + rand(80)
TELEGRAM = rand(9, string.digits) + ":" + rand(35)
DISCORD = "M" + rand(23) + "." + rand(6) + "." + rand(27)
MAILCHIMP = rand(32, string.ascii_lowercase + string.digits) + "-us12"
HUGGINGFACE = "hf_" + rand(34, string.ascii_letters)
JWT = (
    b64url({"alg": "HS256", "typ": "JWT"})
    + "."
    + b64url({"sub": "1234567890", "name": "Jo", "iat": 1516239022})
    + "."
    + rand(43, ALNUM + "-_")
)
PEM_BODY = "\n".join(rand(64, ALNUM + "+/") for _ in range(12)) + "\n" + rand(20) + "=="
PEM = "-----BEGIN RSA PRIVATE KEY-----\n" + PEM_BODY + "\n-----END RSA PRIVATE KEY-----"
OPENSSH = "-----BEGIN OPENSSH PRIVATE KEY-----\n" + PEM_BODY + "\n-----END OPENSSH PRIVATE KEY-----"
RANDOM_TOKEN = rand(40, ALNUM + "+/")
PASSWORD = "Tr0ub4dor&3x"
HEX_SECRET = rand(48, "0123456789abcdef")

# (name, text containing the secret, the secret itself)
PLANTED: list[tuple[str, str, str]] = [
    ("aws key id", f"export AWS_ACCESS_KEY_ID={AWS_KEY_ID}", AWS_KEY_ID),
    ("aws secret", f'aws_secret_access_key = "{AWS_SECRET}"', AWS_SECRET),
    ("aws credentials file", f"[default]\naws_secret_access_key={AWS_SECRET}\n", AWS_SECRET),
    ("github", f"git clone https://{GITHUB}@github.com/acme/app.git", GITHUB),
    ("github pat", f"GH_TOKEN={GITHUB_PAT} gh pr list", GITHUB_PAT),
    ("gitlab", f"token is {GITLAB}.", GITLAB),
    ("anthropic", f"ANTHROPIC_API_KEY={ANTHROPIC}", ANTHROPIC),
    ("anthropic in prose", f"I used the key {ANTHROPIC} to call the API", ANTHROPIC),
    ("openai project", f"client = OpenAI(api_key='{OPENAI}')", OPENAI),
    ("openai legacy", f"{OPENAI_LEGACY}", OPENAI_LEGACY),
    ("google", f"https://maps.googleapis.com/maps/api/geocode/json?key={GOOGLE}", GOOGLE),
    ("slack", f"SLACK_BOT_TOKEN: {SLACK}", SLACK),
    ("slack webhook", f"curl -X POST {SLACK_HOOK} -d '{{}}'", SLACK_HOOK),
    ("stripe", f"stripe.api_key = {STRIPE!r}", STRIPE),
    ("stripe long", f"key {STRIPE_LONG} end", STRIPE_LONG),
    ("twilio", f"TWILIO_API_KEY={TWILIO}", TWILIO),
    ("sendgrid", f"sg = SendGridAPIClient('{SENDGRID}')", SENDGRID),
    ("npm", f"//registry.npmjs.org/:_authToken={NPM}", NPM),
    ("pypi", f"password = {PYPI}", PYPI),
    ("telegram", f"bot = Bot({TELEGRAM!r})", TELEGRAM),
    ("discord", f"client.run('{DISCORD}')", DISCORD),
    ("mailchimp", f"MC = {MAILCHIMP!r}", MAILCHIMP),
    ("huggingface", f"huggingface-cli login --token {HUGGINGFACE}", HUGGINGFACE),
    ("jwt", f"Cookie: session={JWT}; Path=/", JWT),
    ("bearer header", f'curl -H "Authorization: Bearer {RANDOM_TOKEN}" https://x.io', RANDOM_TOKEN),
    ("token header", f"Authorization: token {GITHUB}", GITHUB),
    ("pem", f"cat id_rsa\n{PEM}\n$ ls", PEM_BODY),
    ("openssh", f"key:\n{OPENSSH}", PEM_BODY),
    ("postgres url", f"DATABASE_URL=postgres://app:{PASSWORD}@db.internal:5432/shop", PASSWORD),
    ("redis url", f"redis://:{PASSWORD}@cache:6379/0", PASSWORD),
    ("url with @ in password", "mysql://root:p@ss!w0rd@localhost/db", "ss!w0rd"),
    ("env line", f"# .env\nDEBUG=1\nSECRET_KEY={PASSWORD}\nPORT=8000\n", PASSWORD),
    ("env quoted", f'DB_PASSWORD="{PASSWORD}"', PASSWORD),
    ("shell export", f"export PGPASSWORD='{PASSWORD}'; psql", PASSWORD),
    ("json", json.dumps({"user": "bob", "password": PASSWORD}), PASSWORD),
    ("json token", json.dumps({"auth": {"access_token": RANDOM_TOKEN}}), RANDOM_TOKEN),
    ("yaml", f"database:\n  user: app\n  password: {PASSWORD}\n", PASSWORD),
    ("yaml upper", f"environment:\n  POSTGRES_PASSWORD: {PASSWORD}\n", PASSWORD),
    ("python kwarg", f'connect(host="db", password="{PASSWORD}")', PASSWORD),
    ("python const", f'API_KEY = "{RANDOM_TOKEN}"', RANDOM_TOKEN),
    ("query string", f"GET /v1/items?access_token={RANDOM_TOKEN}&page=2", RANDOM_TOKEN),
    ("query signature", f"https://b.core.windows.net/c?sv=2022&sig={RANDOM_TOKEN}", RANDOM_TOKEN),
    ("cli flag", f"mysql --user root --password={PASSWORD} shop", PASSWORD),
    ("cli flag spaced", f"app login --token {RANDOM_TOKEN}", RANDOM_TOKEN),
    ("curl user", f"curl -u admin:{PASSWORD} https://x.io", PASSWORD),
    ("mysql -p", f"mysql -uroot -p{PASSWORD} shop < dump.sql", PASSWORD),
    ("sshpass", f"sshpass -p '{PASSWORD}' ssh deploy@host", PASSWORD),
    ("yaml crlf", f"db:\r\n  password: {PASSWORD}\r\n  user: app\r\n", PASSWORD),
    ("random token in variable", f"const sessionSeed = '{RANDOM_TOKEN}';", RANDOM_TOKEN),
    ("hex secret in variable", f'signing_key = "{HEX_SECRET}"', HEX_SECRET),
]


@pytest.mark.parametrize(("name", "text", "secret"), PLANTED, ids=[p[0] for p in PLANTED])
def test_planted_secret_does_not_survive(name: str, text: str, secret: str) -> None:
    redacted = redact(text)
    assert secret not in redacted
    assert "[REDACTED:" in redacted
    assert contains_secret(text)
    # Pieces long enough to be useful do not survive either.
    for i in range(0, max(1, len(secret) - 16), 8):
        assert secret[i : i + 16] not in redacted


@pytest.mark.parametrize(("name", "text", "secret"), PLANTED, ids=[p[0] for p in PLANTED])
def test_planted_secret_in_json_escaped_transcript_line(name: str, text: str, secret: str) -> None:
    line = json.dumps({"type": "tool_result", "content": text})
    redacted = redact(line)
    assert secret not in redacted
    assert json.loads(redacted)["type"] == "tool_result"  # escapes stay whole: still valid JSON


def test_keys_urls_users_and_hosts_are_kept() -> None:
    assert redact(f"API_KEY={PASSWORD}") == "API_KEY=[REDACTED:secret]"
    assert redact(f"postgres://app:{PASSWORD}@db") == "postgres://app:[REDACTED:password]@db"
    assert redact(f'{{"password": "{PASSWORD}"}}') == '{"password": "[REDACTED:password]"}'
    assert redact(f"Authorization: Bearer {RANDOM_TOKEN}") == (
        "Authorization: Bearer [REDACTED:bearer-token]"
    )
    assert redact(f"id: {GITHUB}") == "id: [REDACTED:github-token]"
    assert redact(f"before\n{PEM}\nafter") == "before\n[REDACTED:private-key]\nafter"


def test_specific_kind_wins_over_generic_assignment() -> None:
    assert redact(f"GITHUB_TOKEN={GITHUB}") == "GITHUB_TOKEN=[REDACTED:github-token]"
    assert redact(f"export AWS_ACCESS_KEY_ID={AWS_KEY_ID}") == (
        "export AWS_ACCESS_KEY_ID=[REDACTED:aws-access-key]"
    )


def test_pem_block_without_end_line_is_still_redacted() -> None:
    truncated = "-----BEGIN PRIVATE KEY-----\n" + PEM_BODY[:300]
    assert redact(truncated) == "[REDACTED:private-key]"


def test_find_secrets_is_sorted_and_non_overlapping() -> None:
    text = "\n".join(p[1] for p in PLANTED)
    secrets = find_secrets(text)
    assert secrets == sorted(secrets, key=lambda s: s.start)
    assert all(a.end <= b.start for a, b in itertools.pairwise(secrets))
    assert all(isinstance(s, Secret) and s.kind for s in secrets)
    for _, _, secret in PLANTED:
        assert secret not in redact(text)


def test_redact_data_recurses_into_keys_and_values() -> None:
    Pair = namedtuple("Pair", "left right")
    data = {
        "env": {"DB_PASSWORD": "hunter2", "PATH": "/usr/bin"},
        "headers": [("Authorization", f"Bearer {RANDOM_TOKEN}")],
        f"key {GITHUB}": [1, 2.5, None, True],
        "pair": Pair(f"SECRET_KEY={PASSWORD}", "plain"),
        "nested": [{"password": PASSWORD}, (AWS_KEY_ID,)],
    }
    out = redact_data(data)
    dumped = repr(out)
    for secret in (RANDOM_TOKEN, GITHUB, PASSWORD, AWS_KEY_ID, "hunter2"):
        assert secret not in dumped
    assert out["env"] == {"DB_PASSWORD": "[REDACTED:password]", "PATH": "/usr/bin"}
    assert isinstance(out["pair"], Pair)
    assert out["pair"].right == "plain"
    assert isinstance(out["nested"][1], tuple)
    assert out["key [REDACTED:github-token]"] == [1, 2.5, None, True]
    assert data["env"]["DB_PASSWORD"] == "hunter2"  # the input is not mutated


def test_redact_data_reads_values_with_their_keys() -> None:
    basic = base64.b64encode(b"admin:" + PASSWORD.encode()).decode()
    data = {
        "password": "swordfish",
        "headers": {"Authorization": f"Basic {basic}", "X-Api-Key": RANDOM_TOKEN},
        "settings": {"token_url": "https://auth.example.com/token", "max_tokens": 1024},
        "env": {"DB_PASSWORD": "${DB_PASSWORD}", "API_KEY": "changeme-later-123"},
        "content": "Run the tests with pytest -q",
    }
    out = redact_data(data)
    assert out["password"] == "[REDACTED:password]"
    assert out["headers"] == {
        "Authorization": "Basic [REDACTED:authorization]",
        "X-Api-Key": "[REDACTED:secret]",
    }
    assert out["settings"] == data["settings"]
    assert out["env"] == {"DB_PASSWORD": "${DB_PASSWORD}", "API_KEY": "[REDACTED:secret]"}
    assert out["content"] == data["content"]


def test_redact_data_leaves_other_types_alone() -> None:
    for value in (1, 2.5, None, True, b"bytes", {1, 2}):
        assert redact_data(value) == value


# --- negatives -----------------------------------------------------------------------------------

ORDINARY = [
    "def test_apply_discount_to_cart_total(cart: Cart) -> None:",
    "class ConnectionResetErrorHandler(BaseHTTPRequestHandler):",
    "class TestParsePython3WithUtf8BomAndCRLF2(unittest.TestCase):",
    "/home/runner/work/repo/src/repomind/reflect/transcripts/claude_code.py:123: in parse",
    "node_modules/@babel/runtime/helpers/esm/asyncToGenerator.js",
    "See https://github.com/pallets/click/blob/main/src/click/core.py#L1200 for details.",
    "https://docs.python.org/3/library/dataclasses.html#dataclasses.dataclass",
    "commit 8a3e2fa1b2c3d4e5f60718293a4b5c6d7e8f9012",
    "Merge: 1a2b3c4 5d6e7f8 — fixed in 0f1e2d3c4b5a",
    "git checkout 3f2c1b0a9e8d7c6b5a4f3e2d1c0b9a8f7e6d5c4b -- src/app.py",
    "session 5a680432-4ed5-4c7a-a840-8d69e69029a2 started",
    "requests==2.31.0 urllib3>=1.26.18,<3 numpy-1.26.4-cp311-cp311-manylinux_2_17_x86_64.whl",
    "version 2.1.197, node v20.11.1, go1.22.3 linux/amd64",
    "sha256:9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08",
    "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08  dist/app.tar.gz",
    '"integrity": "sha512-' + rand(86, ALNUM + "+/") + '=="',
    "def login(self, password: str, token: str | None = None) -> Session:",
    "password = request.form['password']",
    "user.set_password(password)",
    "api_key = os.environ['OPENAI_API_KEY']",
    'token = os.getenv("GITHUB_TOKEN", "")',
    "const apiKey = config.apiKey;",
    "secret: process.env.SECRET,",
    "password: hashedPassword,",
    "if token is None: raise AuthError('missing token')",
    "max_tokens=1024, token_type='bearer', password_reset_url='/reset'",
    'headers = {"Authorization": f"Bearer {token}"}',
    'curl -H "Authorization: Bearer $GITHUB_TOKEN" https://api.github.com/user',
    "DATABASE_URL=postgres://app:${DB_PASSWORD}@db:5432/shop",
    "Bearer tokens are sent in the Authorization header.",
    "PASSWORD_MIN_LENGTH = 8",
    "export PWD=/home/user/project",
    "toolu_01A09q90qw90lq917835lq9 msg_01XFDUDYJgAACzvnptvVoYEL req_011CVabcDEF1234567",
    "https://example.com/search?q=hello+world&page=2&sort=desc",
    "http://localhost:8080/api/v1/users/42",
    "assert discount_for(cart, code='SAVE10') == Decimal('0.10')",
    "tests/test_cart.py::test_apply_discount_to_cart_total[percent-10-90.00] PASSED",
    "KeyError: 'password'",
    "The password must be at least 12 characters.",
    "BEGIN RSA PRIVATE KEY is what ssh-keygen -m PEM writes",
    # Stand-ins, enums and code around secret-sounding names (seen in real repositories).
    'headers={"Authorization": "Basic notabase64token"}',
    'headers={"Authorization": "Bearer testtoken"}',
    'client.get("/users?token=jessica")',
    "'auth' => 'abcd:efgh',",
    "Server URI on format redis://user:password@host:port/dbnum",
    "process.env.http_proxy = 'http://user:pass@localhost:4000/';",
    " * CMD_NO_AUTH:     Command doesn't require authentication",
    "token: 'keyword.operator.class',",
    '"token": "RESET"',
    "withCredentials: defaultToConfig2,",
    'ac_pwd=`pwd` && test -n "$ac_pwd"',
    "'password' => '--password='.$connection['password'],",
    '"pbkdf2-password": "1.2.1",',
    'GH_API_TOKEN: Final = os.getenv("GITHUB_TOKEN")',
    'publicKeyToken="cc7b13ffcd2ddd51"',
    "MYSQL_ALLOW_EMPTY_PASSWORD: yes",
    "password: 'plain', hashed_password: 'fakehashedsecret'",
    "func TestContextGetFloat64(t *testing.T) {",
    "public async Task ReadAsInt32BadStringAsync()",
    "public function testNativeRenameColumnOnMysql57()",
    "Cpp11BracedListStyle: true",
    "Author <95158195+JebronLames32@users.noreply.github.com>",
]


@pytest.mark.parametrize("text", ORDINARY)
def test_ordinary_text_is_unchanged(text: str) -> None:
    assert redact(text) == text, find_secrets(text)


def test_git_shas_are_kept_short_and_full() -> None:
    for n in (7, 8, 12, 40):
        sha = rand(n, "0123456789abcdef")
        text = f"commit {sha} and {sha}"
        assert redact(text) == text


def test_random_tokens_are_caught_by_entropy_alone() -> None:
    # No key name, no known prefix: only the entropy check can see these.
    tokens = [rand(40, ALNUM + "+/") for _ in range(200)]
    caught = sum(redact(f"seed {t} end") == "seed [REDACTED:high-entropy] end" for t in tokens)
    assert caught >= 0.9 * len(tokens)


def test_hex_alone_is_taken_for_a_digest() -> None:
    # Hex without a secret-named key is a checksum, image id or commit id far more often than
    # a key; only its context (key name, URL, header, known format) makes it a secret.
    digest = rand(64, "0123456789abcdef")
    assert redact(f"value={digest}\n") == f"value={digest}\n"
    assert redact(f"Digest: {digest}") == f"Digest: {digest}"
    assert redact(f"SECRET_KEY={digest}") == "SECRET_KEY=[REDACTED:secret]"


def test_certificates_and_wrapped_base64_blobs_are_kept() -> None:
    body = "\n".join(rand(64, ALNUM + "+/") for _ in range(6))
    cert = f"-----BEGIN CERTIFICATE-----\n{body}\n-----END CERTIFICATE-----"
    assert redact(cert) == cert
    blob = f'<image href="data:image/png;base64,\n{body}\n"/>'
    assert redact(blob) == blob
    assert redact("ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIHp0Zm9vYmFyYmF6cXV4MTIz dev@host") == (
        "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIHp0Zm9vYmFyYmF6cXV4MTIz dev@host"
    )


def test_long_base64_blobs_are_kept_unless_they_encode_a_secret() -> None:
    image = base64.b64encode(random.Random(1).randbytes(30_000)).decode()
    line = json.dumps({"type": "image", "source": {"data": image}})
    assert redact(line) == line
    env = "\n".join(f"OPTION_{i}=value-{i}" for i in range(100)) + f"\nDB_PASSWORD={PASSWORD}\n"
    encoded = base64.b64encode(env.encode()).decode()
    assert len(encoded) > 1024
    assert redact(f"data: {encoded}") == "data: [REDACTED:high-entropy]"


def test_basic_auth_header_is_redacted_even_when_it_is_only_letters() -> None:
    credentials = base64.b64encode(b"admin:" + rand(12).encode()).decode()
    assert redact(f"Authorization: Basic {credentials}") == (
        "Authorization: Basic [REDACTED:authorization]"
    )


def test_base64_of_text_holding_a_secret_is_redacted() -> None:
    text = f"machine api.example.com\nDB_PASSWORD={PASSWORD}\n"
    blob = base64.b64encode(text.encode()).decode()
    assert redact(f"data: {blob}") == "data: [REDACTED:high-entropy]"


def test_base64_of_ordinary_text_is_kept() -> None:
    encoded = base64.b64encode(b"hello world, this is a config file\n").decode()
    assert redact(f"echo {encoded} | base64 -d") == f"echo {encoded} | base64 -d"


# --- idempotence ---------------------------------------------------------------------------------


@pytest.mark.parametrize(("name", "text", "secret"), PLANTED, ids=[p[0] for p in PLANTED])
def test_redaction_is_idempotent(name: str, text: str, secret: str) -> None:
    once = redact(text)
    assert redact(once) == once
    assert not contains_secret(once)


def test_idempotent_on_mixed_document() -> None:
    doc = "\n".join([*ORDINARY, *(p[1] for p in PLANTED)])
    once = redact(doc)
    assert redact(once) == once
    assert redact_data({"a": [once]}) == {"a": [once]}


def test_empty_and_placeholder_text() -> None:
    assert find_secrets("") == []
    assert redact("API_KEY=[REDACTED:secret]") == "API_KEY=[REDACTED:secret]"
    assert not contains_secret("postgres://app:[REDACTED:password]@db")
