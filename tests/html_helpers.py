"""Small readers of built HTML, for assertions on what a reader sees."""

from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import Path


def read(outdir: Path | str, page: str) -> str:
    return (Path(outdir) / page).read_text(encoding="utf-8")


class _Collector(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.stack: list[tuple[str, dict[str, str]]] = []
        self.items: list[dict[str, str]] = []
        self.entries: list[dict[str, str]] = []
        self._item: dict[str, str] | None = None
        self._entry: dict[str, str] | None = None
        self._item_depth = 0
        self._entry_depth = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attributes = {k: v or "" for k, v in attrs}
        classes = attributes.get("class", "").split()
        if self._item is not None:
            self._item_depth += 1
            if tag == "a" and "href" in attributes:
                self._item["href"] = attributes["href"]
        elif "source-item" in classes:
            self._item = {
                "id": attributes.get("id", ""),
                "text": "",
                "href": "",
                "class": attributes.get("class", ""),
            }
            self._item_depth = 1
        if self._entry is not None:
            self._entry_depth += 1
            if tag == "a" and "source-backlink" in classes:
                self._entry["backlinks"] += attributes.get("href", "") + " "
        elif tag == "li" and "source-reference" in classes:
            self._entry = {"id": attributes.get("id", ""), "text": "", "backlinks": ""}
            self._entry_depth = 1

    def handle_endtag(self, tag: str) -> None:
        if self._item is not None:
            self._item_depth -= 1
            if self._item_depth == 0:
                self.items.append(self._item)
                self._item = None
        if self._entry is not None:
            self._entry_depth -= 1
            if self._entry_depth == 0:
                self._entry["text"] = " ".join(self._entry["text"].split())
                self.entries.append(self._entry)
                self._entry = None

    def handle_data(self, data: str) -> None:
        if self._item is not None:
            self._item["text"] += data
        if self._entry is not None:
            self._entry["text"] += data


def citation_items(html: str) -> list[dict[str, str]]:
    """Every ``source-item`` in the page: id, text, href, class."""
    collector = _Collector()
    collector.feed(html)
    return collector.items


def reference_entries(html: str) -> list[dict[str, str]]:
    """Every references-list entry in the page: id, text, backlinks."""
    collector = _Collector()
    collector.feed(html)
    return collector.entries


def citations_text(html: str) -> list[str]:
    """The visible text of each ``[Source: …]`` group."""
    groups = re.findall(r'<span class="source-citation">(.*?)</span>\]</span>', html, re.DOTALL)
    return [re.sub(r"<[^>]+>", "", g) + "]" for g in groups]
