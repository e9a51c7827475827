"""Output of a run: ``sourcecheck.json``, a Markdown report by work, a console summary, a progress
bar."""

from __future__ import annotations

import json
import time
from collections import Counter
from pathlib import Path
from typing import Any, TextIO

from sphinx_ext._files import write_atomically

from ._claims import STATUSES, Claim
from ._findings import Check, Severity
from ._outcomes import Outcome, UrlResult
from ._run import VerifyReport
from ._sources import Source

__all__ = [
    "REPORT_SCHEMA",
    "ProgressBar",
    "render_markdown",
    "render_summary",
    "report_json",
    "write_report_files",
]

REPORT_SCHEMA = 1


def _url_json(result: UrlResult) -> dict[str, Any]:
    data = result.to_json()
    del data["checked_at"]  # keeps the report identical between identical runs
    if data["page"] is not None:
        # The figures are the cache's business; the claims say where theirs were found.
        del data["page"]["figures"]
    return data


def report_json(report: VerifyReport) -> dict[str, Any]:
    """The machine-readable report: a summary, every work with its URLs and findings,
    every finding."""
    outcomes = report.outcome_counts()
    claim_counts = Counter(c.status for c in report.claims)
    works = [
        {
            "key": source.key,
            "label": source.label,
            "entry_type": source.entry_type,
            "cited": source.cited,
            "locations": [loc.to_json() for loc in source.cited_at],
            "urls": [
                _url_json(report.url_results[u]) for u in source.urls if u in report.url_results
            ],
            "findings": [f.to_json() for f in report.findings_of(source.key)],
        }
        for source in report.sources
    ]
    stats = report.stats
    return {
        "schema": REPORT_SCHEMA,
        "summary": {
            "works": len(report.sources),
            "cited": sum(1 for s in report.sources if s.cited),
            "network": stats is not None,
            "urls": len(report.url_results),
            "requests": stats.requests if stats else 0,
            "from_cache": stats.from_cache if stats else 0,
            "outcomes": {o.value: outcomes[o] for o in Outcome if outcomes[o]},
            "findings": dict(sorted(Counter(f.check.value for f in report.findings).items())),
            "fail_on": report.settings.fail_on.value if report.settings.fail_on else "never",
            "failing": len(report.failing),
            "exit_status": report.exit_status,
            "claims": {status: n for status in STATUSES if (n := claim_counts[status])},
        },
        "works": works,
        "findings": [f.to_json() for f in report.findings],
        "claims": [c.to_json() for c in report.claims],
    }


def _claim_rows(claims: list[Claim]) -> list[str]:
    lines = ["| Line | Claim | Figures | Sources | Status | Found |", "|---:|---|---|---|---|---|"]
    for claim in claims:
        figures = ", ".join(f"`{f.text}` {f.status}" for f in claim.figures)
        found = "; ".join(f"<{f.url}>: “{_md(f.excerpt or '')}”" for f in claim.figures if f.url)
        keys = ", ".join(claim.keys) or "none"
        line = "" if claim.line is None else str(claim.line)
        lines.append(
            f"| {line} | {_md(claim.text)} | {_md(figures)} | {_md(keys)} "
            f"| **{claim.status}** | {found} |"
        )
    return lines


def claims_markdown(report: VerifyReport) -> list[str]:
    """The claims ledger as one table per chapter, for an author to work through."""
    counts = Counter(c.status for c in report.claims)
    lines = [f"## Claims ({len(report.claims)})", ""]
    if not report.claims:
        return [*lines, "No sentence states a figure.", ""]
    lines += [
        ", ".join(f"{counts[s]} {s}" for s in STATUSES if counts[s]) + ".",
        "",
    ]
    by_doc: dict[str, list[Claim]] = {}
    for claim in report.claims:
        by_doc.setdefault(claim.docname, []).append(claim)
    for docname, claims in by_doc.items():
        chapter = claims[0].chapter
        heading = f"### `{docname}`" + (f" (ch. {chapter})" if chapter is not None else "")
        lines += [heading, "", *_claim_rows(claims), ""]
    return lines


def write_report_files(report: VerifyReport, outdir: Path) -> tuple[Path, Path]:
    """Write ``sourcecheck.json`` and ``sourcecheck.md`` into ``outdir``; return their paths."""
    json_path = outdir / "sourcecheck.json"
    md_path = outdir / "sourcecheck.md"
    write_atomically(
        json_path,
        json.dumps(report_json(report), indent=2, sort_keys=True, ensure_ascii=False) + "\n",
    )
    write_atomically(md_path, render_markdown(report))
    return json_path, md_path


def _where(source: Source) -> str:
    if not source.cited_at:
        return "not cited"
    parts = []
    for loc in source.cited_at:
        text = f"`{loc}`"
        if loc.chapter is not None:
            text += f" (ch. {loc.chapter})"
        if loc.locator:
            text += f" [{loc.locator}]"
        parts.append(text)
    return ", ".join(parts)


def _md(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def render_markdown(report: VerifyReport) -> str:
    """A human-readable report: counts, then each work with a finding, with every place
    citing it."""
    lines = ["# Source check", ""]
    lines += _summary_lines(report, markdown=True)
    with_findings = [s for s in report.sources if s.key and report.findings_of(s.key)]
    lines += ["", f"## Works with findings ({len(with_findings)} of {len(report.sources)})", ""]
    if not with_findings:
        lines.append("None.")
    for source in with_findings:
        title = source.get("title")
        lines += [f"### {source.key}: [{source.label}]" + (f" {title}" if title else ""), ""]
        lines.append(f"- Cited at: {_where(source)}")
        for url in source.urls:
            result = report.url_results.get(url)
            if result is not None:
                status = f" {result.status}" if result.status is not None else ""
                cached = " (cached)" if result.from_cache else ""
                outcome = result.outcome.value
                lines.append(
                    f"- <{url}>: **{outcome}**{status}{cached} {_md(result.reason)}".rstrip()
                )
        for finding in report.findings_of(source.key):
            text = f"- {finding.severity.value} `{finding.check.value}`: {_md(finding.message)}"
            if finding.suggestion:
                text += f". Suggestion: {_md(finding.suggestion)}"
            lines.append(text)
        lines.append("")
    lines += claims_markdown(report)
    return "\n".join(lines).rstrip() + "\n"


def _summary_lines(report: VerifyReport, *, markdown: bool) -> list[str]:
    cited = sum(1 for s in report.sources if s.cited)
    lines = [f"{len(report.sources)} works ({cited} cited)."]
    stats = report.stats
    if stats is None:
        lines.append("Network checks: off (static checks only).")
    else:
        # The time only on the terminal: the report files stay equal between equal runs.
        elapsed = "" if markdown else f", in {stats.elapsed:.1f} s"
        if not markdown and stats.waited:
            elapsed += f" ({stats.waited:.1f} s of it waiting as servers asked, Retry-After)"
        lines.append(
            f"{stats.urls} URLs: {stats.requests} requests, {stats.from_cache} from cache, "
            f"{stats.retries} retries{elapsed}."
        )
    rows: list[tuple[str, str, str]] = []
    outcomes = report.outcome_counts()
    rows += [("outcome", o.value, str(outcomes[o])) for o in Outcome if outcomes[o]]
    checks = report.check_counts()
    for severity in (Severity.ERROR, Severity.WARNING, Severity.INFO):
        rows += [
            (severity.value, c.value, str(checks[(severity, c)]))
            for c in Check
            if checks[(severity, c)]
        ]
    if markdown:
        lines += ["", "| kind | name | count |", "|---|---|---:|"]
        lines += [f"| {a} | {b} | {c} |" for a, b, c in rows]
    else:
        width = max([len(b) for _, b, _ in rows] + [4])
        lines += [f"  {a:<8} {b:<{width}} {c:>5}" for a, b, c in rows]
    fail_on = report.settings.fail_on
    gate = (
        f"{len(report.failing)} finding(s) at or above '{fail_on.value}'"
        if fail_on
        else "no gate (fail_on: never)"
    )
    lines += ["", f"Result: {'FAILED' if report.failing else 'passed'}: {gate}."]
    return lines


def render_summary(report: VerifyReport) -> str:
    """The console summary table printed at the end of a run."""
    return "\n".join(_summary_lines(report, markdown=False)) + "\n"


class ProgressBar:
    """A one-line text progress bar, drawn only on a terminal.

    >>> import io
    >>> bar = ProgressBar(3, io.StringIO())  # not a TTY: stays silent
    >>> bar.update(UrlResult("https://a.example/", Outcome.OK)); bar.close()
    >>> bar.done
    1
    """

    def __init__(
        self, total: int, stream: TextIO, *, enabled: bool | None = None, width: int = 30
    ) -> None:
        self.total = total
        self.stream = stream
        self.enabled = _isatty(stream) if enabled is None else enabled
        self.width = width
        self.done = 0
        self.bad = 0
        self._drawn = 0.0

    def update(self, result: UrlResult) -> None:
        self.done += 1
        if not result.outcome.is_success and result.outcome not in {
            Outcome.IGNORED,
            Outcome.SKIPPED,
        }:
            self.bad += 1
        now = time.monotonic()
        if self.enabled and (now - self._drawn >= 0.1 or self.done == self.total):
            self._drawn = now
            filled = self.width * self.done // max(self.total, 1)
            bar = "#" * filled + "." * (self.width - filled)
            self.stream.write(
                f"\rchecking URLs [{bar}] {self.done}/{self.total}, {self.bad} not ok "
            )
            self.stream.flush()

    def close(self) -> None:
        if self.enabled and self.done:
            self.stream.write("\n")
            self.stream.flush()


def _isatty(stream: TextIO) -> bool:
    try:
        return stream.isatty()
    except (AttributeError, ValueError):
        return False
