from __future__ import annotations

import pytest

from repomind.errors import UsageError
from repomind.memory.blocks import find_block, replace_block


def test_block_is_appended_and_replaced_keeping_human_text() -> None:
    human = "# My notes\n\nKeep this.\n"
    once = replace_block(human, "generated", "first\n")
    assert once.startswith(human)
    assert "first" in once
    twice = replace_block(once, "generated", "second\n")
    assert twice.startswith(human)
    assert "first" not in twice and "second" in twice
    assert replace_block(twice, "generated", "second\n") == twice


def test_text_after_the_block_is_kept() -> None:
    text = "top\n" + replace_block("", "generated", "old\n") + "\nbottom line\n"
    updated = replace_block(text, "generated", "new\n")
    assert updated.startswith("top\n")
    assert updated.endswith("\nbottom line\n")
    assert "new" in updated and "old" not in updated


def test_crlf_files_keep_crlf() -> None:
    text = "line one\r\nline two\r\n"
    updated = replace_block(text, "generated", "a\nb\n")
    assert "\n" not in updated.replace("\r\n", "")
    assert updated.startswith(text)


@pytest.mark.parametrize(
    "damaged",
    [
        "x\n<!-- repomind:begin generated -->\nno end\n",
        "<!-- repomind:end generated -->\n<!-- repomind:begin generated -->\n",
        "<!-- repomind:begin generated -->\n<!-- repomind:begin generated -->\n"
        "<!-- repomind:end generated -->\n",
    ],
)
def test_damaged_markers_are_refused(damaged: str) -> None:
    with pytest.raises(UsageError, match="damaged"):
        find_block(damaged, "generated")
    with pytest.raises(UsageError):
        replace_block(damaged, "generated", "x")
