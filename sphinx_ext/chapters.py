"""Which documents are chapters, read off the toctrees.

A chapter is a top-level entry of a numbered toctree in the root document;
its number is its Sphinx section number, and every document below it in the
toctree belongs to it. Entries of unnumbered toctrees (front matter, the
Works Cited) are not chapters.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from sphinx_ext._book import Chapter

if TYPE_CHECKING:
    from collections.abc import Collection, Mapping

    from sphinx.environment import BuildEnvironment

__all__ = ["find_chapters", "in_reading_order"]


def find_chapters(env: BuildEnvironment, list_docnames: Collection[str]) -> list[Chapter]:
    """The book's chapters in order. Needs section numbers, so call it after reading.

    *list_docnames* are the documents holding a ``{chapter-references}``;
    the chapter containing one shows its list there.
    """
    root = env.config.root_doc
    chapters: list[Chapter] = []
    for docname in env.toctree_includes.get(root, ()):
        number = env.toc_secnumbers.get(docname, {}).get("")
        if not number or len(number) != 1:
            continue
        docnames = _descendants(env.toctree_includes, docname)
        list_docname = next((d for d in docnames if d in list_docnames), docname)
        title = env.titles[docname].astext() if docname in env.titles else docname
        chapters.append(Chapter(number[0], title, docname, docnames, list_docname))
    return chapters


def in_reading_order(env: BuildEnvironment, docnames: Collection[str]) -> list[str]:
    """*docnames* in the order of the root document's toctrees; others after, by name."""
    order = {d: n for n, d in enumerate(_descendants(env.toctree_includes, env.config.root_doc))}
    return sorted(docnames, key=lambda d: (order.get(d, len(order)), d))


def _descendants(includes: Mapping[str, list[str]], start: str) -> tuple[str, ...]:
    order: list[str] = []
    seen: set[str] = set()
    stack = [start]
    while stack:
        docname = stack.pop()
        if docname in seen:
            continue
        seen.add(docname)
        order.append(docname)
        stack.extend(reversed(includes.get(docname, ())))
    return tuple(order)
