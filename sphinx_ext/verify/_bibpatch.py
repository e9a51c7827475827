r"""Suggested fixes to the .bib as a unified diff, never as a rewrite of the file.

Each fix sets one field of one entry: an existing field's value is replaced in place
(its name, spacing, delimiters and trailing comma as written), a missing field is added
as a new line after the entry's last field, indented and aligned like it. Every other
byte of the file is kept, so ``git apply`` or ``patch -p1`` (from the directory the
paths are relative to) changes exactly the fields concerned.

>>> bib = '@misc{a,\n  title = {Old},\n  year  = {2024},\n  url   = {https://x.example/old}\n}\n'
>>> fixes = {"a": [("url", "https://x.example/new"), ("date", "2024-03-05")]}
>>> print(bib_patch({"refs.bib": bib}, fixes), end="")
--- a/refs.bib
+++ b/refs.bib
@@ -1,5 +1,6 @@
 @misc{a,
   title = {Old},
   year  = {2024},
-  url   = {https://x.example/old}
+  url   = {https://x.example/new},
+  date  = {2024-03-05}
 }
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Final

__all__ = ["apply_fixes", "bib_patch"]

_ENTRY: Final = re.compile(r"@\s*(\w+)\s*([{(])\s*([^,\s{}()]+)\s*,", re.ASCII)
_FIELD: Final = re.compile(r"([A-Za-z][\w:.+-]*)(\s*=\s*)")


@dataclass(frozen=True, slots=True)
class _Field:
    name: str
    start: int
    """Where the field's line begins (its indentation)."""
    name_start: int
    value_start: int
    value_end: int
    comma_end: int
    """After the trailing comma, when there is one (else ``value_end``)."""


def _value_end(text: str, i: int, close: str) -> int:
    """The end of a field value starting at ``i``: braces, quotes, or bare words joined by ``#``."""
    n = len(text)
    while True:
        if i < n and text[i] == "{":
            depth = 0
            while i < n:
                if text[i] == "{":
                    depth += 1
                elif text[i] == "}":
                    depth -= 1
                    if depth == 0:
                        i += 1
                        break
                i += 1
        elif i < n and text[i] == '"':
            i += 1
            depth = 0
            while i < n and not (text[i] == '"' and depth == 0):
                depth += {"{": 1, "}": -1}.get(text[i], 0)
                i += 1
            i += 1
        else:
            while i < n and text[i] not in ",#" + close and not text[i].isspace():
                i += 1
        j = i
        while j < n and text[j] in " \t":
            j += 1
        if j < n and text[j] == "#":
            i = j + 1
            while i < n and text[i].isspace():
                i += 1
            continue
        return min(i, n)


def _entry_fields(text: str, key: str) -> tuple[list[_Field], int] | None:
    """The fields of entry ``key`` and the position of its closing delimiter."""
    for match in _ENTRY.finditer(text):
        if match.group(3) != key or match.group(1).lower() in {"comment", "string", "preamble"}:
            continue
        close = "}" if match.group(2) == "{" else ")"
        i = match.end()
        fields: list[_Field] = []
        n = len(text)
        while i < n:
            while i < n and (text[i].isspace() or text[i] == ","):
                i += 1
            if i >= n or text[i] == close:
                return fields, i
            found = _FIELD.match(text, i)
            if not found:
                return None
            line_start = text.rfind("\n", 0, i) + 1
            value_start = found.end()
            value_end = _value_end(text, value_start, close)
            j = value_end
            while j < n and text[j] in " \t":
                j += 1
            comma_end = j + 1 if j < n and text[j] == "," else value_end
            fields.append(
                _Field(found.group(1).lower(), line_start, i, value_start, value_end, comma_end)
            )
            i = comma_end
        return None
    return None


def _braced(value: str) -> str:
    return "{" + value.replace("{", "").replace("}", "") + "}"


def apply_fixes(text: str, fixes: Mapping[str, Sequence[tuple[str, str]]]) -> str:
    """``text`` with each ``(field, value)`` of each entry set; entries not found are left alone."""
    newline = "\r\n" if "\r\n" in text else "\n"
    for key, pairs in fixes.items():
        for name, value in pairs:
            parsed = _entry_fields(text, key)
            if parsed is None:
                break
            fields, close_at = parsed
            existing = next((f for f in fields if f.name == name.lower()), None)
            if existing is not None:
                old = text[existing.value_start : existing.value_end]
                new = (
                    _braced(value)
                    if old.startswith("{") or not old.startswith('"')
                    else f'"{value}"'
                )
                text = text[: existing.value_start] + new + text[existing.value_end :]
                continue
            if not fields:
                text = text[:close_at] + f"  {name} = {_braced(value)}{newline}" + text[close_at:]
                continue
            last = fields[-1]
            indent = text[last.start : last.name_start]
            if indent.strip():
                indent = " "  # fields on the entry's first line
            gap = text[last.name_start + len(last.name) : last.value_start]
            # Align the "=" with the last field's, keep its spacing after "=".
            eq_column = len(last.name) + len(gap) - len(gap.lstrip(" \t"))
            pad = " " * max(1, eq_column - len(name))
            after_eq = gap[gap.index("=") + 1 :]
            line = f"{indent}{name}{pad}={after_eq}{_braced(value)}"
            if last.comma_end == last.value_end:
                text = text[: last.value_end] + f",{newline}{line}" + text[last.value_end :]
            else:
                text = text[: last.comma_end] + f"{newline}{line}," + text[last.comma_end :]
    return text


def _diff(path: str, old: str, new: str) -> str:
    lines = difflib.unified_diff(
        old.splitlines(keepends=True),
        new.splitlines(keepends=True),
        fromfile=f"a/{path}",
        tofile=f"b/{path}",
        n=3,
    )
    out = []
    for line in lines:
        if line.startswith(("---", "+++")):
            out.append(line.rstrip("\r\n") + "\n")
        elif line.endswith("\n"):
            out.append(line)
        else:
            out.append(line + "\n\\ No newline at end of file\n")
    return "".join(out)


def bib_patch(files: Mapping[str, str], fixes: Mapping[str, Sequence[tuple[str, str]]]) -> str:
    """A unified diff over ``files`` (relative path → text) setting every fix; ``""`` when none
    applies."""
    return "".join(_diff(path, text, apply_fixes(text, fixes)) for path, text in files.items())
