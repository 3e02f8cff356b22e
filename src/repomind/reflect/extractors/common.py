"""What every extractor needs: repo-relative paths, command runs with their outcome, evidence."""

from __future__ import annotations

import functools
import os
import re
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from repomind.reflect.extractors import shell
from repomind.reflect.lesson import Evidence, one_line
from repomind.reflect.session import Session, ToolCall, ToolResult

# Agent bookkeeping inside a repo, not the project's code.
_PRIVATE_DIRS = (".git/", ".repomind/", ".claude/", ".codex/", ".gemini/", ".aider")

# Outcomes of a failed command, from its output.
_TRANSIENT = re.compile(
    r"could not resolve host|temporary failure in name resolution|name or service not known"
    r"|connection (?:refused|reset|timed out)|network is unreachable|(?-i:\b(?:ETIMEDOUT|ECONNRESET"
    r"|ECONNREFUSED|EAI_AGAIN|ENOTFOUND)\b)|socket hang up|read timed out|TLS handshake timeout"
    r"|\b(?:502|503|504) (?:bad gateway|service unavailable|gateway time-?out)"
    r"|rate limit|too many requests|text file busy|resource temporarily unavailable"
    r"|database is locked|address already in use|user (?:doesn't|does not) want to proceed"
    r"|(?:user )?(?:rejected|denied|declined) (?:this|the)? ?(?:tool|command|permission)"
    r"|permission to use \w+ (?:has been|was) denied|haven't granted it yet"
    r"|command timed out|timed out after|interrupted by user|\[request interrupted"
    r"|(?-i:\b(?:ENETUNREACH|EHOSTUNREACH|ECONNABORTED)\b)|connection aborted|remote end closed"
    r"|unable to access 'https?:|(?:http error|status code) 50[234]\b",
    re.IGNORECASE,
)
# The command itself was wrong here: tool, module, script, target or tests not found.
_WRONG_COMMAND = re.compile(
    r"command not found|not recognized as an internal|no such file or directory"
    r"|ModuleNotFoundError|No module named|ImportError while importing|cannot find module"
    r"|ERR_MODULE_NOT_FOUND|missing script|no rule to make target|unknown (?:command|target|task)"
    r"|no such (?:command|subcommand|task)|unrecognized (?:arguments|option)|unknown option"
    r"|invalid option|^usage:|no tests? (?:ran|found|were found)|collected 0 items(?! / \d)"
    r"|\bRan 0 tests\b|no test files|cannot find main module|does not contain main module"
    r"|not in a (?:go )?module|could not find (?:a )?(?:package|project|config)"
    r"|no configuration file|config(?:uration)? file not found|couldn't find a package\.json"
    r"|enoent|is not installed|not installed|executable file not found|could not import"
    r"|error: no such option|no such option|did you mean",
    re.IGNORECASE | re.MULTILINE,
)
# The code under test or build was wrong (the command was right).
_CODE_FAILURE = re.compile(
    r"^FAILED |^FAIL\b|\b[1-9]\d* failed\b|AssertionError|assert .* ==|^E\s{2,}"
    r"|Tests?:\s+\d+ failed"
    r"|\b[1-9]\d* failing\b|--- FAIL|panic:|error\[E\d+\]|SyntaxError|TypeError|NameError"
    r"|AttributeError|error TS\d+|undefined: |cannot use .* as|expected .* got"
    r"|\bFound [1-9]\d* errors?\b|\b[1-9]\d* errors? (?:found|in)\b|would reformat"
    r"|\b[1-9]\d* problems?\b",
    re.IGNORECASE | re.MULTILINE,
)
_ZERO_TESTS = re.compile(
    r"\bRan 0 tests\b|collected 0 items(?! / \d+ errors?)|\bno tests ran\b|No tests found"
    r"|no test specs found"
    r"|\b0 passing\b|Tests:\s+0 total",
    re.IGNORECASE,
)
# The command itself is certainly wrong here, whatever else happened.
STRONG_WRONG = re.compile(
    r"command not found|not recognized as an internal|missing script|no rule to make target"
    r"|unknown (?:command|target|task)|no such (?:command|subcommand|task)"
    r"|unrecognized (?:arguments|option)|unknown option|executable file not found"
    r"|externally-managed-environment",
    re.IGNORECASE,
)
_NOTHING_DONE = re.compile(
    r"^make(?:\[\d+\])?: (?:Nothing to be done for|'[^']+' is up to date)", re.MULTILINE
)
# Command lines whose exit status is not the real command's, and failures seen in their output.
_MASKED_STATUS = re.compile(
    r"\|\s*(?:tail|head|tee|grep|less|more|cat|sort|wc)\b|\|\|\s*(?:true|:)|--exit-zero"
    r"|;\s*(?:echo|true|exit 0)"
)
_MASKED_FAILURE = re.compile(
    _CODE_FAILURE.pattern + "|" + _WRONG_COMMAND.pattern + r"|\berror\b|\bfailed\b",
    re.IGNORECASE | re.MULTILINE,
)
# Header lines agents put before a command's output.
_HEADER = re.compile(
    r"^(?:Error: )?Exit code:? -?\d+$|^Chunk ID:|^Wall time:|^Process exited with code"
    r"|^Original token count:|^Output:$|^Command:|^Shell cwd was reset",
)
_TELLING = [
    re.compile(p, re.IGNORECASE | re.MULTILINE)
    for p in (
        r"^.*(?:ModuleNotFoundError|No module named|command not found|Cannot find module"
        r"|Cannot find package|missing script|No rule to make target|unrecognized arguments"
        r"|unknown option|externally-managed-environment).*$",
        r"^.*(?:Ran 0 tests|collected 0 items|no tests ran|No tests found).*$",
        r"^E\s+\S.*$",
        r"^not ok \d+ - .*$",  # TAP (node --test, tape, prove)
        r"^.*(?:ImportError|KeyError|not found).*$",
        r"^.*\b(?-i:[A-Z]\w*(?:Error|Exception))\b.*$",  # LoadError: cannot load such file
        r"^.*\b(?:Error|error|ERROR|ERR!)\b[:\[].*$",
        r"^.*(?:FAILED|FAIL|failed|failing|Traceback).*$",
    )
]


@dataclass(frozen=True, slots=True)
class Run:
    """One shell command and how it went."""

    position: int  # index of the call in session.events
    command: str
    normal: str  # shell.normalize(command)
    purpose: str | None
    ok: bool  # exit 0 and (for tests) some tests ran
    finished: bool  # a result was recorded
    output: str

    @property
    def transient(self) -> bool:
        return not self.ok and bool(_TRANSIENT.search(self.output))

    @property
    def zero_tests(self) -> bool:
        return self.purpose == "test" and bool(_ZERO_TESTS.search(self.output))

    @property
    def did_nothing(self) -> bool:
        """A check that ran no tests, or a make target with nothing to do (`make tests`)."""
        return self.zero_tests or (
            self.purpose in ("test", "lint", "format", "typecheck")
            and bool(_NOTHING_DONE.search(self.output))
        )

    @property
    def wrong_command(self) -> bool:
        return not self.ok and (
            self.did_nothing
            or bool(_WRONG_COMMAND.search(self.output))
            or bool(STRONG_WRONG.search(self.output))
        )

    @property
    def code_failure(self) -> bool:
        return not self.ok and bool(_CODE_FAILURE.search(self.output))


def runs(session: Session, root: Path) -> list[Run]:
    """Every shell command of the session, in order, with its outcome."""
    results = {e.call_id: e for e in session.events if isinstance(e, ToolResult)}

    def place(directory: str) -> str | None:
        if directory in (".", "./"):
            return ""
        return repo_path(directory, session, root)

    found = []
    for position, event in enumerate(session.events):
        if not isinstance(event, ToolCall) or event.kind != "shell" or not event.command:
            continue
        result = results.get(event.id)
        output = result.output if result is not None else ""
        purpose = shell.purpose(event.command)
        ok = result is not None and result.ok
        if ok and purpose == "test" and _ZERO_TESTS.search(output):
            ok = False  # "Ran 0 tests … OK" proves nothing
        if (
            ok
            and purpose in ("test", "lint", "format", "typecheck")
            and _NOTHING_DONE.search(output)
        ):
            ok = False  # "make: Nothing to be done for 'tests'": the check never ran
        if ok and _MASKED_STATUS.search(event.command) and _MASKED_FAILURE.search(output):
            ok = False  # `pytest | tail`, `|| true`: the exit status is not the command's
        normal = shell.normalize(event.command, place)
        workdir = event.input.get("workdir") or event.input.get("cwd") or session.cwd
        where = place(workdir) if isinstance(workdir, str) and workdir else None
        if where and normal and not normal.startswith("cd "):
            normal = f"cd {where} && {normal}"  # run in a subdirectory (Codex `workdir`, cwd)
        found.append(Run(position, event.command, normal, purpose, ok, result is not None, output))
    return found


def telling_line(output: str) -> str:
    """The line of a command's output that says what happened (paths as the output has them)."""
    lines = [ln.rstrip() for ln in output.splitlines()]
    # `> pkg@1.0 test` / `$ cmd`: the runner echoing the script, not what happened.
    lines = [
        ln
        for ln in lines
        if ln.strip() and not _HEADER.match(ln.strip()) and not ln.startswith(("> ", "$ "))
    ]
    body = "\n".join(lines)
    for pattern in _TELLING:
        match = pattern.search(body)
        if match:
            return one_line(match.group(0).strip())
    meaningful = [ln for ln in lines if re.search(r"[A-Za-z]{3}", ln)]
    return one_line(meaningful[-1].strip()) if meaningful else ""


def evidence(session: Session, quote: str) -> Evidence:
    return Evidence(session.session_id, session.agent, session.started[:10], one_line(quote))


_HOME = re.compile(r"(?:/home/[^/\s]+|/Users/[^/\s]+|/root)(?=/)")


def relativize(text: str, session: Session, root: Path) -> str:
    """`text` without this machine's absolute paths: the repo's become repo-relative, a home
    directory becomes `~` (memory is shared; absolute paths are noise there)."""
    bases = {b.rstrip("/") for b in (str(root), os.path.realpath(root), session.cwd)}
    for base in sorted(bases - {""}, key=len, reverse=True):  # "/" as a root keeps the text
        text = text.replace(base + "/", "")
        text = re.sub(re.escape(base) + r"(?![\w.-])", ".", text)  # the repo itself
    return _HOME.sub("~", text)


def repo_path(path: str, session: Session, root: Path) -> str | None:
    """`path` relative to `root` with forward slashes; None outside the repo or in agent dirs.

    Relative paths are taken from the session's cwd. The root itself is "" (falsy, like None,
    where a file is wanted). A root reached through a symlink (/tmp → /private/tmp) still counts.
    """
    if not path:
        return None
    return _relative(path, session.cwd or str(root), str(root))


@functools.lru_cache(maxsize=8192)
def _relative(path: str, cwd: str, root: str) -> str | None:
    candidate = path if os.path.isabs(path) else os.path.join(cwd, path)
    absolute = os.path.normpath(candidate)
    relative = _inside(absolute, os.path.normpath(root))
    if relative is None:
        real_root = os.path.realpath(root)
        relative = _inside(os.path.realpath(absolute), real_root)
    if relative is None:
        return None
    if relative == ".":
        return ""
    if (relative + "/").startswith(_PRIVATE_DIRS):
        return None
    return relative


def _inside(absolute: str, base: str) -> str | None:
    try:
        relative = os.path.relpath(absolute, base)
    except ValueError:  # another drive
        return None
    relative = PurePosixPath(*Path(relative).parts).as_posix()
    if relative == ".." or relative.startswith("../"):
        return None
    return relative
