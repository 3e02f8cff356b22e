"""Which files are tests, and which source file a test exercises (by naming convention)."""

from __future__ import annotations

import re

_TEST_DIRS = {"test", "tests", "__tests__", "spec", "specs", "testing", "t"}
_PATTERNS = (
    re.compile(r"^test_(?P<stem>.+)$"),  # test_foo.py
    re.compile(r"^(?P<stem>.+)_test$"),  # foo_test.go / foo_test.py
    re.compile(r"^(?P<stem>.+)_spec$"),  # foo_spec.rb
    re.compile(r"^(?P<stem>.+)\.(test|spec)$"),  # foo.test.ts / foo.spec.js
    re.compile(r"^(?P<stem>.+?)Tests?$"),  # FooTest.java / FooTests.cs
    re.compile(r"^Test(?P<stem>[A-Z].*)$"),  # TestFoo.java
)


def split_name(path: str) -> tuple[str, str]:
    """(directory, file name without its last extension)."""
    directory, _, name = path.rpartition("/")
    stem = name.rsplit(".", 1)[0] if "." in name.lstrip(".") else name
    return directory, stem


def is_test(path: str) -> bool:
    directory, stem = split_name(path)
    if any(p.match(stem) for p in _PATTERNS):
        return True
    return any(part.lower() in _TEST_DIRS for part in directory.split("/") if part)


def subject_stem(path: str) -> str:
    """The name a file is about: `tests/test_http_client.py` -> `httpclient`."""
    _, stem = split_name(path)
    for pattern in _PATTERNS:
        match = pattern.match(stem)
        if match and is_test(path):
            stem = match.group("stem")
            break
    return re.sub(r"[^a-z0-9]", "", stem.lower())


def is_test_pair(a: str, b: str) -> bool:
    """One file is a test and the other the code it is named after."""
    if is_test(a) == is_test(b):
        return False
    stem = subject_stem(a)
    return bool(stem) and stem == subject_stem(b)
