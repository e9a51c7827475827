"""The ``sourcecheck`` builder: verify every source of the bibliography.

    sphinx-build -b sourcecheck book book/_build/sourcecheck

Static checks (placeholder URLs, missing URLs and dates, book citations without a
page, duplicate entries, arXiv ids and DOIs) and, unless ``citations_verify_network``
is false, a check of every URL of every work (cited or not). Each finding is a
``citations.<check>`` warning at the first place citing the work, with the other
places in the message; ``sourcecheck.json`` and ``sourcecheck.md`` in the output
directory report by work; the exit status is 1 when a finding of the severity
``citations_verify_fail_on`` (or worse) remains.

With ``citations_verify_static_in_build = True`` the static checks also run in
every other build, as warnings.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sphinx.builders.dummy import DummyBuilder
from sphinx.errors import ConfigError
from sphinx.locale import __
from sphinx.util import logging

from sphinx_ext.verify import (
    CitingLocation,
    Finding,
    ProgressBar,
    Severity,
    Source,
    VerifySettings,
    config_fields,
    render_summary,
    run_static_checks,
    verify,
    write_report_files,
)
from sphinx_ext.warnings_ import Subtype, warn

if TYPE_CHECKING:
    from sphinx.application import Sphinx
    from sphinx.config import Config
    from sphinx.environment import BuildEnvironment

__all__ = [
    "SourceCheckBuilder",
    "collect_sources",
    "settings_from_config",
    "static_checks_in_build",
]

logger = logging.getLogger(__name__)


def settings_from_config(config: Config) -> VerifySettings:
    """A frozen :class:`VerifySettings` from every ``citations_verify_*`` value that is registered."""
    values: dict[str, Any] = {}
    for name, *_ in config_fields():
        values[name] = config[name]
    try:
        return VerifySettings.from_mapping(values)
    except ValueError as err:
        raise ConfigError(__("invalid source-check settings: %s") % err) from err


def collect_sources(env: BuildEnvironment) -> list[Source]:
    """One :class:`Source` per bibliography entry, with every place citing it (file order)."""
    from sphinx_ext.domain import get_domain

    domain = get_domain(env)
    chapter_of = domain.book.chapter_of
    cited = domain.citing_locations()
    sources = []
    for key, work in domain.works.items():
        locations = tuple(
            CitingLocation(docname, line, chapter_of.get(docname), locator or None, role or None)
            for docname, line, locator, role in cited.get(key, ())
        )
        sources.append(
            Source(key, work.entry_type, work.cite_label, work.fields, locations, work.family)
        )
    return sources


def _entry_locations(env: BuildEnvironment) -> dict[str, str]:
    """``path:line`` of every entry in the ``.bib`` files, for uncited works."""
    from sphinx_ext.bibliography import bib_paths, entry_locations

    return entry_locations(bib_paths(env.srcdir, env.config), env.config.bibtex_encoding)


def log_finding(finding: Finding, label: str, entry_location: str | None) -> None:
    """One finding as a ``citations.<check>`` warning (info for ``info`` severity)."""
    message = f"[{label}] {finding.message}"
    if finding.suggestion:
        message += f"; suggestion: {finding.suggestion}"
    location: str | tuple[str, int | None] | None
    if finding.locations:
        first = finding.locations[0]
        location = (first.docname, first.line)
        others = finding.locations[1:]
        if others:
            shown = ", ".join(str(loc) for loc in others[:10])
            more = f" and {len(others) - 10} more" if len(others) > 10 else ""
            message += f" (also cited at {shown}{more})"
    else:
        location = entry_location
        message += " (not cited)"
    if finding.severity is Severity.INFO:
        logger.info("%s: %s", location, message)
    else:
        warn("%s", message, subtype=finding.check, location=location)


def _labels(sources: list[Source]) -> dict[str, str]:
    return {s.key: s.label for s in sources}


def static_checks_in_build(app: Sphinx, env: BuildEnvironment) -> None:
    """``env-check-consistency``: the static checks as warnings, when enabled in conf.py."""
    if app.builder.name == SourceCheckBuilder.name:
        return  # the builder reports them itself
    settings = settings_from_config(app.config)
    if not settings.static_in_build:
        return
    sources = collect_sources(env)
    labels = _labels(sources)
    entries = _entry_locations(env)
    for finding in run_static_checks(sources, settings):
        log_finding(finding, labels[finding.key], entries.get(finding.key))


class SourceCheckBuilder(DummyBuilder):
    """Checks the bibliography's sources: URLs over the network, dates, duplicates, identifiers."""

    name = "sourcecheck"
    epilog = __("The report is in %(outdir)s/sourcecheck.md and %(outdir)s/sourcecheck.json.")

    def get_outdated_docs(self) -> set[str]:
        return set()  # nothing to write: the citations are read, the sources checked in finish()

    def finish(self) -> None:
        settings = settings_from_config(self.config)
        sources = collect_sources(self.env)
        cache_path = Path(self.outdir, settings.cache_file) if settings.cache_file else None
        urls = {u for s in sources if s.cited or settings.check_uncited for u in s.urls}
        bar = ProgressBar(len(urls), sys.stdout, enabled=None if not self._app.quiet else False)
        if settings.network and urls:
            logger.info(__("checking %d URLs of %d works"), len(urls), len(sources))
        try:
            report = verify(
                sources,
                settings,
                cache_path=cache_path,
                on_result=bar.update,
                on_warning=lambda message: warn("%s", message, subtype=Subtype.SOURCECHECK_CACHE),
            )
        finally:
            bar.close()
        labels = _labels(sources)
        entries = _entry_locations(self.env)
        for finding in report.findings:
            log_finding(finding, labels[finding.key], entries.get(finding.key))
        json_path, md_path = write_report_files(report, Path(self.outdir))
        logger.info("")
        logger.info(render_summary(report).rstrip())
        logger.info(__("report written to %s and %s"), md_path, json_path)
        if report.exit_status:
            self._app.statuscode = report.exit_status
