"""Each saving (sphinx_ext.savings) changes when the output is made, never what it is.

Every builder that uses a saving builds the same bytes with all of them turned
off (``citations_savings_off``). A probe extension
sees at ``doctree-resolved`` what each saving changes: whether citations and
lists are left for the writer, whether entries are held as markup, whether the
Works Cited's parts wait for the page to be written.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from sphinx_ext.savings import BUILDERS, RETIRED, Saving
from tests.conftest import build_app, copy_root

ALL = [saving.value for saving in Saving]

# Appended to a root's conf.py: what each page looks like when placed, as another
# extension's doctree-resolved handler (run after ours) sees it.
PROBE = """

def setup(app):
    import json
    from pathlib import Path

    from sphinx_ext.nodes import (
        formatted_entry,
        references_list,
        source_citation,
        source_item,
        works_cited_part,
    )

    def probe(app, doctree, docname):
        citations = list(doctree.findall(source_citation))
        lists = list(doctree.findall(references_list))
        seen = {
            "citations": len(citations),
            "citations with items": sum(
                1 for c in citations if any(isinstance(n, source_item) for n in c.children)
            ),
            "lists": len(lists),
            "lists with entries": sum(1 for listing in lists if listing.children),
            "entries as markup": len(list(doctree.findall(formatted_entry))),
            "parts after the page": len(list(doctree.findall(works_cited_part))),
        }
        with open(Path(app.outdir).parent / "probe.jsonl", "a", encoding="utf-8") as out:
            out.write(json.dumps([docname, seen]) + "\\n")

    app.connect("doctree-resolved", probe, priority=900)
"""


def build(tmp_path: Path, root: str, builder: str, off: list[str]) -> tuple[Path, dict[str, int]]:
    """Build *root* with the savings *off*; its output folder and the probe's totals."""
    destination = tmp_path / f"{builder}-{'-'.join(off) or 'default'}"
    srcdir = copy_root(root, destination)
    conf = srcdir / "conf.py"
    conf.write_text(conf.read_text(encoding="utf-8") + PROBE, encoding="utf-8")
    overrides = {"citations_savings_off": off} if off else None
    app = build_app(
        srcdir, builder, freshenv=True, confoverrides=overrides, builddir=destination / "out"
    )
    assert app.warning.getvalue() == ""
    totals: dict[str, int] = {}
    for line in (destination / "out" / "probe.jsonl").read_text(encoding="utf-8").splitlines():
        for name, count in json.loads(line)[1].items():
            totals[name] = totals.get(name, 0) + count
    return Path(app.outdir), totals


def written(outdir: Path) -> dict[str, bytes]:
    return {
        str(path.relative_to(outdir)): path.read_bytes()
        for path in sorted(outdir.rglob("*"))
        if path.suffix in {".html", ".tex", ".json", ".js"} and path.is_file()
    }


@pytest.mark.parametrize(
    ("root", "builder"),
    [
        ("chapters", "html"),
        ("chapters", "dirhtml"),
        ("chapters", "singlehtml"),
        ("chapters", "latex"),
        ("citebook", "html"),
        ("citebook", "latex"),
    ],
)
def test_the_output_is_the_same_with_every_saving_off(
    tmp_path: Path, root: str, builder: str
) -> None:
    default_dir, default = build(tmp_path, root, builder, [])
    off_dir, off = build(tmp_path, root, builder, ALL)
    saved, plain = written(default_dir), written(off_dir)
    assert sorted(saved) == sorted(plain)
    assert [name for name in sorted(saved) if saved[name] != plain[name]] == []
    # What each saving changes when the page is placed, as another extension sees it.
    when_written = builder in BUILDERS[Saving.CITATIONS_WHEN_WRITTEN]
    assert default["citations"] == off["citations"]
    assert (default["citations"] > 0) == (root == "chapters")  # {cite} roles are not ours
    assert off["citations with items"] == off["citations"]
    assert default["citations with items"] == (0 if when_written else default["citations"])
    assert default["lists"] == off["lists"] > 0
    assert off["lists with entries"] == off["lists"]
    assert default["lists with entries"] == 0
    # With the lists filled when placed, their entries show which way they are held.
    _, lists_now = build(tmp_path, root, builder, [Saving.LISTS_WHEN_WRITTEN.value])
    assert lists_now["lists with entries"] == lists_now["lists"]
    assert off["entries as markup"] == 0
    assert (lists_now["entries as markup"] > 0) == (builder in BUILDERS[Saving.ENTRY_MARKUP])
    # The Works Cited's parts written after the page: a list per chapter, a
    # list per category, the map (the "chapters" root draws one).
    parts_after = builder in BUILDERS[Saving.PARTS_AFTER_PAGE]
    assert off["parts after the page"] == 0
    assert (default["parts after the page"] > 2) == parts_after
    for outdir in (default_dir, off_dir):
        for path in outdir.rglob("*.html"):
            assert "sphinx-source-citations part=" not in path.read_text(encoding="utf-8")
    assert not list(default_dir.rglob(".*.parts"))
    if parts_after:
        # Byte for byte the page the translator writes in one go.
        whole_dir, _ = build(tmp_path, root, builder, [Saving.PARTS_AFTER_PAGE.value])
        assert written(whole_dir) == saved


def test_a_deleted_savings_name_is_accepted_and_changes_nothing(tmp_path: Path) -> None:
    """``latin-1`` named in an older ``conf.py``: no warning, the same bytes."""
    default_dir, _ = build(tmp_path, "chapters", "html", [])
    retired_dir, _ = build(tmp_path, "chapters", "html", sorted(RETIRED))
    assert written(retired_dir) == written(default_dir)
    # The Works Cited writes its characters as they are, curly quotes included.
    page = (default_dir / "works.html").read_text(encoding="utf-8")
    assert "\u201cBeta Work.\u201d" in page and "&#8220;" not in page


def _escaping_root(tmp_path: Path, name: str, added: str) -> Path:
    """The "escaping" root, with *added* at the end of its file *name*."""
    srcdir = copy_root("escaping", tmp_path / "src")
    path = srcdir / name
    path.write_text(path.read_text(encoding="utf-8") + added, encoding="utf-8")
    return srcdir


def _links_as_markup_on_and_off(
    tmp_path: Path, srcdir: Path, builder: str, overrides: dict[str, object]
) -> tuple[dict[bool, dict[str, bytes]], list[str]]:
    """*srcdir* built with links written as markup and without: the files, the warnings."""
    pages, warnings = {}, []
    for off in ([], [Saving.LINKS_AS_MARKUP.value]):
        app = build_app(
            srcdir,
            builder,
            freshenv=True,
            confoverrides={"citations_savings_off": off, **overrides},
            builddir=tmp_path / f"out-{bool(off)}",
        )
        warnings.append(app.warning.getvalue())
        pages[bool(off)] = written(Path(app.outdir))
    return pages, warnings


@pytest.mark.parametrize("builder", ["html", "singlehtml"])
@pytest.mark.parametrize("previews", [True, False])
def test_links_written_as_markup_are_the_bytes_the_translator_writes(
    tmp_path: Path, builder: str, previews: bool
) -> None:
    # Every kind of item: linked, unresolved, and linked with markup to escape in
    # its text, its URI and (previews off) its title; and back-links.
    srcdir = _escaping_root(
        tmp_path,
        "chapter.md",
        '\nAgain [Source: evil2025; Nobody, 1999] and [Source: O\'Brien & "Sons", 2001].\n'
        "\n## A section\n\nOnce more [Source: evil2025, p. <5>].\n",
    )
    pages, warnings = _links_as_markup_on_and_off(
        tmp_path, srcdir, builder, {"citations_previews": previews}
    )
    assert [w.count("[citations.unknown]") for w in warnings] == [2, 2]
    assert pages[True] == pages[False]
    page = pages[False]["chapter.html" if builder == "html" else "index.html"].decode()
    assert page.count('class="source-unresolved source-item"') == 2
    assert page.count('class="source-backlink reference internal"') == 3
    assert ("title=" in page.split("source-ref reference internal")[1][:200]) != previews


@pytest.mark.parametrize("builder", ["html", "singlehtml"])
def test_links_as_markup_keep_to_a_translator_whose_tags_are_its_own(
    tmp_path: Path, builder: str
) -> None:
    # The links' tags are made once a page with stand-ins for their values
    # (rendering.html._filled); a translator whose starttag does not keep the
    # stand-ins gets each tag made by its own starttag, as its nodes would.
    srcdir = _escaping_root(
        tmp_path,
        "conf.py",
        "\nfrom sphinx.writers.html5 import HTML5Translator\n\n\n"
        "class OwnTags(HTML5Translator):\n"
        "    def starttag(self, *args, **kwargs):\n"
        "        return super().starttag(*args, **kwargs).replace('\\x00', '')\n\n\n"
        "def setup(app):\n"
        f"    app.set_translator({builder!r}, OwnTags, override=True)\n",
    )
    pages, _ = _links_as_markup_on_and_off(tmp_path, srcdir, builder, {})
    assert pages[True] == pages[False]
    page = pages[False]["chapter.html" if builder == "html" else "index.html"].decode()
    assert 'class="source-ref reference internal" href="' in page
    assert 'class="source-backlink reference internal" href="' in page


def test_parallel_reading_is_the_same_with_the_bibliography_pickled_by_every_reader(
    tmp_path: Path,
) -> None:
    root = "citebook"
    off = [Saving.BIBLIOGRAPHY_PICKLED_ONCE.value]
    srcdir = copy_root(root, tmp_path / "src")
    serial = build_app(srcdir, freshenv=True, builddir=tmp_path / "serial")
    parallel = build_app(
        srcdir,
        freshenv=True,
        parallel=2,
        confoverrides={"citations_savings_off": off},
        builddir=tmp_path / "parallel",
    )
    assert serial.warning.getvalue() == parallel.warning.getvalue() == ""
    assert written(Path(serial.outdir)) == written(Path(parallel.outdir))


def test_an_unknown_saving_is_named_in_a_warning(tmp_path: Path) -> None:
    srcdir = copy_root("chapters", tmp_path)
    app = build_app(
        srcdir, freshenv=True, confoverrides={"citations_savings_off": ["entry_markup"]}
    )
    warnings = app.warning.getvalue()
    assert "invalid value for citations_savings_off: unknown savings entry_markup" in warnings
    assert "entry-markup" in warnings and "[citations.config]" in warnings


def test_a_page_left_with_parts_by_an_interrupted_build_is_completed_by_the_next(
    tmp_path: Path,
) -> None:
    """The parts are written at build-finished; a build stopped before leaves markers."""
    from sphinx_ext.rendering.html import part_marker

    srcdir = copy_root("chapters", tmp_path / "book")
    app = build_app(srcdir, "html", freshenv=True, builddir=tmp_path / "out")
    page = Path(app.outdir) / "works.html"
    whole = page.read_bytes()
    text = whole.decode("utf-8")
    # The map, as an interrupted build leaves it: the marker where the SVG goes.
    start = text.index('<svg xmlns="http://www.w3.org/2000/svg" class="citation-map"')
    end = text.index("</svg>") + len("</svg>\n")
    page.write_text(text[:start] + part_marker("map:2") + text[end:], encoding="utf-8")
    # Nothing changed in the book: the next build writes no page, yet completes this one.
    again = build_app(srcdir, "html", builddir=tmp_path / "out")
    assert "0 source files" in again.status.getvalue() or "no targets" in again.status.getvalue()
    assert page.read_bytes() == whole


def test_parts_written_after_the_page_write_characters_as_the_page_does(tmp_path: Path) -> None:
    """A work's title beyond Latin-1 in the map's labels: the same bytes either way."""
    pages = {}
    for off in ([], [Saving.PARTS_AFTER_PAGE.value]):
        srcdir = copy_root("chapters", tmp_path / f"book-{'-'.join(off) or 'default'}")
        bib = srcdir / "refs.bib"
        bib.write_text(
            bib.read_text(encoding="utf-8").replace("Beta Work", "Beta Łódź Work"),
            encoding="utf-8",
        )
        app = build_app(
            srcdir,
            "html",
            freshenv=True,
            confoverrides={"citations_savings_off": off},
            builddir=srcdir / "_build",
        )
        pages[bool(off)] = (Path(app.outdir) / "works.html").read_bytes()
    assert pages[False] == pages[True]
    text = pages[False].decode("utf-8")
    svg = text[text.index("<svg") : text.index("</svg>")]
    assert "<title>Beta Łódź Work</title>" in svg


def test_a_failed_build_keeps_its_error_and_the_next_build_writes_the_parts(
    tmp_path: Path,
) -> None:
    """An error after the Works Cited is written: its markers wait for the next build."""
    srcdir = copy_root("chapters", tmp_path / "book")
    clean = build_app(srcdir, "html", freshenv=True, builddir=tmp_path / "clean")
    whole = (Path(clean.outdir) / "works.html").read_bytes()
    conf = srcdir / "conf.py"
    plain_conf = conf.read_text(encoding="utf-8")
    # The general index is written after every document: the Works Cited has its markers.
    conf.write_text(
        plain_conf
        + "\n\ndef setup(app):\n"
        + "    def fail(app, pagename, *args):\n"
        + "        if pagename == 'genindex':\n"
        + "            raise RuntimeError('a failing extension')\n"
        + "    app.connect('html-page-context', fail)\n",
        encoding="utf-8",
    )
    with pytest.raises(Exception, match="a failing extension"):
        build_app(srcdir, "html", freshenv=True, builddir=tmp_path / "out")
    page = tmp_path / "out" / "html" / "works.html"
    assert "sphinx-source-citations part=" in page.read_text(encoding="utf-8")
    conf.write_text(plain_conf, encoding="utf-8")
    build_app(srcdir, "html", builddir=tmp_path / "out")
    assert page.read_bytes() == whole


# Appended to a root's conf.py: the text of each Works Cited category (its list's
# text nodes, or the part held for search in their place), as another extension sees it.
CATEGORY_TEXT = """

def setup(app):
    import json
    from pathlib import Path

    from docutils import nodes

    def probe(app, doctree, docname):
        found = {}
        for section in doctree.findall(nodes.section):
            ids = section["ids"]
            if ids and ids[0].startswith("works-cited-") and ids[0] != "works-cited-categories":
                lists = [n for n in section.children if not isinstance(n, nodes.title)]
                found[ids[0]] = "\\n".join(
                    text.astext() for node in lists for text in node.findall(nodes.Text)
                )
        with open(Path(app.outdir).parent / "categories.json", "a", encoding="utf-8") as out:
            out.write(json.dumps(found) + "\\n")

    app.connect("doctree-resolved", probe, priority=900)
"""


def test_a_category_held_for_search_has_the_text_of_its_list(tmp_path: Path) -> None:
    texts = []
    for off in ([], [Saving.PARTS_AFTER_PAGE.value]):
        destination = tmp_path / ("-".join(off) or "default")
        srcdir = copy_root("chapters", destination)
        conf = srcdir / "conf.py"
        conf.write_text(conf.read_text(encoding="utf-8") + CATEGORY_TEXT, encoding="utf-8")
        build_app(
            srcdir,
            "html",
            freshenv=True,
            confoverrides={"citations_savings_off": off},
            builddir=destination / "out",
        )
        lines = (destination / "out" / "categories.json").read_text(encoding="utf-8")
        found: dict[str, str] = {}
        for line in lines.splitlines():
            found.update(json.loads(line))
        texts.append({k: v for k, v in found.items() if not k.startswith("works-cited-ch")})
    held, whole = texts
    assert held == whole
    assert any("Cited in" in text for text in held.values())


def test_each_entry_is_formatted_once_a_build(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from sphinx_ext import build_state

    formatted: list[str] = []
    original = build_state.format_entry

    def counting(work, entry):  # type: ignore[no-untyped-def]
        formatted.append(work.key)
        return original(work, entry)

    monkeypatch.setattr(build_state, "format_entry", counting)
    srcdir = copy_root("chapters", tmp_path / "src")
    build_app(srcdir, "html", freshenv=True, builddir=tmp_path / "out")
    assert formatted and len(formatted) == len(set(formatted))
