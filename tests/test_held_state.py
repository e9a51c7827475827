"""What the extension keeps between reading and writing, and what it leaves behind.

Sphinx keeps every doctree in memory from reading until it is written, so what
a citation costs there is paid for every citation of the book at once. What
that costs in time and memory is measured by the benchmark (benchmarks/); these
tests check what a user or a host program can see: the citations held are
whole nodes sharing the domain's records, parallel builds write the same pages,
and the process's garbage collector is left as the build found it.
"""

from __future__ import annotations

import gc
import json
import pickle
import weakref
from collections import Counter
from collections.abc import Iterator
from io import StringIO
from pathlib import Path
from typing import TYPE_CHECKING, NamedTuple, cast

import pytest
from sphinx.cmd.build import build_main
from sphinx.testing.util import SphinxTestApp
from sphinxcontrib.bibtex.bibfile import BibData

from sphinx_ext._book import MALFORMED, item_records
from sphinx_ext.domain import get_domain
from sphinx_ext.nodes import source_citation, source_item
from tests.conftest import build_app, copy_root
from tests.html_helpers import citation_items, read

if TYPE_CHECKING:
    from sphinx.environment import BuildEnvironment
    from sphinxcontrib.bibtex.domain import BibtexDomain


def test_a_read_citation_is_one_childless_node_holding_the_domains_records(
    tmp_path: Path,
) -> None:
    app = build_app(copy_root("chapters", tmp_path))
    domain = get_domain(app.env)
    for docname, records in sorted(domain.citation_records().items()):
        # The doctree as read (the pickle): no items, no text yet.
        doctree = app.env.get_doctree(docname)
        assert not list(doctree.findall(source_item))
        citations = list(doctree.findall(source_citation))
        assert citations, docname
        for citation in citations:
            assert citation.children == []
            # A whole docutils node all the same (tests/test_well_formed_nodes.py).
            for name in source_citation.list_attributes:
                assert isinstance(citation[name], list), name
        held = [
            tuple(item for item in item_records(citation["items"]) if item.status != MALFORMED)
            for citation in citations
        ]
        assert held == [record.items for record in records], docname
    # Written, each one has its text and an item per work.
    page = read(app.outdir, "ch1.html")
    assert [item["text"] for item in citation_items(page)][:2] == ["Alpha, 2020", "Beta, 2021"]
    assert page.count('<span class="source-citation">') == 3
    # Each entry was rendered once for good: no pybtex rich text is kept after it.
    assert domain.book_state.formatted == {}


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


def test_a_parallel_build_renders_every_entry_before_its_writers_fork(tmp_path: Path) -> None:
    # Pages are written in forked processes, whose caches die with them: the
    # main process renders every entry first, so that each writer inherits them.
    parallel = build_app(copy_root("chapters", tmp_path / "parallel"), parallel=2)
    domain = get_domain(parallel.env)
    cited = {key for key, _ in domain.book.frequency}
    assert {key for builder, key in domain.book_state.entry_markup if builder == "html"} == cited
    # The markup is the one a page's own writer makes.
    serial = build_app(copy_root("chapters", tmp_path / "serial"))
    for page in ("ch1.html", "ch3.html", "works.html"):
        assert read(parallel.outdir, page) == read(serial.outdir, page), page


def test_parallel_readers_leave_the_bibliography_in_the_main_process(tmp_path: Path) -> None:
    # Each parallel reader pickles its whole environment back to the main
    # process; the bibliography is the main process's already.
    sent_back: list[int] = []

    def note_merge(app: object, env: object, docnames: set[str], other: BuildEnvironment) -> None:
        sent_back.append(len(other.domaindata["cite"]["bibdata"].data.entries))

    srcdir = copy_root("chapters", tmp_path)
    app = SphinxTestApp(
        "html", srcdir=srcdir, status=StringIO(), warning=StringIO(), freshenv=True, parallel=2
    )
    try:
        app.connect("env-merge-info", note_merge)
        app.build()
    finally:
        app.cleanup()
    assert app.statuscode == 0 and app.warning.getvalue() == ""
    assert len(sent_back) >= 2 and set(sent_back) == {0}
    loaded = cast("BibtexDomain", app.env.get_domain("cite")).bibdata.data.entries
    assert len(loaded) > 0
    # The environment saved for the next build keeps it whole, as a plain
    # BibData, so that sphinxcontrib-bibtex's cache finds it up to date.
    saved = pickle.loads((Path(app.doctreedir) / "environment.pickle").read_bytes())
    bibdata = saved.domaindata["cite"]["bibdata"]
    assert type(bibdata) is BibData
    assert list(bibdata.data.entries) == list(loaded)


class _HostCollector(NamedTuple):
    """The collector as a host program set it: its objects frozen, its own thresholds."""

    thresholds: tuple[int, int, int]
    objects: list[list[int]]
    frozen: set[int]  # the ids of every object it froze


def _thaw() -> list[object]:
    """The objects frozen until now, thawed (gc lists the frozen only so)."""
    tracked = {id(o) for o in gc.get_objects()}
    gc.unfreeze()
    return [o for o in gc.get_objects() if id(o) not in tracked]


@pytest.fixture
def host_collector() -> Iterator[_HostCollector]:
    enabled, thresholds = gc.isenabled(), gc.get_threshold()
    objects = [[number] for number in range(100)]
    gc.unfreeze()
    gc.collect()
    host = _HostCollector((1234, 7, 9), objects, {id(o) for o in gc.get_objects()})
    gc.freeze()
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
    frozen = gc.get_freeze_count()
    srcdir, outdir, doctrees = copy_root("chapters", tmp_path), tmp_path / "html", tmp_path / "dt"
    for run in ("clean", "incremental"):
        if run == "incremental":
            (srcdir / "ch3.md").write_text(
                "# Third Chapter\n\nNow it cites [Source: Alpha, 2020].\n"
            )
        status = build_main(["-b", "html", "-q", "-d", str(doctrees), str(srcdir), str(outdir)])
        assert status == 0, run
        # A frozen object of the host's may have died since (the count goes
        # down); none may be added.
        assert gc.get_freeze_count() <= frozen, run
        assert gc.get_threshold() == host_collector.thresholds, run
        assert gc.isenabled() is enabled, run
    assert "Alpha" in (outdir / "ch3.html").read_text()
    # The host's objects still frozen, and nothing else: but for the fixture's
    # own few (its record of the frozen, made as it froze); a build's are
    # thousands.
    frozen_now = _thaw()
    assert {id(o) for o in host_collector.objects} <= {id(o) for o in frozen_now}
    added = [o for o in frozen_now if id(o) not in host_collector.frozen]
    assert len(added) <= 5, Counter(type(o).__qualname__ for o in added).most_common(5)


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
