"""Curated memory under `.repomind/memory/`: markdown files with managed blocks and budgets."""
