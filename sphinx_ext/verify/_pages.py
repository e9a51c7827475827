"""What a fetched page says about itself: titles, a publication date, and the figures in its text.

Pure functions of the bytes read (no network): :func:`extract_page` parses at most the
bytes it is given with lxml, reads the title candidates from the head (``<title>``,
``citation_title``, Open Graph, Twitter, Dublin Core, JSON-LD ``headline``/``name``), asks
htmldate for the publication date (meta tags, JSON-LD, ``<time>``, Dublin Core, a dated
URL path), and takes the main text (``<main>`` or ``<article>``, else the body, without
navigation, headers, footers, asides, forms or scripts), whose figures (:mod:`._figures`)
are kept with a short excerpt each. Whatever the input (malformed HTML, huge attributes, deep
nesting, a wrong charset) the answer is a :class:`PageFacts`, never an exception.

>>> facts = extract_page(b"<html><head><title>GPU Serving | Example Blog</title>"
...     b'<meta property="article:published_time" content="2024-03-05T10:00:00Z"></head>'
...     b"<body><article><p>Latency fell to 300ms at the p50, a 2.5x gain.</p></article>"
...     b"</body></html>",
...     url="https://example.org/gpu")
>>> facts.state, facts.titles[0], facts.date
('read', ('title', 'GPU Serving | Example Blog'), '2024-03-05')
>>> sorted(facts.figures)
['2.5 x', '300 ms']
"""

from __future__ import annotations

import codecs
import hashlib
import json
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any, Final

__all__ = ["PageFacts", "decode_html", "extract_page"]

#: Figures kept per page, and the length of the excerpt kept around each.
MAX_FIGURES: Final = 2000
EXCERPT: Final = 60
#: Title candidates are cut to this length (a hostile page may put megabytes there).
MAX_TITLE: Final = 300
_MAX_JSON_LD: Final = 200_000

_META_TITLES: Final = {
    "citation_title": "citation_title",
    "og:title": "og:title",
    "twitter:title": "twitter:title",
    "dc.title": "dc.title",
    "dcterms.title": "dc.title",
}


@dataclass(frozen=True, slots=True)
class PageFacts:
    """What was extracted from one page; ``state`` is ``read`` or ``unchecked`` (``reason`` says
    why)."""

    state: str
    reason: str = ""
    titles: tuple[tuple[str, str], ...] = ()
    """``(where, title)`` candidates, in order of preference."""
    date: str | None = None
    """The publication date htmldate found, ``YYYY-MM-DD``."""
    digest: str = ""
    """SHA-256 of the main text, to tell a changed page."""
    figures: dict[str, str] = field(default_factory=dict)
    """Canonical figure key → an excerpt of the text around its first occurrence."""
    bytes_read: int = 0
    truncated: bool = False

    @property
    def read(self) -> bool:
        return self.state == "read"

    @classmethod
    def unchecked(cls, reason: str, *, bytes_read: int = 0) -> PageFacts:
        return cls("unchecked", reason, bytes_read=bytes_read)

    def to_json(self) -> dict[str, Any]:
        return {
            "state": self.state,
            "reason": self.reason,
            "titles": [list(t) for t in self.titles],
            "date": self.date,
            "digest": self.digest,
            "figures": dict(sorted(self.figures.items())),
            "bytes_read": self.bytes_read,
            "truncated": self.truncated,
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> PageFacts:
        """Rebuild from :meth:`to_json`; raises on a malformed record."""
        return cls(
            state=str(data["state"]),
            reason=str(data.get("reason", "")),
            titles=tuple((str(a), str(b)) for a, b in data.get("titles", ())),
            date=None if data.get("date") is None else str(data["date"]),
            digest=str(data.get("digest", "")),
            figures={str(k): str(v) for k, v in dict(data.get("figures", {})).items()},
            bytes_read=int(data.get("bytes_read", 0)),
            truncated=bool(data.get("truncated", False)),
        )


_META_CHARSET: Final = re.compile(
    rb"""<meta[^>]{0,200}?charset\s*=\s*["']?\s*([A-Za-z0-9_.:-]{1,40})""", re.IGNORECASE
)


_XML_DECLARATION: Final = re.compile(r"^\s*<\?xml[^>]{0,200}\?>")


def _codec(name: str | None) -> str | None:
    if not name:
        return None
    try:
        return codecs.lookup(name.strip().strip("\"'")).name
    except LookupError:
        return None


def decode_html(body: bytes, charset: str | None = None) -> str:
    """The page's text: the declared charset (header, then ``<meta>``) if the bytes fit it, else a
    guess.

    Bytes that are valid UTF-8 are UTF-8 whatever the page declares (a page declaring
    Latin-1 and written in UTF-8 would otherwise become mojibake); otherwise the declared
    charset, then Windows-1252, then Latin-1, which never fails (a wrong charset costs
    accents, never the page).

    >>> decode_html("café".encode("latin-1"), "utf-8")
    'café'
    >>> decode_html("café".encode("utf-8"), "iso-8859-1")
    'café'
    >>> decode_html('<meta charset="windows-1252"><p>caf\\xe9'.encode("cp1252"))[-4:]
    'café'
    """
    declared = [_codec(charset)]
    match = _META_CHARSET.search(body[:4096])
    if match:
        declared.append(_codec(match.group(1).decode("ascii", "replace")))
    for name in ["utf-8", *declared, "cp1252"]:
        if name is None:
            continue
        try:
            return body.decode(name)
        except (UnicodeDecodeError, LookupError):
            continue
    return body.decode("latin-1")


def _clean(text: str) -> str:
    return " ".join(text.split())[:MAX_TITLE]


def _json_ld_titles(data: Any, depth: int = 0) -> Iterator[tuple[str, str]]:
    if depth > 8:
        return
    if isinstance(data, list):
        for item in data[:50]:
            yield from _json_ld_titles(item, depth + 1)
    elif isinstance(data, dict):
        for name in ("headline", "name"):
            value = data.get(name)
            if isinstance(value, str) and value.strip():
                yield f"json-ld {name}", _clean(value)
        graph = data.get("@graph")
        if graph is not None:
            yield from _json_ld_titles(graph, depth + 1)


def _titles(tree: Any) -> list[tuple[str, str]]:
    found: list[tuple[str, str]] = []
    for element in tree.iter("title"):
        text = element.text_content() if hasattr(element, "text_content") else element.text
        if text and text.strip():
            found.append(("title", _clean(text)))
            break
    metas: list[tuple[str, str]] = []
    for element in tree.iter("meta"):
        name = (element.get("property") or element.get("name") or "").strip().lower()
        where = _META_TITLES.get(name)
        content = element.get("content")
        if where and content and content.strip():
            metas.append((where, _clean(content)))
    order = list(dict.fromkeys(_META_TITLES.values()))
    found += sorted(metas, key=lambda m: order.index(m[0]))
    for element in tree.iter("script"):
        if (element.get("type") or "").strip().lower() != "application/ld+json":
            continue
        text = element.text or ""
        if len(text) > _MAX_JSON_LD:
            continue
        try:
            data = json.loads(text)
        except (ValueError, RecursionError):
            continue
        found += list(_json_ld_titles(data))[:20]
    return list(dict.fromkeys(found))


def _date(tree: Any, url: str) -> str | None:
    from htmldate import find_date

    # No warnings.catch_warnings() here: pages are read in worker threads, and before Python
    # 3.14 it swaps the filter list of the whole process (the main thread's included). A
    # warning the host turned into an error (dateutil's about a time zone it does not know)
    # costs the date alone, not the page.
    try:
        found = find_date(
            tree,
            url=url or None,
            original_date=True,
            extensive_search=False,
            outputformat="%Y-%m-%d",
        )
    except Exception:  # noqa: BLE001 - a date is optional; hostile input must not cost the page
        return None
    return found if isinstance(found, str) else None


_BOILERPLATE: Final = (
    "script",
    "style",
    "noscript",
    "template",
    "nav",
    "header",
    "footer",
    "aside",
    "form",
    "button",
    "select",
    "menu",
    "svg",
)


def _main_text(tree: Any) -> str:
    """The text of the page's ``<main>`` or ``<article>`` if it has one, else of its body,
    without navigation, headers, footers, asides, forms and scripts.

    What a page shows only without JavaScript (``<noscript>``: "enable JavaScript to run
    this app") is not its text either.
    """
    for element in list(tree.iter(*_BOILERPLATE)):
        if element.getparent() is not None:
            element.drop_tree()
    root = tree.find(".//body")
    for tag in ("main", "article"):
        found = tree.find(f".//{tag}")
        if found is not None and found.text_content().strip():
            root = found
            break
    # Blocks are separate words ("<h1>Title</h1><p>In…" is not "TitleIn…").
    return " ".join(" ".join((root if root is not None else tree).itertext()).split())


def _figures(text: str) -> dict[str, str]:
    from ._figures import find_figures

    found: dict[str, str] = {}
    for figure in find_figures(text):
        if figure.key in found:
            continue
        start = max(0, figure.start - EXCERPT)
        end = figure.start + len(figure.text) + EXCERPT
        found[figure.key] = " ".join(text[start:end].split())
        if len(found) >= MAX_FIGURES:
            break
    return found


def extract_page(
    body: bytes, *, url: str = "", charset: str | None = None, truncated: bool = False
) -> PageFacts:
    """The facts of an HTML page's (possibly truncated) bytes; ``unchecked`` when it shows nothing.

    A page with no title and no text (one that needs JavaScript to show anything) is
    ``unchecked``: it can be neither confirmed nor contradicted.
    """
    try:
        import lxml.html

        text = _XML_DECLARATION.sub("", decode_html(body, charset), count=1)
        if not text.strip():
            return PageFacts.unchecked("empty page", bytes_read=len(body))
        parser = lxml.html.HTMLParser(
            remove_comments=True, remove_pis=True, no_network=True, huge_tree=False
        )
        tree = lxml.html.document_fromstring(text, parser=parser)
        titles = _titles(tree)
        date = _date(tree, url)
        main = _main_text(tree)
        if not titles and not main.strip():
            return PageFacts.unchecked(
                "the page shows nothing without JavaScript (no title, no text)",
                bytes_read=len(body),
            )
        return PageFacts(
            state="read",
            titles=tuple(titles),
            date=date,
            digest=hashlib.sha256(main.encode("utf-8", "replace")).hexdigest(),
            figures=_figures(main),
            bytes_read=len(body),
            truncated=truncated,
        )
    except Exception as err:  # noqa: BLE001 - hostile input must never abort the run
        return PageFacts.unchecked(
            f"unreadable HTML: {type(err).__name__}: {err}"[:200], bytes_read=len(body)
        )
