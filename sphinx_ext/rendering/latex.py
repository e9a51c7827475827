"""LaTeX rendering: ``\\hyperlink``/``\\hypertarget`` pairs, one name per anchor.

Every ``source_item`` and every references entry becomes a
``\\hypertarget`` named after the document it is written in and its id
(:func:`target_name`); an item's link to its entry and an entry's links back
to the items become ``\\hyperlink``\\ s to those names. The link's ``refuri``
(``%docname#anchor``, what the LaTeX builder's ``get_relative_uri`` gives)
names the same document and id, so link and target always agree, in the one
``.tex`` file that holds the whole book.

Titles and captions are moving arguments: LaTeX writes them to the table of
contents, the list of figures, the running heads and the PDF bookmarks, where
``\\hyperlink`` breaks the build. There the links are ``\\sphinxsrclink``,
a robust macro of the extension's LaTeX package (:data:`LATEX_PACKAGE`)
that is a ``\\hyperlink`` in the text and plain text in those lists. An
item's target in a section title is placed right after the heading, so that
no running head or contents line repeats it.

A References section is unnumbered, as in HTML, but still listed in the
table of contents and the PDF bookmarks.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import TYPE_CHECKING

from docutils import nodes
from sphinx import addnodes

from sphinx_ext._citation_map import map_tikz
from sphinx_ext.domain import get_domain
from sphinx_ext.placing import fill_list_when_written, release_when_written

if TYPE_CHECKING:
    from sphinx.application import Sphinx
    from sphinx.config import Config
    from sphinx.writers.latex import LaTeXTranslator

__all__ = [
    "BACKLINKS",
    "CITATION",
    "ENTRY",
    "ITEM",
    "LATEX_PACKAGE",
    "LIST",
    "MAP",
    "SECTION_TITLE",
    "TITLE",
    "WHOLE_BOOK",
    "adjust_tables",
    "chapters_open_any",
    "number_chapters_only",
    "setup",
    "target_name",
]

#: The name of the LaTeX package the extension writes next to the ``.tex``.
LATEX_PACKAGE = "sphinxsourcecitations"

_PACKAGE_TEXT = r"""\NeedsTeXFormat{LaTeX2e}
\ProvidesPackage{sphinxsourcecitations}[2026/02/01 v1.0 source citations (sphinx_ext)]
% URLs break only after / . - ? & = (never inside a word), and their letters
% are never spaced out to fill a line: the reference lists are ragged-right.
\def\UrlBreaks{\do\/\do\.\do\-\do\?\do\&\do\=}
\def\UrlBigBreaks{}
\def\UrlNoBreaks{\do\(\do\[\do\{\do\<}
% Every other character is ordinary (no break after a : or a +).
\def\UrlOrds{\do\*\do\~\do\'\do\"\do\:\do\+\do\;\do\!\do\_\do\|\do\@\do\>\do\]\do\)\do\,}
\Urlmuskip=0mu\relax
\newenvironment{sphinxsrcreferences}{\par\raggedright}{\par}
% The citation map: a TikZ picture per 40 rows; its columns share what the
% line leaves beside the labels, at most 1.4em each.
\RequirePackage{tikz}
\newlength\sphinxsrcmapcolumn
\newlength\sphinxsrcmaprow
\tikzset{
  sphinxsrcmap/.style={x=\sphinxsrcmapcolumn, y=-\sphinxsrcmaprow, font=\scriptsize},
  sphinxsrcmapgrid/.style={draw=black!25, line width=0.3pt},
  sphinxsrcmaphead/.style={anchor=south, inner sep=1pt},
  sphinxsrcmaplabel/.style={anchor=east, inner sep=1pt},
  sphinxsrcmapcell/.style={inner sep=0pt},
}
\newcommand\sphinxsrcmapmark{\rule{.7\sphinxsrcmapcolumn}{.7\sphinxsrcmaprow}}
\newenvironment{sphinxsrcmap}[1]{%
  \par\medskip\noindent
  \setlength\sphinxsrcmapcolumn{\dimexpr .5\linewidth / #1\relax}%
  \ifdim\sphinxsrcmapcolumn>1.4em\setlength\sphinxsrcmapcolumn{1.4em}\fi
  \setlength\sphinxsrcmaprow{1.1em}%
  \ifdim\sphinxsrcmapcolumn<1.3em
    \tikzset{sphinxsrcmaphead/.style={anchor=west, rotate=90, inner sep=1pt}}%
  \fi
  \begingroup\setlength\parskip{\smallskipamount}%
}{\par\endgroup\medskip}
% An inline citation is set upright, like the text around it (Sphinx sets
% its cross-references in italics).
\protected\def\sphinxsrcitem#1{#1}
% A link lands with its line in view: the anchor is raised by a line, as
% hyperref raises those of sections and counters.
\protected\def\sphinxsrcanchor#1{\Hy@raisedlink{\hypertarget{#1}{}}}
% The PDF's bookmarks carry the chapter and section numbers.
\hypersetup{bookmarksnumbered=true}
% Running heads of a whole-book listing (the Works Cited) name the listing,
% not the chapter list it shows at the moment.
\newcommand\sphinxsrcfixmarks[1]{%
  \markboth{#1}{#1}%
  \let\sphinxsrc@sectionmark\sectionmark\def\sectionmark##1{}%
  \let\sphinxsrc@subsectionmark\subsectionmark\def\subsectionmark##1{}}
\newcommand\sphinxsrcfreemarks{%
  \let\sectionmark\sphinxsrc@sectionmark\let\subsectionmark\sphinxsrc@subsectionmark}
% Titles and captions come back in the table of contents and the list of
% figures. There a citation is text: the line is a link already, and the
% anchor of the item belongs to the page that holds the item.
\newif\ifsphinxsrc@inlist
\let\sphinxsrc@starttoc\@starttoc
\def\@starttoc#1{\begingroup\sphinxsrc@inlisttrue\sphinxsrc@starttoc{#1}\endgroup}
% Robust (\protected), so that titles and captions can hold them.
\protected\def\sphinxsrclink#1#2{\ifsphinxsrc@inlist#2\else\hyperlink{#1}{#2}\fi}
\protected\def\sphinxsrctarget#1{\ifsphinxsrc@inlist\else\sphinxsrcanchor{#1}\fi}
% Only the chapters are numbered, as in HTML: front and back matter (a
% preface, the Works Cited) neither show a number nor take one from the
% chapters that follow.
\newcounter{sphinxsrc@secnumdepth}
\AtBeginDocument{\setcounter{sphinxsrc@secnumdepth}{\value{secnumdepth}}}
\newcommand\sphinxsrcnumbered{\setcounter{secnumdepth}{\value{sphinxsrc@secnumdepth}}}
\newcommand\sphinxsrcunnumbered{\setcounter{secnumdepth}{-1}}
\AtBeginDocument{\pdfstringdefDisableCommands{%
  \def\sphinxsrclink#1#2{#2}%
  \def\sphinxsrctarget#1{}%
  \def\sphinxsrcitem#1{#1}%
  \def\sphinxsrcanchor#1{}%
}}
\endinput
"""

_UNSAFE = re.compile(r"[^A-Za-z0-9/.-]")


def target_name(docname: str, node_id: str) -> str:
    """The ``\\hypertarget`` name of *node_id* written in *docname*.

    Only letters, digits and ``/.-`` are kept; any other character becomes
    ``+hex+``, so the name is safe in TeX and in PDF, and distinct documents
    and ids give distinct names.

    >>> target_name("chapters/ch_1", "ref-kwon2023")
    'src:chapters/ch+5f+1:ref-kwon2023'
    """

    def safe(text: str) -> str:
        return _UNSAFE.sub(lambda match: f"+{ord(match[0]):x}+", text)

    return f"src:{safe(docname)}:{safe(node_id)}"


def _target_of_uri(uri: str) -> str | None:
    """The target name a ``%docname#id`` URI points at, None for any other URI."""
    if not uri.startswith("%") or "#" not in uri:
        return None
    docname, _, node_id = uri[1:].partition("#")
    return target_name(docname, node_id)


def _moving(node: nodes.Node) -> nodes.Element | None:
    """The title or caption holding *node*, if any (LaTeX moves their text)."""
    parent = node.parent
    while parent is not None:
        if isinstance(parent, nodes.title | nodes.caption | nodes.rubric):
            return parent
        parent = parent.parent
    return None


def _link(self: LaTeXTranslator, reference: nodes.Element, name: str, moving: bool) -> None:
    self.body.append(rf"\sphinxsrclink{{{name}}}{{" if moving else rf"\hyperlink{{{name}}}{{")
    for child in reference.children:
        child.walkabout(self)
    self.body.append("}")


def _pass(self: LaTeXTranslator, node: nodes.Element) -> None:
    pass


def _visit_item(self: LaTeXTranslator, node: nodes.Element) -> None:
    holder = _moving(node)
    docname = self.curfilestack[-1]
    for node_id in node["ids"]:
        name = target_name(docname, node_id)
        if isinstance(holder, nodes.title) and isinstance(holder.parent, nodes.section):
            # Placed after the heading by depart_section_title.
            _pending_targets(self).append(name)
        elif holder is not None:
            self.body.append(rf"\sphinxsrctarget{{{name}}}")
        else:
            self.body.append(rf"\sphinxsrcanchor{{{name}}}")
    link = node.children[0] if len(node.children) == 1 else None
    if isinstance(link, nodes.reference):
        entry = _target_of_uri(link.get("refuri", ""))
        if entry is not None:
            self.body.append(r"\sphinxsrcitem{")
            _link(self, link, entry, holder is not None)
            self.body.append("}")
            raise nodes.SkipNode


def _depart_item(self: LaTeXTranslator, node: nodes.Element) -> None:
    pass


def _pending_targets(self: LaTeXTranslator) -> list[str]:
    pending: list[str] | None = getattr(self, "_source_title_targets", None)
    if pending is None:
        pending = []
        self._source_title_targets = pending  # type: ignore[attr-defined]
    return pending


# The translator's own methods (its class's: the instance's are these).
def _visit_section_title(self: LaTeXTranslator, node: nodes.Element) -> None:
    type(self).visit_title(self, node)


def _depart_section_title(self: LaTeXTranslator, node: nodes.Element) -> None:
    type(self).depart_title(self, node)
    pending = _pending_targets(self)
    if pending and isinstance(node.parent, nodes.section):
        self.body.extend(rf"\sphinxsrcanchor{{{name}}}" for name in pending)
        pending.clear()


def _visit_list(self: LaTeXTranslator, node: nodes.Element) -> None:
    fill_list_when_written(self.builder, node)
    self.body.append("\\begin{sphinxsrcreferences}\n")
    self.visit_enumerated_list(node)


def _depart_list(self: LaTeXTranslator, node: nodes.Element) -> None:
    self.depart_enumerated_list(node)
    self.body.append("\\end{sphinxsrcreferences}\n")
    release_when_written(node)


def _visit_entry(self: LaTeXTranslator, node: nodes.Element) -> None:
    self.visit_list_item(node)
    docname = self.curfilestack[-1]
    for node_id in node["ids"]:
        # The label serves Sphinx's own links (the frequency table's), the
        # hypertarget the items' \hyperlink.
        self.body.append(self.hypertarget(node_id))
        self.body.append(rf"\sphinxsrcanchor{{{target_name(docname, node_id)}}}")


def _depart_entry(self: LaTeXTranslator, node: nodes.Element) -> None:
    self.depart_list_item(node)


def _visit_backlinks(self: LaTeXTranslator, node: nodes.Element) -> None:
    self.body.append(r"\,$\uparrow$\,")
    for child in node.children:
        name = None
        if isinstance(child, nodes.reference):
            name = _target_of_uri(child.get("refuri", ""))
        if name is not None:
            assert isinstance(child, nodes.reference)
            _link(self, child, name, moving=False)
        else:
            child.walkabout(self)
    raise nodes.SkipNode


def _section_command(self: LaTeXTranslator) -> str:
    names: list[str] = self.sectionnames
    return names[min(self.sectionlevel, len(names) - 1)]


def _visit_title(self: LaTeXTranslator, node: nodes.Element) -> None:
    if not isinstance(node.parent, nodes.section):
        type(self).visit_title(self, node)
        return
    # Unnumbered like in HTML, yet in the contents and the bookmarks; its own
    # anchor, or a chapter without sections would share the chapter's.
    command = _section_command(self)
    text = self.escape(node.astext())
    self.body.append(rf"\{command}*{{")
    after = rf"\phantomsection\addcontentsline{{toc}}{{{command}}}{{{text}}}"
    if command == "section":
        after += rf"\markright{{{text}}}"
    self.context.append("}" + after + "\n" + self.hypertarget_to(node.parent))
    self.in_title = 1


def _depart_title(self: LaTeXTranslator, node: nodes.Element) -> None:
    if not isinstance(node.parent, nodes.section):
        type(self).depart_title(self, node)
        return
    self.in_title = 0
    self.body.append(self.context.pop())


def _visit_whole_book(self: LaTeXTranslator, node: nodes.Element) -> None:
    self.visit_container(node)
    title = self.builder.env.titles.get(self.curfilestack[-1])
    if title is not None:
        node["marks_fixed"] = True
        self.body.append(rf"\sphinxsrcfixmarks{{{self.escape(title.astext())}}}" + "\n")


def _depart_whole_book(self: LaTeXTranslator, node: nodes.Element) -> None:
    if node.attributes.pop("marks_fixed", False):
        self.body.append("\\sphinxsrcfreemarks\n")
    self.depart_container(node)


def _map_link(href: str | None, text: str) -> str:
    """A link of the citation map: to an entry's hypertarget, or to a chapter."""
    if not href:
        return text
    target = _target_of_uri(href)
    if target is not None:
        return rf"\hyperlink{{{target}}}{{{text}}}"
    docname = href.removeprefix("%").partition("#")[0]
    return rf"\hyperref[\detokenize{{{docname}::doc}}]{{{text}}}"


def _visit_map(self: LaTeXTranslator, node: nodes.Element) -> None:
    self.body.append("\n" + map_tikz(node["map"], self.escape, _map_link) + "\n")
    raise nodes.SkipNode


def adjust_tables(app: Sphinx, doctree: nodes.document, docname: str) -> None:
    """Let the frequency table break across pages, its long titles wrapping.

    Sphinx sets a table without hints in ``tabulary``, which never breaks
    across pages, and a ``longtable`` without given widths in columns that
    do not wrap. The frequency table's column widths are known: use them.
    """
    if app.builder.format != "latex":
        return
    for table in doctree.findall(nodes.table):
        if "citation-frequency" in table["classes"]:
            for cls in ("longtable", "colwidths-given"):
                if cls not in table["classes"]:
                    table["classes"].append(cls)
    # The Works Cited's lists by category are set ragged-right, like the References.
    for listing in list(doctree.findall(nodes.bullet_list)):
        if "works-cited-category" in listing["classes"]:
            parent = listing.parent
            at = parent.index(listing)
            parent.insert(at + 1, nodes.raw("", "\\end{sphinxsrcreferences}\n", format="latex"))
            parent.insert(at, nodes.raw("", "\\begin{sphinxsrcreferences}\n", format="latex"))


def number_chapters_only(app: Sphinx, doctree: nodes.document, docname: str) -> None:
    """Unnumber the documents that are not chapters, as HTML does.

    LaTeX numbers every top-level document as a chapter; HTML numbers only
    the entries of the numbered toctree. Each document of the assembled book
    that starts a chapter switches numbering on, each outside any chapter
    switches it off, so the PDF's chapter numbers are the ones the References
    and the Works Cited print. A book without chapters keeps Sphinx's numbering.
    """
    if app.builder.format != "latex":
        return
    book = get_domain(app.env).book
    if not book.chapters:
        return
    starts = {chapter.docname for chapter in book.chapters}
    numbered = True  # as LaTeX starts
    for start in list(doctree.findall(addnodes.start_of_file)):
        name = start["docname"]
        if name in starts:
            wanted = True
        elif name not in book.chapter_of:
            wanted = False
        else:
            continue
        if wanted is not numbered:
            command = r"\sphinxsrcnumbered" if wanted else r"\sphinxsrcunnumbered"
            start.parent.insert(start.parent.index(start), nodes.raw("", command, format="latex"))
            numbered = wanted


def _write_package(app: Sphinx) -> None:
    if app.builder.format == "latex":
        Path(app.outdir, f"{LATEX_PACKAGE}.sty").write_text(_PACKAGE_TEXT, encoding="utf-8")


def _contents_named_by_the_language(app: Sphinx) -> None:
    """The contents page keeps its language's name ("Contents" in English).

    Sphinx names it after the caption of the root document's first toctree
    (a book's "Chapters"); an author's ``latex_elements["contentsname"]``
    still wins.
    """
    builder = app.builder
    if builder.format == "latex" and hasattr(builder, "get_contentsname"):
        builder.get_contentsname = lambda indexfile: ""


def chapters_open_any(app: Sphinx, config: Config) -> None:
    """``config-inited``: chapters start on any page, unless the author chose.

    Sphinx's ``manual`` class starts every chapter on a right-hand page, which
    leaves a blank page before about half of them. ``openany`` joins the
    ``extraclassoptions`` of ``latex_elements`` unless they name ``openany`` or
    ``openright`` already (``"openright"`` brings the blank pages back).
    """
    elements = config.latex_elements
    if not isinstance(elements, dict):
        return
    options = str(elements.get("extraclassoptions", ""))
    if re.search(r"\bopen(?:any|right)\b", options):
        return
    config.latex_elements = {
        **elements,
        "extraclassoptions": ",".join(filter(None, (options, "openany"))),
    }


def setup(app: Sphinx) -> None:
    """Register what LaTeX needs beyond the node visitors."""
    app.add_latex_package(LATEX_PACKAGE, after_hyperref=True)
    app.connect("builder-inited", _write_package)
    app.connect("builder-inited", _contents_named_by_the_language)
    app.connect("config-inited", chapters_open_any)
    # After place_on_page (500) has built the table.
    app.connect("doctree-resolved", adjust_tables, priority=600)
    app.connect("doctree-resolved", number_chapters_only, priority=600)
    # Section titles may hold citations whose anchors must follow the heading.
    app.add_node(nodes.title, override=True, latex=SECTION_TITLE)


CITATION = (_pass, _pass)
ITEM = (_visit_item, _depart_item)
LIST = (_visit_list, _depart_list)
ENTRY = (_visit_entry, _depart_entry)
BACKLINKS = (_visit_backlinks, None)
TITLE = (_visit_title, _depart_title)
#: For every ``title`` node: Sphinx's own, then the targets held back.
SECTION_TITLE = (_visit_section_title, _depart_section_title)
WHOLE_BOOK = (_visit_whole_book, _depart_whole_book)
MAP = (_visit_map, None)
