"""Scale benchmark: the extension against the floor and sphinxcontrib-bibtex.

For each size (chapters; 10 works and 50 citations per chapter by default)
the runner generates the same synthetic book in three variants (see
:mod:`benchmarks.generate`) and, each Sphinx build in its own subprocess
(``python -m sphinx -b html -q``), measures wall time and peak RSS:

1. ``floor``: the book without the extension, citations left as text;
2. ``ext``: a clean build with the extension;
3. ``incr``: one chapter edited (a citation of a work cited elsewhere
   added), then an incremental rebuild of step 2's output;
4. ``clean``: a clean build of the edited book, which step 3's output must
   equal byte for byte (every file, ``citations.json`` and HTML included);
5. ``-j 2``: a clean parallel build of the edited book, which must equal
   step 4's output byte for byte;
6. ``bibtex``: sphinxcontrib-bibtex's per-chapter recipe, under a time
   limit; once a size exceeds it, bigger sizes are skipped.

Then the smallest book with a large bibliography (``--big-bib`` entries, same
text) shows what loading and resolving it adds; beside it, the floor with
sphinxcontrib-bibtex loading the same two files (citing nothing) shows what
parsing and keeping them costs without the extension.

Steps 1 and 2 run as interleaved pairs (floor, ext, floor, ext, …), each
build from scratch, so that a slow spell of the machine hits both sides of a
pair; smaller books get more pairs (:func:`pairs_at`). Steps 4 and 5 and the
large-bibliography build are repeated (``--repeat``, 5 by default), interleaved
the same way. The tables show the median build (wall time, CPU time and peak
memory), the JSON every one. The two targets that divide noisy times are
computed on the pairs (:func:`ratio_of`, :func:`own_cost_of`,
:func:`growth_of`) and get a 90% range, from the pairs drawn again with
replacement (:func:`resampled_range`): where the range spans the limit, the
run cannot tell the target met from missed.

Nothing is normalised before comparing outputs: the only thing Sphinx itself
makes differ between two builds of the same sources is nothing we compare
(doctrees live outside the output directory).

Usage, from the repository root::

    python -m benchmarks.run                      # 50,100,200 chapters + 10k bib
    python -m benchmarks.run --quick              # small sizes, about a minute
    python -m benchmarks.run --sizes 50,100 --bibtex-timeout 120 --big-bib 0
    python -m benchmarks.run --repeat 1           # one build each, faster, noisier
    python -m benchmarks.run --report benchmarks/results/latest.json  # targets again, no builds
    python -m benchmarks.run --pool a.json b.json  # several runs' pairs as one sample

It prints a table and writes ``benchmarks/results/latest.json`` (and
``latest.md``, the same table as Markdown).  Exit status: 0 when every
build succeeded and every output comparison held; 1 otherwise.  Targets
missed are reported but do not change the exit status. ``--pool`` exits
with 2 when the runs are not of the same book.
"""

from __future__ import annotations

import argparse
import contextlib
import datetime as _dt
import filecmp
import hashlib
import json
import os
import platform
import random
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, field
from importlib import metadata
from pathlib import Path
from typing import Any

from benchmarks.generate import REPO_ROOT, edit_chapter, generate_book

RESULTS_DIR = Path(__file__).resolve().parent / "results"

#: the issue's targets
MAX_FULL_RATIO = 1.25
GROWTH_SLACK = 4.5 / 4.0
MAX_INCR_SHARE = 0.15
MAX_MEM_RATIO = 1.5
MAX_BIG_BIB_DELTA = 2.0


@dataclass
class BuildResult:
    """One Sphinx build in a subprocess."""

    label: str
    wall_s: float
    maxrss_mb: float
    returncode: int
    timed_out: bool = False
    warnings: int = 0
    first_warnings: list[str] = field(default_factory=list)
    #: Wall times of every repetition, when this is their median (see :func:`median_build`).
    repeats: list[float] = field(default_factory=list)
    #: CPU time (user + system) of the build and the processes it waited for.
    cpu_s: float = 0.0

    @property
    def ok(self) -> bool:
        """Finished in time with exit status 0."""
        return self.returncode == 0 and not self.timed_out


def _median(values: Sequence[float]) -> float:
    """The middle value, the upper one of an even count."""
    return sorted(values)[len(values) // 2]


def median_build(builds: Sequence[BuildResult]) -> BuildResult:
    """The median of repeated builds: median wall time, CPU time and peak memory.

    A failed repetition stands for them all, so a failure is never hidden.

    >>> runs = [
    ...     BuildResult("ext", w, m, 0, cpu_s=c)
    ...     for w, m, c in ((5.0, 90, 4.9), (4.0, 99, 3.9), (9.0, 91, 5.1))
    ... ]
    >>> r = median_build(runs)
    >>> r.wall_s, r.maxrss_mb, r.cpu_s, r.repeats
    (5.0, 91, 4.9, [5.0, 4.0, 9.0])
    """
    failed = [b for b in builds if not b.ok]
    if failed:
        return failed[0]
    noisiest = max(builds, key=lambda b: b.warnings)
    return BuildResult(
        builds[0].label,
        _median([b.wall_s for b in builds]),
        _median([b.maxrss_mb for b in builds]),
        0,
        warnings=noisiest.warnings,
        first_warnings=noisiest.first_warnings,
        repeats=[b.wall_s for b in builds],
        cpu_s=_median([b.cpu_s for b in builds]),
    )


#: Pairs of interleaved builds, ``(floor, ext)`` wall times, of one size.
Pairs = Sequence[tuple[float, float]]


def ratio_of(pairs: Pairs) -> float:
    """The median, over interleaved pairs, of the extension build over the floor build.

    A pair's two builds met the same spell of the machine, so each pair's
    ratio cancels the spell; medians taken apart would mix spells.

    >>> ratio_of([(2.0, 3.0), (2.2, 2.6), (1.8, 2.9)])
    1.5
    """
    return _median([e / f for f, e in pairs])


def own_cost_of(pairs: Pairs) -> float:
    """The extension's own cost: the median, over interleaved pairs, of ext − floor.

    The median builds taken apart (3.0 s and 4.5 s here) would say 1.5 s: the
    slow extension build's pair was slow on both sides.

    >>> own_cost_of([(2.0, 3.0), (4.0, 4.5), (3.0, 5.0)])
    1.0
    """
    return _median([e - f for f, e in pairs])


def growth_of(small: Pairs, large: Pairs) -> float | None:
    """How many times the extension's own cost (:func:`own_cost_of`) grows, *small* → *large*.

    >>> growth_of([(3.0, 4.0)], [(20.0, 25.0)])
    5.0
    """
    own_small = own_cost_of(small)
    return own_cost_of(large) / own_small if own_small > 0 else None


def pairs_at(chapters: int, largest: int, repeat: int) -> int:
    """How many interleaved (floor, ext) pairs a size gets: more for smaller books.

    The own cost's growth divides by the smallest book's own cost, about a
    second taken from two builds of a few seconds each, so the smallest size
    is the noisiest term; its builds are also the cheapest. Each size gets
    about the same time, up to four times *repeat* pairs.

    >>> [pairs_at(n, 200, 7) for n in (50, 100, 200)]
    [28, 14, 7]
    >>> pairs_at(4, 16, 1), pairs_at(10, 200, 5)
    (4, 20)
    """
    return max(repeat, min(4 * repeat, round(repeat * largest / chapters)))


def resampled_range(
    sizes: Sequence[Pairs],
    statistic: Callable[..., float | None],
    *,
    share: float = 0.9,
    rounds: int = 4000,
    seed: int = 0,
) -> tuple[float, float] | None:
    """The middle *share* of *statistic* over the run's builds drawn again *rounds* times.

    Each round draws, for each size, as many interleaved ``(floor, ext)`` pairs
    as it has, with replacement (a pair stays a pair: both builds met the same
    spell of the machine), and computes *statistic* on the drawn sizes. A
    target whose range spans its limit is one this run cannot tell met from
    missed. ``None`` with fewer than three pairs a size.

    >>> quiet = [(10.0, 12.0), (10.1, 12.1), (9.9, 11.9), (10.0, 12.0), (10.0, 12.0)]
    >>> [round(x, 3) for x in resampled_range([quiet], ratio_of)]
    [1.198, 1.202]
    >>> noisy = [(10.0, 12.0), (11.0, 11.5), (9.0, 12.5), (10.5, 13.0), (9.5, 11.0)]
    >>> low, high = resampled_range([noisy], ratio_of)
    >>> low < ratio_of(noisy) < high, round(high - low, 2)
    (True, 0.34)
    >>> resampled_range([quiet[:2]], ratio_of) is None
    True
    """
    if not sizes or any(len(pairs) < 3 for pairs in sizes):
        return None
    draw = random.Random(seed).choice
    values = []
    for _ in range(rounds):
        value = statistic(*[[draw(pairs) for _ in pairs] for pairs in sizes])
        if value is not None:
            values.append(value)
    if not values:
        return None
    values.sort()
    cut = int(len(values) * (1 - share) / 2)
    return values[cut], values[len(values) - 1 - cut]


def pairs_of(size: SizeResult) -> list[tuple[float, float]]:
    """The interleaved ``(floor, ext)`` wall times of *size*'s repeated builds.

    A results file without the repetitions gives its median builds as one pair.
    """
    if size.ext is None or not size.ext.ok or not size.floor.ok:
        return []
    pairs = list(zip(size.floor.repeats, size.ext.repeats, strict=False))
    return pairs or [(size.floor.wall_s, size.ext.wall_s)]


@dataclass
class TreeDiff:
    """Result of comparing two output directories byte for byte."""

    files: int
    differ: list[str]
    only_left: list[str]
    only_right: list[str]

    @property
    def identical(self) -> bool:
        """No file differs and none is missing on either side."""
        return not (self.differ or self.only_left or self.only_right)

    def summary(self) -> str:
        """``identical (312 files)`` or a short list of what differs."""
        if self.identical:
            return f"identical ({self.files} files)"
        parts = []
        for name, items in (
            ("differ", self.differ),
            ("only in first", self.only_left),
            ("only in second", self.only_right),
        ):
            if items:
                parts.append(f"{len(items)} {name}: " + ", ".join(items[:5]))
        return "; ".join(parts)


def sphinx_build(
    src: Path,
    out: Path,
    doctrees: Path,
    *,
    jobs: int = 1,
    timeout: float | None = None,
    log: Path | None = None,
    label: str = "",
    fresh: bool = False,
    overrides: Sequence[str] = (),
) -> BuildResult:
    """Run ``python -m sphinx -b html -q`` in a subprocess and measure it.

    *overrides* are ``name=value`` settings given with ``-D``.

    Wall time is taken around the child; peak RSS comes from ``os.wait4``,
    which on Linux reports the largest RSS of the child and of every
    descendant it waited for (so for ``-j 2``: the largest single process,
    not the sum).  After *timeout* seconds the child's process group is
    killed and the result has ``timed_out=True``. With *fresh*, *out* and
    *doctrees* are removed first: a clean build.

    >>> r = sphinx_build(Path("book"), Path("out"), Path("doctrees"))  # doctest: +SKIP
    >>> r.wall_s, r.maxrss_mb  # doctest: +SKIP
    (3.5, 81.4)
    """
    if fresh:
        for old in (out, doctrees):
            shutil.rmtree(old, ignore_errors=True)
    cmd = [sys.executable, "-m", "sphinx", "-b", "html", "-q", "-d", str(doctrees)]
    if jobs != 1:
        cmd += ["-j", str(jobs)]
    for setting in overrides:
        cmd += ["-D", setting]
    cmd += [str(src), str(out)]
    log = log or out.parent / f"{out.name}.log"
    log.parent.mkdir(parents=True, exist_ok=True)
    with open(log, "wb") as logf:
        start = time.perf_counter()
        proc = subprocess.Popen(cmd, stdout=logf, stderr=subprocess.STDOUT, start_new_session=True)
        killed = threading.Event()

        def kill() -> None:
            killed.set()
            with contextlib.suppress(ProcessLookupError):
                os.killpg(proc.pid, signal.SIGKILL)

        timer = threading.Timer(timeout, kill) if timeout else None
        if timer:
            timer.start()
        _, status, usage = os.wait4(proc.pid, 0)
        wall = time.perf_counter() - start
        if timer:
            timer.cancel()
        proc.returncode = os.waitstatus_to_exitcode(status)
    text = log.read_text(encoding="utf-8", errors="replace")
    warnings = [ln for ln in text.splitlines() if "WARNING" in ln or "ERROR" in ln]
    if proc.returncode != 0 and not killed.is_set():
        warnings = warnings or text.splitlines()[-5:]
    return BuildResult(
        label,
        round(wall, 3),
        round(usage.ru_maxrss / 1024, 1),
        proc.returncode,
        killed.is_set(),
        len(warnings),
        warnings[:5],
        cpu_s=round(usage.ru_utime + usage.ru_stime, 3),
    )


def snapshot(root: Path) -> dict[str, tuple[int, int]]:
    """``{relative path: (mtime_ns, size)}`` of every file under *root*."""
    out: dict[str, tuple[int, int]] = {}
    for p in root.rglob("*"):
        if p.is_file():
            st = p.stat()
            out[p.relative_to(root).as_posix()] = (st.st_mtime_ns, st.st_size)
    return out


def compare_trees(left: Path, right: Path) -> TreeDiff:
    """Compare every file of two output directories byte for byte."""
    a = {p.relative_to(left).as_posix() for p in left.rglob("*") if p.is_file()}
    b = {p.relative_to(right).as_posix() for p in right.rglob("*") if p.is_file()}
    differ = sorted(rel for rel in a & b if not filecmp.cmp(left / rel, right / rel, shallow=False))
    return TreeDiff(len(a | b), differ, sorted(a - b), sorted(b - a))


@dataclass
class SizeResult:
    """Every measurement for one book size."""

    chapters: int
    works: int
    docs: int
    citations: int
    cite_items: int
    floor: BuildResult
    floor_par: BuildResult | None = None
    ext: BuildResult | None = None
    incr: BuildResult | None = None
    clean: BuildResult | None = None
    par: BuildResult | None = None
    bibtex: BuildResult | None = None
    bibtex_skipped: str = ""
    incr_rewritten_html: int = 0
    incr_vs_clean: str = ""
    incr_identical: bool | None = None
    par_vs_serial: str = ""
    par_identical: bool | None = None
    citations_json: bool | None = None
    edit: dict[str, Any] = field(default_factory=dict)
    #: Entries of all the chapters' References lists: works cited, per chapter.
    ref_entries: int = 0

    def full_ratio(self) -> float | None:
        """Full build / floor: :func:`ratio_of` the interleaved pairs."""
        pairs = pairs_of(self)
        return round(ratio_of(pairs), 3) if pairs else None

    def own_cost(self) -> float | None:
        """Seconds the extension adds to the floor: :func:`own_cost_of` the pairs."""
        pairs = pairs_of(self)
        return own_cost_of(pairs) if pairs else None

    def ratio(
        self, num: BuildResult | None, den: BuildResult | None, attr: str = "wall_s"
    ) -> float | None:
        """``num/den`` for *attr* when both builds succeeded."""
        if num is None or den is None or not num.ok or not den.ok:
            return None
        d = float(getattr(den, attr))
        return round(float(getattr(num, attr)) / d, 3) if d else None


def run_size(
    work: Path, chapters: int, args: argparse.Namespace, bibtex_timeout: float | None, log: Any
) -> SizeResult:
    """Generate and build one size; see the module docstring for the steps."""
    d = work / f"ch{chapters}"
    if d.exists():
        shutil.rmtree(d)
    gen: dict[str, Any] = {
        "chapters": chapters,
        "works_per_chapter": args.works_per_chapter,
        "citations_per_chapter": args.citations_per_chapter,
        "seed": args.seed,
        "repo_root": args.code_root,
    }
    book = generate_book(d / "src-floor", variant="floor", **gen)
    generate_book(d / "src-ext", variant="extension", **gen)
    res = SizeResult(
        chapters,
        len(book.works),
        len(book.docs) + 2,
        sum(1 for _ in book.citations()),
        sum(len(c.items) for c in book.citations()),
        floor=BuildResult("floor", 0, 0, -1),
    )
    res.ref_entries = sum(len(cited) for cited in book.chapter_works.values())
    log(
        f"[{chapters} chapters] {res.docs} documents, {res.works} works, "
        f"{res.citations} citations ({res.cite_items} works cited)"
    )

    def build(label: str, src: str, out: str, **kw: Any) -> BuildResult:
        kw.setdefault("timeout", args.build_timeout or None)
        r = sphinx_build(d / src, d / out, d / f"{out}.doctrees", label=label, **kw)
        state = "TIMEOUT" if r.timed_out else ("ok" if r.ok else f"FAILED rc={r.returncode}")
        log(
            f"  {label:<8} {r.wall_s:8.2f} s {r.maxrss_mb:8.1f} MB  {state}"
            + (f"  {r.warnings} warning(s): {r.first_warnings[0][:160]}" if r.warnings else "")
        )
        return r

    floors, exts = [], []
    for _ in range(pairs_at(chapters, args.largest, args.repeat)):
        floors.append(build("floor", "src-floor", "out-floor", fresh=True))
        exts.append(build("ext", "src-ext", "out-ext", fresh=True))
    res.floor, res.ext = median_build(floors), median_build(exts)
    if args.floor_parallel:
        res.floor_par = build("floor-j2", "src-floor", "out-floor-par", jobs=2)
    if res.ext.ok:
        res.citations_json = (d / "out-ext" / "citations.json").is_file()
        before = snapshot(d / "out-ext")
        edit = edit_chapter(d / "src-ext")
        res.edit = asdict(edit)
        res.incr = build("incr", "src-ext", "out-ext")
        after = snapshot(d / "out-ext")
        res.incr_rewritten_html = sum(
            1 for k, v in after.items() if k.endswith(".html") and before.get(k) != v
        )
        cleans, pars = [], []
        for _ in range(args.repeat):
            cleans.append(build("clean", "src-ext", "out-clean", fresh=True))
            pars.append(build("-j 2", "src-ext", "out-par", fresh=True, jobs=2))
        res.clean, res.par = median_build(cleans), median_build(pars)
        if res.incr.ok and res.clean.ok:
            diff = compare_trees(d / "out-ext", d / "out-clean")
            res.incr_identical, res.incr_vs_clean = diff.identical, diff.summary()
            log(
                f"  incremental vs clean: {diff.summary()}; "
                f"{res.incr_rewritten_html} HTML page(s) rewritten"
            )
        if res.par.ok and res.clean.ok:
            diff = compare_trees(d / "out-clean", d / "out-par")
            res.par_identical, res.par_vs_serial = diff.identical, diff.summary()
            log(f"  -j 2 vs serial: {diff.summary()}")
    if bibtex_timeout is None:
        res.bibtex_skipped = "skipped: a smaller size exceeded the time limit"
    elif bibtex_timeout <= 0:
        res.bibtex_skipped = "disabled"
    else:
        generate_book(d / "src-bibtex", variant="bibtex", **gen)
        res.bibtex = build("bibtex", "src-bibtex", "out-bibtex", timeout=bibtex_timeout)
    if not args.keep:
        for p in d.glob("out-*"):
            shutil.rmtree(p, ignore_errors=True)
    return res


@dataclass
class BigBibResult:
    """The smallest book built with a large bibliography."""

    chapters: int
    entries: int
    build: BuildResult
    baseline_ext_s: float | None
    floor_s: float | None
    #: The floor with sphinxcontrib-bibtex loading the large and the book's own
    #: bibliography (no citations): what loading the file costs without us.
    bibtex_big_s: float | None = None
    bibtex_own_s: float | None = None

    @property
    def delta_s(self) -> float | None:
        """Seconds added over the same book with its own small bibliography."""
        if self.baseline_ext_s is None or not self.build.ok:
            return None
        return round(self.build.wall_s - self.baseline_ext_s, 2)

    @property
    def bibtex_delta_s(self) -> float | None:
        """Seconds the large bibliography adds to sphinxcontrib-bibtex alone."""
        if self.bibtex_big_s is None or self.bibtex_own_s is None:
            return None
        return round(self.bibtex_big_s - self.bibtex_own_s, 2)


def run_big_bib(
    work: Path,
    chapters: int,
    entries: int,
    args: argparse.Namespace,
    small: SizeResult | None,
    log: Any,
) -> BigBibResult:
    """Build the *chapters* book with an *entries*-entry bibliography."""
    d = work / f"bigbib{chapters}"
    if d.exists():
        shutil.rmtree(d)
    for name, bib_entries in (("src-ext", entries), ("src-own", None)):
        generate_book(
            d / name,
            chapters,
            args.works_per_chapter,
            args.citations_per_chapter,
            bib_entries=bib_entries,
            seed=args.seed,
            repo_root=args.code_root,
        )
    # The floor with sphinxcontrib-bibtex loading the same two files and
    # citing nothing: what parsing and keeping them costs without the extension.
    for name, source in (("src-bibtex-big", "src-ext"), ("src-bibtex-own", "src-own")):
        generate_book(
            d / name,
            chapters,
            args.works_per_chapter,
            args.citations_per_chapter,
            seed=args.seed,
            variant="floor",
            repo_root=args.code_root,
        )
        shutil.copyfile(d / source / "refs.bib", d / name / "refs.bib")
        with (d / name / "conf.py").open("a", encoding="utf-8") as conf:
            conf.write(
                'extensions.append("sphinxcontrib.bibtex")\nbibtex_bibfiles = ["refs.bib"]\n'
            )
    # Interleaved with the same book on its own bibliography, so that the
    # machine's drift over the run does not land in the difference.
    runs, own, bibtex_big, bibtex_own = [], [], [], []
    for _ in range(args.repeat):
        for name, out, label, into in (
            ("src-own", "out-own", "bigbib-own", own),
            ("src-ext", "out-ext", "bigbib", runs),
            ("src-bibtex-own", "out-bibtex-own", "bigbib-bibtex-own", bibtex_own),
            ("src-bibtex-big", "out-bibtex-big", "bigbib-bibtex", bibtex_big),
        ):
            into.append(
                sphinx_build(
                    d / name,
                    d / out,
                    d / f"{out}.doctrees",
                    label=label,
                    timeout=args.build_timeout or None,
                    fresh=True,
                )
            )
    r = median_build(runs)
    baseline = median_build(own)
    alone_big, alone_own = median_build(bibtex_big), median_build(bibtex_own)
    log(
        f"[{chapters} chapters, {entries}-entry bibliography] {r.wall_s:.2f} s "
        f"{r.maxrss_mb:.1f} MB {'ok' if r.ok else 'FAILED'}; "
        f"own bibliography {baseline.wall_s:.2f} s; sphinxcontrib-bibtex alone "
        f"{alone_big.wall_s:.2f} s and {alone_own.wall_s:.2f} s"
        + (f"  {r.warnings} warning(s): {r.first_warnings[0][:160]}" if r.warnings else "")
    )
    if not args.keep:
        for out in ("out-ext", "out-own", "out-bibtex-big", "out-bibtex-own"):
            shutil.rmtree(d / out, ignore_errors=True)
    base = baseline.wall_s if baseline.ok else None
    floor = small.floor.wall_s if small and small.floor.ok else None
    return BigBibResult(
        chapters,
        entries,
        r,
        base,
        floor,
        alone_big.wall_s if alone_big.ok else None,
        alone_own.wall_s if alone_own.ok else None,
    )


# --------------------------------------------------------------------------
# Reporting
# --------------------------------------------------------------------------


def _fmt(x: float | None, spec: str = ".2f", suffix: str = "") -> str:
    return "–" if x is None else f"{x:{spec}}{suffix}"


def _time(r: BuildResult | None, skipped: str = "") -> str:
    if r is None:
        return "skipped" if skipped else "–"
    if r.timed_out:
        return f">{r.wall_s:.0f} (limit)"
    return f"{r.wall_s:.2f}" if r.ok else "FAILED"


def evaluate(sizes: list[SizeResult], big: BigBibResult | None) -> list[dict[str, Any]]:
    """Check the issue's targets; one row per target."""
    rows: list[dict[str, Any]] = []

    def add(
        name: str,
        value: str,
        target: str,
        ok: bool | None,
        spread: tuple[float, float] | None = None,
    ) -> None:
        row = {"target": name, "measured": value, "limit": target, "pass": ok}
        if spread is not None:
            # resampled_range: where the range spans the limit, this run cannot decide.
            row["measured"] += f" (90% range {spread[0]:.2f}–{spread[1]:.2f}×)"
            row["range"] = [round(spread[0], 3), round(spread[1], 3)]
        rows.append(row)

    ok_sizes = [s for s in sizes if s.ext and s.ext.ok and s.floor.ok]
    if ok_sizes:
        top = ok_sizes[-1]
        r = top.full_ratio()
        add(
            f"full build / floor at {top.chapters} chapters",
            _fmt(r, ".2f", "×"),
            f"≤ {MAX_FULL_RATIO}×",
            r is not None and r <= MAX_FULL_RATIO,
            resampled_range([pairs_of(top)], ratio_of),
        )
    if len(ok_sizes) >= 2:
        lo, hi = ok_sizes[0], ok_sizes[-1]
        assert lo.ext and hi.ext
        c_lo, c_hi = lo.own_cost(), hi.own_cost()
        assert c_lo is not None and c_hi is not None
        limit = hi.chapters / lo.chapters * GROWTH_SLACK
        g = growth_of(pairs_of(lo), pairs_of(hi))
        add(
            f"extension's own cost {lo.chapters}→{hi.chapters} chapters",
            f"{c_lo:.2f} s → {c_hi:.2f} s ({_fmt(g, '.2f', '×')})",
            f"≤ {limit:.2f}× (book grows {hi.chapters / lo.chapters:.0f}×)",
            None if g is None else g <= limit,
            resampled_range([pairs_of(lo), pairs_of(hi)], growth_of),
        )
        # What the extension writes does not grow with the chapters alone: a
        # bigger book draws its shared and random citations from more works.
        add(
            f"the book, {lo.chapters}→{hi.chapters} chapters (information)",
            f"documents {hi.docs / lo.docs:.2f}×, citations {hi.citations / lo.citations:.2f}×, "
            f"References entries {hi.ref_entries / lo.ref_entries:.2f}×"
            if lo.ref_entries
            else "–",
            "–",
            None,
        )
    largest = max((s.chapters for s in sizes), default=0)
    for s in sizes:
        if s.incr and s.ext:
            r = s.ratio(s.incr, s.ext)
            # the issue sets this target at the largest size; smaller ones are shown
            add(
                f"incremental / full at {s.chapters} chapters",
                _fmt(None if r is None else r * 100, ".1f", "%"),
                f"≤ {MAX_INCR_SHARE:.0%}" if s.chapters == largest else "(info)",
                (r is not None and r <= MAX_INCR_SHARE) if s.chapters == largest else None,
            )
            add(
                f"incremental == clean at {s.chapters} chapters",
                s.incr_vs_clean or "–",
                "identical",
                bool(s.incr_identical),
            )
        if s.par and s.clean:
            r = s.ratio(s.par, s.clean)
            add(
                f"-j 2 / serial at {s.chapters} chapters",
                _fmt(r, ".2f", "×"),
                "≤ 1.00×",
                r is not None and r <= 1.0,
            )
            add(
                f"-j 2 == serial at {s.chapters} chapters",
                s.par_vs_serial or "–",
                "identical",
                bool(s.par_identical),
            )
        if s.ext:
            r = s.ratio(s.ext, s.floor, "maxrss_mb")
            add(
                f"peak memory / floor at {s.chapters} chapters",
                _fmt(r, ".2f", "×"),
                f"≤ {MAX_MEM_RATIO}×",
                r is not None and r <= MAX_MEM_RATIO,
            )
    ext_builds = [b for s in sizes for b in (s.ext, s.incr, s.clean, s.par) if b]
    if big is not None:
        ext_builds.append(big.build)
    n_warn = sum(b.warnings for b in ext_builds)
    first = next((b.first_warnings[0] for b in ext_builds if b.first_warnings), "")
    add(
        "warnings in extension builds",
        f"{n_warn}" + (f" ({first[:100]})" if first else ""),
        "0",
        n_warn == 0,
    )
    wrote = [s.citations_json for s in sizes if s.citations_json is not None]
    add(
        "citations.json written",
        f"{sum(wrote)}/{len(wrote)} builds",
        "all",
        bool(wrote) and all(wrote),
    )
    if big is not None:
        dlt = big.delta_s
        add(
            f"{big.entries}-entry bibliography, {big.chapters} chapters: added time",
            _fmt(dlt, ".2f", " s"),
            f"≤ {MAX_BIG_BIB_DELTA:.0f} s",
            dlt is not None and dlt <= MAX_BIG_BIB_DELTA,
        )
        alone = big.bibtex_delta_s
        add(
            "  of which sphinxcontrib-bibtex alone adds, loading the same file",
            _fmt(alone, ".2f", " s"),
            "(info)",
            None,
        )
    return rows


def render_tables(
    sizes: list[SizeResult],
    big: BigBibResult | None,
    targets: list[dict[str, Any]],
    markdown: bool = False,
) -> str:
    """The results as aligned text (or Markdown) tables: time, memory, targets."""
    time_rows, mem_rows = [], []
    for s in sizes:
        own = s.own_cost()
        if s.bibtex and s.bibtex.timed_out and s.ext and s.ext.ok:
            bib_ratio = f"<{s.ext.wall_s / s.bibtex.wall_s:.3f}"
        else:
            bib_ratio = _fmt(s.ratio(s.ext, s.bibtex), ".3f")
        incr = s.ratio(s.incr, s.ext)
        time_rows.append(
            [
                str(s.chapters),
                str(s.docs),
                str(s.works),
                str(s.citations),
                str(s.ref_entries),
                _time(s.floor),
                _time(s.ext),
                _fmt(s.full_ratio(), ".2f", "×"),
                _fmt(own, ".2f"),
                _time(s.bibtex, s.bibtex_skipped),
                bib_ratio,
                _time(s.incr),
                _fmt(None if incr is None else incr * 100, ".1f", "%"),
                _time(s.par),
                _fmt(s.ratio(s.par, s.clean), ".2f", "×"),
                _fmt(s.ratio(s.floor_par, s.floor), ".2f", "×"),
            ]
        )
        mem_rows.append(
            [
                str(s.chapters),
                _fmt(s.floor.maxrss_mb, ".0f"),
                _fmt(s.ext.maxrss_mb if s.ext else None, ".0f"),
                _fmt(s.ratio(s.ext, s.floor, "maxrss_mb"), ".2f", "×"),
                _fmt(s.par.maxrss_mb if s.par else None, ".0f"),
                _fmt(s.bibtex.maxrss_mb if s.bibtex and s.bibtex.ok else None, ".0f"),
                _fmt(s.floor.cpu_s or None),
                _fmt(s.ext.cpu_s or None if s.ext else None),
                str(sum(b.warnings for b in (s.ext, s.incr, s.clean, s.par) if b)),
                str(s.incr_rewritten_html),
            ]
        )
    out = [
        _table(
            [
                "chapters",
                "docs",
                "works",
                "citations",
                "References entries",
                "floor s",
                "ext s",
                "ext/floor",
                "ext−floor s",
                "bibtex s",
                "ext/bibtex",
                "incr s",
                "incr/full",
                "-j2 s",
                "-j2/serial",
                "floor -j2/serial",
            ],
            time_rows,
            markdown,
        ),
        _table(
            [
                "chapters",
                "floor MB",
                "ext MB",
                "ext/floor",
                "-j2 MB (max proc)",
                "bibtex MB",
                "floor CPU s",
                "ext CPU s",
                "ext warnings",
                "pages rewritten by incr",
            ],
            mem_rows,
            markdown,
        ),
    ]
    if big is not None:
        out.append(
            _table(
                [
                    "big bibliography",
                    "entries",
                    "ext s",
                    "same book, own bib s",
                    "added s",
                    "sphinxcontrib-bibtex alone: own, large bib s",
                    "its added s",
                    "floor s",
                    "MB",
                ],
                [
                    [
                        f"{big.chapters} chapters",
                        str(big.entries),
                        _time(big.build),
                        _fmt(big.baseline_ext_s),
                        _fmt(big.delta_s),
                        f"{_fmt(big.bibtex_own_s)}, {_fmt(big.bibtex_big_s)}",
                        _fmt(big.bibtex_delta_s),
                        _fmt(big.floor_s),
                        _fmt(big.build.maxrss_mb, ".0f"),
                    ]
                ],
                markdown,
            )
        )
    out.append(
        _table(
            ["target", "measured", "limit", "pass"],
            [
                [
                    t["target"],
                    t["measured"],
                    t["limit"],
                    {True: "yes", False: "NO", None: "–"}[t["pass"]],
                ]
                for t in targets
            ],
            markdown,
        )
    )
    return "\n\n".join(out)


def _table(head: list[str], rows: list[list[str]], markdown: bool) -> str:
    if markdown:
        lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
        lines += ["| " + " | ".join(r) + " |" for r in rows]
        return "\n".join(lines)
    widths = [
        max(len(h), *(len(r[i]) for r in rows)) if rows else len(h) for i, h in enumerate(head)
    ]
    fmt = "  ".join(f"{{:>{w}}}" for w in widths)
    return "\n".join(
        [fmt.format(*head), fmt.format(*("-" * w for w in widths))] + [fmt.format(*r) for r in rows]
    )


def snapshot_code(package: Path, dest: Path) -> str:
    """Copy *package* to *dest* (the books import it from there); return its hash.

    Every build of a run then uses the same code even while the working tree
    changes, and the hash in the results says which code was measured.
    """
    if dest.exists():
        shutil.rmtree(dest)
    shutil.copytree(package, dest, ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
    digest = hashlib.sha256()
    for f in sorted(p for p in dest.rglob("*") if p.is_file()):
        digest.update(f.relative_to(dest).as_posix().encode() + b"\0" + f.read_bytes())
    return digest.hexdigest()[:16]


def machine_info() -> dict[str, Any]:
    """CPU, cores, memory, Python and package versions, git revision."""
    cpu = platform.processor() or platform.machine()
    mem_gib = None
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal"):
                mem_gib = round(int(line.split()[1]) / 2**20, 1)
    except OSError:
        pass
    versions: dict[str, str | None] = {}
    for pkg in ("sphinx", "myst-parser", "sphinxcontrib-bibtex", "pybtex", "docutils"):
        try:
            versions[pkg] = metadata.version(pkg)
        except metadata.PackageNotFoundError:
            versions[pkg] = None
    rev = subprocess.run(
        ["git", "-C", str(REPO_ROOT), "rev-parse", "--short", "HEAD"],
        check=False,
        capture_output=True,
        text=True,
    ).stdout.strip()
    dirty = subprocess.run(
        ["git", "-C", str(REPO_ROOT), "status", "--porcelain", "sphinx_ext"],
        check=False,
        capture_output=True,
        text=True,
    ).stdout.strip()
    return {
        "cpu": cpu,
        "cores": os.cpu_count(),
        "memory_gib": mem_gib,
        "os": platform.platform(),
        "python": platform.python_version(),
        "packages": versions,
        "git": (rev or "no commit") + (" + local changes" if dirty else ""),
        "date": _dt.datetime.now(_dt.UTC).isoformat(timespec="seconds"),
    }


_BUILDS = ("floor", "floor_par", "ext", "incr", "clean", "par", "bibtex")


def load_results(path: Path) -> tuple[dict[str, Any], list[SizeResult], BigBibResult | None]:
    """A results file (``latest.json``) as written by :func:`main`, read back."""
    payload = json.loads(path.read_text(encoding="utf-8"))

    def build(data: dict[str, Any] | None) -> BuildResult | None:
        return None if data is None else BuildResult(**data)

    sizes = [
        SizeResult(**{**size, **{name: build(size[name]) for name in _BUILDS if name in size}})
        for size in payload["sizes"]
    ]
    big = None
    if payload.get("big_bib"):
        fields = {
            k: v for k, v in payload["big_bib"].items() if k not in ("delta_s", "bibtex_delta_s")
        }
        big = BigBibResult(**{**fields, "build": build(fields["build"])})
    return payload, sizes, big


def _markdown(info: dict[str, Any], elapsed: float, tables: str) -> str:
    return (
        f"Measured {info['date']} on {info['cpu']}, {info['cores']} cores, "
        f"{info['memory_gib']} GiB, Python {info['python']}, Sphinx "
        f"{info['packages']['sphinx']}, repo {info['git']}; total {elapsed:.0f} s.\n\n"
        + tables
        + "\n"
    )


def report(path: Path) -> int:
    """``--report``: the targets of an earlier run checked again, its files written anew.

    For a run made before a change to how targets are checked or shown: the
    builds' figures are those of the file; its ``targets`` and its Markdown
    twin are made again from them.
    """
    payload, sizes, big = load_results(path)
    payload["targets"] = evaluate(sizes, big)
    tables = render_tables(sizes, big, payload["targets"], markdown=True)
    _write_atomically(path, json.dumps(payload, indent=1, ensure_ascii=False) + "\n")
    _write_atomically(
        path.with_suffix(".md"), _markdown(payload["machine"], payload["total_s"], tables)
    )
    print(render_tables(sizes, big, payload["targets"]))
    return 0


def pooled(paths: Sequence[Path]) -> tuple[str, bool]:
    """``--pool``: full / floor and the own cost's growth over several runs' pairs at once.

    One run's seven pairs at 200 chapters cannot tell a 1.25× target met from
    missed (see :func:`resampled_range`); runs of the same code on the same
    book can be read as one sample. Each run is shown, then the pairs of all
    of them together, with their 90% range. The text, and whether the runs
    could be pooled: they must have the same book (sizes, works and citations
    a chapter, seed); runs of different code are pooled with a warning, because
    what they measure may differ.
    """
    runs = [load_results(path) for path in paths]
    book_keys = ("works_per_chapter", "citations_per_chapter", "seed")
    books = {tuple(payload["settings"].get(k) for k in book_keys) for payload, _, _ in runs}
    common = set.intersection(*({s.chapters for s in sizes} for _, sizes, _ in runs))
    if len(books) > 1 or len(common) < 2:
        return "these runs are not of the same book (or share fewer than two sizes)", False
    small, large = min(common), max(common)
    header = (
        f"{'run':<10} {'code':<16} {'date':<25} {'pairs':>9} "
        f"{'full/floor':>11} {'own cost':>17} {'growth':>7}"
    )
    lines = [header]
    pools: dict[int, list[tuple[float, float]]] = {small: [], large: []}
    codes = set()
    for path, (payload, sizes, _) in zip(paths, runs, strict=True):
        by_size = {s.chapters: pairs_of(s) for s in sizes}
        lo, hi = by_size[small], by_size[large]
        if not lo or not hi:
            return f"{path}: a failed build at {small} or {large} chapters", False
        pools[small] += lo
        pools[large] += hi
        machine = payload["machine"]
        codes.add(machine.get("sphinx_ext_sha256"))
        growth = growth_of(lo, hi)
        lines.append(
            f"{machine['git']:<10} {machine.get('sphinx_ext_sha256', '?'):<16} "
            f"{machine['date']:<25} {len(lo):>4}/{len(hi):<4} "
            f"{ratio_of(hi):>10.2f}× {own_cost_of(lo):>6.2f} → {own_cost_of(hi):>5.2f} s "
            f"{_fmt(growth, '.2f', '×'):>7}"
        )
    lo, hi = pools[small], pools[large]
    ratio, growth = ratio_of(hi), growth_of(lo, hi)
    ratio_range = resampled_range([hi], ratio_of)
    growth_range = resampled_range([lo, hi], growth_of)
    growth_limit = large / small * GROWTH_SLACK

    def within(value: float | None, limit: float, spread: tuple[float, float] | None) -> str:
        if value is None:
            return "–"
        verdict = "met" if value <= limit else "missed"
        if spread is not None and spread[0] <= limit <= spread[1]:
            verdict += ", the range spans the limit"
        shown = "" if spread is None else f" (90% range {spread[0]:.2f}–{spread[1]:.2f}×)"
        return f"{value:.3f}×{shown}: {verdict}"

    lines += [
        f"{'pooled':<10} {'':<16} {'':<25} {len(lo):>4}/{len(hi):<4}",
        "",
        f"full build / floor at {large} chapters, ≤ {MAX_FULL_RATIO}×: "
        + within(ratio, MAX_FULL_RATIO, ratio_range),
        f"own cost {small}→{large} chapters ({own_cost_of(lo):.2f} s → {own_cost_of(hi):.2f} s), "
        f"≤ {growth_limit:.2f}×: " + within(growth, growth_limit, growth_range),
    ]
    if len(codes) > 1:
        lines.append(
            "warning: these runs measured different code (sphinx_ext_sha256); "
            "pool them only where the code they build with is the same"
        )
    return "\n".join(lines), True


def _write_atomically(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_name(path.name + ".partial")
    partial.write_text(text, encoding="utf-8")
    partial.replace(path)


def main(argv: Sequence[str] | None = None) -> int:
    """Command line entry point; see the module docstring."""
    p = argparse.ArgumentParser(
        prog="python -m benchmarks.run", description="Scale benchmark of sphinx_ext."
    )
    p.add_argument(
        "--sizes", default=None, help="comma-separated chapter counts (default 50,100,200)"
    )
    p.add_argument(
        "--quick",
        action="store_true",
        help="sizes 4,8,16, a 2,000-entry bibliography, 60 s bibtex limit",
    )
    p.add_argument(
        "--big-bib",
        type=int,
        default=None,
        help="entries of the large-bibliography run (default 10000; 0: none)",
    )
    p.add_argument(
        "--big-bib-chapters",
        type=int,
        default=None,
        help="chapters of the large-bibliography book (default: smallest size)",
    )
    p.add_argument(
        "--bibtex-timeout",
        type=float,
        default=None,
        help="seconds per sphinxcontrib-bibtex build (default 300; 0: skip)",
    )
    p.add_argument("--works-per-chapter", type=int, default=10)
    p.add_argument("--citations-per-chapter", type=int, default=50)
    p.add_argument("--seed", type=int, default=0)
    p.add_argument(
        "--workdir",
        type=Path,
        default=None,
        help="where books and outputs go (default: a temporary directory)",
    )
    p.add_argument("--keep", action="store_true", help="keep outputs in --workdir")
    p.add_argument(
        "--no-floor-parallel",
        dest="floor_parallel",
        action="store_false",
        help="skip the floor's -j 2 build (shows what -j 2 gains Sphinx alone)",
    )
    p.add_argument(
        "--build-timeout",
        type=float,
        default=1200.0,
        help="seconds after which any other build is killed (0: no limit)",
    )
    p.add_argument(
        "--repeat",
        type=int,
        default=None,
        help="builds per measurement (default 5; --quick: 1); smaller sizes get more pairs",
    )
    p.add_argument("--output", type=Path, default=RESULTS_DIR / "latest.json")
    p.add_argument(
        "--report",
        type=Path,
        metavar="JSON",
        help="no builds: check the targets of an earlier run's results again and rewrite them",
    )
    p.add_argument(
        "--pool",
        type=Path,
        nargs="+",
        metavar="JSON",
        help="no builds: full / floor and the growth over the pairs of several runs together",
    )
    args = p.parse_args(argv)
    if args.report is not None:
        return report(args.report)
    if args.pool:
        text, ok = pooled(args.pool)
        print(text, file=sys.stdout if ok else sys.stderr)
        return 0 if ok else 2
    args.repeat = max(1, args.repeat or (1 if args.quick else 5))
    sizes = [int(x) for x in (args.sizes or ("4,8,16" if args.quick else "50,100,200")).split(",")]
    args.largest = max(sizes)
    big_entries = args.big_bib if args.big_bib is not None else (2000 if args.quick else 10000)
    timeout: float | None = (
        args.bibtex_timeout if args.bibtex_timeout is not None else 60.0 if args.quick else 300.0
    )

    started = time.perf_counter()
    tmp = None
    if args.workdir is None:
        tmp = tempfile.TemporaryDirectory(prefix="sphinx-ext-bench-")
        work = Path(tmp.name)
    else:
        work = args.workdir.resolve()
        work.mkdir(parents=True, exist_ok=True)

    def log(msg: str) -> None:
        print(msg, flush=True)

    info = machine_info()
    args.code_root = work / "code"
    info["sphinx_ext_sha256"] = snapshot_code(
        REPO_ROOT / "sphinx_ext", args.code_root / "sphinx_ext"
    )
    log(
        f"machine: {info['cpu']}, {info['cores']} cores, {info['memory_gib']} GiB; "
        f"Python {info['python']}, Sphinx {info['packages']['sphinx']}; repo {info['git']}"
    )
    results: list[SizeResult] = []
    try:
        for n in sizes:
            res = run_size(work, n, args, timeout, log)
            results.append(res)
            if timeout and res.bibtex is not None and not res.bibtex.ok:
                timeout = None
        big = None
        if big_entries:
            n = args.big_bib_chapters or min(sizes)
            small = next((s for s in results if s.chapters == n), None)
            big = run_big_bib(work, n, big_entries, args, small, log)
    finally:
        if tmp is not None:
            tmp.cleanup()
    targets = evaluate(results, big)
    elapsed = time.perf_counter() - started
    table = render_tables(results, big, targets)
    log("\n" + table)
    log(f"\nTotal benchmark time: {elapsed:.0f} s")
    payload = {
        "machine": info,
        "settings": {
            "sizes": sizes,
            "works_per_chapter": args.works_per_chapter,
            "citations_per_chapter": args.citations_per_chapter,
            "seed": args.seed,
            "big_bib": big_entries,
            "repeat": args.repeat,
            "pairs": {str(n): pairs_at(n, args.largest, args.repeat) for n in sizes},
            "bibtex_timeout_s": args.bibtex_timeout
            if args.bibtex_timeout is not None
            else (60.0 if args.quick else 300.0),
            "builder": "html",
            "command": "python -m sphinx -b html -q",
        },
        "sizes": [asdict(s) for s in results],
        "big_bib": None
        if big is None
        else {**asdict(big), "delta_s": big.delta_s, "bibtex_delta_s": big.bibtex_delta_s},
        "targets": targets,
        "total_s": round(elapsed, 1),
    }
    _write_atomically(args.output, json.dumps(payload, indent=1, ensure_ascii=False) + "\n")
    _write_atomically(
        args.output.with_suffix(".md"),
        _markdown(info, elapsed, render_tables(results, big, targets, markdown=True)),
    )
    log(f"Wrote {args.output} and {args.output.with_suffix('.md')}")
    failed = [
        s
        for s in results
        for b in (s.floor, s.ext, s.incr, s.clean, s.par)
        if b is not None and not b.ok
    ]
    broken = [
        s
        for s in results
        if s.incr_identical is False or s.par_identical is False or s.ext is None or not s.ext.ok
    ]
    if big is not None and not big.build.ok:
        failed.append(results[0] if results else None)  # type: ignore[arg-type]
    return 1 if failed or broken else 0


if __name__ == "__main__":
    raise SystemExit(main())
