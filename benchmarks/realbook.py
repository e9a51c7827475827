"""A real book built with and without the extension: ``nox -s realbook -- PATH``.

An optional check, run by hand where a book's repository is at hand (for
instance QuantEcon's ``lecture-python.myst``, or any Jupyter Book): the
folder is copied (the author's files are never touched), built as HTML as it
is, and built again with ``sphinx_ext`` added to its extensions. It reports
both times and checks the second build:

* every chapter that cites anything shows its References list on its page;
* no id repeats on any page.

A Jupyter Book folder without a ``conf.py`` (only ``_config.yml``) gets one
from ``jupyter-book config sphinx`` first (Jupyter Book must be installed).
The book's own extensions must be installed in the running environment.
Exit status 1 when a check fails.

    python -m benchmarks.realbook PATH [-j N] [--keep DIR]
"""

from __future__ import annotations

import argparse
import json
import re
import shutil
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

__all__ = ["chapters_without_their_list", "main", "repeated_ids"]

_ID = re.compile(r"\sid=\"([^\"]+)\"")
_ENTRY = re.compile(r"<li class=\"source-reference\" id=\"")

#: Appended to the copied conf.py: the build without the extension, and with it.
_WITHOUT = '\nextensions = [e for e in extensions if e != "sphinx_ext"]\n'
_WITH = '\nextensions = [e for e in extensions if e != "sphinx_ext"] + ["sphinx_ext"]\n'


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
    shutil.copytree(source, destination, ignore=shutil.ignore_patterns("_build", ".git"))
    conf = destination / "conf.py"
    if not conf.is_file() and (destination / "_config.yml").is_file():
        subprocess.run(
            [sys.executable, "-m", "jupyter_book", "config", "sphinx", str(destination)],
            check=True,
        )
    if not conf.is_file():
        raise SystemExit(f"{source}: no conf.py (nor a Jupyter Book _config.yml)")
    with conf.open("a", encoding="utf-8") as handle:
        handle.write(appended)
    return destination


def _build(srcdir: Path, outdir: Path, jobs: str) -> tuple[float, int]:
    command = [sys.executable, "-m", "sphinx", "-b", "html", "-q", "-j", jobs]
    start = time.perf_counter()
    done = subprocess.run([*command, str(srcdir), str(outdir)], check=False)
    return time.perf_counter() - start, done.returncode


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("path", type=Path, help="the book's source folder (with conf.py)")
    parser.add_argument("-j", "--jobs", default="1", help="sphinx-build -j (default 1)")
    parser.add_argument("--keep", type=Path, help="build here and keep the outputs")
    args = parser.parse_args(argv)
    work = args.keep or Path(tempfile.mkdtemp(prefix="realbook-"))
    try:
        plain = _prepare(args.path, work / "plain-src", _WITHOUT)
        ours = _prepare(args.path, work / "ext-src", _WITH)
        plain_time, plain_status = _build(plain, work / "plain", args.jobs)
        ext_time, ext_status = _build(ours, work / "ext", args.jobs)
        print(f"without sphinx_ext: {plain_time:.1f} s (exit {plain_status})")
        print(f"with sphinx_ext:    {ext_time:.1f} s (exit {ext_status})")
        if plain_time:
            print(f"ratio: {ext_time / plain_time:.2f}x")
        if ext_status != 0:
            print("the build with sphinx_ext failed")
            return 1
        missing = chapters_without_their_list(work / "ext")
        repeated = repeated_ids(work / "ext")
        data = json.loads((work / "ext" / "citations.json").read_text(encoding="utf-8"))
        citing = sum(1 for chapter in data["chapters"] if chapter["references"])
        print(
            f"{len(data['chapters'])} chapters, {citing} citing; {len(data['citations'])} citations"
        )
        for line in missing:
            print(f"no References list: {line}")
        for page, ids in repeated.items():
            print(f"repeated ids on {page}: {', '.join(ids)}")
        ok = not missing and not repeated
        print("every citing chapter has its list, no id repeats" if ok else "CHECKS FAILED")
        return 0 if ok else 1
    finally:
        if args.keep is None:
            shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
