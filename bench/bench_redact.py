"""False-positive count and throughput of `repomind.redact` (figures, not a test).

    python bench/bench_redact.py [--repos click black express gin] [--show 20] [--baseline]

1. Transcripts in /work/shared/fixtures (claude_code/*/transcripts/**.jsonl, codex/**.jsonl),
   redacted as raw JSONL text and as parsed data (`redact_data`): these hold no real secrets,
   so every redaction is a false positive unless it shows a planted one.
2. Tracked text files of repositories in /work/bench-repos: redactions per kind, with samples.
3. Entropy recall: random base62 tokens of 20-64 characters with no other clue.
4. Throughput: a ~10 MB transcript (fixture lines and repository files as JSON tool results),
   plus a check that secrets planted in it are all found; and 10 MB of base64 data (an image
   line, wrapped lines). Target: well under 2 s.
With --baseline, also detect-secrets' own per-line scan (`scan_line`) on 0.5 MB, for scale.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

from repomind.redact import find_secrets, redact, redact_data

FIXTURES = Path("/work/shared/fixtures")
BENCH_REPOS = Path("/work/bench-repos")
MAX_FILE = 1 << 20


def transcript_files() -> list[Path]:
    files = sorted(FIXTURES.glob("claude_code/*/transcripts/**/*.jsonl"))
    files += sorted(FIXTURES.glob("codex/**/*.jsonl"))
    return files


def repo_files(repo: Path) -> list[Path]:
    out = subprocess.run(
        ["git", "-C", str(repo), "ls-files", "-z"], capture_output=True, check=True
    ).stdout.decode()
    files = []
    for name in out.split("\0"):
        path = repo / name
        if name and path.is_file() and path.stat().st_size <= MAX_FILE:
            files.append(path)
    return files


def read_text(path: Path) -> str | None:
    data = path.read_bytes()
    if b"\0" in data[:8192]:
        return None
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        return None


def context(text: str, start: int, end: int) -> str:
    line_start = text.rfind("\n", 0, start) + 1
    left = max(line_start, start - 50)
    right = min(len(text), end + 30)
    nl = text.find("\n", end)
    if nl >= 0:
        right = min(right, nl)
    return (text[left:start] + "⟦" + text[start:end] + "⟧" + text[end:right]).strip()


def report(
    title: str, sizes: int, count: int, kinds: Counter[str], samples: list[str], show: int
) -> None:
    print(f"{title}: {sizes / 1e6:.2f} MB, {count} redactions {dict(kinds.most_common())}")
    for sample in samples[:show]:
        print(f"    {sample[:160]}")


def bench_transcripts(show: int) -> None:
    files = transcript_files()
    size = 0
    kinds: Counter[str] = Counter()
    samples: list[str] = []
    data_changes = 0
    for path in files:
        text = path.read_text(encoding="utf-8", errors="replace")
        size += len(text)
        for secret in find_secrets(text):
            kinds[secret.kind] += 1
            samples.append(f"{path.name[:12]}: {context(text, secret.start, secret.end)}")
        for line in text.splitlines():
            try:
                record = json.loads(line)
            except json.JSONDecodeError:
                continue
            if redact_data(record) != record:
                data_changes += 1
    report(
        f"transcripts ({len(files)} files, raw JSONL)", size, kinds.total(), kinds, samples, show
    )
    print(f"    records changed by redact_data: {data_changes}")


def bench_repo(repo: Path, show: int) -> None:
    size = 0
    kinds: Counter[str] = Counter()
    samples: list[str] = []
    files = repo_files(repo)
    start = time.perf_counter()
    for path in files:
        text = read_text(path)
        if text is None:
            continue
        size += len(text)
        for secret in find_secrets(text):
            kinds[secret.kind] += 1
            samples.append(f"{path.relative_to(repo)}: {context(text, secret.start, secret.end)}")
    elapsed = time.perf_counter() - start
    title = f"{repo.name} ({len(files)} files, {size / 1e6 / elapsed:.1f} MB/s)"
    report(title, size, kinds.total(), kinds, samples, show)


def big_transcript(target: int) -> str:
    """Fixture lines and repository files as JSON tool results, repeated up to `target` chars."""
    lines: list[str] = []
    for path in transcript_files():
        lines.extend(path.read_text(encoding="utf-8", errors="replace").splitlines())
    for name in ("click", "express", "gin"):
        repo = BENCH_REPOS / name
        if repo.is_dir():
            for path in repo_files(repo)[:400]:
                text = read_text(path)
                if text:
                    lines.append(json.dumps({"type": "tool_result", "content": text}))
    out: list[str] = []
    size = 0
    while size < target:
        for line in lines:
            out.append(line)
            size += len(line) + 1
            if size >= target:
                break
    return "\n".join(out)


def planted() -> list[str]:
    import random
    import string

    rng = random.Random(7)
    alnum = string.ascii_letters + string.digits

    def r(n: int) -> str:
        return "".join(rng.choice(alnum) for _ in range(n))

    return [
        "ghp_" + r(36),
        "sk-ant-api03-" + r(80),
        "AKIA" + "".join(rng.choice(string.ascii_uppercase) for _ in range(16)),
        "xox" + "b-1234567890-1234567890123-" + r(24),
        "Qx7" + r(37),
    ]


def bench_throughput(target: int) -> None:
    text = big_transcript(target)
    secrets = planted()
    insert_every = len(text) // (len(secrets) + 1)
    parts = []
    for i, secret in enumerate(secrets):
        parts.append(text[i * insert_every : (i + 1) * insert_every])
        parts.append(f'\n{{"content": "SECRET_VALUE={secret} {secret}"}}\n')
    parts.append(text[len(secrets) * insert_every :])
    text = "".join(parts)
    mb = len(text.encode()) / 1e6
    times = []
    for _ in range(3):
        start = time.perf_counter()
        out = redact(text)
        times.append(time.perf_counter() - start)
    best = min(times)
    missed = [s for s in secrets if s in out]
    print(
        f"throughput: {mb:.1f} MB transcript redacted in {best:.2f} s "
        f"(best of 3) = {mb / best:.1f} MB/s; planted secrets missed: {len(missed)}"
    )


def bench_entropy_recall() -> None:
    """Share of random base62 tokens the entropy check catches with no other clue."""
    import random
    import string

    rng = random.Random(11)
    alphabet = string.ascii_letters + string.digits
    figures = []
    for length in (20, 24, 32, 40, 64):
        tokens = ["".join(rng.choice(alphabet) for _ in range(length)) for _ in range(1000)]
        caught = sum(bool(find_secrets(f"x {t} y")) for t in tokens)
        figures.append(f"{length}: {caught / len(tokens):.0%}")
    print("entropy recall on random base62 tokens, by length: " + ", ".join(figures))


def bench_blobs() -> None:
    """Base64 that is data: one 10 MB line (an image block), 10 MB of 76-column lines."""
    import base64
    import os

    image = json.dumps({"type": "image", "data": base64.b64encode(os.urandom(7_300_000)).decode()})
    wrapped = "\n".join(base64.b64encode(os.urandom(57)).decode() for _ in range(130_000))
    for name, text in (("one 10 MB base64 line", image), ("10 MB of wrapped base64", wrapped)):
        start = time.perf_counter()
        out = redact(text)
        elapsed = time.perf_counter() - start
        changed = out.count("[REDACTED:")
        print(f"{name}: {elapsed:.2f} s, {changed} redactions")


def bench_baseline() -> None:
    from detect_secrets.core.scan import scan_line
    from detect_secrets.settings import default_settings

    text = "".join(p.read_text(encoding="utf-8") for p in transcript_files())[:500_000]
    lines = text.splitlines()
    with default_settings():
        start = time.perf_counter()
        hits = sum(1 for line in lines for _ in scan_line(line))
        elapsed = time.perf_counter() - start
    mb = len(text) / 1e6
    print(f"detect-secrets scan_line: {mb:.2f} MB in {elapsed:.2f} s = {mb / elapsed:.2f} MB/s, ")
    print(f"    {hits} hits (its eager entropy mode flags ids)")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--repos", nargs="*", default=["click", "black", "express", "gin"])
    parser.add_argument("--show", type=int, default=10, help="samples printed per corpus")
    parser.add_argument("--size-mb", type=float, default=10.0)
    parser.add_argument("--baseline", action="store_true")
    args = parser.parse_args()

    start = time.perf_counter()
    redact("warm-up: the first call imports detect-secrets' plugins")
    print(f"first call (imports detect-secrets plugins): {time.perf_counter() - start:.3f} s")
    bench_transcripts(args.show)
    for name in args.repos:
        repo = BENCH_REPOS / name
        if not repo.is_dir():
            print(f"{name}: not found under {BENCH_REPOS}", file=sys.stderr)
            continue
        bench_repo(repo, args.show)
    bench_entropy_recall()
    bench_throughput(int(args.size_mb * 1e6))
    bench_blobs()
    if args.baseline:
        bench_baseline()


if __name__ == "__main__":
    main()
