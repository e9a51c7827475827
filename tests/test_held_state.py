"""What the extension keeps alive between reading and writing, and for how long.

Sphinx keeps every doctree in memory from reading until it is written, so what
a citation costs there is paid for every citation of the book at once.
"""

from __future__ import annotations

import gc
import json
import pickle
import weakref
from io import StringIO
from pathlib import Path
from typing import TYPE_CHECKING, cast

from docutils import nodes
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
        # The doctree as read (the pickle): no items, no text, no empty lists yet.
        doctree = app.env.get_doctree(docname)
        assert not list(doctree.findall(source_item))
        citations = list(doctree.findall(source_citation))
        assert citations, docname
        for citation in citations:
            assert citation.children == []
            # None of the five attribute lists: they are made again when written.
            assert not {"ids", "classes", "names", "dupnames", "backrefs"} & set(
                citation.attributes
            )
        held = [
            tuple(item for item in item_records(citation["items"]) if item.status != MALFORMED)
            for citation in citations
        ]
        assert held == [record.items for record in records], docname
        # Kept as plain tuples of atoms, which the garbage collector stops
        # tracking (a tuple of tuples once its members are: two collections).
        gc.collect()
        gc.collect()
        for citation in citations:
            assert not gc.is_tracked(citation["items"])
            assert not gc.is_tracked(citation.attributes)
    # So are the domain's records and the book's References entries.
    assert not any(
        gc.is_tracked(record) for kept in domain.stored_citations.values() for record in kept
    )
    assert not any(
        gc.is_tracked(entry) for kept in domain.book.stored_references.values() for entry in kept
    )
    # Written, each one has its text and an item per work.
    page = read(app.outdir, "ch1.html")
    assert [item["text"] for item in citation_items(page)][:2] == ["Alpha, 2020", "Beta, 2021"]
    assert page.count('<span class="source-citation">') == 3
    # Each entry was rendered once for good: no pybtex rich text is kept after it.
    assert domain._formatted == {}


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
    assert copy["ids"] == [] and copy["names"] == []
    assert copy["items"] == citation["items"]
    # The held node itself stays slim.
    assert "ids" not in citation.attributes


def test_a_parallel_build_renders_every_entry_before_its_writers_fork(tmp_path: Path) -> None:
    # Pages are written in forked processes, whose caches die with them: the
    # main process renders every entry first, so that each writer inherits them.
    parallel = build_app(copy_root("chapters", tmp_path / "parallel"), parallel=2)
    domain = get_domain(parallel.env)
    cited = {key for key, _ in domain.book.frequency}
    assert {key for builder, key in domain.entry_markup if builder == "html"} == cited
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


def test_the_bibliography_is_out_of_the_collectors_walks_until_the_next_build(
    tmp_path: Path,
) -> None:
    frozen_while_reading: list[int] = []

    def note_freeze(app: object, doctree: nodes.document) -> None:
        frozen_while_reading.append(gc.get_freeze_count())

    def build(srcdir: Path) -> SphinxTestApp:
        app = SphinxTestApp(
            "html", srcdir=srcdir, status=StringIO(), warning=StringIO(), freshenv=True
        )
        try:
            app.connect("doctree-read", note_freeze)
            app.build()
        finally:
            app.cleanup()
        assert app.statuscode == 0
        return app

    gc.unfreeze()  # whatever an earlier test left held
    first = build(copy_root("chapters", tmp_path / "first"))
    assert frozen_while_reading and min(frozen_while_reading) > 0
    # Still held once the build is over: its results may be inspected, and
    # the interpreter's exit does not walk them.
    assert gc.get_freeze_count() > 0
    first_domain = weakref.ref(get_domain(first.env))
    del first

    # The next build in the process gives the first one back to the collector.
    build(copy_root("chapters", tmp_path / "second"))
    gc.collect()
    assert first_domain() is None
