"""`python -m repomind`: the same entry point as the console script."""

from repomind.cli import main

main()
