"""``python -m sphinx_ext import``: a hand-kept Works Cited to a .bib and a skeleton book."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from pybtex.database import parse_file

from sphinx_ext._works import build_works
from sphinx_ext.cli import main
from sphinx_ext.workflow.importer import import_listing
from sphinx_ext.workflow.markdown import parse_listing
from tests.conftest import build_app
from tests.test_book import SEED_CHAPTERS

REPO = Path(__file__).parents[1]
#: The hand-kept Works Cited the book started from, as it was.
SEED = REPO / "tests" / "data" / "seed-works-cited.md"
VARIATIONS = REPO / "tests" / "data" / "works-cited-variations.md"
BOOK_BIB = REPO / "book" / "references.bib"
FIELDS = ("booktitle", "journal", "howpublished", "publisher", "eprint", "doi", "url")


def _persons(entry: object) -> list[str]:
    return [str(p) for p in entry.persons.get("author", [])]  # type: ignore[attr-defined]


def _run(*args: str | Path) -> int:
    return main([str(a) for a in args])


@pytest.fixture(scope="module")
def seed_import(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("seed")
    status = _run(
        "import", SEED, "-o", out / "references.bib", "--chapters", out / "book",
        "--report", out / "report.md",
    )  # fmt: skip
    assert status == 0
    return out


def test_seed_gives_the_books_bibliography(seed_import: Path) -> None:
    """Same works, same merges as the hand-made book/references.bib, compared work by work."""
    mine = parse_file(seed_import / "references.bib").entries
    theirs = parse_file(BOOK_BIB).entries
    listing = parse_listing(SEED.read_text(encoding="utf-8"))
    imported = import_listing(listing)
    # Which of my keys is which of the book's: the same position in the same chapter's list.
    same: dict[str, str] = {}
    for number, keys in SEED_CHAPTERS.items():
        mine_in_order = [key for key, _ in imported.lists[number]]
        assert len(mine_in_order) == len(keys), number
        for my_key, book_key in zip(mine_in_order, keys, strict=True):
            assert same.setdefault(my_key, book_key) == book_key, (my_key, book_key)
    # A bijection: every merge of the book is one here, and no other.
    assert len(same) == len(set(same.values())) == len(theirs) == len(mine) == 77
    my_works, book_works = build_works(mine), build_works(theirs)
    for my_key, book_key in same.items():
        a, b = my_works[my_key], book_works[book_key]
        assert (a.cite_label, a.title, a.url, a.category) == (
            b.cite_label,
            b.title,
            b.url,
            b.category,
        ), book_key
        assert _persons(mine[my_key]) == _persons(theirs[book_key]), book_key
        for name in FIELDS:
            assert a.fields.get(name) == b.fields.get(name), (book_key, name)


def test_seed_merges_are_commented_above_their_entries(seed_import: Path) -> None:
    text = (seed_import / "references.bib").read_text(encoding="utf-8")
    clarifai = text.split("@online{clarifai2025comparing")[0].rsplit("\n\n", 1)[1]
    assert clarifai.startswith("% Merged:")
    assert 'ch14 title "Comparing SGLang, vLLM, and TensorRT-LLM"' in clarifai
    assert "(title is the start of the other)" in clarifai
    openmeter = text.split("@online{openmeter2025real")[0].rsplit("\n\n", 1)[1]
    assert 'ch13 description "Open-source real-time metering"' in openmeter
    merged = [block for block in text.split("\n\n") if block.startswith("% Merged:")]
    assert len(merged) == 8  # BentoML, Clarifai, Stixor, NVIDIA, OpenMeter, MarkTechPost, Dao, Kwon


def test_seed_report(seed_import: Path) -> None:
    report = (seed_import / "report.md").read_text(encoding="utf-8")
    lines = report.splitlines()
    assert "106 entries in 15 chapters: 77 works, 21 of them cited in more than one entry." in lines
    assert lines[lines.index("## Lines not read") + 2] == "None."
    placeholders = [line for line in lines if line.startswith("- line ") and "http" in line]
    assert len(placeholders) == 20
    assert "- line 290: https://www.marktechpost.com/ (a bare domain) for " in report
    table = report.split("## Frequency table against the lists")[1].split("## Categories")[0]
    rows = [line for line in table.splitlines() if line.startswith("- line ")]
    # Six rows of the hand-kept table disagree with the lists; two agree.
    assert [row.split(":")[0] for row in rows] == [f"- line {n}" for n in (13, 14, 15, 16, 18, 19)]
    assert "the table says 1, 2, 3, the lists cite it in 1, 2, 3, 14" in table
    assert "the table says 4, 5, 7, the lists cite it in 1, 4, 5" in table
    assert "the table says 1, 3, 12, 14, the lists cite it in 12, 14" in table
    absent = [line for line in table.splitlines() if line.startswith("- not in the table")]
    assert len(absent) == 13
    assert any("Kwon et al. (2023)" in line and "1, 2, 3" in line for line in absent)


def test_seed_skeleton_builds_to_the_seeds_lists(seed_import: Path, tmp_path: Path) -> None:
    book = seed_import / "book"
    index = (book / "index.md").read_text(encoding="utf-8")
    assert index.startswith("# Productionizing ML Inference APIs: A Serving Engineer's Guide")
    assert ":numbered:" in index
    app = build_app(book, builddir=tmp_path / "build", freshenv=True)
    assert app.warning.getvalue() == ""
    data = json.loads((Path(app.outdir) / "citations.json").read_text(encoding="utf-8"))
    listing = parse_listing(SEED.read_text(encoding="utf-8"))
    imported = import_listing(listing)
    built = {
        int(c["number"]): [(r["key"], r["note"]) for r in c["references"]] for c in data["chapters"]
    }
    assert built == imported.lists
    assert [c["title"] for c in data["chapters"]] == [c.title for c in listing.chapters]
    # … and they are the seed's entries, one for one, notes included.
    for chapter in listing.chapters:
        assert [note for _, note in built[chapter.number]] == [e.note for e in chapter.entries]
    works_cited = (Path(app.outdir) / "works-cited.html").read_text(encoding="utf-8")
    assert "This chapter cites no sources." in works_cited  # chapter 15


def test_variations(tmp_path: Path) -> None:
    """Person lists, '&', notes, placeholders, URL variants, a chapter without sources."""
    status = _run(
        "import", VARIATIONS, "-o", tmp_path / "refs.bib", "--chapters", tmp_path / "book",
        "--report", tmp_path / "report.md",
    )  # fmt: skip
    assert status == 0
    entries = parse_file(tmp_path / "refs.bib").entries
    works = build_works(entries)
    by_label = {w.cite_label: w for w in works.values()}
    assert sorted(by_label) == [
        "Acme Labs, 2024a",
        "Acme Labs, 2024b",
        "Dao et al., 2024",
        "Hyperscale Blog, 2025",
        "Kwon & Li, 2023a",
        "Kwon & Li, 2023b",
        "Lee et al., 2022",
        "Ng et al., 2021",
    ]
    paged = by_label["Kwon & Li, 2023b"]  # http://www. and https:// with a slash: one URL
    assert _persons(entries[paged.key]) == ["Kwon, W.", "Li, Z."]
    assert paged.title == "Paged Serving: Memory for Many Streams"
    assert by_label["Kwon & Li, 2023a"].title == "Paged Serving: A Different Paper"
    lee = entries[by_label["Lee et al., 2022"].key]
    assert _persons(lee) == ["Lee, A.", "Kim, B.", "Park, C."]
    assert lee.type == "inproceedings"
    assert lee.fields["doi"] == "10.1145/3555050.3569130"
    ng = entries[by_label["Ng et al., 2021"].key]
    assert (ng.type, ng.fields["publisher"], _persons(ng)) == (
        "book",
        "Audio Press",
        ["Ng, Ann", "others"],
    )
    sdk = by_label["Acme Labs, 2024b"]  # the docs URL beats the placeholder
    assert (sdk.url, sdk.category.value) == (
        "https://docs.acme.example/sdk/reference",
        "vendor-docs",
    )
    assert by_label["Acme Labs, 2024a"].category.value == "industry"  # a pricing page
    assert _persons(entries[sdk.key]) == ["{Acme Labs}"]
    dao = by_label["Dao et al., 2024"]
    assert (dao.fields["eprint"], dao.category.value) == ("2407.08608", "academic")
    report = (tmp_path / "report.md").read_text(encoding="utf-8")
    assert "- line 37: https://acme.example/ (a bare domain)" in report
    assert "- line 43: https://hyperscale.example/blog/ (a section index (/blog/))" in report
    assert "- line 10: Acme Labs Docs (2024). — no work of the lists matches this row" in report
    assert "- line 11: Lee et al. (2022) — the table says 1, 2, the lists cite it in 1" in report

    app = build_app(tmp_path / "book", builddir=tmp_path / "build", freshenv=True)
    assert app.warning.getvalue() == ""
    data = json.loads((Path(app.outdir) / "citations.json").read_text(encoding="utf-8"))
    lists = {
        int(c["number"]): [(r["label"], r["note"]) for r in c["references"]]
        for c in data["chapters"]
    }
    assert lists == {
        1: [
            ("Kwon & Li, 2023b", "the two-author form"),
            ("Acme Labs, 2024b", "SDK v2, see `stream()` and [DONE] events"),
            ("Lee et al., 2022", None),
            ("Acme Labs, 2024a", None),
            ("Ng et al., 2021", None),
            ("Dao et al., 2024", None),
        ],
        2: [],
        3: [
            ("Kwon & Li, 2023b", "short title, same URL"),
            ("Acme Labs, 2024b", None),
            ("Dao et al., 2024", None),
            ("Kwon & Li, 2023a", None),
            ("Hyperscale Blog, 2025", None),
        ],
    }


@pytest.mark.parametrize(
    ("text", "line", "message"),
    [
        pytest.param(
            '## Chapter 1: A\n\n1. **Org**. "No year." https://x.example/a\n',
            3,
            "no year after the author",
            id="entry-without-year",
        ),
        pytest.param(
            '| Work | Chapters Referenced |\n|---|---|\n| Org (2020). "T." | 1 | 2 |\n'
            '| Other (2021). "U." | one, two |\n\n## Chapter 1: A\n\n'
            '1. **Org** (2020). "T." https://x.example/t\n',
            3,
            "table row has 3 cells, expected 2",
            id="broken-table",
        ),
        pytest.param(
            '## Chapter 1: A\n\n1. **Org** (2020). "T." https://x.example/t\n\n'
            '2. **Org** (2021). "The Second Work Was Cut Of',
            5,
            "unclosed title quote",
            id="truncated-file",
        ),
        pytest.param(
            '## Chapter 1: A\n\n1. **Org** (2020). "T." https://x.example/t [a note\n',
            3,
            "unclosed note bracket",
            id="unclosed-note",
        ),
        pytest.param("# Works Cited\n\nNothing here.\n", 3, 'no "## Chapter N', id="no-chapters"),
    ],
)
def test_malformed_input_is_reported_by_line(
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    text: str,
    line: int,
    message: str,
) -> None:
    source = tmp_path / "works-cited.md"
    source.write_text(text, encoding="utf-8")
    status = _run("import", source, "-o", tmp_path / "out.bib")
    err = capsys.readouterr().err
    assert status == 1
    assert f"{source}:{line}: {message}" in err
    assert "Traceback" not in err
    # What could be read is still written.
    assert (tmp_path / "out.bib").exists()


def test_broken_table_reports_every_bad_row(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    source = tmp_path / "works-cited.md"
    source.write_text(
        '| Work | Chapters Referenced |\n|---|---|\n| Org (2020). "T." | 1 | 2 |\n'
        '| Other (2021). "U." | one, two |\n| Cut (2022). "V.\n\n## Chapter 1: A\n\n'
        '1. **Org** (2020). "T." https://x.example/t\n',
        encoding="utf-8",
    )
    assert _run("import", source, "-o", tmp_path / "out.bib") == 1
    err = capsys.readouterr().err.splitlines()
    assert [line.split(": ", 1)[0] for line in err] == [f"{source}:{n}" for n in (3, 4, 5)]
    assert "chapters should be numbers separated by commas: 'one, two'" in err[1]
    assert "table row not closed by '|'" in err[2]


def test_usage_errors(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert _run("import", tmp_path / "missing.md", "-o", tmp_path / "x.bib") == 2
    err = capsys.readouterr().err
    assert err == f"sphinx-citations import: error: {tmp_path / 'missing.md'}: no such file\n"
    (tmp_path / "latin1.md").write_bytes("## Chapter 1: Caf\xe9\n".encode("latin-1"))
    assert _run("import", tmp_path / "latin1.md", "-o", tmp_path / "x.bib") == 2
    assert f"{tmp_path / 'latin1.md'}:1: not UTF-8 text" in capsys.readouterr().err
    # An existing skeleton is never overwritten, and nothing is written.
    (tmp_path / "book").mkdir()
    (tmp_path / "book" / "conf.py").write_text("# mine\n", encoding="utf-8")
    assert (
        _run("import", VARIATIONS, "-o", tmp_path / "y.bib", "--chapters", tmp_path / "book") == 2
    )
    assert "exists; not overwritten" in capsys.readouterr().err
    assert (tmp_path / "book" / "conf.py").read_text(encoding="utf-8") == "# mine\n"
    assert not (tmp_path / "y.bib").exists()
    with pytest.raises(SystemExit) as exit_:
        _run("import", VARIATIONS)  # no -o
    assert exit_.value.code == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "required: -o/--output" in err


@pytest.mark.parametrize("command", [[], ["import"], ["export"], ["diff"]])
def test_help_on_every_subcommand(command: list[str]) -> None:
    done = subprocess.run(
        [sys.executable, "-m", "sphinx_ext", *command, "--help"],
        capture_output=True,
        text=True,
        check=False,
        cwd=REPO,
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("usage: sphinx-citations")


def test_text_that_is_not_bibtex_is_written_as_bibtex(tmp_path: Path) -> None:
    """Unpaired braces, backslashes and '@' in the Markdown still give a .bib that reads back."""
    source = tmp_path / "works-cited.md"
    source.write_text(
        "## Chapter 1: A\n\n"
        '1. **Org {Lab** (2020). "Paths like C:\\temp } and @home." https://x.example/t '
        "[note with @ and {]\n\n"
        '2. **Org {Lab** (2020). "Paths like C:\\temp } and @home: Part Two." https://x.example/u\n',
        encoding="utf-8",
    )
    assert _run("import", source, "-o", tmp_path / "out.bib", "--chapters", tmp_path / "book") == 0
    entries = parse_file(tmp_path / "out.bib").entries
    assert len(entries) == 2
    titles = sorted(w.title for w in build_works(entries).values())
    assert titles == [
        "Paths like C:\\temp and @home",
        "Paths like C:\\temp and @home: Part Two",
    ]
    app = build_app(tmp_path / "book", builddir=tmp_path / "build", freshenv=True)
    data = json.loads((Path(app.outdir) / "citations.json").read_text(encoding="utf-8"))
    assert [r["label"] for r in data["chapters"][0]["references"]] == [
        "Org Lab, 2020a",
        "Org Lab, 2020b",
    ]
