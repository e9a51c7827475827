"""``citations.json``: documented fields, sorted, complete."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from sphinx.errors import ExtensionError

from sphinx_ext.citations_json import dumps
from tests.conftest import BuildRoot, build_app, copy_root
from tests.html_helpers import read


def test_citations_json(build_root: BuildRoot) -> None:
    app = build_root("chapters")
    text = read(app.outdir, "citations.json")
    data = json.loads(text)
    # Sorted keys, one record per line.
    assert text == dumps(data)
    assert list(data) == ["chapters", "citations", "works"]
    assert text.splitlines()[1] == '  "chapters": ['
    assert all(
        json.loads(line.rstrip(",")) for line in text.splitlines() if line.startswith("    {")
    )
    assert [c["docname"] for c in data["chapters"]] == ["ch1", "ch2/index", "ch3"]
    assert [c["number"] for c in data["chapters"]] == [1, 2, 3]
    assert [c["label"] for c in data["chapters"]] == ["1", "2", "3"]
    first = data["chapters"][0]
    assert (first["title"], first["part"]) == ("First Chapter", "Chapters")  # its toctree's caption
    assert first["references"][0] == {
        "key": "alpha2020",
        "label": "Alpha, 2020",
        "note": "Note for alpha in chapter one, see `alpha.cfg`",
        "number": 1,
    }
    assert data["chapters"][2]["references"] == []
    works = {w["key"]: w for w in data["works"]}
    assert [w["key"] for w in data["works"]] == sorted(works)
    assert works["beta2021"] == {
        "category": "industry",
        "chapters": ["ch1", "ch2/index"],
        "key": "beta2021",
        "label": "Beta, 2021",
        "title": "Beta Work",
        "url": "https://beta.example/work",
    }
    assert works["uncited2020"]["chapters"] == []
    assert works["alpha2020"]["chapters"] == ["ch1"]  # the preface is no chapter
    preface = [c for c in data["citations"] if c["docname"] == "preface"]
    assert preface == [
        {
            "docname": "preface",
            "line": 3,
            "items": [
                {"key": "alpha2020", "locator": None, "status": "resolved", "text": "Alpha, 2020"}
            ],
        }
    ]
    located = [c for c in data["citations"] if c["docname"] == "ch1"]
    assert [c["line"] for c in located] == [3, 3, 9]
    assert located[2]["items"][0]["locator"] == "p. 3"


def test_unresolved_items_are_recorded(build_root: BuildRoot) -> None:
    app = build_root("diagnostics")
    data = json.loads(read(app.outdir, "citations.json"))
    statuses = [(i["text"], i["status"], i["key"]) for c in data["citations"] for i in c["items"]]
    assert ("Nobody, 2025", "unknown", None) in statuses
    assert ("AssemblyAI, 2025", "ambiguous", None) in statuses
    assert ("Deepgram, 2025", "resolved", "deepgram2025pricing") in statuses
    # Its chapters' toctree has no caption: no part.
    assert data["chapters"] and {c["part"] for c in data["chapters"]} == {None}


def test_a_failed_build_leaves_the_last_citations_json(tmp_path: Path) -> None:
    srcdir = copy_root("chapters", tmp_path)
    first = build_app(srcdir, freshenv=True)
    written = read(first.outdir, "citations.json")
    (srcdir / "ch3.md").write_text("# Third Chapter\n\nNow it cites [Source: Alpha, 2020].\n")
    with (srcdir / "conf.py").open("a", encoding="utf-8") as conf:
        conf.write(
            "\n\ndef setup(app):\n"
            "    def fail(app, doctree, docname):\n"
            "        raise RuntimeError('an extension failed')\n"
            "    app.connect('doctree-resolved', fail)\n"
        )
    with pytest.raises(ExtensionError, match="an extension failed"):
        build_app(srcdir)
    # Not a file made from a build that did not finish.
    assert read(first.outdir, "citations.json") == written
