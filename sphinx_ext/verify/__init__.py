"""Source verification: static and network checks of a book's bibliography, with no Sphinx import.

The Sphinx builder (:mod:`sphinx_ext.sourcecheck`) turns bibliography entries into
:class:`Source` records and calls :func:`verify`::

    settings = VerifySettings.from_mapping(config_values)
    report = verify(sources, settings, cache_path=outdir / "cache.json")
    write_report_files(report, outdir)
    print(render_summary(report))
    sys.exit(report.exit_status)
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ._findings import DEFAULT_SEVERITY, Check, Finding, Severity
from ._identifiers import normalise_url, parse_arxiv
from ._outcomes import Outcome, Redirect, UrlResult
from ._settings import CONFIG_PREFIX, HostSettings, VerifySettings, config_fields
from ._sources import CitingLocation, Source
from ._static_checks import run_static_checks, source_kind

if TYPE_CHECKING:
    from ._cache import CACHE_SCHEMA, UrlCache
    from ._http_checker import CheckRun, CheckStats, check_urls, parse_retry_after, run_url_checks
    from ._report import (
        REPORT_SCHEMA,
        ProgressBar,
        render_markdown,
        render_summary,
        report_json,
        write_report_files,
    )
    from ._run import NetworkChecks, VerifyReport, url_findings, verify

#: Names of the modules that stand on the HTTP client (httpx, asyncio), loaded when
#: first used: a book's HTML build reads the settings and the static checks only.
_ON_FIRST_USE = {
    "CACHE_SCHEMA": "_cache",
    "UrlCache": "_cache",
    "CheckRun": "_http_checker",
    "CheckStats": "_http_checker",
    "check_urls": "_http_checker",
    "parse_retry_after": "_http_checker",
    "run_url_checks": "_http_checker",
    "REPORT_SCHEMA": "_report",
    "ProgressBar": "_report",
    "render_markdown": "_report",
    "render_summary": "_report",
    "report_json": "_report",
    "write_report_files": "_report",
    "NetworkChecks": "_run",
    "VerifyReport": "_run",
    "url_findings": "_run",
    "verify": "_run",
}


def __getattr__(name: str) -> object:
    module = _ON_FIRST_USE.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    import importlib

    value = getattr(importlib.import_module(f"{__name__}.{module}"), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted({name for name in globals() if name.startswith("_")} | set(__all__))


__all__ = [
    "CACHE_SCHEMA",
    "CONFIG_PREFIX",
    "DEFAULT_SEVERITY",
    "REPORT_SCHEMA",
    "Check",
    "CheckRun",
    "CheckStats",
    "CitingLocation",
    "Finding",
    "HostSettings",
    "NetworkChecks",
    "Outcome",
    "ProgressBar",
    "Redirect",
    "Severity",
    "Source",
    "UrlCache",
    "UrlResult",
    "VerifyReport",
    "VerifySettings",
    "check_urls",
    "config_fields",
    "normalise_url",
    "parse_arxiv",
    "parse_retry_after",
    "render_markdown",
    "render_summary",
    "report_json",
    "run_static_checks",
    "run_url_checks",
    "source_kind",
    "url_findings",
    "verify",
    "write_report_files",
]
