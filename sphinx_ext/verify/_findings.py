"""Findings: what the checks report, in a closed set of kinds, each with a severity."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from ._outcomes import Outcome
from ._sources import CitingLocation

__all__ = ["DEFAULT_SEVERITY", "Check", "Finding", "Severity"]


class Severity(StrEnum):
    """How bad a finding is; ``citations_verify_fail_on`` gates the exit status on it.

    >>> Severity.ERROR.rank > Severity.WARNING.rank
    True
    """

    INFO = "info"
    WARNING = "warning"
    ERROR = "error"

    @property
    def rank(self) -> int:
        """Order of gravity (str comparison of the values would be alphabetical)."""
        return _RANK[self]


_RANK = {Severity.INFO: 0, Severity.WARNING: 1, Severity.ERROR: 2}


class Check(StrEnum):
    """Every kind of finding; the value is also the Sphinx warning subtype
    (``citations.<value>``)."""

    # Static checks (no network).
    PLACEHOLDER_URL = "placeholder-url"
    """A bare domain or a section index (``/blog/``, ``/docs``) stands for a specific work."""
    SHARED_URL = "shared-url"
    """Different works give one URL."""
    MISSING_URL = "missing-url"
    """An online source (web page, docs, preprint) gives no URL, DOI or arXiv id."""
    YEAR_ONLY = "year-only"
    """A web page or docs source dated by year only."""
    MISSING_PAGES = "missing-pages"
    """A book is cited without a page locator."""
    DUPLICATE = "duplicate-work"
    """Different entries describe one work."""
    ARXIV_YEAR = "arxiv-year"
    """The yymm of an arXiv id contradicts the entry's year."""
    MALFORMED_ID = "malformed-id"
    """A DOI or arXiv id is malformed."""
    # Network checks: one kind per outcome that needs attention.
    URL_REDIRECTED = "url-redirected"
    URL_BROKEN = "url-broken"
    URL_TIMEOUT = "url-timeout"
    URL_RATE_LIMITED = "url-rate-limited"
    URL_UNAVAILABLE = "url-unavailable"
    URL_UNREACHABLE = "url-unreachable"
    URL_TLS_ERROR = "url-tls-error"
    # Content checks: what the fetched pages and identifier registries say.
    CONTENT_MISMATCH = "content-mismatch"
    """The page's title and metadata do not match the entry's title."""
    DATE_FOUND = "date-found"
    """The page of a year-only entry gives a full publication date."""
    DATE_MISMATCH = "date-mismatch"
    """The page's publication date has another year than the entry."""
    DOI_MISMATCH = "doi-mismatch"
    """The DOI's registered title, first author or year disagrees with the entry."""
    ARXIV_MISMATCH = "arxiv-mismatch"
    """The arXiv id's title, first author or year disagrees with the entry."""
    CLAIM_UNCONFIRMED = "claim-unconfirmed"
    """A figure stated with a citation is not found in the cited work's page."""
    CLAIM_UNCITED = "claim-uncited"
    """A sentence states a figure and cites nothing (and is not marked as the book's own)."""

    @classmethod
    def for_outcome(cls, outcome: Outcome) -> Check | None:
        """The finding kind an outcome gives, ``None`` for outcomes that are not findings."""
        return _BY_OUTCOME.get(outcome)


_BY_OUTCOME = {
    Outcome.REDIRECTED: Check.URL_REDIRECTED,
    Outcome.BROKEN: Check.URL_BROKEN,
    Outcome.TIMEOUT: Check.URL_TIMEOUT,
    Outcome.RATE_LIMITED: Check.URL_RATE_LIMITED,
    Outcome.UNAVAILABLE: Check.URL_UNAVAILABLE,
    Outcome.UNREACHABLE: Check.URL_UNREACHABLE,
    Outcome.TLS_ERROR: Check.URL_TLS_ERROR,
}

DEFAULT_SEVERITY: dict[Check, Severity] = {
    Check.PLACEHOLDER_URL: Severity.WARNING,
    Check.SHARED_URL: Severity.WARNING,
    Check.MISSING_URL: Severity.WARNING,
    Check.YEAR_ONLY: Severity.WARNING,
    Check.MISSING_PAGES: Severity.WARNING,
    Check.DUPLICATE: Severity.WARNING,
    Check.ARXIV_YEAR: Severity.ERROR,
    Check.MALFORMED_ID: Severity.ERROR,
    Check.URL_REDIRECTED: Severity.WARNING,
    Check.URL_BROKEN: Severity.ERROR,
    # Transient or environmental: worth a warning, not a failed build by default.
    Check.URL_TIMEOUT: Severity.WARNING,
    Check.URL_RATE_LIMITED: Severity.WARNING,
    Check.URL_UNAVAILABLE: Severity.WARNING,
    Check.URL_UNREACHABLE: Severity.WARNING,
    Check.URL_TLS_ERROR: Severity.ERROR,
    Check.CONTENT_MISMATCH: Severity.WARNING,
    # A suggestion, not a problem: the year-only finding is the problem.
    Check.DATE_FOUND: Severity.INFO,
    Check.DATE_MISMATCH: Severity.WARNING,
    Check.DOI_MISMATCH: Severity.WARNING,
    Check.ARXIV_MISMATCH: Severity.WARNING,
    Check.CLAIM_UNCONFIRMED: Severity.WARNING,
    # The book's citation standard (every claim carries a source), not a broken source:
    # a warning, so a run gated at "error" still passes while the list is worked through.
    Check.CLAIM_UNCITED: Severity.WARNING,
}


@dataclass(frozen=True, slots=True)
class Finding:
    """One problem with one work (``key``), to show at the places citing it.

    ``url``, ``outcome`` and ``status`` are set for network findings only; ``url`` also
    for static findings about one URL.
    """

    check: Check
    severity: Severity
    key: str
    message: str
    suggestion: str | None = None
    locations: tuple[CitingLocation, ...] = ()
    url: str | None = None
    outcome: Outcome | None = None
    status: int | None = None
    related: tuple[str, ...] = ()
    """Other entries the finding concerns (the rest of a duplicate group, works sharing a URL)."""
    fix: tuple[tuple[str, str], ...] = ()
    """``(field, value)`` pairs that certainly fix the entry
    (``sourcecheck-suggestions.bib.patch``)."""

    def sort_key(self) -> tuple[str, str, str, str]:
        return (self.key, self.check.value, self.url or "", self.message)

    def to_json(self) -> dict[str, Any]:
        return {
            "check": self.check.value,
            "severity": self.severity.value,
            "key": self.key,
            "message": self.message,
            "suggestion": self.suggestion,
            "locations": [loc.to_json() for loc in self.locations],
            "url": self.url,
            "outcome": None if self.outcome is None else self.outcome.value,
            "status": self.status,
            "related": list(self.related),
            "fix": dict(self.fix),
        }
