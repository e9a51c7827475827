"""Every field a reader needs, for every entry type: checked against sphinxcontrib-bibtex's
rendering."""

from __future__ import annotations

import html
import re

import pytest
from pybtex.database import parse_file, parse_string

from sphinx_ext._formatting import format_entry
from sphinx_ext._works import build_works, plain
from tests.conftest import ROOTS, BuildRoot
from tests.html_helpers import read, reference_entries

BIB = ROOTS / "test-entry-types" / "refs.bib"
#: Fields whose value a reader needs to find the work.
FIELDS = (
    "journal",
    "volume",
    "number",
    "pages",
    "booktitle",
    "publisher",
    "address",
    "institution",
    "school",
    "type",
    "chapter",
    "series",
    "organization",
    "howpublished",
    "doi",
    "url",
    "note",
)


def _bibtex_entries(page: str) -> list[str]:
    """The text of each sphinxcontrib-bibtex citation on the page."""
    found = re.findall(r'<div class="citation"[^>]*>(.*?)</div>', page, re.DOTALL)
    return [" ".join(html.unescape(re.sub(r"<[^>]+>", " ", text)).split()) for text in found]


def _present(value: str, text: str) -> bool:
    return " ".join(plain(value).split()).casefold() in text.replace(" ,", ",").casefold()


def _editions(value: str) -> tuple[str, ...]:
    return (value,) if not value.isdigit() else (f"{value}th", f"{value}nd", f"{value}rd")


@pytest.fixture(scope="module")
def built(build_root: BuildRoot) -> tuple[dict[str, str], dict[str, str]]:
    """key → sphinxcontrib-bibtex's entry text, key → our entry text."""
    app = build_root("entry-types")
    assert app.warning.getvalue() == ""
    data = parse_file(str(BIB))
    theirs_all = _bibtex_entries(read(app.outdir, "bibliography.html"))
    theirs: dict[str, str] = {}
    for key, entry in data.entries.items():
        title = plain(entry.fields["title"]).casefold()
        for text in theirs_all:
            if title in text.casefold():
                theirs[key] = text
    ours = {
        entry["id"].removeprefix("ref-"): entry["text"]
        for entry in reference_entries(read(app.outdir, "chapter.html"))
    }
    return theirs, ours


def test_every_standard_type_is_compared(built: tuple[dict[str, str], dict[str, str]]) -> None:
    theirs, ours = built
    standard = {
        "article", "book", "booklet", "inbook", "incollection", "inproceedings", "manual",
        "mastersthesis", "misc", "phdthesis", "proceedings", "techreport", "unpublished",
    }  # fmt: skip
    assert set(theirs) == standard
    assert set(ours) == standard | {"conference", "online"}


def test_every_field_sphinxcontrib_bibtex_shows_is_in_our_entry(
    built: tuple[dict[str, str], dict[str, str]],
) -> None:
    theirs, ours = built
    data = parse_file(str(BIB))
    compared = 0
    for key, text in theirs.items():
        entry = data.entries[key]
        for name in FIELDS:
            value = entry.fields.get(name)
            if value and _present(value, text):
                compared += 1
                assert _present(value, ours[key]), f"{key}: {name} {value!r} missing: {ours[key]}"
        edition = entry.fields.get("edition")
        if edition:
            assert any(_present(v, ours[key]) for v in _editions(edition)), ours[key]
        for role in ("author", "editor"):
            for person in entry.persons.get(role, ()):
                family = plain(" ".join(person.last_names))
                if family in text and role == "editor":
                    compared += 1
                    assert family in ours[key], f"{key}: editor {family} missing: {ours[key]}"
    assert compared >= 40


def test_types_pybtex_cannot_format_keep_their_fields(
    built: tuple[dict[str, str], dict[str, str]],
) -> None:
    _, ours = built
    assert (
        "International Conference on Learning Representations, pp. 1–14. ICLR."
        in ours["conference"]
    )
    assert "https://platform.openai.com/docs/guides/realtime" in ours["online"]


def _formatted(key: str) -> str:
    data = parse_file(str(BIB))
    works = build_works(data.entries)
    return str(format_entry(works[key], data.entries[key]).render_as("text"))


@pytest.mark.parametrize(
    ("key", "expected"),
    [
        (
            "article",
            (
                "Kalai, E. & Lehrer, E. (1993). “Rational Learning Leads to Nash Equilibrium.” "
                "Econometrica 61(5), pp. 1019–1045. doi:10.2307/2951492 "
                "https://www.jstor.org/stable/2951492"
            ),
        ),
        (
            "book",
            (
                "Ljungqvist, L. & Sargent, T. J. (2018). Recursive Macroeconomic Theory. "
                "Economics, Vol. 1. 4th ed. Cambridge, MA: MIT Press."
            ),
        ),
        (
            "incollection",
            (
                "Rust, J. (1996). “Numerical Dynamic Programming in Economics.” In Amman, H. M., "
                "Kendrick, D. A. & Rust, J. (Eds.), Handbook of Computational Economics, Vol. 1, "
                "pp. 619–729. Amsterdam: Elsevier."
            ),
        ),
        (
            "techreport",
            (
                "Hansen, L. P. & Sargent, T. J. (2001). “Robust Control and Model Uncertainty.” "
                "Staff Report 282, Federal Reserve Bank of Minneapolis, Minneapolis."
            ),
        ),
        (
            "phdthesis",
            (
                "Jordan, J. S. (1982). “Essays on Bayesian Learning.” PhD thesis, "
                "University of Minnesota, Minneapolis."
            ),
        ),
        (
            "mastersthesis",
            (
                "Dupont, J.-P. (2001). “Learning in Repeated Games.” Master’s thesis, "
                "ETH Zurich, Zurich."
            ),
        ),
        (
            "proceedings",
            (
                "Ng, A. & Russell, S. (Eds.) (2000). Proceedings of the Seventeenth International "
                "Conference on Machine Learning. Vol. 17. San Francisco: Morgan Kaufmann."
            ),
        ),
        (
            "inbook",
            (
                "Stokey, N. L. & Lucas, R. E. (1989). Recursive Methods in Economic Dynamics. "
                "Chapter 4, pp. 66–103. Cambridge, MA: Harvard University Press."
            ),
        ),
        (
            "inproceedings",
            (
                "Kwon, W., et al. (2023). “Efficient Memory Management for Large Language Model "
                "Serving with PagedAttention.” In Flinn, J. & Seltzer, M. (Eds.), Proceedings of "
                "the 29th Symposium on Operating Systems Principles, pp. 611–626. New York: ACM. "
                "doi:10.1145/3600006.3613165"
            ),
        ),
    ],
)
def test_entries_in_the_seeds_look(key: str, expected: str) -> None:
    assert _formatted(key) == expected


def test_names_as_the_seed_writes_them() -> None:
    """Initials, like the seed's ``Dao, T., et al.``; particles and organizations kept whole."""
    assert _formatted("inproceedings").startswith("Kwon, W., et al. (2023).")
    data = parse_string(
        r"""@article{vdb, author = {van der Berg, Anna Maria and M{\"u}ller, {\"O}zge},
                      title = {T}, year = 2020}
            @misc{rh, author = {{Red Hat}}, title = {U}, year = 2021}""",
        "bibtex",
    )
    works = build_works(data.entries)
    shown = {k: str(format_entry(works[k], e).render_as("text")) for k, e in data.entries.items()}
    assert shown["vdb"].startswith("van der Berg, A. M. & Müller, Ö. (2020).")
    assert shown["rh"].startswith("Red Hat (2021).")


def _section(page: str, section_id: str) -> str:
    return page.split(f'id="{section_id}"')[1].split("</section>")[0]


def test_categories_from_every_type(build_root: BuildRoot) -> None:
    app = build_root("entry-types")
    page = read(app.outdir, "works.html")
    reports = _section(page, "works-cited-report")
    assert "Reports and Working Papers" in reports
    assert 'id="ref-techreport"' in reports and 'id="ref-unpublished"' in reports
    academic = _section(page, "works-cited-academic")
    for key in ("article", "inproceedings", "conference", "phdthesis", "mastersthesis"):
        assert f'id="ref-{key}"' in academic, key
    books = _section(page, "works-cited-book")
    for key in ("book", "booklet", "inbook", "incollection"):
        assert f'id="ref-{key}"' in books, key
    assert 'id="ref-manual"' in _section(page, "works-cited-vendor-docs")
    assert 'id="ref-misc"' in _section(page, "works-cited-industry")


def test_categories_and_their_titles_are_set_in_conf_py(build_root: BuildRoot) -> None:
    app = build_root(
        "entry-types",
        confoverrides={
            "citations_categories": {"phdthesis": "report", "MastersThesis": "report"},
            "citations_category_titles": {"report": "Working Papers and Theses"},
        },
    )
    assert app.warning.getvalue() == ""
    reports = _section(read(app.outdir, "works.html"), "works-cited-report")
    assert "Working Papers and Theses" in reports
    for key in ("techreport", "unpublished", "phdthesis", "mastersthesis"):
        assert f'id="ref-{key}"' in reports, key


def test_a_category_that_does_not_exist_is_a_config_warning(build_root: BuildRoot) -> None:
    app = build_root("entry-types", confoverrides={"citations_categories": {"misc": "blogs"}})
    assert "citations_categories: unknown categories blogs" in app.warning.getvalue()
    assert "[citations.config]" in app.warning.getvalue()


def test_references_in_alphabetical_order_numbered_in_that_order(build_root: BuildRoot) -> None:
    first = [
        e["id"] for e in reference_entries(read(build_root("entry-types").outdir, "chapter.html"))
    ]
    assert first[:3] == ["ref-article", "ref-book", "ref-booklet"]  # as cited
    app = build_root("entry-types", confoverrides={"citations_references_order": "alphabetical"})
    page = read(app.outdir, "chapter.html")
    ids = [e["id"].removeprefix("ref-") for e in reference_entries(page)]
    data = parse_file(str(BIB))
    labels = {k: w.cite_label for k, w in build_works(data.entries).items()}
    assert ids == sorted(ids, key=lambda k: labels[k].casefold())
    assert ids[:3] == ["conference", "misc", "mastersthesis"]  # Dao, Deepgram, Dupont
    import json

    references = json.loads(read(app.outdir, "citations.json"))["chapters"][0]["references"]
    assert [(r["number"], r["key"]) for r in references] == list(enumerate(ids, start=1))


def test_a_pybtex_style_formats_the_entry_without_unsafe_links() -> None:
    import pybtex.plugin

    from sphinx_ext._formatting import format_with_style

    data = parse_string(
        "@article{a, author = {Kalai, Ehud}, title = {T}, journal = {J}, year = 1993,"
        " url = {javascript:alert(1)}}"
        "@article{b, author = {Kalai, Ehud}, title = {U}, journal = {J}, year = 1993,"
        " url = {https://example.org/u}}",
        "bibtex",
    )
    works = build_works(data.entries)
    style = pybtex.plugin.find_plugin("pybtex.style.formatting", "alpha")()
    unsafe = format_with_style(style, "Kal93a", works["a"], data.entries["a"]).render_as("html")
    safe = format_with_style(style, "Kal93b", works["b"], data.entries["b"]).render_as("html")
    assert unsafe.startswith("[Kal93a] Ehud Kalai.")
    assert "javascript:alert(1)" in unsafe and "<a " not in unsafe
    assert '<a href="https://example.org/u">' in safe
