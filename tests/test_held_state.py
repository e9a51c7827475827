"""What the extension keeps between reading and writing, and what it leaves behind.

Sphinx keeps every doctree in memory from reading until it is written, so what
a citation costs there is paid for every citation of the book at once. What
that costs in time and memory is measured by the benchmark (benchmarks/); these
tests check what a user or a host program can see: the citations held are
whole nodes, a parallel build saves an environment the next build finds up to
date, the process's garbage collector is left as the build found it, and a
finished build is freed.
"""

from __future__ import annotations

import gc
import json
import weakref
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, NamedTuple, cast

import pytest
from sphinx.cmd.build import build_main
from sphinx.util.console import strip_escape_sequences

from sphinx_ext.domain import get_domain
from sphinx_ext.nodes import source_citation
from tests.conftest import build_app, copy_root
from tests.html_helpers import citation_items, read

if TYPE_CHECKING:
    from sphinxcontrib.bibtex.domain import BibtexDomain


def test_a_stored_citation_is_a_whole_node_written_with_its_items(tmp_path: Path) -> None:
    app = build_app(copy_root("chapters", tmp_path))
    domain = get_domain(app.env)
    cited = sorted(domain.citation_records())
    assert cited == ["ch1", "ch1-part", "ch2/index", "preface"]
    for docname in cited:
        # What another extension reads between builds: whole docutils nodes.
        citations = list(app.env.get_doctree(docname).findall(source_citation))
        assert citations, docname
        for citation in citations:
            for name in source_citation.list_attributes:
                assert isinstance(citation[name], list), (docname, name)
    # Written, each one has its text and an item per work.
    page = read(app.outdir, "ch1.html")
    assert [item["text"] for item in citation_items(page)][:2] == ["Alpha, 2020", "Beta, 2021"]
    assert page.count('<span class="source-citation">') == 3


def test_a_citation_expanded_only_when_written_is_searchable(tmp_path: Path) -> None:
    app = build_app(copy_root("chapters", tmp_path))
    text = read(app.outdir, "searchindex.js")
    index = json.loads(text[text.index("(") + 1 : text.rindex(")")])
    # "Source" is in these pages' citations only, not in their prose.
    pages = {index["docnames"][number] for number in index["terms"]["sourc"]}
    assert {"ch1-part", "ch2/index", "preface"} <= pages
    # And the written page has its links.
    assert [item["text"] for item in citation_items(read(app.outdir, "preface.html"))] == [
        "Alpha, 2020"
    ]


def test_a_copy_made_before_writing_is_a_whole_node(tmp_path: Path) -> None:
    app = build_app(copy_root("chapters", tmp_path))
    citation = next(app.env.get_doctree("ch1").findall(source_citation))
    copy = citation.deepcopy()
    assert copy.attributes == citation.attributes
    assert copy["items"] == citation["items"]
    assert copy["classes"] is not citation["classes"]


def test_a_parallel_build_saves_a_bibliography_the_next_build_finds_up_to_date(
    tmp_path: Path,
) -> None:
    # Parallel readers send the bibliography back empty (what that saves is
    # measured by the benchmark); the environment saved for the next build
    # keeps it whole, so that nothing is read again when nothing changed.
    srcdir = copy_root("chapters", tmp_path)
    first = build_app(srcdir, parallel=2, freshenv=True, builddir=tmp_path / "build")
    second = build_app(srcdir, parallel=2, builddir=tmp_path / "build")
    assert first.warning.getvalue() == second.warning.getvalue() == ""
    status = strip_escape_sequences(second.status.getvalue())
    assert "checking bibtex cache... up to date" in status
    assert "updating environment: 0 added, 0 changed, 0 removed" in status
    entries = cast("BibtexDomain", second.env.get_domain("cite")).bibdata.data.entries
    assert sorted(entries) == sorted(
        cast("BibtexDomain", first.env.get_domain("cite")).bibdata.data.entries
    )
    assert [item["text"] for item in citation_items(read(second.outdir, "preface.html"))] == [
        "Alpha, 2020"
    ]


class _HostCollector(NamedTuple):
    """The collector as a host program set it: its objects frozen, its own thresholds."""

    thresholds: tuple[int, int, int]
    frozen: int  # gc.get_freeze_count() once the host froze its objects


@pytest.fixture
def host_collector() -> Iterator[_HostCollector]:
    enabled, thresholds = gc.isenabled(), gc.get_threshold()
    gc.unfreeze()
    gc.collect()
    gc.freeze()
    host = _HostCollector((1234, 7, 9), gc.get_freeze_count())
    gc.set_threshold(*host.thresholds)
    try:
        yield host
    finally:
        gc.unfreeze()
        gc.set_threshold(*thresholds)
        if enabled:
            gc.enable()
        else:
            gc.disable()


@pytest.mark.parametrize("enabled", [True, False])
def test_an_in_process_build_leaves_the_garbage_collector_as_it_found_it(
    enabled: bool, host_collector: _HostCollector, tmp_path: Path
) -> None:
    # As Jupyter Book and sphinx-autobuild build: sphinx.cmd.build in their own process.
    (gc.enable if enabled else gc.disable)()
    srcdir, outdir, doctrees = copy_root("chapters", tmp_path), tmp_path / "html", tmp_path / "dt"
    for run in ("clean", "incremental"):
        if run == "incremental":
            (srcdir / "ch3.md").write_text(
                "# Third Chapter\n\nNow it cites [Source: Alpha, 2020].\n"
            )
        status = build_main(["-b", "html", "-q", "-d", str(doctrees), str(srcdir), str(outdir)])
        assert status == 0, run
        assert gc.get_threshold() == host_collector.thresholds, run
        assert gc.isenabled() is enabled, run
        # Nothing of the build frozen, and the host's objects still frozen: a
        # few of them may have been freed since (the previous build's
        # application, which Sphinx keeps until the next one starts).
        frozen = gc.get_freeze_count()
        assert 0.9 * host_collector.frozen <= frozen <= host_collector.frozen, run
    assert "Alpha" in (outdir / "ch3.html").read_text()


def test_a_finished_build_is_freed_by_the_collector(tmp_path: Path) -> None:
    # Sphinx's logging keeps the last application alive until the next one.
    first = build_app(copy_root("chapters", tmp_path / "first"))
    domain = weakref.ref(get_domain(first.env))
    bibliography = weakref.ref(cast("BibtexDomain", first.env.get_domain("cite")).bibdata.data)
    del first
    build_app(copy_root("chapters", tmp_path / "second"))
    gc.collect()
    assert domain() is None
    assert bibliography() is None
