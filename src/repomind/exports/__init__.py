"""Exports: memory rendered into the rule files agents already read, inside managed blocks."""
