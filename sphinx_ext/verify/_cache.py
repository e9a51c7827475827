"""A JSON cache of URL successes, so a rerun within ``max_age`` makes no requests for them.

Only successes are kept (failures are rechecked every run); a failure evicts an older
success of the same URL. Every save is atomic (a temporary file in the same directory,
then :func:`os.replace`), so the file on disk is always a complete, valid cache, even
when the run is interrupted.

>>> import tempfile, pathlib
>>> from sphinx_ext.verify import Outcome, UrlResult
>>> path = pathlib.Path(tempfile.mkdtemp()) / "cache.json"
>>> cache = UrlCache.load(path, max_age=3600, now=lambda: 1e9)
>>> cache.record(UrlResult("https://a.example/", Outcome.OK, 200, "OK", checked_at=1e9))
>>> cache.save()
>>> UrlCache.load(path, max_age=3600, now=lambda: 1e9 + 60).get("https://a.example/").from_cache
True
>>> UrlCache.load(path, max_age=3600, now=lambda: 1e9 + 7200).get("https://a.example/") is None
True
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path
from typing import Any

from sphinx_ext._files import write_atomically

from ._lookups import WorkMeta
from ._outcomes import UrlResult

__all__ = ["CACHE_SCHEMA", "UrlCache"]

CACHE_SCHEMA = 1


class UrlCache:
    """Successes by URL, loaded from and saved to ``path`` (``None``: in memory only)."""

    def __init__(
        self,
        path: Path | None,
        *,
        max_age: float,
        now: Callable[[], float] = time.time,
        on_warning: Callable[[str], None] | None = None,
        save_every: float = 2.0,
    ) -> None:
        self.path = path
        self.max_age = max_age
        self.now = now
        self.on_warning = on_warning
        self.save_every = save_every
        self.entries: dict[str, UrlResult] = {}
        #: Registry records of DOIs and arXiv ids (``doi:…``, ``arxiv:…``) and when they were found.
        self.lookups: dict[str, tuple[WorkMeta, float]] = {}
        self._last_save = time.monotonic()
        self._dirty = False

    @classmethod
    def load(
        cls,
        path: Path | None,
        *,
        max_age: float,
        now: Callable[[], float] = time.time,
        on_warning: Callable[[str], None] | None = None,
    ) -> UrlCache:
        """Read ``path``; a missing file gives an empty cache, an unreadable one a warning and an
        empty cache."""
        cache = cls(path, max_age=max_age, now=now, on_warning=on_warning)
        if path is None or not path.exists():
            return cache
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
            if not isinstance(data, dict) or data.get("schema") != CACHE_SCHEMA:
                found = data.get("schema") if isinstance(data, dict) else None
                cache._warn(
                    f"URL cache {path} has schema {found!r}, not {CACHE_SCHEMA}; starting afresh"
                )
                return cache
            entries = data["entries"]
            for url, record in entries.items():
                result = UrlResult.from_json(record)
                if result.url == url and result.outcome.is_success:
                    cache.entries[url] = result
            for key, record in data.get("lookups", {}).items():
                cache.lookups[key] = (WorkMeta.from_json(record), float(record["checked_at"]))
        except (OSError, ValueError, KeyError, TypeError, AttributeError) as err:
            cache.entries.clear()
            cache.lookups.clear()
            cache._warn(
                f"URL cache {path} is unreadable ({type(err).__name__}: {err}); starting afresh"
            )
        return cache

    def _warn(self, message: str) -> None:
        if self.on_warning is not None:
            self.on_warning(message)

    def fresh(self, result: UrlResult) -> bool:
        return 0 <= self.now() - result.checked_at <= self.max_age

    def get(self, url: str) -> UrlResult | None:
        """The cached success for ``url`` if younger than ``max_age``, marked ``from_cache``."""
        result = self.entries.get(url)
        if result is None or not self.fresh(result):
            return None
        return replace(result, from_cache=True)

    def record(self, result: UrlResult) -> None:
        """Keep a success; forget the URL on a failure. Saves now and then during a run."""
        if result.outcome.is_success:
            self.entries[result.url] = replace(result, from_cache=False)
            self._dirty = True
        elif self.entries.pop(result.url, None) is not None:
            self._dirty = True
        if self._dirty and time.monotonic() - self._last_save >= self.save_every:
            self.save()

    def get_lookup(self, key: str) -> WorkMeta | None:
        """A registry record younger than ``max_age``."""
        found = self.lookups.get(key)
        if found is None or not 0 <= self.now() - found[1] <= self.max_age:
            return None
        return found[0]

    def record_lookup(self, key: str, meta: WorkMeta) -> None:
        self.lookups[key] = (meta, self.now())
        self._dirty = True

    def save(self) -> None:
        """Write the fresh entries atomically; a failure to write is a warning, not an error."""
        self._last_save = time.monotonic()
        if self.path is None:
            return
        data: dict[str, Any] = {
            "schema": CACHE_SCHEMA,
            "entries": {
                url: r.to_json() for url, r in sorted(self.entries.items()) if self.fresh(r)
            },
            "lookups": {
                key: {**meta.to_json(), "checked_at": at}
                for key, (meta, at) in sorted(self.lookups.items())
                if 0 <= self.now() - at <= self.max_age
            },
        }
        try:
            # Compact: json's C encoder does not indent, and the pages' figures make it big.
            text = json.dumps(data, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
            write_atomically(self.path, text)
            self._dirty = False
        except OSError as err:
            self._warn(f"cannot write URL cache {self.path}: {err}")
