"""A ``{cite}`` book (sphinxcontrib-bibtex roles, one global bibliography) adopting the extension.

The root is shaped like a QuantEcon lecture book: ``{cite}``, ``{cite:t}``,
``{cite:p}`` with several keys and with locators, ``bibtex_reference_style =
"author_year"``, articles, a collection, a proceedings paper, reports and a
thesis in the ``.bib``, two works sharing a copied DOI, and two reports of one
author and year of which one is cited.
"""

from __future__ import annotations

import html
import json
import re
from pathlib import Path

from tests.conftest import BuildRoot, build_app, copy_root
from tests.html_helpers import read, reference_entries
from tests.test_incremental_parallel import assert_same, clean_build, outputs, touch_later


def _bibliography(page: str) -> dict[str, str]:
    """sphinxcontrib-bibtex's entries as a reader sees them: label → "[label] text"."""
    found = {}
    for body in re.findall(r'<div class="citation"[^>]*>(.*?)</div>', page, re.DOTALL):
        text = " ".join(html.unescape(re.sub(r"<[^>]+>", "", body)).split())
        # Same-page back-references, "[3] (1,2) Thomas …", are sphinxcontrib-bibtex's own.
        text = re.sub(r"^(\[[^\]]+\]) \([\d,]+\) ", r"\1 ", text)
        label = text[1:].split("]", 1)[0]
        found[label] = text.replace("] ", "] ", 1) if "] " in text else text.replace("]", "] ", 1)
    return found


def _cite_links(page: str) -> list[tuple[str, str]]:
    """``(href, text)`` of every link inside sphinxcontrib-bibtex's inline citations."""
    links = []
    for group in re.findall(r'<span class="bibtex-citation"[^>]*>(.*?)</span>', page, re.DOTALL):
        links += re.findall(r'<a class="reference internal" href="([^"]*)"[^>]*>(.*?)</a>', group)
    return links


def _entry(page: str, key: str) -> str:
    [text] = [e["text"] for e in reference_entries(page) if e["id"] == f"ref-{key.lower()}"]
    return text.split(" \u21a9", 1)[0]  # without the back-links


def test_builds_without_warnings(build_root: BuildRoot) -> None:
    app = build_root("citebook")
    assert app.warning.getvalue() == ""


def test_chapter_lists_read_like_the_books_bibliography(build_root: BuildRoot) -> None:
    app = build_root("citebook")
    bibliography = _bibliography(read(app.outdir, "zreferences.html"))
    learning = read(app.outdir, "lectures/learning.html")
    kalai = _entry(learning, "KalaiLehrer1993")
    assert kalai.startswith(
        "[KL93a] Ehud Kalai and Ehud Lehrer. Rational learning leads to Nash equilibrium. "
        "Econometrica, 61(5):1019–1045, 1993."
    )
    # The same label and text as the book's {bibliography}, entry for entry.
    for key, label in (
        ("KalaiLehrer1993", "KL93a"),
        ("KalaiLehrer1993b", "KL93b"),
        ("Jordan1991", "Jor91"),
        ("HansenSargent2001", "HS01"),
    ):
        assert _entry(learning, key) == bibliography[label]
    growth = read(app.outdir, "lectures/growth.html")
    assert _entry(growth, "Rust1996") == bibliography["Rus96"]
    assert _entry(growth, "Smith2001") == bibliography["Smi01"]


def test_inline_cite_links_go_to_the_chapters_own_list(build_root: BuildRoot) -> None:
    app = build_root("citebook")
    learning = read(app.outdir, "lectures/learning.html")
    ids = {e["id"] for e in reference_entries(learning)}
    links = _cite_links(learning)
    assert [href for href, _ in links] == [
        "#ref-kalailehrer1993",
        "#ref-kalailehrer1993b",
        "#ref-jordan1991",
        "#ref-jordan1982b",
        "#ref-hansensargent2001",
    ]
    assert all(href[1:] in ids for href, _ in links)
    # Two works of one author and year are never cited alike.
    assert [text for _, text in links[:2]] == ["Kalai and Lehrer, 1993a", "Kalai and Lehrer, 1993b"]
    intro = read(app.outdir, "lectures/intro.html")
    assert ("#ref-kalailehrer1993", "1993a") in _cite_links(intro)


def test_sphinxcontrib_bibtex_targets_kept_when_asked(build_root: BuildRoot) -> None:
    app = build_root("citebook", confoverrides={"citations_cite_links": "bibliography"})
    assert app.warning.getvalue() == ""
    links = _cite_links(read(app.outdir, "lectures/learning.html"))
    assert links and all(href.startswith("../zreferences.html#") for href, _ in links)


def test_year_letters_over_the_works_the_book_cites(build_root: BuildRoot) -> None:
    app = build_root("citebook")
    data = json.loads(read(app.outdir, "citations.json"))
    labels = {w["key"]: w["label"] for w in data["works"]}
    # Jordan1982a is in the .bib but not cited: its partner gets no letter.
    assert labels["Jordan1982b"] == "Jordan, 1982"
    assert (labels["KalaiLehrer1993"], labels["KalaiLehrer1993b"]) == (
        "Kalai & Lehrer, 1993a",
        "Kalai & Lehrer, 1993b",
    )
    table = read(app.outdir, "works.html").split('id="works-cited-frequent"')[1]
    assert "Kalai &amp; Lehrer</strong> (1993a)." in table.split("</table>")[0]


def test_the_seeds_look_on_request(build_root: BuildRoot) -> None:
    app = build_root("citebook", confoverrides={"citations_entry_style": "seed"})
    learning = read(app.outdir, "lectures/learning.html")
    assert _entry(learning, "KalaiLehrer1993").startswith(
        "Kalai, E. & Lehrer, E. (1993a). “Rational Learning Leads to Nash Equilibrium.” "
        "Econometrica 61(5), pp. 1019–1045."
    )


def test_categories_of_reports_and_theses(build_root: BuildRoot) -> None:
    page = read(build_root("citebook").outdir, "works.html")
    reports = page.split('id="works-cited-report"')[1].split("</section>")[0]
    assert 'id="ref-jordan1982b"' in reports and 'id="ref-hansensargent2001"' in reports
    academic = page.split('id="works-cited-academic"')[1].split("</section>")[0]
    assert 'id="ref-smith2001"' in academic and 'id="ref-kwon2023"' in academic
    assert 'id="ref-rust1996"' in page.split('id="works-cited-book"')[1].split("</section>")[0]


def test_sourcecheck_speaks_the_cite_dialect(build_root: BuildRoot) -> None:
    app = build_root("citebook", "sourcecheck", confoverrides={"citations_verify_network": False})
    findings = json.loads(read(app.outdir, "sourcecheck.json"))["findings"]
    pages = [f for f in findings if f["check"] == "missing-pages"]
    by_severity = {(f["key"], f["severity"]): f["suggestion"] for f in pages}
    assert by_severity == {
        ("Sargent1987", "warning"): "add the page: {cite:p}`Sargent1987{ch. 4, p. N}`",
        ("Sargent1987", "info"): "where a passage is meant, add its page: "
        "{cite:p}`Sargent1987{p. N}`",
        ("Ljungqvist2012", "info"): "where a passage is meant, add its page: "
        "{cite:t}`Ljungqvist2012{p. N}`",
    }
    warnings = app.warning.getvalue()
    assert "[Source:" not in warnings.split("missing-pages")[0].rsplit("\n", 1)[-1]
    [duplicate] = [f for f in findings if f["check"] == "duplicate-work"]
    assert "same DOI 10.2307/2951492" in duplicate["message"]
    assert "the same work, or a wrong identifier" in duplicate["message"]
    assert not duplicate["suggestion"].startswith("keep one")


def test_a_written_letter_that_moved_is_a_warning(tmp_path: Path) -> None:
    srcdir = copy_root("citebook", tmp_path)
    page = srcdir / "lectures" / "growth.md"
    # By the bibliography's letters (by title) Jordan1982b is "1982a", and so matched.
    page.write_text(page.read_text() + "\nAs in [Source: Jordan, 1982a].\n")
    app = build_app(srcdir, freshenv=True)
    warnings = app.warning.getvalue()
    assert "growth.md:7: WARNING: 'Jordan, 1982a' is shown as 'Jordan, 1982'" in warnings
    assert "[citations.letter]" in warnings


def test_a_new_citation_reletters_other_chapters_incrementally(tmp_path: Path) -> None:
    srcdir = copy_root("citebook", tmp_path)
    builddir = tmp_path / "incremental"
    build_app(srcdir, freshenv=True, builddir=builddir)
    page = srcdir / "lectures" / "growth.md"
    page.write_text(page.read_text() + "\nAn earlier paper {cite:p}`Jordan1982a`.\n")
    touch_later(page)
    app = build_app(srcdir, builddir=builddir)
    assert app.warning.getvalue() == ""
    incremental = outputs(Path(app.outdir))
    # learning.md did not change, but its citation of Jordan1982b now needs its
    # letter: "a", its title ("The Competitive …") coming before Jordan1982a's.
    assert "Jordan, 1982a</a>" in incremental["lectures/learning.html"].decode()
    assert_same(incremental, clean_build(srcdir, tmp_path))


def test_parallel_equals_serial(tmp_path: Path) -> None:
    srcdir = copy_root("citebook", tmp_path)
    serial = build_app(srcdir, freshenv=True, builddir=tmp_path / "serial")
    parallel = build_app(srcdir, freshenv=True, parallel=2, builddir=tmp_path / "parallel")
    assert parallel.warning.getvalue() == serial.warning.getvalue() == ""
    assert_same(outputs(Path(serial.outdir)), outputs(Path(parallel.outdir)))


def test_an_unknown_entry_style_is_a_config_warning(build_root: BuildRoot) -> None:
    app = build_root("citebook", confoverrides={"citations_entry_style": "fancy"})
    warnings = app.warning.getvalue()
    assert "citations_entry_style: no pybtex formatting style named 'fancy'" in warnings
    assert "[citations.config]" in warnings
    # The default ('auto') is used: the book's own style.
    learning = read(app.outdir, "lectures/learning.html")
    assert _entry(learning, "Jordan1991").startswith("[Jor91] J. S. Jordan.")


def test_per_chapter_bibliographies_give_each_list_its_chapters_labels(tmp_path: Path) -> None:
    """sphinxcontrib-bibtex's per-chapter recipe with numbers: each chapter's labels are its own."""
    srcdir = copy_root("citebook", tmp_path)
    for name in ("intro", "learning", "growth"):
        page = srcdir / "lectures" / f"{name}.md"
        page.write_text(
            page.read_text() + "\n```{bibliography}\n:filter: docname in docnames\n```\n"
        )
    (srcdir / "zreferences.md").write_text("# References\n\nPer chapter.\n")
    app = build_app(
        srcdir,
        freshenv=True,
        confoverrides={
            "bibtex_default_style": "plain",
            "suppress_warnings": ["bibtex.duplicate_citation", "bibtex.duplicate_label"],
        },
    )
    assert "WARNING" not in app.warning.getvalue().replace("bibtex.duplicate", "")
    for name in ("intro", "learning", "growth"):
        page = read(app.outdir, f"lectures/{name}.html")
        theirs = _bibliography(page)
        ours = [e["text"].split(" \u21a9", 1)[0] for e in reference_entries(page)]
        assert ours, name
        for text in ours:
            label = text[1:].split("]", 1)[0]
            assert label.isdigit(), text
            assert theirs[label] == text, (name, text)
    # Numbers restart in each chapter, as its bibliography's do.
    learning = [e["text"] for e in reference_entries(read(app.outdir, "lectures/learning.html"))]
    labels = {text[1:].split("]", 1)[0] for text in learning}
    assert labels == {str(n) for n in range(1, len(learning) + 1)}
