"""Serial, ``-j 2``, clean and incremental builds give the same bytes."""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

from sphinx.util.console import strip_escape_sequences

from tests.conftest import build_app, copy_root


def outputs(outdir: Path) -> dict[str, bytes]:
    """Every page and citations.json, by relative path."""
    return {
        str(path.relative_to(outdir)): path.read_bytes()
        for path in sorted(outdir.rglob("*"))
        if path.suffix == ".html" or path.name == "citations.json"
    }


def assert_same(left: dict[str, bytes], right: dict[str, bytes]) -> None:
    assert sorted(left) == sorted(right)
    different = [name for name in left if left[name] != right[name]]
    assert different == []


def clean_build(srcdir: Path, destination: Path, parallel: int = 0) -> dict[str, bytes]:
    copy = destination / "clean-src"
    shutil.rmtree(copy, ignore_errors=True)
    shutil.copytree(srcdir, copy, ignore=shutil.ignore_patterns("_build"))
    app = build_app(copy, freshenv=True, parallel=parallel, builddir=destination / "clean-out")
    assert app.warning.getvalue() == ""
    return outputs(Path(app.outdir))


def touch_later(path: Path) -> None:
    # Sphinx compares mtimes; make sure the edit is seen as newer.
    stat = path.stat()
    os.utime(path, (stat.st_atime + 5, stat.st_mtime + 5))


def test_parallel_equals_serial(tmp_path: Path) -> None:
    srcdir = copy_root("chapters", tmp_path)
    serial = build_app(srcdir, freshenv=True, builddir=tmp_path / "serial")
    parallel = build_app(srcdir, freshenv=True, parallel=2, builddir=tmp_path / "parallel")
    assert parallel.warning.getvalue() == serial.warning.getvalue() == ""
    assert_same(outputs(Path(serial.outdir)), outputs(Path(parallel.outdir)))


def rebuild_after(tmp_path: Path, *edits: tuple[str, str, str]) -> dict[str, bytes]:
    """Build the chapters root, apply ``(file, old, new)`` edits, rebuild incrementally.

    The incremental output must equal a clean build of the edited sources; it is returned.
    """
    srcdir = copy_root("chapters", tmp_path)
    builddir = tmp_path / "incremental"
    build_app(srcdir, freshenv=True, builddir=builddir)
    for name, old, new in edits:
        path = srcdir / name
        text = path.read_text()
        assert old in text
        path.write_text(text.replace(old, new))
        touch_later(path)
    app = build_app(srcdir, builddir=builddir)
    assert app.warning.getvalue() == ""
    incremental = outputs(Path(app.outdir))
    assert_same(incremental, clean_build(srcdir, tmp_path))
    return incremental


def test_adding_a_citation_updates_every_page_that_shows_it(tmp_path: Path) -> None:
    added = "Beta [Source: Beta, 2021], Omega"
    incremental = rebuild_after(
        tmp_path,
        ("ch2/index.md", added, added.replace("Omega", "Alpha [Source: Alpha, 2020], Omega")),
    )
    data = json.loads(incremental["citations.json"])
    assert {w["key"]: w["chapters"] for w in data["works"]}["alpha2020"] == ["ch1", "ch2/index"]
    assert b"ref-alpha2020" in incremental["ch2/sources.html"]


def test_removing_a_citation_and_editing_a_subdocument(tmp_path: Path) -> None:
    incremental = rebuild_after(
        tmp_path,
        ("ch1-part.md", " and Alpha [Source: Alpha, 2020]", ""),
        ("ch1.md", ", then Beta [Source: Beta, 2021]", ""),
    )
    assert b"ref-beta2021" not in incremental["ch1.html"]


def test_editing_the_bibliography(tmp_path: Path) -> None:
    incremental = rebuild_after(
        tmp_path,
        ("refs.bib", "year = {2021}", "year = {2099}"),
        ("ch1.md", "Beta, 2021", "Beta, 2099"),
        ("ch2/index.md", "Beta, 2021", "Beta, 2099"),
    )
    assert b"Beta, 2099" in incremental["ch1.html"]
    assert b"(2099)" in incremental["works.html"]


def test_bib_title_change_reaches_every_page(tmp_path: Path) -> None:
    incremental = rebuild_after(tmp_path, ("refs.bib", "Beta Work", "Beta Work, Revised"))
    for page in ("ch1.html", "ch2/sources.html", "works.html", "frequency.html"):
        assert b"Beta Work, Revised" in incremental[page]


def test_a_chapters_added_section_follows_its_subdocument(tmp_path: Path) -> None:
    """A chapter citing nothing itself shows References while its subdocument cites.

    Its section, added when it was read, is dropped or kept when the
    subdocument changes, and so is its entry in the page's contents, though
    the chapter itself is not read again.
    """
    srcdir = copy_root("chapters", tmp_path)
    chapter = srcdir / "ch1.md"
    chapter.write_text("# First Chapter\n\nNo citation here.\n\n```{toctree}\nch1-part\n```\n")
    part = srcdir / "ch1-part.md"
    cited = part.read_text()
    builddir = tmp_path / "incremental"
    first = outputs(Path(build_app(srcdir, freshenv=True, builddir=builddir).outdir))
    assert b'<a class="reference internal" href="#references">' in first["ch1.html"]
    for text, shown in (("# Part of the first chapter\n\nNothing cited.\n", False), (cited, True)):
        part.write_text(text)
        touch_later(part)
        app = build_app(srcdir, builddir=builddir)
        assert app.warning.getvalue() == ""
        incremental = outputs(Path(app.outdir))
        assert_same(incremental, clean_build(srcdir, tmp_path))
        page = incremental["ch1.html"]
        assert (b'<a class="reference internal" href="#references">' in page) is shown
        assert (b"source-references-section" in page) is shown


def test_removing_a_cited_entry_from_the_bibliography(tmp_path: Path) -> None:
    srcdir = copy_root("chapters", tmp_path)
    builddir = tmp_path / "incremental"
    build_app(srcdir, freshenv=True, builddir=builddir)
    bib = srcdir / "refs.bib"
    text = bib.read_text()
    start = text.index("@article{gamma2022")
    bib.write_text(text[:start] + text[text.index("@book{omega2019") :])
    touch_later(bib)
    app = build_app(srcdir, builddir=builddir)
    clean = build_app(srcdir, freshenv=True, builddir=tmp_path / "clean")
    # The citation is now unknown, as a clean build says, and no page lists the work.
    for build in (app, clean):
        [warning] = strip_escape_sequences(build.warning.getvalue()).splitlines()
        assert warning.endswith(
            "ch1-part.md:3: WARNING: unknown work 'Gamma et al., 2022': not in the bibliography"
            " [citations.unknown]"
        )
    incremental = outputs(Path(app.outdir))
    assert_same(incremental, outputs(Path(clean.outdir)))
    works = json.loads(incremental["citations.json"])["works"]
    assert "gamma2022" not in {work["key"] for work in works}
    assert b"Gamma Paper" not in incremental["works.html"]
