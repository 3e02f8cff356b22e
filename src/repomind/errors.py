"""The two kinds of failure repomind reports: bad input (exit 2) and a failed operation (exit 1)."""

from __future__ import annotations


class RepomindError(Exception):
    """Base class: carries the one-line message shown to the user and the exit code."""

    exit_code = 1


class UsageError(RepomindError):
    """The user gave us something wrong: a bad path, option, config value or file."""

    exit_code = 2


class OperationError(RepomindError):
    """The operation could not be completed (git failed, lock held, disk full...)."""

    exit_code = 1
