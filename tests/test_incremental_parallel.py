"""Serial, ``-j 2``, clean and incremental builds give the same bytes."""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

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


def test_adding_a_citation_updates_every_page_that_shows_it(tmp_path: Path) -> None:
    srcdir = copy_root("chapters", tmp_path)
    builddir = tmp_path / "incremental"
    build_app(srcdir, freshenv=True, builddir=builddir)

    chapter2 = srcdir / "ch2" / "index.md"
    chapter2.write_text(chapter2.read_text() + "\nAlpha arrives [Source: Alpha, 2020].\n")
    touch_later(chapter2)
    app = build_app(srcdir, builddir=builddir)
    assert app.warning.getvalue() == ""
    incremental = outputs(Path(app.outdir))

    assert_same(incremental, clean_build(srcdir, tmp_path))
    data = json.loads(incremental["citations.json"])
    assert {w["key"]: w["chapters"] for w in data["works"]}["alpha2020"] == [1, 2]
    assert b"ref-alpha2020" in incremental["ch2/sources.html"]


def test_removing_a_citation_and_editing_a_subdocument(tmp_path: Path) -> None:
    srcdir = copy_root("chapters", tmp_path)
    builddir = tmp_path / "incremental"
    build_app(srcdir, freshenv=True, builddir=builddir)

    part = srcdir / "ch1-part.md"
    part.write_text(part.read_text().replace(" and Alpha [Source: Alpha, 2020]", ""))
    part2 = srcdir / "ch1.md"
    part2.write_text(part2.read_text().replace(", then Beta [Source: Beta, 2021]", ""))
    touch_later(part)
    touch_later(part2)
    app = build_app(srcdir, builddir=builddir)
    incremental = outputs(Path(app.outdir))
    assert_same(incremental, clean_build(srcdir, tmp_path))
    assert b"ref-beta2021" not in incremental["ch1.html"]


def test_editing_the_bibliography(tmp_path: Path) -> None:
    srcdir = copy_root("chapters", tmp_path)
    builddir = tmp_path / "incremental"
    build_app(srcdir, freshenv=True, builddir=builddir)

    bib = srcdir / "refs.bib"
    bib.write_text(bib.read_text().replace("year = {2021}", "year = {2099}"))
    for page in ("ch1.md", "ch2/index.md"):
        path = srcdir / page
        path.write_text(path.read_text().replace("Beta, 2021", "Beta, 2099"))
        touch_later(path)
    touch_later(bib)
    app = build_app(srcdir, builddir=builddir)
    assert app.warning.getvalue() == ""
    incremental = outputs(Path(app.outdir))
    assert_same(incremental, clean_build(srcdir, tmp_path))
    assert b"Beta, 2099" in incremental["ch1.html"]
    assert b"(2099)" in incremental["works.html"]


def test_bib_title_change_reaches_every_page(tmp_path: Path) -> None:
    srcdir = copy_root("chapters", tmp_path)
    builddir = tmp_path / "incremental"
    build_app(srcdir, freshenv=True, builddir=builddir)
    bib = srcdir / "refs.bib"
    bib.write_text(bib.read_text().replace("Beta Work", "Beta Work, Revised"))
    touch_later(bib)
    app = build_app(srcdir, builddir=builddir)
    incremental = outputs(Path(app.outdir))
    assert_same(incremental, clean_build(srcdir, tmp_path))
    for page in ("ch1.html", "ch2/sources.html", "works.html", "frequency.html"):
        assert b"Beta Work, Revised" in incremental[page]
