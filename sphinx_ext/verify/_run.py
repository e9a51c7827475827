"""One verification: static checks, then network checks, gathered into a :class:`VerifyReport`.

>>> from sphinx_ext.verify import CitingLocation, Source, VerifySettings, verify
>>> report = verify([Source("sre", "book", "Beyer et al., 2016", {"title": "Site Reliability Engineering",
...                  "year": "2016"}, cited_at=(CitingLocation("ch12", 40, 12),))],
...                 VerifySettings(network=False))
>>> [f.check.value for f in report.findings], report.exit_status
(['missing-pages'], 0)
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from ._cache import UrlCache
from ._findings import Check, Finding, Severity
from ._http_checker import CheckStats, run_url_checks
from ._outcomes import Outcome, UrlResult
from ._settings import VerifySettings
from ._sources import Source
from ._static_checks import run_static_checks

__all__ = ["VerifyReport", "url_findings", "verify"]


@dataclass(slots=True)
class VerifyReport:
    """Everything one run found, by work."""

    sources: tuple[Source, ...]
    settings: VerifySettings
    findings: list[Finding] = field(default_factory=list)
    url_results: dict[str, UrlResult] = field(default_factory=dict)
    stats: CheckStats | None = None
    """``None`` when the network checks did not run."""

    @property
    def failing(self) -> list[Finding]:
        """The findings whose severity reaches ``settings.fail_on``."""
        return [f for f in self.findings if self.settings.fails(f.severity)]

    @property
    def exit_status(self) -> int:
        return 1 if self.failing else 0

    def findings_of(self, key: str) -> list[Finding]:
        return [f for f in self.findings if f.key == key or key in f.related]

    def outcome_counts(self) -> Counter[Outcome]:
        return Counter(r.outcome for r in self.url_results.values())

    def check_counts(self) -> Counter[tuple[Severity, Check]]:
        return Counter((f.severity, f.check) for f in self.findings)


def _describe(result: UrlResult) -> str:
    if result.outcome is Outcome.REDIRECTED:
        return f"{result.url} permanently redirects to {result.suggested_url}"
    detail = result.reason or result.outcome.value
    return f"{result.url} is {result.outcome.value}: {detail}"


def url_findings(
    sources: Sequence[Source], results: dict[str, UrlResult], settings: VerifySettings
) -> list[Finding]:
    """One finding per work and URL whose outcome needs attention."""
    findings = []
    for source in sources:
        for url in source.urls:
            result = results.get(url)
            check = Check.for_outcome(result.outcome) if result else None
            if result is None or check is None:
                continue
            message = _describe(result)
            suggestion = f"url = {{{result.suggested_url}}}" if result.suggested_url else None
            findings.append(
                Finding(
                    check=check,
                    severity=settings.severity_of(check),
                    key=source.key,
                    message=message,
                    suggestion=suggestion,
                    locations=source.cited_at,
                    url=url,
                    outcome=result.outcome,
                    status=result.status,
                )
            )
    return findings


def verify(
    sources: Sequence[Source],
    settings: VerifySettings,
    *,
    cache_path: Path | None = None,
    on_result: Callable[[UrlResult], None] | None = None,
    on_warning: Callable[[str], None] | None = None,
) -> VerifyReport:
    """Run the static checks and, if ``settings.network``, the URL checks with a cache at ``cache_path``."""
    report = VerifyReport(tuple(sorted(sources, key=lambda s: s.key)), settings)
    findings = run_static_checks(report.sources, settings)
    if settings.network:
        urls = [url for s in report.sources if s.cited or settings.check_uncited for url in s.urls]
        cache = (
            UrlCache.load(cache_path, max_age=settings.max_age, on_warning=on_warning)
            if cache_path
            else None
        )
        run = run_url_checks(urls, settings, cache=cache, on_result=on_result)
        report.url_results = run.results
        report.stats = run.stats
        findings.extend(url_findings(report.sources, run.results, settings))
    report.findings = sorted(findings, key=Finding.sort_key)
    return report
