"""``python -m sphinx_ext export``: each format read back by a real consumer."""

from __future__ import annotations

import json
import shutil
import sys
from pathlib import Path

import pytest
import rispy
from citeproc import (
    Citation,
    CitationItem,
    CitationStylesBibliography,
    CitationStylesStyle,
    formatter,
)
from citeproc.source.json import CiteProcJSON
from pybtex.database import parse_file

from sphinx_ext._works import build_works
from sphinx_ext.cli import main
from sphinx_ext.workflow.importer import bibtex as imported_bibtex
from sphinx_ext.workflow.importer import import_listing
from sphinx_ext.workflow.markdown import parse_listing
from tests.conftest import copy_root
from tests.test_book import SEED_CHAPTERS

BOOK = Path(__file__).parents[1] / "book"
FORMATS = {"csl-json": "json", "bibtex": "bib", "ris": "ris", "markdown": "md"}


@pytest.fixture(scope="module")
def exported(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """The book exported in every format (one quiet build each)."""
    base = tmp_path_factory.mktemp("export")
    srcdir = base / "book"
    shutil.copytree(BOOK, srcdir, ignore=shutil.ignore_patterns("_build"))
    out = {}
    for name, suffix in FORMATS.items():
        out[name] = base / f"works.{suffix}"
        assert main(["export", str(srcdir), "--format", name, "-o", str(out[name])]) == 0
    # Nothing is written into the book's folder.
    assert sorted(p.name for p in srcdir.iterdir()) == sorted(
        p.name for p in BOOK.iterdir() if p.name != "_build"
    )
    return out


def _book_works() -> dict[str, object]:
    return build_works(parse_file(BOOK / "references.bib").entries)


def test_csl_json_renders_with_citeproc(exported: dict[str, Path]) -> None:
    items = json.loads(exported["csl-json"].read_text(encoding="utf-8"))
    assert len(items) == 77
    source = CiteProcJSON(items)
    style = CitationStylesStyle("harvard-cite-them-right", validate=False)
    bibliography = CitationStylesBibliography(style, source, formatter.plain)
    for item in items:
        bibliography.register(Citation([CitationItem(item["id"])]))
    rendered = [str(entry) for entry in bibliography.bibliography()]
    assert len(rendered) == 77
    by_start = {line.split(" (")[0]: line for line in rendered}
    assert "AssemblyAI" in by_start  # an organisation as a literal author, not "A., AssemblyAI"
    assert any(
        line.startswith("Kwon, W.") and "(2023)" in line and "PagedAttention" in line
        for line in rendered
    )
    beyer = next(line for line in rendered if line.startswith("Beyer, B."))
    assert "Site Reliability Engineering" in beyer and "O’Reilly Media" in beyer.replace("'", "’")
    kwon = next(i for i in items if i["id"] == "kwon2023paged")
    assert kwon["type"] == "paper-conference"
    assert kwon["container-title"] == "Proceedings of the ACM SOSP '23"
    assert kwon["URL"] == "https://arxiv.org/abs/2309.06180"
    assert kwon["author"] == [{"family": "Kwon", "given": "W."}]
    assert next(i for i in items if i["id"] == "deepgram2025compliance")["author"] == [
        {"literal": "Deepgram"}
    ]
    assert next(i for i in items if i["id"] == "openai2025realtime")["issued"] == {
        "date-parts": [[2025]]
    }


def test_bibtex_parses_with_pybtex_and_copies_the_entries(exported: dict[str, Path]) -> None:
    mine = parse_file(exported["bibtex"]).entries
    theirs = parse_file(BOOK / "references.bib").entries
    cited = {key for keys in SEED_CHAPTERS.values() for key in keys}
    assert set(mine) == cited == set(theirs)
    for key, entry in mine.items():
        assert entry.type == theirs[key].type
        assert dict(entry.fields) == dict(theirs[key].fields), key
        assert [str(p) for p in entry.persons["author"]] == [
            str(p) for p in theirs[key].persons["author"]
        ]


def test_ris_reads_with_rispy(exported: dict[str, Path]) -> None:
    with exported["ris"].open(encoding="utf-8") as handle:
        records = rispy.load(handle)
    assert len(records) == 77
    by_id = {r["id"]: r for r in records}
    works = _book_works()
    for key, record in by_id.items():
        assert record["title"] == works[key].title  # type: ignore[attr-defined]
    assert by_id["beyer2016sre"]["type_of_reference"] == "BOOK"
    assert by_id["beyer2016sre"]["authors"] == ["Beyer, Betsy"]
    assert by_id["beyer2016sre"]["publisher"] == "O'Reilly Media"
    assert by_id["kwon2023paged"]["type_of_reference"] == "CPAPER"
    assert by_id["deepgram2025compliance"]["authors"] == ["Deepgram"]
    assert by_id["deepgram2025compliance"]["urls"] == ["https://deepgram.com/compliance"]
    assert not exported["ris"].read_text(encoding="utf-8").startswith("1.")


def test_markdown_imports_back_to_the_same_works_and_lists(
    exported: dict[str, Path], tmp_path: Path
) -> None:
    listing = parse_listing(exported["markdown"].read_text(encoding="utf-8"))
    imported = import_listing(listing)
    assert imported.problems == []
    assert imported.table == []  # the exported table agrees with the exported lists
    (tmp_path / "back.bib").write_text(imported_bibtex(imported), encoding="utf-8")
    back_entries = parse_file(tmp_path / "back.bib").entries
    book_entries = parse_file(BOOK / "references.bib").entries
    back = build_works(back_entries)
    works = _book_works()
    assert len(back) == len(works) == 77
    for number, keys in SEED_CHAPTERS.items():
        mine = [key for key, _ in imported.lists[number]]
        assert len(mine) == len(keys), number
        for my_key, book_key in zip(mine, keys, strict=True):
            a, b = back[my_key], works[book_key]
            assert (a.cite_label, a.title, a.url, a.category) == (  # type: ignore[attr-defined]
                b.cite_label,  # type: ignore[attr-defined]
                b.title,  # type: ignore[attr-defined]
                b.url,  # type: ignore[attr-defined]
                b.category,  # type: ignore[attr-defined]
            ), book_key
            assert [str(p) for p in back_entries[my_key].persons["author"]] == [
                str(p) for p in book_entries[book_key].persons["author"]
            ], book_key
            for name in ("booktitle", "howpublished", "publisher", "eprint", "doi"):
                assert a.fields.get(name) == b.fields.get(name), (book_key, name)  # type: ignore[attr-defined]
    notes = {n: [note for _, note in entries] for n, entries in imported.lists.items()}
    assert notes[7][0].startswith("AIP-121: Resource-oriented design")
    assert listing.chapters[5].remarks == ("Shares sources with Chapters 1, 3, 4, and 14.",)


def test_only_cited_works_are_exported(tmp_path: Path) -> None:
    srcdir = copy_root("diff", tmp_path)  # stixor2025stack is in the .bib, cited nowhere
    assert main(["export", str(srcdir), "--format", "bibtex", "-o", str(tmp_path / "x.bib")]) == 0
    assert list(parse_file(tmp_path / "x.bib").entries) == [
        "assemblyai2025rule",
        "kwon2023paged",
        "anyscale2023batching",
    ]


def test_errors(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    assert main(["export", str(tmp_path / "nowhere"), "--format", "bibtex", "-o", "x"]) == 2
    assert capsys.readouterr().err == (
        f"sphinx-citations export: error: {tmp_path / 'nowhere'}: no such folder\n"
    )
    assert main(["export", str(tmp_path), "--format", "bibtex", "-o", str(tmp_path / "x")]) == 2
    assert "no conf.py (not a Sphinx source folder)" in capsys.readouterr().err
    (tmp_path / "conf.py").write_text("extensions = ['myst_parser']\n", encoding="utf-8")
    (tmp_path / "index.md").write_text("# Empty\n", encoding="utf-8")
    assert main(["export", str(tmp_path), "--format", "bibtex", "-o", str(tmp_path / "x")]) == 1
    assert "the book does not use the sphinx_ext extension" in capsys.readouterr().err
    (tmp_path / "conf.py").write_text("extensions = ['no_such_extension']\n", encoding="utf-8")
    assert main(["export", str(tmp_path), "--format", "bibtex", "-o", str(tmp_path / "x")]) == 1
    err = capsys.readouterr().err
    assert "the build failed" in err and err.count("\n") == 1 and "Traceback" not in err
    monkeypatch.setitem(sys.modules, "rispy", None)  # as if not installed
    assert main(["export", str(tmp_path), "--format", "ris", "-o", str(tmp_path / "x")]) == 2
    assert "pip install 'sphinx-source-citations[workflow]'" in capsys.readouterr().err
    assert not (tmp_path / "x").exists()


def test_the_process_is_left_as_it_was(tmp_path: Path) -> None:
    """The in-process build restores docutils' registries and sys.path (as sphinx-build does)."""
    from docutils.parsers.rst import directives, roles
    from sphinx.util.docutils import additional_nodes

    before = (
        set(additional_nodes),
        dict(directives._directives),  # type: ignore[attr-defined]
        dict(roles._roles),  # type: ignore[attr-defined]
        list(sys.path),
    )
    srcdir = tmp_path / "book"
    shutil.copytree(BOOK, srcdir, ignore=shutil.ignore_patterns("_build"))  # conf.py edits sys.path
    assert main(["export", str(srcdir), "--format", "csl-json", "-o", str(tmp_path / "x")]) == 0
    after = (
        set(additional_nodes),
        dict(directives._directives),  # type: ignore[attr-defined]
        dict(roles._roles),  # type: ignore[attr-defined]
        list(sys.path),
    )
    assert after == before


@pytest.mark.parametrize("root", ["citebook", "entry-types", "formats", "print"])
def test_markdown_round_trip_on_other_books(root: str, tmp_path: Path) -> None:
    """Books shaped like other people's: the Markdown export imports back to the same lists."""
    from sphinx_ext.collect import collect
    from sphinx_ext.workflow.export import markdown

    cited, _ = collect(copy_root(root, tmp_path))
    listing = parse_listing(markdown(cited))
    imported = import_listing(listing)
    assert imported.problems == []
    assert imported.table == []
    (tmp_path / "back.bib").write_text(imported_bibtex(imported), encoding="utf-8")
    back = build_works(parse_file(tmp_path / "back.bib").entries)

    def shown(work: object) -> tuple[str, str, str, str | None]:
        w = work
        return (w.label, w.year, w.title, w.url)  # type: ignore[attr-defined]

    assert len(imported.works) == len(cited.works)
    for chapter in cited.chapters:
        expected = [shown(cited.works[key]) for key, _ in chapter.references]
        got = [shown(back[key]) for key, _ in imported.lists[chapter.number]]
        assert got == expected, chapter.title
        assert [n for _, n in imported.lists[chapter.number]] == [n for _, n in chapter.references]
