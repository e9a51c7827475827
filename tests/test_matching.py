"""Labels, letters and matching on their own, no Sphinx."""

from __future__ import annotations

import pytest
from pybtex.database import parse_string

from sphinx_ext._matching import LabelIndex, Status
from sphinx_ext._parser import Item, parse_items
from sphinx_ext._works import Category, build_works, letters

BIB = r"""
@misc{rule, author = {{AssemblyAI}}, title = {The 300ms Rule}, year = 2025}
@misc{overview, author = {{AssemblyAI}}, title = {An Overview of Streaming}, year = 2025}
@misc{pricing, author = {{AssemblyAI}}, title = {Pricing and Feature Add-ons}, year = 2025}
@misc{old, author = {{AssemblyAI}}, title = {Old}, year = 2023}
@inproceedings{kwon, author = {Kwon, Woosuk and Li, Zhuohan and Zhuang, Siyuan},
  title = {PagedAttention}, booktitle = {SOSP}, year = 2023}
@article{two, author = {Smith, Jane and Jones, Karl}, title = {Two}, journal = {J}, year = 2020}
@article{one, author = {Lee, Min}, title = {One}, journal = {J}, year = 2021}
@article{others, author = {Dao, Tri and others}, title = {FA3}, journal = {J}, year = 2024}
@misc{aws, author = {{Amazon Web Services}}, shortauthor = {AWS}, title = {EC2}, year = 2025}
@manual{owasp, organization = {OWASP}, title = {API Top 10}, year = 2023}
@misc{muller, author = {M{\"u}ller, Anna}, title = {Accents}, year = 2022}
@book{sre, author = {Beyer, Betsy and Jones, Chris and Petoff, Jennifer}, title = {SRE},
  publisher = {O'Reilly}, year = 2016}
@misc{ankur, author = {{Ankur's Newsletter}}, title = {Price}, year = 2025}
"""


@pytest.fixture(scope="module")
def index() -> LabelIndex:
    return LabelIndex(build_works(parse_string(BIB, "bibtex").entries))


def item(text: str) -> Item:
    [parsed], malformed = parse_items(text)
    assert malformed == 0
    assert isinstance(parsed, Item)
    return parsed


def test_labels(index: LabelIndex) -> None:
    labels = {key: work.cite_label for key, work in index.works.items()}
    assert labels["kwon"] == "Kwon et al., 2023"
    assert labels["two"] == "Smith & Jones, 2020"
    assert labels["one"] == "Lee, 2021"
    assert labels["others"] == "Dao et al., 2024"
    assert labels["aws"] == "AWS, 2025"
    assert labels["owasp"] == "OWASP, 2023"
    assert labels["muller"] == "Müller, 2022"
    assert labels["old"] == "AssemblyAI, 2023"


def test_letters_follow_titles_ignoring_leading_articles(index: LabelIndex) -> None:
    # Without ignoring "The"/"An", the order would be overview, pricing, rule.
    letters_of = {k: index.works[k].letter for k in ("rule", "overview", "pricing")}
    assert letters_of == {"rule": "a", "overview": "b", "pricing": "c"}
    assert index.works["old"].letter == ""


def test_letters_beyond_z() -> None:
    assert letters(27)[-3:] == ["y", "z", "aa"]
    assert len(set(letters(100))) == 100


@pytest.mark.parametrize(
    ("text", "key"),
    [
        ("AssemblyAI, 2025a", "rule"),
        ("assemblyai, 2025c", "pricing"),
        ("Kwon et al., 2023", "kwon"),
        ("Kwon et al, 2023", "kwon"),
        ("Smith & Jones, 2020", "two"),
        ("Smith and Jones, 2020", "two"),
        ("Lee, 2021", "one"),
        ("AWS, 2025", "aws"),
        ("Amazon Web Services, 2025", "aws"),
        ("OWASP, 2023", "owasp"),
        ("Muller, 2022", "muller"),
        ("  MÜLLER ,  2022", "muller"),
        ("Ankur\u2019s Newsletter, 2025", "ankur"),
        ("kwon", "kwon"),
        ("KWON", "kwon"),
        ("Beyer et al., 2016, p. 42", "sre"),
    ],
)
def test_matches(index: LabelIndex, text: str, key: str) -> None:
    match = index.match(item(text))
    assert (match.status, match.key) == (Status.RESOLVED, key)


def test_ambiguous_lists_every_candidate_lettered(index: LabelIndex) -> None:
    match = index.match(item("AssemblyAI, 2025"))
    assert match.status is Status.AMBIGUOUS
    assert match.key is None
    assert match.candidates == (
        ("AssemblyAI, 2025a", "rule"),
        ("AssemblyAI, 2025b", "overview"),
        ("AssemblyAI, 2025c", "pricing"),
    )


def test_wrong_year_suggests_the_right_one(index: LabelIndex) -> None:
    match = index.match(item("Lee, 2022"))
    assert match.status is Status.UNKNOWN
    assert match.suggestions == ("Lee, 2021",)


def test_misspelt_name_suggests_close_labels(index: LabelIndex) -> None:
    match = index.match(item("Kwonn et al., 2023"))
    assert match.status is Status.UNKNOWN
    assert "Kwon et al., 2023" in match.suggestions


def test_letter_that_does_not_exist(index: LabelIndex) -> None:
    match = index.match(item("AssemblyAI, 2025d"))
    assert match.status is Status.UNKNOWN
    assert len(match.suggestions) == 3


def test_letter_on_a_unique_work_is_unknown(index: LabelIndex) -> None:
    assert index.match(item("Lee, 2021a")).status is Status.UNKNOWN


def test_name_without_year_is_a_missing_year(index: LabelIndex) -> None:
    match = index.match(item("Lee"))
    assert (match.status, match.missing_year) == (Status.UNKNOWN, True)
    assert match.suggestions == ("Lee, 2021",)


def test_unknown_key_suggests_close_keys(index: LabelIndex) -> None:
    match = index.match(item("kwonn"))
    assert match.status is Status.UNKNOWN
    assert match.suggestions == ("kwon",)


def test_nothing_close_suggests_nothing(index: LabelIndex) -> None:
    assert index.match(item("Zzyzx, 1999")).suggestions == ()


def test_categories() -> None:
    works = build_works(
        parse_string(
            r"""
            @book{b, author = {A, B}, title = {T}, year = 2000}
            @article{a, author = {A, B}, title = {T2}, year = 2001}
            @misc{arxiv, author = {A, B}, title = {T3}, year = 2002, eprint = {2401.00001}}
            @manual{m, author = {{V}}, title = {Docs}, year = 2003}
            @misc{blog, author = {{V}}, title = {Blog}, year = 2004}
            @misc{kw, author = {{V}}, title = {Std}, year = 2005, keywords = {standard, web}}
            @book{over, author = {{V}}, title = {X}, year = 2006, category = {industry}}
            """,
            "bibtex",
        ).entries
    )
    assert {k: w.category for k, w in works.items()} == {
        "b": Category.BOOK,
        "a": Category.ACADEMIC,
        "arxiv": Category.ACADEMIC,
        "m": Category.VENDOR_DOCS,
        "blog": Category.INDUSTRY,
        "kw": Category.STANDARD,
        "over": Category.INDUSTRY,
    }
