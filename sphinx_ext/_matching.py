"""Match parsed citation items to works.

Pure Python, no Sphinx. The :class:`LabelIndex` is built once per build from
every :class:`~sphinx_ext._works.Work`; each lookup is then a dictionary hit,
so matching costs the same whatever the size of the bibliography.

>>> from pybtex.database import parse_string
>>> from sphinx_ext._parser import parse_items
>>> from sphinx_ext._works import build_works
>>> data = parse_string('''
... @misc{x, author = {{AssemblyAI}}, title = {B}, year = 2025}
... @misc{y, author = {{AssemblyAI}}, title = {A}, year = 2025}
... ''', "bibtex")
>>> index = LabelIndex(build_works(data.entries))
>>> [item], _ = parse_items("assemblyai, 2025a")
>>> index.match(item).key
'y'
>>> [item], _ = parse_items("AssemblyAI, 2025")
>>> index.match(item).status
<Status.AMBIGUOUS: 'ambiguous'>
"""

from __future__ import annotations

import difflib
from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum

from sphinx_ext._parser import Item
from sphinx_ext._works import Work, normalize_name

__all__ = ["LabelIndex", "Match", "Status"]


class Status(StrEnum):
    """Outcome of matching one item; the values appear in ``citations.json``."""

    RESOLVED = "resolved"
    UNKNOWN = "unknown"
    AMBIGUOUS = "ambiguous"


@dataclass(frozen=True, slots=True)
class Match:
    """The work an item names, or why there is none."""

    status: Status
    key: str | None = None
    #: For ambiguous items: every candidate, as ``(cite_label, key)``.
    candidates: tuple[tuple[str, str], ...] = ()
    #: "Did you mean" labels for unknown items.
    suggestions: tuple[str, ...] = ()
    #: Why an unknown item is unknown, when more can be said than "not found".
    reason: str = ""
    #: The item looked like a key but is a known author/org: the year is missing.
    missing_year: bool = False


class LabelIndex:
    """Every way of citing every work, for constant-time lookups."""

    def __init__(self, works: Mapping[str, Work]) -> None:
        self.works = works
        self._by_name_year: dict[tuple[str, str], list[Work]] = defaultdict(list)
        self._years_by_name: dict[str, set[str]] = defaultdict(set)
        self._display_name: dict[str, str] = {}
        self._keys_folded = {key.casefold(): key for key in works}
        for work in sorted(works.values(), key=lambda w: (w.letter, w.key)):
            for alias in work.aliases:
                name = normalize_name(alias)
                self._by_name_year[(name, work.year)].append(work)
                self._years_by_name[name].add(work.year)
                self._display_name.setdefault(name, alias)

    def match(self, item: Item) -> Match:
        """Find the work *item* cites; never guesses between candidates."""
        if item.key is not None:
            return self._match_key(item.key)
        assert item.name is not None and item.year is not None
        name = normalize_name(item.name)
        candidates = self._by_name_year.get((name, item.year), [])
        if item.letter:
            chosen = [w for w in candidates if w.letter == item.letter]
            if len(chosen) == 1:
                return Match(Status.RESOLVED, chosen[0].key)
            if candidates:
                return Match(
                    Status.UNKNOWN,
                    suggestions=tuple(w.cite_label for w in candidates),
                    reason=f"no work '{item.name}, {item.year}{item.letter}'",
                )
        elif len(candidates) == 1:
            return Match(Status.RESOLVED, candidates[0].key)
        elif candidates:
            return Match(
                Status.AMBIGUOUS,
                candidates=tuple((w.cite_label, w.key) for w in candidates),
            )
        return Match(Status.UNKNOWN, suggestions=self._suggest(name, item.year))

    def _match_key(self, key: str) -> Match:
        found = self._keys_folded.get(key.casefold())
        if found is not None:
            return Match(Status.RESOLVED, found)
        name = normalize_name(key)
        if name in self._years_by_name:
            return Match(Status.UNKNOWN, suggestions=self._suggest(name, ""), missing_year=True)
        close = difflib.get_close_matches(key, self._keys_folded.values(), n=3, cutoff=0.75)
        return Match(Status.UNKNOWN, suggestions=tuple(close))

    def _suggest(self, name: str, year: str) -> tuple[str, ...]:
        years = self._years_by_name.get(name)
        if years:
            # The right name with the wrong year: offer that name's works.
            return tuple(w.cite_label for y in sorted(years) for w in self._by_name_year[(name, y)])
        close = difflib.get_close_matches(name, self._years_by_name, n=3, cutoff=0.75)
        suggestions: list[str] = []
        for candidate in close:
            same_year = self._by_name_year.get((candidate, year))
            if same_year:
                suggestions.extend(w.cite_label for w in same_year)
            else:
                display = self._display_name[candidate]
                suggestions.extend(
                    f"{display}, {y}" for y in sorted(self._years_by_name[candidate])
                )
        return tuple(dict.fromkeys(suggestions))
