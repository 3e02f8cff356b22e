from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from repomind.config import Config, default_config_text, load_config
from repomind.errors import UsageError


def test_default_config_text_lists_every_setting_with_a_comment(tmp_path: Path) -> None:
    text = default_config_text()
    data = yaml.safe_load(text)
    for section in ("index", "history", "memory"):
        assert section in data
    for line in text.splitlines():
        if line.startswith("  ") and ":" in line:
            assert "  # " in line, f"setting without a comment: {line}"
    path = tmp_path / "config.yaml"
    path.write_text(text)
    assert load_config(path, environ={}) == Config()


def test_missing_file_means_defaults(tmp_path: Path) -> None:
    assert load_config(tmp_path / "nope.yaml", environ={}) == Config()


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("index:\n  workers: many\n", "index.workers must be an integer"),
        ("index:\n  bogus: 1\n", "unknown key index.bogus"),
        ("colors: {}\n", "unknown section 'colors'"),
        ("index: [1, 2]\n", "section 'index' must be a mapping"),
        ("memory:\n  cochange_min_confidence: 3\n", "between 0 and 1"),
        ("index:\n  exclude: docs/\n", "a list of strings"),
        ("index: {workers: 1\n", "not valid YAML"),
        ("- 1\n- 2\n", "must be a mapping of sections"),
    ],
)
def test_bad_config_is_a_usage_error(tmp_path: Path, text: str, message: str) -> None:
    path = tmp_path / "config.yaml"
    path.write_text(text)
    with pytest.raises(UsageError) as info:
        load_config(path, environ={})
    assert message in str(info.value)
    assert "\n" not in str(info.value)


def test_environment_overrides_file(tmp_path: Path) -> None:
    path = tmp_path / "config.yaml"
    path.write_text("index:\n  workers: 3\n")
    config = load_config(path, environ={"REPOMIND_INDEX_WORKERS": "1"})
    assert config.index.workers == 1
    with pytest.raises(UsageError, match="REPOMIND_MEMORY_REPO_MAP_TOKENS"):
        load_config(path, environ={"REPOMIND_MEMORY_REPO_MAP_TOKENS": "lots"})
