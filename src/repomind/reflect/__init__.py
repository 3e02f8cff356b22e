"""Reflection on finished agent sessions: transcripts → one session model (→ lessons, later)."""
