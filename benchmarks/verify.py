"""Benchmark: ``sourcecheck`` against Sphinx's ``linkcheck`` (and mystmd when Node is present).

One run serves N URLs from 8 loopback hosts (127.0.0.2-9) with a per-request latency,
some answering 404, some a permanent redirect, some 429 with ``Retry-After: 1`` on their
first request. It times, on the same URLs:

- ``sphinx-build -b sourcecheck`` (URLs in the bibliography), cold cache, with the
  content checks off (status only) and on (every page read: title, date, figures);
- ``sphinx-build -b linkcheck`` at its defaults (the same URLs as links in the page);
- ``myst build --check-links`` when ``node`` and ``npm`` are on PATH (``npm install mystmd``
  into a temporary directory; skipped with ``--no-mystmd``);

then reruns ``sourcecheck`` with a warm cache and counts the requests it makes. Each
tool is also scored for false failures: a URL reported broken that answers in the end.

    python benchmarks/verify.py            # N=400, 20 ms, medians of 3 interleaved runs
    python benchmarks/verify.py -n 100 --latency 0.05 --no-mystmd
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests._loopback import LoopbackServer, Reply, serve

HOSTS = [f"127.0.0.{i}" for i in range(2, 10)]


@dataclass
class Plan:
    """The URL set: which answer what, by index."""

    urls: list[str]
    broken: set[str]
    redirected: set[str]
    limited: set[str]


def article(i: int) -> bytes:
    """A small, realistic article page: head metadata, navigation, text with figures, footer."""
    return (
        f"<!doctype html><html lang=en><head><meta charset=utf-8>"
        f"<title>Article {i} | Bench Blog</title>"
        f'<meta property="og:title" content="Article {i}">'
        f'<meta property="article:published_time" content="2025-01-{1 + i % 28:02d}T09:00:00Z">'
        f'<script type="application/ld+json">'
        f'{{"@type": "BlogPosting", "headline": "Article {i}"}}</script>'
        f"</head><body><nav><a href=/>Home</a> <a href=/blog>Blog</a> "
        f"<a href=/about>About</a></nav>"
        f"<article><h1>Article {i}</h1>"
        + "".join(
            f"<p>In run {k} the p50 latency was {100 + i % 50 + k} ms and throughput rose "
            f"{1 + k / 10:.1f}x, with {10 + k}% fewer errors at ${k / 1000:.3f}/min.</p>"
            for k in range(12)
        )
        + "</article><footer>&copy; 2025 Bench</footer></body></html>"
    ).encode()


HTML = {"Content-Type": "text/html; charset=utf-8"}


def make_routes(servers: list[LoopbackServer], n: int, special: int) -> Plan:
    urls: list[str] = []
    broken: set[str] = set()
    redirected: set[str] = set()
    limited: set[str] = set()
    for i in range(n):
        srv = servers[i % len(servers)]
        path = f"/article/{i}"
        kind = i % (n // special) if special else -1
        if kind == 1:
            srv.routes[path] = Reply(404)
            broken.add(srv.url(path))
        elif kind == 2:
            srv.routes[path] = Reply(301, {"Location": f"{path}-moved"})
            srv.routes[f"{path}-moved"] = Reply(200, HTML, article(i))
            redirected.add(srv.url(path))
        elif kind == 3:
            # 429 on the first request of the path only: a polite client gets through.
            page = article(i)
            srv.routes[path] = lambda method, count, page=page: (
                Reply(429, {"Retry-After": "1"}) if count == 1 else Reply(200, HTML, page)
            )
            limited.add(srv.url(path))
        else:
            srv.routes[path] = Reply(200, HTML, article(i))
        urls.append(srv.url(path))
    return Plan(urls, broken, redirected, limited)


def reset(servers: list[LoopbackServer]) -> None:
    for srv in servers:
        with srv._lock:
            srv.hits.clear()
            srv.counts.clear()


def requests(servers: list[LoopbackServer]) -> int:
    return sum(srv.requests for srv in servers)


def write_project(directory: Path, plan: Plan, settings: list[str] | None = None) -> None:
    directory.mkdir(parents=True, exist_ok=True)
    conf = [
        "import sys",
        f"sys.path.insert(0, {str(ROOT)!r})",
        'project = "bench"',
        'extensions = ["myst_parser", "sphinx_ext", "sphinx_ext.sourcecheck"]',
        'bibtex_bibfiles = ["refs.bib"]',
        'exclude_patterns = ["_build", "node_modules", "myst"]',
        'citations_verify_fail_on = "never"',
        *(settings or []),
    ]
    (directory / "conf.py").write_text("\n".join(conf) + "\n", encoding="utf-8")
    links = "\n".join(f"- <{url}>" for url in plan.urls)
    (directory / "index.md").write_text(f"# Links\n\n{links}\n", encoding="utf-8")
    entries = "\n".join(
        f"@misc{{work{i:04d},\n  author = {{{{Org{i:04d}}}}},\n  title = {{Article {i}}},\n"
        f"  date = {{2025-01-01}},\n  url = {{{url}}},\n}}\n"
        for i, url in enumerate(plan.urls)
    )
    (directory / "refs.bib").write_text(entries, encoding="utf-8")


def sphinx_build(builder: str, src: Path, out: Path, *options: str) -> float:
    start = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-m", "sphinx", "-b", builder, "-q", *options, str(src), str(out)],
        check=False,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, "NO_COLOR": "1"},
    )
    elapsed = time.perf_counter() - start
    if done.returncode not in {0, 1}:
        sys.exit(f"sphinx-build -b {builder} failed ({done.returncode}):\n{done.stderr[-3000:]}")
    return elapsed


def sourcecheck_failures(out: Path, plan: Plan) -> tuple[int, int]:
    """(URLs reported as failures, of which false: the URL works in the end)."""
    data = json.loads((out / "sourcecheck.json").read_text(encoding="utf-8"))
    bad = {
        u["url"]
        for work in data["works"]
        for u in work["urls"]
        if u["outcome"] not in {"ok", "redirected"}
    }
    return len(bad), len(bad - plan.broken)


def linkcheck_failures(out: Path, plan: Plan) -> tuple[int, int]:
    bad = set()
    for line in (out / "output.json").read_text(encoding="utf-8").splitlines():
        record = json.loads(line)
        if record["status"] not in {"working", "redirected", "ignored", "unchecked"}:
            bad.add(record["uri"])
    return len(bad), len(bad - plan.broken)


def run_mystmd(work: Path, plan: Plan) -> tuple[float, int, int] | None:
    node, npm = shutil.which("node"), shutil.which("npm")
    if not node or not npm:
        print("mystmd: skipped (node/npm not on PATH)")
        return None
    tool = work / "mystmd-tool"
    tool.mkdir()
    installed = subprocess.run(
        [npm, "install", "--no-audit", "--no-fund", "--silent", "mystmd"],
        cwd=tool,
        check=False,
        capture_output=True,
        text=True,
    )
    myst = tool / "node_modules" / ".bin" / "myst"
    if installed.returncode != 0 or not myst.exists():
        print(f"mystmd: skipped (npm install failed: {installed.stderr.strip()[:200]})")
        return None
    project = work / "myst"
    project.mkdir()
    (project / "myst.yml").write_text(
        "version: 1\nproject:\n  title: bench\nsite:\n  template: book-theme\n", encoding="utf-8"
    )
    links = "\n".join(f"- <{url}>" for url in plan.urls)
    (project / "index.md").write_text(f"# Links\n\n{links}\n", encoding="utf-8")
    start = time.perf_counter()
    done = subprocess.run(
        [str(myst), "build", "--check-links"],
        cwd=project,
        check=False,
        capture_output=True,
        text=True,
        env={**os.environ, "NO_COLOR": "1", "CI": "1"},
    )
    elapsed = time.perf_counter() - start
    output = done.stdout + done.stderr
    bad = set(re.findall(r'Link for "([^"]+)" did not resolve', output))
    return elapsed, len(bad), len(bad - plan.broken)


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("-n", type=int, default=400, help="number of URLs (default 400)")
    parser.add_argument(
        "--latency", type=float, default=0.02, help="seconds per request (default 0.02)"
    )
    parser.add_argument(
        "--special", type=int, default=20, help="how many each of 404, 301, 429 (default 20)"
    )
    parser.add_argument(
        "--set",
        action="append",
        default=[],
        metavar="NAME=VALUE",
        help="a conf.py line for the project, e.g. citations_verify_host_interval=0.01",
    )
    parser.add_argument(
        "--repeat", type=int, default=3, help="runs of each timed build; the median counts (3)"
    )
    parser.add_argument("--no-mystmd", action="store_true", help="do not run mystmd")
    parser.add_argument("--no-linkcheck", action="store_true", help="do not run Sphinx linkcheck")
    args = parser.parse_args()

    servers = [LoopbackServer(host, latency=args.latency) for host in HOSTS]
    with serve(*servers), tempfile.TemporaryDirectory(prefix="verify-bench-") as tmp:
        work = Path(tmp)
        plan = make_routes(servers, args.n, args.special)
        src = work / "src"
        write_project(src, plan, args.set)
        print(
            f"{len(plan.urls)} URLs on {len(servers)} loopback hosts, "
            f"{args.latency * 1000:.0f} ms per request; {len(plan.broken)} 404, "
            f"{len(plan.redirected)} 301, {len(plan.limited)} 429 (Retry-After: 1)"
        )
        rows: list[tuple[str, float, int | None, int | None, int]] = []

        # Every timed build runs --repeat times, interleaved, and the median counts: on a
        # shared machine single builds vary by a factor of two.
        times: dict[str, list[float]] = {}
        counts: dict[str, tuple[int | None, int | None, int]] = {}
        broken_paths = {urlsplit(url).path for url in plan.broken}
        warm_cached = 0
        for r in range(args.repeat):
            # What any builder pays before checking: reading the project (and the bibliography).
            reset(servers)
            times.setdefault("dummy", []).append(sphinx_build("dummy", src, work / f"dummy-{r}"))
            counts["dummy"] = (None, None, requests(servers))

            reset(servers)
            out = work / f"status-{r}"
            times.setdefault("status", []).append(
                sphinx_build("sourcecheck", src, out, "-D", "citations_verify_content=0")
            )
            counts["status"] = (*sourcecheck_failures(out, plan), requests(servers))

            reset(servers)
            out = work / f"content-{r}"
            times.setdefault("content", []).append(sphinx_build("sourcecheck", src, out))
            counts["content"] = (*sourcecheck_failures(out, plan), requests(servers))

            reset(servers)
            times.setdefault("warm", []).append(sphinx_build("sourcecheck", src, out))
            counts["warm"] = (None, None, requests(servers))
            warm_cached = sum(1 for srv in servers for h in srv.hits if h.path not in broken_paths)

            if not args.no_linkcheck:
                reset(servers)
                out = work / f"linkcheck-{r}"
                times.setdefault("linkcheck", []).append(sphinx_build("linkcheck", src, out))
                counts["linkcheck"] = (*linkcheck_failures(out, plan), requests(servers))

        names = {
            "dummy": "sphinx-build -b dummy (baseline)",
            "status": "sourcecheck, status only (cold)",
            "content": "sourcecheck, content (cold)",
            "warm": "sourcecheck, content (warm)",
            "linkcheck": "Sphinx linkcheck (defaults)",
        }
        median = {name: statistics.median(values) for name, values in times.items()}
        rows: list[tuple[str, float, int | None, int | None, int]] = [
            (names[name], median[name], *counts[name]) for name in names if name in median
        ]
        baseline, status_only, cold = median["dummy"], median["status"], median["content"]
        warm_requests = counts["warm"][2]
        linkcheck = median.get("linkcheck")

        mystmd = None
        if not args.no_mystmd:
            reset(servers)
            found = run_mystmd(work, plan)
            if found:
                mystmd, bad, false = found
                rows.append(("mystmd --check-links", mystmd, bad, false, requests(servers)))

    print()
    print(f"{'tool':<34} {'seconds':>8} {'failures':>9} {'false':>6} {'requests':>9}")
    for name, seconds, failures, false_failures, count in rows:
        shown_bad = "" if failures is None else str(failures)
        shown_false = "" if false_failures is None else str(false_failures)
        print(f"{name:<34} {seconds:>8.2f} {shown_bad:>9} {shown_false:>6} {count:>9}")
    print()
    check = max(status_only - baseline, 1e-3)
    print(
        f"sourcecheck: {status_only:.2f} s status only, {cold:.2f} s with content checks "
        f"({cold / status_only:.2f}x; target: at most 1.5x)"
    )
    if linkcheck:
        print(
            f"vs linkcheck: {linkcheck / status_only:.1f}x faster in all, "
            f"{(linkcheck - baseline) / check:.1f}x beyond the baseline (target: at least 6x); "
            f"with content checks {linkcheck / cold:.1f}x"
        )
    if mystmd:
        print(
            f"vs mystmd: {cold / mystmd:.2f}x its time in all, {check / mystmd:.2f}x beyond the "
            f"baseline (target: at most 1.2x, with no false failures)"
        )
    cached = len(plan.urls) - len(plan.broken)
    print(
        f"warm rerun: {warm_requests} requests: {warm_requests - warm_cached} for the "
        f"{len(plan.broken)} broken URLs (failures are always rechecked), {warm_cached} for "
        f"the {cached} cached successes"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
