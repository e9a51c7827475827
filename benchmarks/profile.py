"""Profile one build of a synthetic book and show where the extension spends.

Runs ``sphinx.cmd.build.build_main`` in this process under :mod:`cProfile`
and prints the functions with the most cumulative time, first those of
``sphinx_ext`` (and sphinxcontrib-bibtex / pybtex, which it drives), then
everything.  The raw profile goes to ``--stats`` for ``snakeviz`` or
``python -m pstats``.

Usage, from the repository root::

    python -m benchmarks.profile --chapters 50
    python -m benchmarks.profile --chapters 50 --bib-entries 10000
    python -m benchmarks.profile --chapters 50 --incremental   # profile the rebuild
    python -m benchmarks.profile --chapters 50 --variant floor

Profiling roughly doubles the wall time; compare functions with each other,
not with ``benchmarks.run``'s figures.
"""

from __future__ import annotations

import argparse
import cProfile
import io
import pstats
import shutil
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path

from benchmarks.generate import VARIANTS, edit_chapter, generate_book

OURS = ("sphinx_ext", "sphinxcontrib/bibtex", "pybtex")


def profile_build(src: Path, out: Path, doctrees: Path, jobs: int = 1) -> pstats.Stats:
    """Build *src* into *out* under cProfile and return the statistics."""
    from sphinx.cmd.build import build_main

    argv = ["-b", "html", "-q", "-d", str(doctrees), str(src), str(out)]
    if jobs != 1:
        argv[:0] = ["-j", str(jobs)]
    prof = cProfile.Profile()
    start = time.perf_counter()
    rc = prof.runcall(build_main, argv)
    print(f"build_main returned {rc} in {time.perf_counter() - start:.2f} s (profiled)")
    return pstats.Stats(prof)


def top(stats: pstats.Stats, n: int, only: Sequence[str] = (), sort: str = "cumulative") -> str:
    """The *n* top rows of *stats*, optionally only functions whose file matches."""
    buf = io.StringIO()
    old, stats.stream = stats.stream, buf  # type: ignore[attr-defined]
    try:
        stats.sort_stats(sort)
        if only:
            stats.print_stats("|".join(only), n)
        else:
            stats.print_stats(n)
    finally:
        stats.stream = old  # type: ignore[attr-defined]
    text = buf.getvalue()
    return text[text.find("   ncalls") :] if "   ncalls" in text else text


def main(argv: Sequence[str] | None = None) -> int:
    """Command line entry point; see the module docstring."""
    p = argparse.ArgumentParser(prog="python -m benchmarks.profile")
    p.add_argument("--chapters", type=int, default=50)
    p.add_argument("--works-per-chapter", type=int, default=10)
    p.add_argument("--citations-per-chapter", type=int, default=50)
    p.add_argument("--bib-entries", type=int, default=None)
    p.add_argument("--variant", choices=VARIANTS, default="extension")
    p.add_argument(
        "--incremental",
        action="store_true",
        help="build once unprofiled, edit a chapter, profile the rebuild",
    )
    p.add_argument("-j", "--jobs", type=int, default=1)
    p.add_argument("--top", type=int, default=40)
    p.add_argument("--sort", default="cumulative", help="pstats sort key (cumulative, tottime)")
    p.add_argument("--stats", type=Path, default=Path("benchmarks/results/profile.pstats"))
    p.add_argument("--workdir", type=Path, default=None)
    args = p.parse_args(argv)
    work = args.workdir or Path(tempfile.mkdtemp(prefix="sphinx-ext-prof-"))
    src, out, dt = work / "src", work / "out", work / "doctrees"
    for d in (src, out, dt):
        shutil.rmtree(d, ignore_errors=True)
    generate_book(
        src,
        args.chapters,
        args.works_per_chapter,
        args.citations_per_chapter,
        bib_entries=args.bib_entries,
        variant=args.variant,
    )
    if args.incremental:
        from sphinx.cmd.build import build_main

        build_main(["-b", "html", "-q", "-d", str(dt), str(src), str(out)])
        print("edited:", edit_chapter(src))
    stats = profile_build(src, out, dt, args.jobs)
    args.stats.parent.mkdir(parents=True, exist_ok=True)
    stats.dump_stats(str(args.stats))
    print(f"\n== {', '.join(OURS)}: top {args.top} by {args.sort} ==")
    print(top(stats, args.top, OURS, args.sort))
    print(f"\n== everything: top {args.top} by {args.sort} ==")
    print(top(stats, args.top, (), args.sort))
    print(f"profile written to {args.stats}")
    if args.workdir is None:
        shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
