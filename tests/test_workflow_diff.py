"""``python -m sphinx_ext diff``: what changed in the citations between two builds."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from sphinx_ext.cli import main
from tests.conftest import build_app, copy_root


def _edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new), encoding="utf-8")


@pytest.fixture(scope="module")
def builds(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """The test root built, then changed and built again (two output folders)."""
    base = tmp_path_factory.mktemp("diff")
    srcdir = copy_root("diff", base)
    old = build_app(srcdir, "dummy", builddir=base / "old", freshenv=True)
    assert old.warning.getvalue() == ""
    # Chapter 1: a new paragraph on top (every line below moves) citing a work cited nowhere before.
    _edit(
        srcdir / "intro.md",
        "# Introduction\n",
        "# Introduction\n\nFP4 changes the arithmetic [Source: Stixor, 2025].\n",
    )
    # Chapter 2: a citation removed (its work is then cited nowhere), one added whose work
    # enters the frequency table, a new entry of the bibliography cited, an unknown citation.
    _edit(
        srcdir / "serving.md",
        "Continuous batching raises throughput [Source: Anyscale, 2023].",
        "Continuous batching raises throughput.\n\nUsers leave after 300 ms "
        "[Source: AssemblyAI, 2025; Gladia, 2025].\n\nSee also [Source: Nobody, 1999].",
    )
    with (srcdir / "refs.bib").open("a", encoding="utf-8") as bib:
        bib.write(
            "@online{gladia2025latency,\n  author = {{Gladia}}, title = {How to Measure "
            "Latency in STT}, year = {2025},\n  url = {https://www.gladia.io/blog/stt-latency},\n}\n"
        )
    new = build_app(srcdir, "dummy", builddir=base / "new", freshenv=True)
    assert "Nobody, 1999" in new.warning.getvalue()
    return Path(old.outdir), Path(new.outdir)


def test_markdown_for_a_pull_request(
    builds: tuple[Path, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    old, new = builds
    assert main(["diff", str(old), str(new)]) == 1  # an unknown citation appeared
    out = capsys.readouterr().out
    assert out == (
        "### Citations\n\n"
        "4 citations added, 1 removed; 2 works newly cited; 1 no longer cited; "
        "**1 citation unknown or ambiguous**; 1 frequency-table row changed.\n\n"
        "**Chapter 1: Introduction (`intro`)**\n"
        "- added Stixor, 2025 at `intro:3`\n\n"
        "**Chapter 2: Serving (`serving`)**\n"
        "- added AssemblyAI, 2025 at `serving:5`\n"
        "- added Gladia, 2025 at `serving:5`\n"
        "- added Nobody, 1999 at `serving:7`\n"
        "- removed Anyscale, 2023 (was at `serving:3`)\n\n"
        "**Unknown or ambiguous**\n"
        "- unknown: `Nobody, 1999` at `serving:7`\n\n"
        "**Newly cited**\n"
        "- Gladia, 2025 — “How to Measure Latency in STT” (`gladia2025latency`)\n"
        "- Stixor, 2025 — “The New LLM Inference Stack 2025” (`stixor2025stack`)\n\n"
        "**No longer cited anywhere**\n"
        "- Anyscale, 2023 — “Continuous Batching in LLM Inference” (`anyscale2023batching`)\n\n"
        "**Frequency table**\n"
        "- entered: AssemblyAI, 2025 (chapters 1, 2)\n"
    )


def test_json_from_files(builds: tuple[Path, Path], capsys: pytest.CaptureFixture[str]) -> None:
    old, new = builds
    status = main(
        ["diff", str(old / "citations.json"), str(new / "citations.json"), "--format", "json"]
    )
    assert status == 1
    data = json.loads(capsys.readouterr().out)
    assert [c["docname"] for c in data["chapters"]] == ["intro", "serving"]
    assert [i["key"] for i in data["chapters"][1]["removed"]] == ["anyscale2023batching"]
    assert data["new_problems"][0]["status"] == "unknown"
    assert data["table"] == [
        {
            "change": "entered",
            "key": "assemblyai2025rule",
            "label": "AssemblyAI, 2025",
            "new": [1, 2],
            "old": [],
        }
    ]


def test_nothing_changed_prints_nothing(
    builds: tuple[Path, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    old, _ = builds
    assert main(["diff", str(old), str(old)]) == 0
    assert capsys.readouterr().out == ""


def test_chapters_are_matched_by_docname_and_extra_fields_ignored(
    builds: tuple[Path, Path], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Renumbered chapters (by docname) and fields this version does not know are no change."""
    old, _ = builds
    data = json.loads((old / "citations.json").read_text(encoding="utf-8"))
    renumbered = {1: 2, 2: 3}  # as if a chapter were inserted before them
    for chapter in data["chapters"]:
        chapter["number"] = renumbered[chapter["number"]]
        chapter["docnames"] = [chapter["docname"]]
        chapter["future"] = {"anything": True}
    for work in data["works"]:  # chapters by docname: unchanged
        assert all(isinstance(docname, str) for docname in work["chapters"])
    data["schema"] = 2
    (tmp_path / "renumbered.json").write_text(json.dumps(data), encoding="utf-8")
    assert main(["diff", str(old), str(tmp_path / "renumbered.json")]) == 0
    assert capsys.readouterr().out == ""


def test_bad_input(
    builds: tuple[Path, Path], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    old, _ = builds
    (tmp_path / "broken.json").write_text('{"citations": [\n  {"docname": ', encoding="utf-8")
    assert main(["diff", str(old), str(tmp_path / "broken.json")]) == 2
    err = capsys.readouterr().err
    assert err.startswith(f"sphinx-citations diff: error: {tmp_path / 'broken.json'}:2: not JSON")
    assert err.count("\n") == 1
    assert main(["diff", str(old), str(tmp_path)]) == 2
    assert "no citations.json in this folder" in capsys.readouterr().err
    (tmp_path / "other.json").write_text("[1, 2]", encoding="utf-8")
    assert main(["diff", str(tmp_path / "other.json"), str(old)]) == 2
    assert "not a citations.json" in capsys.readouterr().err


def test_unnumbered_chapters_and_documents_outside_chapters() -> None:
    from sphinx_ext.workflow.diff import diff, markdown

    def item(key: str | None, text: str, status: str = "resolved") -> dict[str, object]:
        return {"key": key, "locator": None, "status": status, "text": text}

    chapters = [
        {"number": None, "label": "", "title": "Preface", "docname": "preface"},
        {"number": 1, "label": "I.1", "title": "Start", "docname": "part1/index"},
    ]
    works = [{"key": "k", "label": "Org, 2020", "title": "T", "chapters": []}]
    old = {"chapters": chapters, "works": works, "citations": []}
    new = {
        "chapters": chapters,
        "works": works,
        "citations": [
            {"docname": "about", "line": 2, "items": [item("k", "Org, 2020")]},
            {"docname": "part1/details", "line": 4, "items": [item("k", "Org, 2020")]},
            {"docname": "preface", "line": 9, "items": [item(None, "Nobody, 1999", "unknown")]},
        ],
    }
    text = markdown(diff(old, new))
    headings = [line for line in text.splitlines() if line.startswith("**") and "`" in line]
    assert headings == [
        "**Preface (`preface`)**",
        "**Chapter I.1: Start (`part1/index`)**",  # part1/details belongs to part1/index
        "**`about` (not in a chapter)**",
    ]
