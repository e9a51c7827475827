"""Atomic output files: a reader sees the old file or the new one, never half."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from sphinx_ext._files import write_atomically


def test_pieces_are_written_in_order(tmp_path: Path) -> None:
    target = tmp_path / "out" / "citations.json"
    write_atomically(target, iter(["{", "\n", "}\n"]))
    assert target.read_text(encoding="utf-8") == "{\n}\n"
    assert oct(target.stat().st_mode & 0o777) == oct(0o644)


def test_a_failure_while_writing_keeps_the_old_file(tmp_path: Path) -> None:
    target = tmp_path / "citations.json"
    target.write_text("old\n", encoding="utf-8")

    def pieces() -> Iterator[str]:
        yield "new, half"
        raise RuntimeError("the build stopped")

    with pytest.raises(RuntimeError):
        write_atomically(target, pieces())
    assert target.read_text(encoding="utf-8") == "old\n"
    assert [p.name for p in tmp_path.iterdir()] == ["citations.json"]
