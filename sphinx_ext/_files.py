"""Writing output files so that no reader ever sees half of one.

>>> import pathlib, tempfile
>>> target = pathlib.Path(tempfile.mkdtemp()) / "out.json"
>>> write_atomically(target, "{}\\n")
>>> target.read_text()
'{}\\n'
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterable
from pathlib import Path

__all__ = ["write_atomically"]


def write_atomically(path: Path, text: str | Iterable[str]) -> None:
    """Replace *path* with *text* in one step (a temporary file, then a rename).

    *text* may come in pieces, written as they come, so a long output is
    never whole in memory. An interrupted write (or an exception while the
    pieces are made) leaves the old file, never a truncated one.
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    descriptor, temporary = tempfile.mkstemp(
        dir=path.parent, prefix=f".{path.name}.", suffix=".tmp"
    )
    try:
        with os.fdopen(descriptor, "w", encoding="utf-8", newline="\n") as handle:
            if isinstance(text, str):
                handle.write(text)
            else:
                handle.writelines(text)
            handle.flush()
            os.fsync(handle.fileno())
        # mkstemp makes the file private to its owner; outputs are for everyone.
        Path(temporary).chmod(0o644)
        Path(temporary).replace(path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
