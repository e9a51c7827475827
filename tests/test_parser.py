"""The ``[Source: …]`` parser on its own, no Sphinx."""

from __future__ import annotations

import pytest

from sphinx_ext._parser import (
    Citation,
    Item,
    LocatorKind,
    Malformed,
    ParseProblem,
    UnclosedCitation,
    find_citations,
    locator_kind,
    parse_items,
)


def well_formed(citation: Citation) -> tuple[Item, ...]:
    """The citation's items that parsed, without the malformed ones."""
    return tuple(item for item in citation.items if isinstance(item, Item))


def only_citation(text: str) -> Citation:
    [found] = find_citations(text)
    assert isinstance(found, Citation)
    return found


@pytest.mark.parametrize(
    ("text", "name", "year", "letter", "locator"),
    [
        ("[Source: Deepgram, 2025]", "Deepgram", "2025", None, None),
        ("[Source: Kwon et al., 2023]", "Kwon et al.", "2023", None, None),
        ("[Source: Smith & Jones, 2020]", "Smith & Jones", "2020", None, None),
        ("[Source: Beyer et al., 2016, p. 42]", "Beyer et al.", "2016", None, "p. 42"),
        ("[Source: AssemblyAI, 2025b]", "AssemblyAI", "2025", "b", None),
        ("[Source: X, 2025aa, sec. 3, para 2]", "X", "2025", "aa", "sec. 3, para 2"),
        ("[Source:   Deepgram ,   2025  ]", "Deepgram", "2025", None, None),
        ("[Source: Google, Inc., 2019]", "Google, Inc.", "2019", None, None),
        ("[Source: Anon, n.d.]", "Anon", "n.d.", None, None),
    ],
)
def test_one_item(text: str, name: str, year: str, letter: str | None, locator: str | None) -> None:
    [item] = only_citation(text).items
    assert item == Item(text=item.text, name=name, year=year, letter=letter, locator=locator)


def test_span_covers_the_brackets() -> None:
    text = "Latency [Source: Deepgram, 2025] matters."
    citation = only_citation(text)
    assert text[citation.start : citation.end] == "[Source: Deepgram, 2025]"


def test_several_items_keep_their_order() -> None:
    citation = only_citation("[Source: BentoML, 2025; Anyscale, 2023, p. 4; kwon2023paged]")
    names = [(i.name, i.key) for i in well_formed(citation)]
    assert names == [("BentoML", None), ("Anyscale", None), (None, "kwon2023paged")]


def test_key_item() -> None:
    [item] = only_citation("[Source: kwon2023paged]").items
    assert isinstance(item, Item)
    assert item.key == "kwon2023paged"
    assert item.name is None


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ("[Source: ]", ParseProblem.EMPTY_ITEM),
        ("[Source: Deepgram, 2025; ]", ParseProblem.EMPTY_ITEM),
        ("[Source: , 2025]", ParseProblem.EMPTY_ITEM),
        ("[Source: Deepgram Inc]", ParseProblem.NO_YEAR),
        ("[Source: Deepgram Inc, soon]", ParseProblem.NO_YEAR),
        ("[Source: Deepgram 2025]", ParseProblem.NO_YEAR),
        ("[Source: Deepgram, 2025 [draft]]", ParseProblem.NESTED_BRACKET),
        ("[Source: Deepgram, 2025B]", ParseProblem.BAD_LETTER),
        ("[Source: Deepgram, 2025-b]", ParseProblem.BAD_LETTER),
        ("[Source: Deepgram, 20255]", ParseProblem.BAD_LETTER),
    ],
)
def test_malformed_items(text: str, problem: ParseProblem) -> None:
    malformed = [i for i in only_citation(text).items if isinstance(i, Malformed)]
    assert [m.problem for m in malformed] == [problem]
    assert malformed[0].message


def test_unclosed_citation_stops_at_the_next_opener() -> None:
    text = "A [Source: Deepgram, 2025 and B [Source: Anyscale, 2023]."
    first, second = find_citations(text)
    assert isinstance(first, UnclosedCitation)
    assert text[first.start : first.end] == "[Source: Deepgram, 2025 and B "
    assert isinstance(second, Citation)
    assert well_formed(second)[0].name == "Anyscale"


def test_unclosed_at_the_end() -> None:
    [found] = find_citations("ends [Source: Deepgram, 2025")
    assert isinstance(found, UnclosedCitation)
    assert found.problem is ParseProblem.UNCLOSED


@pytest.mark.parametrize(
    "text", ["[source: Deepgram, 2025]", "[SOURCE:Deepgram, 2025]", "[ Source : Deepgram, 2025]"]
)
def test_the_opener_in_any_case_and_spacing(text: str) -> None:
    citation = only_citation(f"as said {text}.")
    assert (citation.start, citation.end) == (8, 8 + len(text))
    assert [(i.name, i.year) for i in well_formed(citation)] == [("Deepgram", "2025")]


def test_plain_brackets_are_not_citations() -> None:
    assert find_citations("a [link] and [Sources are fine] and [Source-less]") == []


def test_role_syntax() -> None:
    items, malformed = parse_items("Kwon et al., 2023, p. 5; Deepgram, 2025")
    assert malformed == 0
    assert [i.locator for i in items if isinstance(i, Item)] == ["p. 5", None]


@pytest.mark.parametrize(
    ("locator", "kind"),
    [
        ("p. 42", LocatorKind.PAGE),
        ("pp. 3-5", LocatorKind.PAGES),
        ("ch. 4", LocatorKind.CHAPTER),
        ("sec. 2", LocatorKind.SECTION),
        ("§ 2.1", LocatorKind.SECTION),
        ("Table 3", LocatorKind.FREE),
        ("see p. 3", LocatorKind.PAGE),
        ("page 7", LocatorKind.PAGE),
        ("p42", LocatorKind.PAGE),
        ("xiv", LocatorKind.PAGE),
        ("12-14", LocatorKind.PAGES),
        ("chapter 21", LocatorKind.CHAPTER),
        ("ch. 4, p. 12", LocatorKind.PAGE),
        ("pt. 1", LocatorKind.FREE),
    ],
)
def test_locator_kinds(locator: str, kind: LocatorKind) -> None:
    assert locator_kind(locator) is kind


def test_key_with_a_locator() -> None:
    [item] = only_citation("[Source: kwon2023paged, p. 5]").items
    assert isinstance(item, Item)
    assert (item.key, item.locator, item.name) == ("kwon2023paged", "p. 5", None)


@pytest.mark.parametrize(
    ("text", "said", "suggested"),
    [
        (
            "[Source: Deepgram 2025]",
            "missing comma between the name and the year",
            "Deepgram, 2025",
        ),
        ("[Source: Deepgram 2025b, p. 4]", "missing comma", "Deepgram, 2025b, p. 4"),
        ("[Source: Deepgram, 2025 p. 4]", "missing comma after the year", "Deepgram, 2025, p. 4"),
        (
            "[Source: Deepgram, 2025 [draft]]",
            "a bracket inside",
            "[Source: Deepgram, 2025] [draft]",
        ),
    ],
)
def test_messages_say_what_is_wrong_and_suggest_the_fix(
    text: str, said: str, suggested: str
) -> None:
    [found] = find_citations(text)
    assert isinstance(found, Citation)
    assert found.end == len(text)  # the whole citation, nested bracket included
    [item] = found.items
    assert isinstance(item, Malformed)
    assert said in item.message
    assert repr(suggested) in item.message


def test_quoted_text_in_messages_is_cut() -> None:
    long_name = "Deepgram " * 1200 + "2025"
    [found] = find_citations(f"[Source: {long_name}]")
    assert isinstance(found, Citation)
    [item] = found.items
    assert isinstance(item, Malformed)
    assert len(item.message) < 300
    assert "…" in item.message
