"""repomind: long-term, human-readable memory of a git repository for coding agents."""

__version__ = "0.1.0"
