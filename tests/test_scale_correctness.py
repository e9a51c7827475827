"""Small version of the scale benchmark's correctness steps (no timing).

``benchmarks/run.py`` checks at 50-200 chapters that an incremental rebuild
after editing one chapter equals a clean build, and that ``-j 2`` equals a
serial build.  These tests do the same on a 4-chapter book, each Sphinx build
in a subprocess (``python -m sphinx -b html``) like the benchmark, comparing
every output file byte for byte (HTML and ``citations.json`` included).
"""

from __future__ import annotations

import json
import sys
from collections import Counter
from pathlib import Path
from typing import Any

import pytest

REPO = Path(__file__).resolve().parent.parent
if str(REPO) not in sys.path:  # benchmarks/ is not an installed package
    sys.path.insert(0, str(REPO))

from benchmarks.generate import Book, build_model, edit_chapter, generate_book
from benchmarks.run import BuildResult, compare_trees, sphinx_build


def _generate(path: Path, bib_entries: int | None = None) -> Book:
    """A 4-chapter book: sub-documents, shared works, locators, a/b letters."""
    return generate_book(
        path,
        chapters=4,
        works_per_chapter=4,
        citations_per_chapter=10,
        bib_entries=bib_entries,
        subdocs_per_chapter=2,
        seed=3,
    )


def _build(src: Path, out: Path, jobs: int = 1) -> BuildResult:
    result = sphinx_build(src, out, out.with_name(out.name + ".doctrees"), jobs=jobs)
    log = out.with_name(out.name + ".log").read_text(encoding="utf-8")
    assert result.ok, log
    assert result.warnings == 0, log
    return result


def test_generated_citations_are_unambiguous() -> None:
    """Every ``Label, Year[letter]`` the generator writes names exactly one work."""
    book = build_model(20, 10, 20, bib_entries=600, seed=1)
    texts = Counter(w.cite_text() for w in book.works)
    assert [t for t, n in texts.items() if n > 1] == []
    assert any(w.letter for w in book.works)  # same-author-same-year groups exist
    lettered = [w for w in book.works if w.letter == "b"]
    assert lettered and all(w.org or w.persons for w in lettered)


def test_big_bibliography_keeps_the_text(tmp_path: Path) -> None:
    """Extra uncited entries change neither the chapters nor the cited entries."""
    small = _generate(tmp_path / "small")
    big = _generate(tmp_path / "big", bib_entries=400)
    assert len(big.works) == 400
    assert [w.cite_text() for w in big.works[: len(small.works)]] == [
        w.cite_text() for w in small.works
    ]
    for md in (tmp_path / "small").rglob("*.md"):
        rel = md.relative_to(tmp_path / "small")
        assert (tmp_path / "big" / rel).read_bytes() == md.read_bytes(), rel


def test_incremental_rebuild_equals_clean_build(tmp_path: Path) -> None:
    """Edit one chapter (cite a work cited elsewhere), rebuild, compare to clean."""
    src = tmp_path / "src"
    _generate(src)
    _build(src, tmp_path / "inc")
    before = (tmp_path / "inc" / "works-cited.html").read_bytes()
    edit = edit_chapter(src)
    _build(src, tmp_path / "inc")
    _build(src, tmp_path / "clean")
    diff = compare_trees(tmp_path / "inc", tmp_path / "clean")
    assert diff.identical, diff.summary()
    # the edit reached the outputs: the work is now cited in the edited chapter,
    # so the frequency table on the Works Cited page changed
    assert (tmp_path / "clean" / "citations.json").is_file()
    assert edit.key in (tmp_path / "clean" / "citations.json").read_text(encoding="utf-8")
    assert (tmp_path / "clean" / "works-cited.html").read_bytes() != before
    json.loads((tmp_path / "inc" / "citations.json").read_text(encoding="utf-8"))


def test_parallel_build_equals_serial(tmp_path: Path) -> None:
    """``-j 2`` writes byte-identical HTML and citations.json."""
    src = tmp_path / "src"
    _generate(src)
    _build(src, tmp_path / "serial")
    _build(src, tmp_path / "par", jobs=2)
    diff = compare_trees(tmp_path / "serial", tmp_path / "par")
    assert diff.identical, diff.summary()
    assert (tmp_path / "par" / "citations.json").is_file()


def test_anatomy_measures_each_phase_of_a_build(tmp_path: Path) -> None:
    """benchmarks.anatomy, on a small book: every phase timed, collections and objects counted."""
    from benchmarks.anatomy import _child, _report

    src = tmp_path / "book"
    generate_book(src, 3, variant="extension", repo_root=Path(__file__).resolve().parent.parent)
    measured = _child(src, tmp_path / "out", frozen_heap=False)
    assert (tmp_path / "out" / "works-cited.html").is_file()
    for phase in ("start", "reading", "writing"):
        assert 0 < measured[phase] < measured["total"]
    assert measured["start"] + measured["reading"] + measured["writing"] <= measured["total"]
    assert measured["tracked after reading"] > 10_000
    assert measured["full collections"] >= 0
    assert measured["largest page"] in {"index", "works-cited"} or "/" in measured["largest page"]
    assert "writing" in measured["peak MB"]
    table = _report({"extension": [measured]})
    assert "| objects tracked after reading |" in table
    assert "| the largest page | " + measured["largest page"] + " |" in table
    assert "| objects walked by the full collections |" not in table  # only with --walks


def test_anatomy_walks_count_what_each_full_collection_walks(tmp_path: Path) -> None:
    """``--walks``: the objects each full collection walks, and those new between them."""
    from benchmarks.anatomy import _child, _report

    src = tmp_path / "book"
    generate_book(src, 3, variant="extension", repo_root=Path(__file__).resolve().parent.parent)
    measured = _child(src, tmp_path / "out", frozen_heap=False, walks=True)
    collections = measured["full collections"]
    assert collections >= 1, "a three-chapter build makes full collections"
    walked, new = measured["objects walked"], measured["objects new between collections"]
    # Each full collection walks tens of thousands of objects: Sphinx alone tracks that many.
    assert walked >= collections * 10_000
    assert 0 <= new < walked
    table = _report({"extension": [measured]})
    assert f"| objects walked by the full collections | {walked:,} |" in table
    per_object = measured["full collections s"] / walked * 1e6
    assert f"| time per walked object, µs | {per_object:.2f} |" in table


def test_report_checks_an_earlier_runs_targets_again(tmp_path: Path) -> None:
    """``benchmarks.run --report``: the quoted run's builds kept, its targets checked anew."""
    from benchmarks.run import main

    results = tmp_path / "latest.json"
    original = json.loads((REPO / "benchmarks" / "results" / "latest.json").read_text("utf-8"))
    stale = {**original, "targets": []}
    results.write_text(json.dumps(stale), encoding="utf-8")

    assert main(["--report", str(results)]) == 0

    payload = json.loads(results.read_text(encoding="utf-8"))
    assert {k: v for k, v in payload.items() if k != "targets"} == {
        k: v for k, v in original.items() if k != "targets"
    }
    rows = {row["target"]: row for row in payload["targets"]}
    small, top = payload["sizes"][0], payload["sizes"][-1]
    ratio = rows[f"full build / floor at {top['chapters']} chapters"]
    low, high = ratio["range"]
    # Pair by pair: the middle of each interleaved pair's ratio and difference.
    measured = _middle([e / f for f, e in _pairs(top)])
    assert ratio["measured"].startswith(f"{measured:.2f}× (90% range")
    assert low <= measured <= high
    growth = rows[f"extension's own cost {small['chapters']}→{top['chapters']} chapters"]
    own = [_middle([e - f for f, e in _pairs(size)]) for size in (small, top)]
    assert growth["measured"].startswith(f"{own[0]:.2f} s → {own[1]:.2f} s")
    assert growth["range"][0] <= own[1] / own[0] <= growth["range"][1]
    markdown = results.with_suffix(".md").read_text(encoding="utf-8")
    assert markdown.startswith(f"Measured {original['machine']['date']}")
    assert f"| full build / floor at {top['chapters']} chapters | " in markdown


def _pairs(size: dict[str, Any]) -> list[tuple[float, float]]:
    return list(zip(size["floor"]["repeats"], size["ext"]["repeats"], strict=True))


def _middle(values: list[float]) -> float:
    return sorted(values)[len(values) // 2]


def test_pool_reads_several_runs_pairs_as_one_sample(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """``benchmarks.run --pool``: every run's pairs together, the book checked to be the same."""
    from benchmarks.run import main

    original = json.loads((REPO / "benchmarks" / "results" / "latest.json").read_text("utf-8"))
    other = json.loads(json.dumps(original))
    for size in other["sizes"]:
        # A slower spell: every build of the other run 10% slower, its extension 0.5 s more.
        size["floor"]["repeats"] = [f * 1.1 for f in size["floor"]["repeats"]]
        size["ext"]["repeats"] = [e * 1.1 + 0.5 for e in size["ext"]["repeats"]]
    first, second = tmp_path / "first.json", tmp_path / "second.json"
    first.write_text(json.dumps(original), encoding="utf-8")
    second.write_text(json.dumps(other), encoding="utf-8")

    assert main(["--pool", str(first), str(second)]) == 0
    out = capsys.readouterr().out
    small, top = original["sizes"][0]["chapters"], original["sizes"][-1]["chapters"]
    pooled = {
        n: [pair for run in (original, other) for pair in _pairs(_size(run, n))]
        for n in (small, top)
    }
    ratio = _middle([e / f for f, e in pooled[top]])
    assert f"full build / floor at {top} chapters, ≤ 1.25×: {ratio:.3f}×" in out
    own = [_middle([e - f for f, e in pooled[n]]) for n in (small, top)]
    assert f"own cost {small}→{top} chapters ({own[0]:.2f} s → {own[1]:.2f} s)" in out
    assert f"{own[1] / own[0]:.3f}× (90% range" in out
    assert f"{len(pooled[small]):>4}/{len(pooled[top]):<4}" in out
    assert "different code" not in out

    other["machine"]["sphinx_ext_sha256"] = "0" * 16
    second.write_text(json.dumps(other), encoding="utf-8")
    assert main(["--pool", str(first), str(second)]) == 0
    assert "warning: these runs measured different code" in capsys.readouterr().out

    other["settings"]["citations_per_chapter"] += 1
    second.write_text(json.dumps(other), encoding="utf-8")
    assert main(["--pool", str(first), str(second)]) == 2
    assert "not of the same book" in capsys.readouterr().err


def _size(run: dict[str, Any], chapters: int) -> dict[str, Any]:
    return next(size for size in run["sizes"] if size["chapters"] == chapters)
