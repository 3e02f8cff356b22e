"""Agent and git lifecycle hooks: what a hook prints, and (later) installing the hooks."""
