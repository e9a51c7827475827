"""What each saving of the extension (``sphinx_ext/savings.py``) saves today.

Generates the synthetic book (:mod:`benchmarks.generate`) and builds it
clean, serially, with every saving on, with each one turned off
(``-D citations_savings_off=<name>``) and with all of them off, interleaved
(on, off 1, off 2, …; then off 1, off 2, …, on; …) so that the machine's
drift falls on all alike. Peak memory is exact from build to build; times
drift by several percent on a shared machine, so a time difference smaller
than the spread of the repeats is no difference. The parallel-reading
saving only acts when documents are read in forked processes: it is
measured with ``-j 2``, beside ``-j 2`` with every saving on.

    python -m benchmarks.savings --chapters 200 --repeat 3

Writes ``benchmarks/results/savings.md`` (and prints it): for each build the
median wall time, CPU time (user + system) and peak resident memory, and
what turning the saving off costs against every saving on: in time, the
median over the rounds of the two builds' difference (as the scale run
takes its own cost pair by pair); in memory, the medians'. A saving whose
cost is within the noise of the repeats saves nothing worth its code.
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import sys
import tempfile
from collections.abc import Sequence
from pathlib import Path

from benchmarks.generate import REPO_ROOT, generate_book
from benchmarks.run import BuildResult, machine_info, own_cost_of, sphinx_build
from sphinx_ext.savings import Saving

__all__ = ["main"]

RESULTS = Path(__file__).resolve().parent / "results" / "savings.md"
SERIAL = [s for s in Saving if s is not Saving.BIBLIOGRAPHY_PICKLED_ONCE]


def _variants() -> list[tuple[str, int, list[str]]]:
    """(label, jobs, savings off) of every build of a round."""
    variants: list[tuple[str, int, list[str]]] = [("every saving on", 1, [])]
    variants += [(f"{saving.value} off", 1, [saving.value]) for saving in SERIAL]
    variants.append(("every saving off", 1, [saving.value for saving in Saving]))
    variants.append(("every saving on, -j 2", 2, []))
    off = Saving.BIBLIOGRAPHY_PICKLED_ONCE.value
    variants.append((f"{off} off, -j 2", 2, [off]))
    return variants


def _median(builds: Sequence[BuildResult], attribute: str) -> float:
    return float(statistics.median(getattr(build, attribute) for build in builds))


def off_cost(on: Sequence[BuildResult], off: Sequence[BuildResult], attribute: str) -> float:
    """What turning a saving off costs: the median, over rounds, of off − on.

    A round's two builds met the same spell of the machine, as the scale
    run's interleaved pairs do (:func:`benchmarks.run.own_cost_of`); the
    medians taken apart (5.0 s and 4.5 s here) would say −0.5 s.

    >>> on = [BuildResult("on", w, 100, 0) for w in (4.0, 6.0, 5.0)]
    >>> off = [BuildResult("off", w, 100, 0) for w in (4.5, 6.0, 4.5)]
    >>> off_cost(on, off, "wall_s")
    0.0
    """
    return own_cost_of(
        [(getattr(a, attribute), getattr(b, attribute)) for a, b in zip(on, off, strict=True)]
    )


def render(chapters: int, repeat: int, results: dict[str, list[BuildResult]]) -> str:
    """The Markdown report of one run."""
    machine = machine_info()
    lines = [
        (
            f"Measured {machine['date']} at {machine['git']}, {chapters} chapters, {repeat} "
            f"clean builds each (medians), Python {machine['python']}."
        ),
        "",
        "| build | wall s | CPU s | peak MB | off costs (wall, CPU, memory) |",
        "|---|---|---|---|---|",
    ]
    baseline = {
        1: results["every saving on"],
        2: results["every saving on, -j 2"],
    }
    for label, jobs, off in _variants():
        builds = results[label]
        if any(not build.ok for build in builds):
            lines.append(f"| {label} | failed | | | {builds[0].first_warnings[:1]} |")
            continue
        wall, cpu, peak = (_median(builds, a) for a in ("wall_s", "cpu_s", "maxrss_mb"))
        cost = ""
        if off:
            base = baseline[jobs]
            cost = (
                f"{off_cost(base, builds, 'wall_s'):+.2f} s, "
                f"{off_cost(base, builds, 'cpu_s'):+.2f} s, "
                f"{peak - _median(base, 'maxrss_mb'):+.1f} MB"
            )
        spread = f" ({min(b.wall_s for b in builds):.2f}–{max(b.wall_s for b in builds):.2f})"
        lines.append(
            f"| {label} | {wall:.2f}{spread if len(builds) > 1 else ''} | {cpu:.2f} | "
            f"{peak:.0f} | {cost} |"
        )
    warnings = sorted({w for builds in results.values() for b in builds for w in b.first_warnings})
    lines += ["", f"Warnings: {len(warnings)}" + (f" (first: {warnings[0]})" if warnings else "")]
    return "\n".join(lines) + "\n"


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.savings", description=__doc__)
    parser.add_argument("--chapters", type=int, default=200)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--workdir", type=Path, default=None)
    parser.add_argument("--output", type=Path, default=RESULTS)
    args = parser.parse_args(argv)
    workdir = args.workdir or Path(tempfile.mkdtemp(prefix="savings-"))
    src = workdir / "book"
    shutil.rmtree(src, ignore_errors=True)
    generate_book(src, args.chapters, repo_root=REPO_ROOT)
    results: dict[str, list[BuildResult]] = {label: [] for label, _, _ in _variants()}
    variants = _variants()
    for round_ in range(args.repeat):
        # Each round starts one build later, so that no build always comes first.
        shift = round_ % len(variants)
        for label, jobs, off in variants[shift:] + variants[:shift]:
            build = sphinx_build(
                src,
                workdir / "out",
                workdir / "doctrees",
                jobs=jobs,
                fresh=True,
                label=label,
                overrides=[f"citations_savings_off={','.join(off)}"] if off else (),
            )
            results[label].append(build)
            print(
                f"round {round_ + 1}: {label}: {build.wall_s:.2f} s, CPU {build.cpu_s:.2f} s, "
                f"{build.maxrss_mb:.0f} MB{'' if build.ok else ' FAILED'}",
                file=sys.stderr,
            )
    report = render(args.chapters, args.repeat, results)
    args.output.parent.mkdir(parents=True, exist_ok=True)
    temporary = args.output.with_suffix(".tmp")
    temporary.write_text(report, encoding="utf-8")
    temporary.replace(args.output)
    print(report)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
