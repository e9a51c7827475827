"""Where the extension's cost goes, phase by phase, beside the floor's.

Builds the synthetic book (:mod:`benchmarks.generate`) as the floor and as
the extension, each in a fresh interpreter, serially, and measures inside the
build, through Sphinx's own events:

* the time of each phase: start (configuration, extensions, the
  bibliography), reading, the pages' writing, and the book's largest page;
* the garbage collector's full collections during the build (how many, how
  long), observed through :data:`gc.callbacks` in the measuring process;
* the objects the collector tracks once every document is read (what each
  full collection of the writing walks), and the peak resident memory of
  each phase.

``--walks`` counts, at every full collection, the objects it walks (every
tracked object then) and those new since the one before (what triggers it:
CPython starts one when these exceed a quarter of the survivors of the
last), so that the time per walked object can be told from the number of
walks. Counting costs time of its own, outside the collections' timing.

``--frozen-heap`` adds a what-if pair of builds in which everything alive
once the documents are read is frozen out of the collector's walks
(``gc.freeze()`` in the measuring process, never in the extension): the
difference to the plain pair is what the collector's walks over the
long-lived objects (Sphinx's doctrees in memory, the bibliography) cost.

    python -m benchmarks.anatomy --chapters 200 [--walks] [--frozen-heap] [--repeat 2]

Figures are medians over ``--repeat`` builds; compare the two columns of one
run, not runs of different days.
"""

from __future__ import annotations

import argparse
import gc
import json
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from benchmarks.generate import generate_book

__all__ = ["main", "measure_build"]

#: Phases in the order a build goes through them.
PHASES = ("start", "reading", "writing", "finishing")


def _rss_mb() -> float:
    with open("/proc/self/statm", encoding="ascii") as statm:
        return int(statm.read().split()[1]) * resource.getpagesize() / 2**20


def measure_build(
    src: Path, out: Path, *, frozen_heap: bool = False, walks: bool = False
) -> dict[str, Any]:
    """Build *src* as HTML in this process and return what was measured."""
    from sphinx.application import Sphinx

    marks: dict[str, float] = {}
    phase = ["start"]
    peaks: dict[str, float] = {}
    collections = {"count": 0, "seconds": 0.0, "walked": 0, "new": 0}
    survivors = [-1]  # tracked objects after the last full collection (-1: none yet)
    started = [0.0]
    page_times: dict[str, float] = {}
    page_start = [0.0, ""]
    tracked: dict[str, int] = {}
    stop = threading.Event()

    def sample() -> None:
        while not stop.is_set():
            rss = _rss_mb()
            if rss > peaks.get(phase[0], 0.0):
                peaks[phase[0]] = rss
            stop.wait(0.01)

    def on_collection(event: str, info: dict[str, int]) -> None:
        if info["generation"] != 2:
            return
        if event == "start":
            if walks:
                walked = len(gc.get_objects())
                collections["walked"] += walked
                if survivors[0] >= 0:
                    collections["new"] += walked - survivors[0]
            started[0] = time.perf_counter()
        else:
            collections["count"] += 1
            collections["seconds"] += time.perf_counter() - started[0]
            if walks:
                survivors[0] = len(gc.get_objects())

    def mark(name: str, next_phase: str | None = None) -> Any:
        def handler(*args: object) -> None:
            marks.setdefault(name, time.perf_counter())
            if next_phase is not None:
                phase[0] = next_phase
            if name == "read" and "tracked" not in tracked:
                tracked["tracked"] = len(gc.get_objects())
                if frozen_heap:
                    gc.collect()
                    gc.freeze()

        return handler

    def page_resolved(app: object, doctree: object, docname: str) -> None:
        marks.setdefault("first page", time.perf_counter())
        phase[0] = "writing"
        page_start[:] = [time.perf_counter(), docname]

    def page_context(app: object, pagename: str, *args: object) -> None:
        if pagename == page_start[1]:
            page_times[pagename] = time.perf_counter() - page_start[0]

    gc.callbacks.append(on_collection)
    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    begin = time.perf_counter()
    try:
        app = Sphinx(
            str(src),
            str(src),
            str(out),
            str(out / ".doctrees"),
            "html",
            status=None,
            warning=sys.stderr,
            freshenv=True,
        )
        app.connect("env-before-read-docs", mark("start", "reading"))
        app.connect("env-updated", mark("read", "after reading"), priority=1)
        app.connect("doctree-resolved", page_resolved, priority=1)
        app.connect("html-page-context", page_context)
        app.connect("build-finished", mark("written", "finishing"), priority=1)
        app.build()
    finally:
        end = time.perf_counter()
        stop.set()
        sampler.join()
        gc.callbacks.remove(on_collection)
        if frozen_heap:
            gc.unfreeze()
    largest = max(page_times, key=page_times.__getitem__) if page_times else ""
    return {
        "total": end - begin,
        "start": marks["start"] - begin,
        "reading": marks["read"] - marks["start"],
        "writing": marks["written"] - marks.get("first page", marks["read"]),
        "largest page": largest,
        "largest page s": page_times.get(largest, 0.0),
        "full collections": collections["count"],
        "full collections s": collections["seconds"],
        "tracked after reading": tracked.get("tracked", 0),
        "objects walked": collections["walked"],
        "objects new between collections": collections["new"],
        "µs per walked object": (
            collections["seconds"] / collections["walked"] * 1e6 if collections["walked"] else 0.0
        ),
        "peak MB": dict(sorted(peaks.items(), key=lambda item: -item[1])),
    }


def _child(src: Path, out: Path, frozen_heap: bool, walks: bool = False) -> dict[str, Any]:
    """One build in a fresh interpreter (nothing imported or cached beforehand)."""
    command = [sys.executable, "-m", "benchmarks.anatomy", "--child", str(src), str(out)]
    if frozen_heap:
        command.append("--frozen-heap")
    if walks:
        command.append("--walks")
    done = subprocess.run(command, capture_output=True, text=True, check=True)
    return dict(json.loads(done.stdout.splitlines()[-1]))


def _median(runs: list[dict[str, Any]], key: str) -> float:
    return float(statistics.median(run[key] for run in runs))


def _report(runs: dict[str, list[dict[str, Any]]]) -> str:
    names = list(runs)
    rows = [
        ("whole build, s", "total"),
        ("start (configuration, extensions, bibliography), s", "start"),
        ("reading, s", "reading"),
        ("writing the pages, s", "writing"),
        ("the largest page, s", "largest page s"),
        ("full collections, number", "full collections"),
        ("full collections, s", "full collections s"),
        ("objects tracked after reading", "tracked after reading"),
    ]
    if any(run["objects walked"] for column in runs.values() for run in column):
        rows += [
            ("objects walked by the full collections", "objects walked"),
            ("objects new between full collections", "objects new between collections"),
            ("time per walked object, µs", "µs per walked object"),
        ]
    lines = ["| measure | " + " | ".join(names) + " |", "|---|" + "---|" * len(names)]
    for title, key in rows:
        cells = []
        for name in names:
            value = _median(runs[name], key)
            whole = value >= 1000 or key == "full collections"
            cells.append(f"{value:,.0f}" if whole else f"{value:.2f}")
        lines.append(f"| {title} | " + " | ".join(cells) + " |")
    pages = " | ".join(runs[name][0]["largest page"] for name in names)
    lines.append(f"| the largest page | {pages} |")
    peaks = []
    for name in names:
        phases = runs[name][0]["peak MB"]
        peaks.append(", ".join(f"{phase} {mb:.0f}" for phase, mb in list(phases.items())[:3]))
    lines.append("| peak resident MB by phase (first build) | " + " | ".join(peaks) + " |")
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> int:
    """Command line entry point; see the module docstring."""
    p = argparse.ArgumentParser(prog="python -m benchmarks.anatomy")
    p.add_argument("--chapters", type=int, default=200)
    p.add_argument("--repeat", type=int, default=1)
    p.add_argument("--frozen-heap", action="store_true", help="add the what-if builds")
    p.add_argument("--walks", action="store_true", help="count what each full collection walks")
    p.add_argument("--workdir", type=Path, default=None)
    p.add_argument("--child", nargs=2, type=Path, metavar=("SRC", "OUT"), help=argparse.SUPPRESS)
    args = p.parse_args(argv)
    if args.child:
        src, out = args.child
        print(json.dumps(measure_build(src, out, frozen_heap=args.frozen_heap, walks=args.walks)))
        return 0
    work = args.workdir or Path(tempfile.mkdtemp(prefix="sphinx-ext-anatomy-"))
    repo = Path(__file__).resolve().parent.parent
    for variant in ("floor", "extension"):
        generate_book(work / variant, args.chapters, variant=variant, repo_root=repo)
    plans = [("floor", False), ("extension", False)]
    if args.frozen_heap:
        plans += [("floor, heap frozen", True), ("extension, heap frozen", True)]
    runs: dict[str, list[dict[str, Any]]] = {name: [] for name, _ in plans}
    for _ in range(args.repeat):  # interleaved, so a slow minute hits every column
        for name, frozen in plans:
            variant = "floor" if name.startswith("floor") else "extension"
            out = work / f"out-{variant}"
            shutil.rmtree(out, ignore_errors=True)
            runs[name].append(_child(work / variant, out, frozen, args.walks))
    print(f"{args.chapters} chapters, medians of {args.repeat} serial HTML builds each\n")
    print(_report(runs))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
