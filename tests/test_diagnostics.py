"""Bad input gets a warning at the right place, of the right subtype, and never a traceback."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from sphinx.cmd.build import build_main
from sphinx.util.console import strip_escape_sequences

from tests.conftest import BuildRoot, copy_root
from tests.html_helpers import citation_items, read


def warnings_of(text: str) -> list[tuple[str, int | None, str]]:
    """``(file name, line, subtype)`` of each ``citations`` warning."""
    found = []
    for line in strip_escape_sequences(text).splitlines():
        match = re.match(
            r"(?P<path>[^:]*?)(?::(?P<line>\d+))?: WARNING: .*\[citations\.(?P<sub>[\w-]+)\]$", line
        )
        if match:
            number = int(match["line"]) if match["line"] else None
            found.append((Path(match["path"]).name, number, match["sub"]))
    return found


def test_each_problem_at_its_line(build_root: BuildRoot) -> None:
    app = build_root("diagnostics")
    warnings = app.warning.getvalue()
    assert sorted(warnings_of(warnings), key=lambda w: w[1] or 0) == [
        ("chapter.md", 3, "unknown"),
        ("chapter.md", 5, "unknown"),
        ("chapter.md", 7, "unknown"),
        ("chapter.md", 9, "ambiguous"),
        ("chapter.md", 11, "unknown"),
        ("chapter.md", 13, "empty-item"),
        ("chapter.md", 15, "no-year"),
        ("chapter.md", 17, "bad-letter"),
        ("chapter.md", 19, "unknown"),
        ("chapter.md", 21, "unclosed"),
    ]
    assert "Traceback" not in warnings


def test_suggestions(build_root: BuildRoot) -> None:
    warnings = build_root("diagnostics").warning.getvalue()
    assert (
        "unknown work 'Deepgram, 2024': not in the bibliography; did you mean 'Deepgram, 2025'?"
        in warnings
    )
    assert "'Deepgramm, 2025'" in warnings and "did you mean 'Deepgram, 2025'" in warnings
    assert (
        "ambiguous citation 'AssemblyAI, 2025' matches 2 works: "
        "AssemblyAI, 2025a (assemblyai2025rule); AssemblyAI, 2025b (assemblyai2025pricing)"
    ) in warnings
    assert "did you mean 'AssemblyAI, 2025a' or 'AssemblyAI, 2025b'?" in warnings
    assert "did you mean 'deepgram2025pricing'?" in warnings
    assert (
        "no year in 'Deepgram' (expected 'Author/Org, Year'); did you mean 'Deepgram, 2025'?"
        in warnings
    )


def test_bad_items_lose_nothing(build_root: BuildRoot) -> None:
    app = build_root("diagnostics")
    html = read(app.outdir, "chapter.html")
    items = {i["text"]: i for i in citation_items(html)}
    assert "source-unresolved" in items["AssemblyAI, 2025"]["class"]
    assert items["AssemblyAI, 2025"]["href"] == ""
    # The good item next to an empty one still links; the unclosed text stays as written.
    assert items["Deepgram, 2025"]["href"] == "#ref-deepgram2025pricing"
    assert "[Source: Deepgram, 2025\nand the paragraph goes on." in html


@pytest.mark.parametrize(
    ("suppressed", "left"),
    [
        (["citations.unknown"], {"ambiguous", "empty-item", "no-year", "bad-letter", "unclosed"}),
        (
            ["citations.ambiguous", "citations.unclosed"],
            {"unknown", "empty-item", "no-year", "bad-letter"},
        ),
        (["citations"], set()),
    ],
)
def test_suppress_warnings_by_subtype(
    build_root: BuildRoot, suppressed: list[str], left: set[str]
) -> None:
    app = build_root("diagnostics", confoverrides={"suppress_warnings": suppressed})
    assert {sub for _, _, sub in warnings_of(app.warning.getvalue())} == left


def test_warnings_fail_the_build_with_W(tmp_path: Path) -> None:
    srcdir = copy_root("diagnostics", tmp_path)
    assert build_main(["-q", "-W", "-b", "html", str(srcdir), str(tmp_path / "out")]) != 0
    clean = copy_root("markup", tmp_path)
    assert build_main(["-q", "-W", "-b", "html", str(clean), str(tmp_path / "clean")]) == 0


def test_bad_bib_is_reported_not_raised(build_root: BuildRoot) -> None:
    app = build_root("bad-bib")
    warnings = app.warning.getvalue()
    assert warnings_of(warnings) == [
        ("conf.py", 7, "bibfile"),
        ("refs.bib", 8, "bibfile"),
        ("refs.bib", 16, "duplicate-key"),
    ]
    assert "missing.bib" in warnings
    # At the brace left open, not where the parser ran out of text.
    assert "the '{' here is never closed: the entry starting at line 6 ends first" in warnings
    assert "duplicate bibliography key 'good2020'" in warnings
    assert "Traceback" not in warnings and "Extension error" not in warnings
    # Entries before and after the errors still resolve.
    items = citation_items(read(app.outdir, "chapter.html"))
    assert [i["href"] for i in items] == ["#ref-good2020", "#ref-last2022"]


def test_bad_config_values_fall_back_to_defaults(build_root: BuildRoot) -> None:
    app = build_root("config")
    warnings = app.warning.getvalue()
    assert sorted(warnings_of(warnings)) == [
        ("conf.py", 9, "config"),
        ("conf.py", 10, "config"),
        ("conf.py", 11, "config"),
    ]
    assert (
        "invalid value for citations_min_chapters: expected int, got str; using the default 2"
        in warnings
    )
    assert "citations_auto_references: expected bool, got int" in warnings
    assert (
        "citations_verify_fail_on: expected one of error, warning, info, never; got 'sometimes'"
        in warnings
    )
    # Defaults in force: the chapter still gets its References.
    assert 'id="references"' in read(app.outdir, "chapter.html")


def test_config_warnings_are_suppressible(build_root: BuildRoot) -> None:
    app = build_root("config", confoverrides={"suppress_warnings": ["citations.config"]})
    assert warnings_of(app.warning.getvalue()) == []


def test_missing_bibtex_bibfiles_is_a_warning(build_root: BuildRoot) -> None:
    app = build_root("config", confoverrides={"bibtex_bibfiles": None})
    warnings = app.warning.getvalue()
    assert "bibtex_bibfiles is not set" in warnings
    assert "unknown work 'Deepgram, 2025'" in warnings
