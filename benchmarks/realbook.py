"""A real book built with and without the extension: ``nox -s realbook -- PATH``.

An optional check, run by hand where a book's repository is at hand (for
instance QuantEcon's ``lecture-python.myst``, or any Jupyter Book): the
folder is copied (the author's files are never touched), built as HTML as it
is, and built again with ``sphinx_ext`` added to its extensions. It reports
both times (wall and CPU; ``--repeat N`` alternates N builds of each and
takes medians, for a shared machine) and checks the second build:

* every chapter that cites anything shows its References list on its page;
* no id repeats on any page, unless the book repeats it without the
  extension too (reported apart: that is the book's own doing).

It lists the warnings only the build with the extension gives.

A Jupyter Book folder without a ``conf.py`` (only ``_config.yml``) gets one
from ``jupyter-book config sphinx`` first (Jupyter Book 1.x must be installed).
The book's own extensions must be installed in the running environment.
Notebooks are not executed (``nb_execution_mode = "off"`` in both copies:
executing a real book takes hours and needs its kernels and network);
``--execute`` keeps the book's own setting. Exit status 1 when a check fails.

    python -m benchmarks.realbook PATH [-j N] [--repeat N] [--keep DIR] [--execute]
"""

from __future__ import annotations

import argparse
import json
import re
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path
from statistics import median

__all__ = [
    "chapters_without_their_list",
    "ids_repeated_by_the_extension",
    "main",
    "repeated_ids",
    "warnings_only_with",
]

_ID = re.compile(r"\sid=\"([^\"]+)\"")
_ENTRY = re.compile(r"<li class=\"source-reference\" id=\"")

#: Appended to the copied conf.py: the build without the extension, and with it.
_WITHOUT = '\nextensions = [e for e in extensions if e != "sphinx_ext"]\n'
_WITH = '\nextensions = [e for e in extensions if e != "sphinx_ext"] + ["sphinx_ext"]\n'
#: Appended to both unless ``--execute``: MyST-NB (Jupyter Book) executes nothing.
_NO_EXECUTION = '\nnb_execution_mode = "off"\n'
#: Jupyter Book 1.x's command line (its package has no ``__main__``).
_JUPYTER_BOOK = "from jupyter_book.cli.main import main; main()"


def repeated_ids(outdir: Path) -> dict[str, list[str]]:
    """Page → the ids it holds more than once, for every HTML page that has any."""
    found: dict[str, list[str]] = {}
    for page in sorted(outdir.rglob("*.html")):
        counts = Counter(_ID.findall(page.read_text(encoding="utf-8", errors="replace")))
        repeated = sorted(i for i, n in counts.items() if n > 1)
        if repeated:
            found[str(page.relative_to(outdir))] = repeated
    return found


def chapters_without_their_list(outdir: Path) -> list[str]:
    """Chapters of ``citations.json`` citing works whose page lacks their References."""
    data = json.loads((outdir / "citations.json").read_text(encoding="utf-8"))
    missing = []
    for chapter in data["chapters"]:
        wanted = len(chapter["references"])
        if not wanted:
            continue
        page = outdir / f"{chapter['docname']}.html"
        shown = len(_ENTRY.findall(page.read_text(encoding="utf-8"))) if page.is_file() else 0
        if shown < wanted:
            missing.append(f"{chapter['docname']}: {shown} of {wanted} entries")
    return missing


def _prepare(source: Path, destination: Path, appended: str) -> Path:
    """Copy ``source`` to ``destination`` (a Jupyter Book gets its ``conf.py``), then append."""
    shutil.copytree(source, destination, ignore=shutil.ignore_patterns("_build", ".git"))
    conf = destination / "conf.py"
    if not conf.is_file() and (destination / "_config.yml").is_file():
        subprocess.run(
            [sys.executable, "-c", _JUPYTER_BOOK, "config", "sphinx", str(destination)],
            check=True,
        )
    if not conf.is_file():
        raise SystemExit(f"{source}: no conf.py (nor a Jupyter Book _config.yml)")
    with conf.open("a", encoding="utf-8") as handle:
        handle.write(appended)
    return destination


def ids_repeated_by_the_extension(
    plain: dict[str, list[str]], ours: dict[str, list[str]]
) -> dict[str, list[str]]:
    """The repeats of ``ours`` (:func:`repeated_ids`) that the build without it lacks.

    A book's own extensions may repeat ids by themselves (sphinx-exercise and
    sphinx-proof give every exercise the same ``exercise-content`` id): those
    are the book's, reported apart; only a repeat the extension adds fails.
    """
    added = {}
    for page, ids in ours.items():
        new = sorted(set(ids) - set(plain.get(page, ())))
        if new:
            added[page] = new
    return added


def warnings_only_with(plain: list[str], ours: list[str]) -> list[str]:
    """The warnings of the build with the extension that the build without lacks."""
    seen = Counter(line.replace("/plain-src/", "/ext-src/") for line in plain)
    only = []
    for line in ours:
        if seen[line]:
            seen[line] -= 1
        else:
            only.append(line)
    return only


def _build(srcdir: Path, outdir: Path, jobs: str) -> tuple[float, float, int]:
    """Build ``srcdir`` afresh into ``outdir``: wall seconds, CPU seconds, exit status.

    CPU time (user + system of sphinx-build and its workers) is what a shared
    machine disturbs least; what sphinx-build says goes to ``outdir``'s sibling ``.log``.
    """
    shutil.rmtree(outdir, ignore_errors=True)
    command = [sys.executable, "-m", "sphinx", "-b", "html", "-q", "-j", jobs]
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    with outdir.with_suffix(".log").open("w", encoding="utf-8") as log:
        done = subprocess.run([*command, str(srcdir), str(outdir)], check=False, stderr=log)
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return wall, cpu, done.returncode


def _warnings(outdir: Path) -> list[str]:
    log = outdir.with_suffix(".log")
    text = log.read_text(encoding="utf-8", errors="replace") if log.is_file() else ""
    marks = ("WARNING", "ERROR", "Traceback", "Exception occurred")
    return [line for line in text.splitlines() if any(mark in line for mark in marks)]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("path", type=Path, help="the book's source folder (with conf.py)")
    parser.add_argument("-j", "--jobs", default="1", help="sphinx-build -j (default 1)")
    parser.add_argument("--keep", type=Path, help="build here and keep the outputs")
    parser.add_argument(
        "--execute", action="store_true", help="keep the book's notebook execution setting"
    )
    parser.add_argument(
        "--repeat",
        type=int,
        default=1,
        help="build each this many times, alternating, and report medians (default 1)",
    )
    args = parser.parse_args(argv)
    work = args.keep or Path(tempfile.mkdtemp(prefix="realbook-"))
    execution = "" if args.execute else _NO_EXECUTION
    try:
        plain = _prepare(args.path, work / "plain-src", _WITHOUT + execution)
        ours = _prepare(args.path, work / "ext-src", _WITH + execution)
        times: dict[str, list[tuple[float, float]]] = {"without": [], "with": []}
        status = {"without": 0, "with": 0}
        for _ in range(max(args.repeat, 1)):
            for name, srcdir, outdir in (("without", plain, "plain"), ("with", ours, "ext")):
                wall, cpu, code = _build(srcdir, work / outdir, args.jobs)
                times[name].append((wall, cpu))
                status[name] = status[name] or code
        for name in ("without", "with"):
            walls = ", ".join(f"{wall:.1f}" for wall, _ in times[name])
            cpus = ", ".join(f"{cpu:.1f}" for _, cpu in times[name])
            print(f"{name} sphinx_ext: wall {walls} s, CPU {cpus} s (exit {status[name]})")
        wall_ratio = median(w for w, _ in times["with"]) / median(w for w, _ in times["without"])
        cpu_ratio = median(c for _, c in times["with"]) / median(c for _, c in times["without"])
        print(f"ratio of medians: wall {wall_ratio:.2f}x, CPU {cpu_ratio:.2f}x")
        if status["with"] != 0:
            print(f"the build with sphinx_ext failed: see {work / 'ext.log'} (with --keep)")
            return 1
        missing = chapters_without_their_list(work / "ext")
        book_repeats = repeated_ids(work / "plain")
        added = ids_repeated_by_the_extension(book_repeats, repeated_ids(work / "ext"))
        data = json.loads((work / "ext" / "citations.json").read_text(encoding="utf-8"))
        citing = sum(1 for chapter in data["chapters"] if chapter["references"])
        print(
            f"{len(data['chapters'])} chapters, {citing} citing; {len(data['citations'])} citations"
        )
        for line in missing:
            print(f"no References list: {line}")
        if book_repeats:
            print(
                f"the book itself repeats ids on {len(book_repeats)} pages "
                f"(without sphinx_ext too): {', '.join(sorted(_ids(book_repeats)))}"
            )
        for page, ids in added.items():
            print(f"ids repeated by sphinx_ext on {page}: {', '.join(ids)}")
        plain_warnings, ext_warnings = _warnings(work / "plain"), _warnings(work / "ext")
        only = warnings_only_with(plain_warnings, ext_warnings)
        print(
            f"warnings: {len(plain_warnings)} without, {len(ext_warnings)} with; "
            f"{len(only)} only with sphinx_ext"
        )
        for line in only:
            print(f"  {line}")
        ok = not missing and not added
        print(
            "every citing chapter has its list, sphinx_ext repeats no id" if ok else "CHECKS FAILED"
        )
        return 0 if ok else 1
    finally:
        if args.keep is None:
            shutil.rmtree(work, ignore_errors=True)


def _ids(found: dict[str, list[str]]) -> set[str]:
    return {i for ids in found.values() for i in ids}


if __name__ == "__main__":
    sys.exit(main())
