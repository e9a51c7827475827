"""One verification: static checks, then network checks, gathered into a :class:`VerifyReport`.

>>> from sphinx_ext.verify import CitingLocation, Source, VerifySettings, verify
>>> fields = {"title": "Site Reliability Engineering", "year": "2016"}
>>> at = (CitingLocation("ch12", 40, 12),)
>>> sre = Source("sre", "book", "Beyer et al., 2016", fields, cited_at=at)
>>> report = verify([sre], VerifySettings(network=False))
>>> [f.check.value for f in report.findings], report.exit_status
(['missing-pages'], 0)
"""

from __future__ import annotations

import queue
import threading
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from ._cache import UrlCache
from ._claims import Claim, Sentence, check_claims
from ._content import content_findings, page_urls, source_finding
from ._findings import Check, Finding, Severity
from ._http_checker import CheckRun, CheckStats, _Checker, run_url_checks
from ._identifiers import arxiv_id_of, doi_of
from ._lookups import Lookups, run_lookups
from ._outcomes import Outcome, UrlResult
from ._settings import VerifySettings
from ._sources import Source
from ._static_checks import run_static_checks

__all__ = ["NetworkChecks", "VerifyReport", "url_findings", "verify"]


@dataclass(slots=True)
class VerifyReport:
    """Everything one run found, by work."""

    sources: tuple[Source, ...]
    settings: VerifySettings
    findings: list[Finding] = field(default_factory=list)
    url_results: dict[str, UrlResult] = field(default_factory=dict)
    stats: CheckStats | None = None
    """``None`` when the network checks did not run."""
    claims: list[Claim] = field(default_factory=list)
    lookups: Lookups | None = None

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
            # Only the entry's own url field can be patched; DOI and arXiv URLs are derived.
            fix = (
                (("url", result.suggested_url),)
                if result.suggested_url and url == source.get("url")
                else ()
            )
            findings.append(
                source_finding(
                    settings,
                    check,
                    source,
                    message,
                    url=url,
                    suggestion=suggestion,
                    fix=fix,
                    outcome=result.outcome,
                    status=result.status,
                )
            )
    return findings


class NetworkChecks:
    """The network part of a run: URL checks, page reads and identifier look-ups, in a thread.

    Started as soon as the bibliography is known (:meth:`start`), it runs while the
    builder reads the documents; :meth:`wait` gives the results. ``results`` is a queue
    of each :class:`UrlResult` as it arrives, for a progress bar.
    """

    def __init__(
        self,
        sources: Sequence[Source],
        settings: VerifySettings,
        *,
        cache_path: Path | None = None,
        on_warning: Callable[[str], None] | None = None,
    ) -> None:
        self.settings = settings
        wanted = [s for s in sources if s.cited or settings.check_uncited]
        self.urls = list(dict.fromkeys(url for s in wanted for url in s.urls))
        self.pages: set[str] = set()
        dois: list[str] = []
        arxiv_ids: list[str] = []
        if settings.content:
            for source in wanted:
                self.pages.update(page_urls(source))
                doi, arxiv = doi_of(source.fields), arxiv_id_of(source.fields)
                if doi:
                    dois.append(doi)
                if arxiv:
                    arxiv_ids.append(arxiv)
        self.dois, self.arxiv_ids = dois, arxiv_ids
        self.cache = (
            UrlCache.load(cache_path, max_age=settings.max_age, on_warning=on_warning)
            if cache_path
            else None
        )
        self.lookups = Lookups({})
        self.results: queue.SimpleQueue[UrlResult] = queue.SimpleQueue()
        self._run: CheckRun | None = None
        self._error: BaseException | None = None
        self._thread: threading.Thread | None = None

    async def _look_up(self, checker: _Checker) -> None:
        await run_lookups(checker, self.dois, self.arxiv_ids, self.lookups, self.cache)

    def _work(self) -> None:
        try:
            self._run = run_url_checks(
                self.urls,
                self.settings,
                cache=self.cache,
                on_result=self.results.put,
                pages=self.pages,
                extra=self._look_up if (self.dois or self.arxiv_ids) else None,
            )
        except BaseException as err:  # noqa: BLE001 - handed to the waiting thread
            self._error = err

    def start(self) -> NetworkChecks:
        """Run the checks in a background thread.

        A daemon thread: Ctrl-C in the main thread ends the build.
        """
        self._thread = threading.Thread(target=self._work, name="sourcecheck", daemon=True)
        self._thread.start()
        return self

    def done(self) -> bool:
        return self._thread is not None and not self._thread.is_alive()

    def wait(self, timeout: float | None = None) -> bool:
        """Run the checks here if not started; else wait up to ``timeout``; whether they ended."""
        if self._thread is None:
            if self._run is None and self._error is None:
                self._work()
            return True
        self._thread.join(timeout)
        return not self._thread.is_alive()

    def run(self) -> CheckRun:
        self.wait()
        if self._error is not None:
            raise self._error
        assert self._run is not None
        return self._run


def verify(
    sources: Sequence[Source],
    settings: VerifySettings,
    *,
    cache_path: Path | None = None,
    on_result: Callable[[UrlResult], None] | None = None,
    on_warning: Callable[[str], None] | None = None,
    sentences: Iterable[Sentence] = (),
    network: NetworkChecks | None = None,
) -> VerifyReport:
    """Run the static checks and, if ``settings.network``, the URL checks with a cache at
    ``cache_path``.

    ``network`` is a :class:`NetworkChecks` started earlier (its results are used);
    ``sentences`` are the book's, for the claims ledger.
    """
    report = VerifyReport(tuple(sorted(sources, key=lambda s: s.key)), settings)
    findings = run_static_checks(report.sources, settings)
    results: dict[str, UrlResult] = {}
    if settings.network:
        if network is None:
            network = NetworkChecks(
                report.sources, settings, cache_path=cache_path, on_warning=on_warning
            )
        network.wait()
        while on_result is not None and not network.results.empty():
            on_result(network.results.get())
        run = network.run()
        results = report.url_results = run.results
        report.stats = run.stats
        report.stats.requests += network.lookups.requests
        report.lookups = network.lookups
        findings.extend(url_findings(report.sources, run.results, settings))
        if settings.content:
            findings.extend(content_findings(report.sources, results, network.lookups, settings))
    by_key = {s.key: s for s in report.sources}
    report.claims, claim_findings = check_claims(sentences, by_key, results, settings)
    findings.extend(claim_findings)
    report.findings = sorted(findings, key=Finding.sort_key)
    return report
