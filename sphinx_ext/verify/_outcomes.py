"""What checking one URL can come to: a closed set of outcomes and the result record."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from ._pages import PageFacts

__all__ = ["Outcome", "Redirect", "UrlResult"]


class Outcome(StrEnum):
    """The outcome of checking one URL.

    >>> Outcome("rate-limited") is Outcome.RATE_LIMITED
    True
    >>> Outcome.OK.is_success, Outcome.BROKEN.is_success
    (True, False)
    """

    OK = "ok"
    """The URL answered 2xx, directly or through temporary redirects."""
    REDIRECTED = "redirected"
    """The URL answered 2xx after a permanent redirect (301/308): use the new URL."""
    BROKEN = "broken"
    """A definite failure: 4xx, 5xx after retries, a redirect loop, an unusable redirect, an invalid
    answer."""
    TIMEOUT = "timeout"
    """No complete answer within the request timeout, after retries."""
    RATE_LIMITED = "rate-limited"
    """Still 429 Too Many Requests after the allowed retries or the allowed wait."""
    UNAVAILABLE = "unavailable"
    """Still 503 Service Unavailable after the allowed retries or the allowed wait."""
    UNREACHABLE = "unreachable"
    """No connection: name resolution failed, connection refused, or no route to the network."""
    TLS_ERROR = "tls-error"
    """The TLS handshake failed, e.g. an untrusted or mismatched certificate."""
    IGNORED = "ignored"
    """Matched an ignore pattern or a host configured with ``skip``; no request made."""
    SKIPPED = "skipped"
    """Not checkable over HTTP (another scheme, malformed URL); no request made."""

    @property
    def is_success(self) -> bool:
        """Whether the URL works (possibly at a new address); only these are cached."""
        return self in {Outcome.OK, Outcome.REDIRECTED}


@dataclass(frozen=True, slots=True)
class Redirect:
    """One hop of a redirect chain: ``url`` answered ``status`` pointing to ``location``."""

    url: str
    status: int
    location: str

    @property
    def permanent(self) -> bool:
        return self.status in {301, 308}


@dataclass(frozen=True, slots=True)
class UrlResult:
    """The result of checking one URL.

    ``status`` and ``reason`` are those of the last HTTP answer when there was one;
    otherwise ``status`` is ``None`` and ``reason`` says what went wrong.

    >>> r = UrlResult("https://a.example/old", Outcome.REDIRECTED, 200, "OK",
    ...               redirects=(Redirect("https://a.example/old", 301, "https://a.example/new"),),
    ...               suggested_url="https://a.example/new")
    >>> UrlResult.from_json(r.to_json()) == r
    True
    """

    url: str
    outcome: Outcome
    status: int | None = None
    reason: str = ""
    redirects: tuple[Redirect, ...] = ()
    suggested_url: str | None = None
    attempts: int = 0
    checked_at: float = 0.0
    from_cache: bool = False
    page: PageFacts | None = None
    """What the body said, when it was read (content checks); ``None`` when it was not."""

    def to_json(self) -> dict[str, Any]:
        # Field by field: dataclasses.asdict would deep-copy every page's figures.
        data = {f.name: getattr(self, f.name) for f in dataclasses.fields(self)}
        data["outcome"] = self.outcome.value
        data["redirects"] = [dataclasses.asdict(r) for r in self.redirects]
        data["page"] = None if self.page is None else self.page.to_json()
        return data

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> UrlResult:
        """Rebuild a result written by :meth:`to_json`; raises on a malformed record."""
        redirects = tuple(
            Redirect(str(r["url"]), int(r["status"]), str(r["location"]))
            for r in data.get("redirects", ())
        )
        status = data.get("status")
        suggested = data.get("suggested_url")
        page = data.get("page")
        return cls(
            url=str(data["url"]),
            outcome=Outcome(data["outcome"]),
            status=None if status is None else int(status),
            reason=str(data.get("reason", "")),
            redirects=redirects,
            suggested_url=None if suggested is None else str(suggested),
            attempts=int(data.get("attempts", 0)),
            checked_at=float(data.get("checked_at", 0.0)),
            from_cache=bool(data.get("from_cache", False)),
            page=None if page is None else PageFacts.from_json(page),
        )
