"""The ``sourcecheck`` builder: verify every source of the bibliography.

    sphinx-build -b sourcecheck book book/_build/sourcecheck

Static checks (placeholder URLs, missing URLs and dates, book citations without a
page, duplicate entries, arXiv ids and DOIs) and, unless ``citations_verify_network``
is false, a check of every URL of every work (cited or not). Each finding is a
``citations.<check>`` warning at the first place citing the work, with the other
places in the message; ``sourcecheck.json`` and ``sourcecheck.md`` in the output
directory report by work; the exit status is 1 when a finding of the severity
``citations_verify_fail_on`` (or worse) remains.

Unless ``citations_verify_content`` is false, the pages of the works are read
(bounded) to compare their titles and dates with the entries, DOIs and arXiv ids
are looked up, and every sentence of the book that states a figure is a claim,
looked for in the pages of the works it cites (the claims ledger in the reports).
The network checks start as soon as the bibliography is loaded, while the
documents are read; the sentences are collected while reading, by this builder
only. Certain fixes are written as ``sourcecheck-suggestions.bib.patch``.

With ``citations_verify_static_in_build = True`` the static checks also run in
every other build, as warnings.
"""

from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

from docutils import nodes
from sphinx.builders.dummy import DummyBuilder
from sphinx.errors import ConfigError
from sphinx.locale import __
from sphinx.util import logging

from sphinx_ext._files import write_atomically
from sphinx_ext.diagnostics import Subtype, warn
from sphinx_ext.nodes import line_of, source_citation
from sphinx_ext.verify import (
    CitingLocation,
    Finding,
    Severity,
    Source,
    VerifySettings,
    config_fields,
    run_static_checks,
)
from sphinx_ext.verify._bibpatch import bib_patch
from sphinx_ext.verify._claims import Part, Sentence, sentences_of
from sphinx_ext.verify._figures import find_figures

if TYPE_CHECKING:
    from docutils.parsers.rst.states import Inliner
    from sphinx.application import Sphinx
    from sphinx.config import Config
    from sphinx.environment import BuildEnvironment

    from sphinx_ext.verify import NetworkChecks

__all__ = [
    "PATCH_NAME",
    "SourceCheckBuilder",
    "collect_sentences",
    "collect_sources",
    "measured_role",
    "read_again_without_sentences",
    "settings_from_config",
    "start_network_checks",
    "static_checks_in_build",
]

#: The suggested .bib changes, in the builder's output directory.
PATCH_NAME = "sourcecheck-suggestions.bib.patch"
#: Class of the ``{measured}`` role's node: a figure that is the book's own measurement.
MEASURED = "measured"

logger = logging.getLogger(__name__)


def settings_from_config(config: Config) -> VerifySettings:
    """A frozen :class:`VerifySettings` from every ``citations_verify_*`` value that is
    registered."""
    values: dict[str, Any] = {}
    for name, *_ in config_fields():
        values[name] = config[name]
    try:
        return VerifySettings.from_mapping(values)
    except ValueError as err:
        raise ConfigError(__("invalid source-check settings: %s") % err) from err


def collect_sources(env: BuildEnvironment, *, with_locations: bool = True) -> list[Source]:
    """One :class:`Source` per bibliography entry, with every place citing it (file order).

    ``with_locations=False``: the entries alone, as soon as the bibliography is loaded.
    """
    from sphinx_ext.domain import get_domain

    domain = get_domain(env)
    if not with_locations:
        return [
            Source(key, work.entry_type, work.cite_label, work.fields)
            for key, work in domain.works.items()
        ]
    book = domain.book
    label_of = {
        docname: book.by_docname[chapter].label for docname, chapter in book.chapter_of.items()
    }
    cited = domain.citing_locations()
    sources = []
    for key, work in domain.works.items():
        locations = tuple(
            CitingLocation(docname, line, label_of.get(docname), locator or None, role or None)
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
    message = f"[{label}] {finding.message}" if label else finding.message
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
    return {"": "", **{s.key: s.label for s in sources}}


# -- sentences, collected while reading (sourcecheck builds only) ---------------


def measured_role(
    name: str,
    rawtext: str,
    text: str,
    lineno: int,
    inliner: Inliner,
    options: dict[str, Any] | None = None,
    content: list[str] | None = None,
) -> tuple[list[nodes.Node], list[nodes.system_message]]:
    """``{measured}`300 ms```: a figure that is the book's own measurement, shown as plain text."""
    return [nodes.inline(rawtext, text, classes=[MEASURED])], []


_NOT_PROSE = (
    nodes.FixedTextElement,
    nodes.literal,
    nodes.math,
    nodes.raw,
    nodes.comment,
    nodes.footnote_reference,
    nodes.citation_reference,
    nodes.substitution_definition,
)


def _parts(element: nodes.Element) -> Iterator[Part]:
    for child in element.children:
        if isinstance(child, nodes.Text):
            yield Part(str(child))
        elif isinstance(child, source_citation):
            items: tuple[tuple[str | None, ...], ...] = child.get("items", ())
            keys = tuple(item[0] or f"?{item[3]}" for item in items)
            yield Part(keys=keys or ("?",))
        elif isinstance(child, nodes.Element) and child.get("refdomain") == "cite":
            from sphinxcontrib.bibtex.citation_target import parse_citation_targets

            targets = parse_citation_targets(child.get("reftarget", ""))
            yield Part(keys=tuple(t.key for t in targets) or ("?",))
        elif isinstance(child, nodes.inline) and MEASURED in child.get("classes", ()):
            yield Part(child.astext(), own=True)
        elif isinstance(child, _NOT_PROSE):
            yield Part(" ")
        elif isinstance(child, nodes.Element):
            yield from _parts(child)


def _units(document: nodes.document) -> Iterator[tuple[nodes.Element, list[Part]]]:
    """Paragraphs outside tables, and table rows as one unit (a row's citation covers its cells)."""
    for node in document.findall(lambda n: isinstance(n, (nodes.paragraph, nodes.row))):
        assert isinstance(node, nodes.Element)
        if isinstance(node, nodes.row):
            parts: list[Part] = []
            for entry in node.children:
                if isinstance(entry, nodes.Element):
                    parts.extend(_parts(entry))
                parts.append(Part(" | "))
            yield node, parts
            continue
        parent = node.parent
        inside_table = False
        while parent is not None:
            if isinstance(parent, (nodes.table, nodes.title, nodes.caption)):
                inside_table = True
                break
            parent = parent.parent
        if not inside_table:
            yield node, list(_parts(node))


def _row_line(row: nodes.row) -> int | None:
    """A table row's line: its own, else its table's plus its place in a Markdown pipe table.

    MyST gives a pipe table's rows the table's line; there the head row is the table's first line,
    the separator the second, and each body row one line after.
    """
    group = row.parent
    table = group.parent.parent if group is not None and group.parent is not None else None
    start = line_of(table) if table is not None else None
    if row.line is not None and row.line != start:
        return row.line
    if start is None or group is None:
        return line_of(row)
    index = group.index(row)
    return start + index if isinstance(group, nodes.thead) else start + 2 + index


def collect_sentences(app: Sphinx, doctree: nodes.document) -> None:
    """``doctree-read``: the sentences of the document, for the claims ledger (this builder only).

    Kept with the document's other citation data, in the ``citations`` domain
    (:attr:`~sphinx_ext.domain.CitationsDomain.sentences`), which drops and
    merges them with the document.
    """
    if app.builder.name != SourceCheckBuilder.name:
        return
    from sphinx_ext.domain import get_domain

    docname = app.env.docname
    found: list[Sentence] = []
    for node, parts in _units(doctree):
        line = _row_line(node) if isinstance(node, nodes.row) else line_of(node)
        if isinstance(node, nodes.row):
            text = " ".join("".join(p.text for p in parts if not p.keys).split()).strip(" |")
            if text:
                keys = tuple(dict.fromkeys(k for p in parts for k in p.keys))
                own = frozenset(f.key for p in parts if p.own for f in find_figures(p.text))
                found.append(Sentence(docname, line, text, keys, own))
            continue
        found += sentences_of(parts, docname, line)
    # Kept even when empty: a document without an entry was last read by another builder
    # (see read_again_without_sentences).
    get_domain(app.env).sentences[docname] = found


def read_again_without_sentences(
    app: Sphinx, env: BuildEnvironment, added: set[str], changed: set[str], removed: set[str]
) -> list[str]:
    """``env-get-outdated``: for sourcecheck, the documents another builder read last.

    Builders may share one environment (``make html`` then ``make sourcecheck``, with
    one ``_build/doctrees``). A document another builder read has no sentences, and
    the claims in it would go unchecked without a word: sourcecheck reads it again.
    """
    if app.builder.name != SourceCheckBuilder.name:
        return []
    from sphinx_ext.domain import get_domain

    store = get_domain(env).sentences
    again = sorted(
        docname
        for docname in env.all_docs
        if docname not in store and docname not in added | changed | removed
    )
    if again:
        logger.info(
            __("reading %d documents again: another builder read them last (no claims kept)"),
            len(again),
        )
    return again


def start_network_checks(app: Sphinx, env: BuildEnvironment, docnames: list[str]) -> None:
    """``env-before-read-docs``: the sourcecheck builder starts checking while the documents are
    read."""
    if isinstance(app.builder, SourceCheckBuilder):
        app.builder.start_network_checks()


def _sentences(env: BuildEnvironment, chapter_of: dict[str, str]) -> list[Sentence]:
    from dataclasses import replace

    from sphinx_ext.domain import get_domain

    store = get_domain(env).sentences
    return [
        replace(sentence, chapter=chapter_of.get(docname))
        for docname in sorted(store)
        if docname in env.found_docs
        for sentence in store[docname]
    ]


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

    _network: NetworkChecks | None = None
    _cache_warnings: list[str]

    def __init__(self, app: Sphinx, env: BuildEnvironment) -> None:
        super().__init__(app, env)
        #: The application: its parallel setting, quietness and exit status.
        self._sphinx = app

    def get_outdated_docs(self) -> set[str]:
        return set()  # nothing to write: the citations are read, the sources checked in finish()

    def _network_checks(self, sources: list[Source], settings: VerifySettings) -> NetworkChecks:
        # The HTTP client is loaded here, when checks run: not in a book's other builds.
        from sphinx_ext.verify import NetworkChecks

        cache_path = Path(self.outdir, settings.cache_file) if settings.cache_file else None
        self._cache_warnings = []
        return NetworkChecks(
            sources, settings, cache_path=cache_path, on_warning=self._cache_warnings.append
        )

    def start_network_checks(self) -> None:
        """Start the network checks before reading, when the URLs to check are known already.

        They are when every work is checked, cited or not (``check_uncited``). Not with
        parallel readers: those fork, and a fork must not copy a running thread.
        """
        settings = settings_from_config(self.config)
        self._network = None
        if settings.network and settings.check_uncited and self._sphinx.parallel <= 1:
            sources = collect_sources(self.env, with_locations=False)
            self._network = self._network_checks(sources, settings).start()

    def finish(self) -> None:
        from sphinx_ext.verify import ProgressBar, render_summary, verify, write_report_files

        settings = settings_from_config(self.config)
        sources = collect_sources(self.env)
        network = self._network
        self._network = None
        if settings.network and network is None:
            network = self._network_checks(sources, settings).start()
        if network is not None:
            if network.urls:
                logger.info(__("checking %d URLs of %d works"), len(network.urls), len(sources))
            bar = ProgressBar(
                len(network.urls), sys.stdout, enabled=None if not self._sphinx.quiet else False
            )
            try:
                while True:
                    ended = network.wait(0.1)
                    while not network.results.empty():
                        bar.update(network.results.get())
                    if ended:
                        break
            finally:
                bar.close()
            for message in self._cache_warnings:
                warn("%s", message, subtype=Subtype.SOURCECHECK_CACHE)
        from sphinx_ext.domain import get_domain

        book = get_domain(self.env).book
        chapter_of = {d: book.by_docname[c].label for d, c in book.chapter_of.items()}
        report = verify(
            sources, settings, network=network, sentences=_sentences(self.env, chapter_of)
        )
        labels = _labels(sources)
        entries = _entry_locations(self.env)
        for finding in report.findings:
            log_finding(finding, labels[finding.key], entries.get(finding.key))
        json_path, md_path = write_report_files(report, Path(self.outdir))
        patch = self._write_patch(report.findings)
        if patch is not None:
            logger.info(__("suggested .bib changes written to %s"), patch)
        logger.info("")
        logger.info(render_summary(report).rstrip())
        logger.info(__("report written to %s and %s"), md_path, json_path)
        if report.exit_status:
            self._sphinx.statuscode = report.exit_status

    def _write_patch(self, findings: list[Finding]) -> Path | None:
        """The certain fixes as a diff of the .bib files (paths relative to the source
        directory)."""
        from sphinx_ext.bibliography import bib_paths

        path = Path(self.outdir, PATCH_NAME)
        fixes: dict[str, list[tuple[str, str]]] = {}
        for finding in findings:
            if finding.fix and finding.key:
                pairs = fixes.setdefault(finding.key, [])
                pairs.extend(pair for pair in finding.fix if pair[0] not in dict(pairs))
        files: dict[str, str] = {}
        srcdir = Path(self.srcdir)
        for bib in bib_paths(self.srcdir, self.config):
            try:
                with bib.open(encoding=self.config.bibtex_encoding, newline="") as handle:
                    text = handle.read()
            except (OSError, UnicodeError):
                continue
            try:
                name = bib.relative_to(srcdir.resolve()).as_posix()
            except ValueError:
                name = bib.name
            files[name] = text
        diff = bib_patch(files, fixes) if fixes else ""
        if not diff:
            path.unlink(missing_ok=True)
            return None
        write_atomically(path, diff)
        return path
