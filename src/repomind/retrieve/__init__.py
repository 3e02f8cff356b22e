"""Retrieval over the index: files related to a file, and files relevant to a task."""
