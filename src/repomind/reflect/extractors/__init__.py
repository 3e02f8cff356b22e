"""The offline lesson extractors, one module each: commands, corrections, co-changes, loops."""
