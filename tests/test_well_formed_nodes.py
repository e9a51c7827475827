"""Every node of the extension is a whole docutils node wherever another extension meets it.

``tests/roots/test-neighbour/strict_neighbour.py`` is such an extension: its
transforms, post-transforms and handlers read every element's list
attributes (docutils' ``Element.list_attributes``: ``ids``, ``classes``,
``names``, ``dupnames``, and ``backrefs`` before docutils 0.22) and
deep-copy it, as many real extensions do, and a missing one fails the build.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from sphinx.cmd.build import build_main

from sphinx_ext.nodes import source_citation
from tests.conftest import build_app, copy_root

# Where the neighbour must have met citations, in every builder.
_STAGES_WITH_CITATIONS = (
    "transform-late",
    "doctree-read",
    "stored",
    "post-transform-early",
    "post-transform-late",
    "doctree-resolved-early",
    "doctree-resolved-late",
)


@pytest.mark.parametrize("builder", ["html", "latex", "epub", "text"])
def test_another_extension_walking_every_node_builds_with_ours(
    builder: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    srcdir = copy_root("neighbour", tmp_path)
    outdir, doctrees = tmp_path / "out", tmp_path / "doctrees"
    status = build_main(["-b", builder, "-W", "-q", "-d", str(doctrees), str(srcdir), str(outdir)])
    assert (status, capsys.readouterr().err) == (0, "")
    seen = json.loads((outdir / "neighbour.json").read_text())
    for stage in _STAGES_WITH_CITATIONS:
        assert seen[stage].get("source_citation", 0) >= 8, (stage, seen[stage])
    # And it met the lists and items made when the pages are resolved.
    resolved = seen["doctree-resolved-late"]
    assert resolved["references_list"] >= 2
    if builder != "html":  # HTML gives a citation its items when writing it
        assert resolved["source_item"] >= 10
        assert resolved["reference_entry"] >= 4


def test_a_stored_citation_has_every_list_attribute_and_copies_whole(tmp_path: Path) -> None:
    app = build_app(copy_root("neighbour", tmp_path))
    citations = list(app.env.get_doctree("ch1").findall(source_citation))
    assert citations
    for citation in citations:
        # What this docutils guarantees: backrefs too before docutils 0.22.
        assert set(source_citation.list_attributes) >= {"ids", "classes", "names", "dupnames"}
        for name in source_citation.list_attributes:
            assert citation[name] == (["source-citation"] if name == "classes" else [])
        copy = citation.deepcopy()
        assert copy.attributes == citation.attributes
        assert copy["classes"] is not citation["classes"]
