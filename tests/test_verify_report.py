"""Settings, the whole verify() run, and its reports: JSON, Markdown, summary, progress bar,
exports."""

from __future__ import annotations

import doctest
import importlib
import io
import json
from collections.abc import Iterator
from pathlib import Path

import pytest

import sphinx_ext.verify as verify_pkg
from sphinx_ext.verify import (
    Check,
    CitingLocation,
    Outcome,
    ProgressBar,
    Severity,
    Source,
    UrlResult,
    VerifySettings,
    config_fields,
    render_markdown,
    render_summary,
    report_json,
    url_findings,
    verify,
    write_report_files,
)
from tests._loopback import LoopbackServer, Reply, guard_loopback, serve

pytestmark = pytest.mark.network


@pytest.fixture(autouse=True)
def _loopback_only() -> Iterator[None]:
    with guard_loopback():
        yield


def test_exports_are_sorted_and_complete() -> None:
    assert len(verify_pkg.__all__) == len(set(verify_pkg.__all__))
    public = {n for n in dir(verify_pkg) if not n.startswith("_")} - {"annotations"}
    assert public == set(verify_pkg.__all__)


def test_core_does_not_import_sphinx() -> None:
    for path in Path(verify_pkg.__file__).parent.glob("*.py"):
        text = path.read_text(encoding="utf-8")
        assert (
            "import sphinx\n" not in text
            and "from sphinx." not in text
            and "from sphinx " not in text
        ), path


# Settings -----------------------------------------------------------------------------------


def test_from_mapping_accepts_prefixed_and_plain_names() -> None:
    settings = VerifySettings.from_mapping(
        {
            "citations_verify_timeout": 3,
            "host_concurrency": 2,
            "citations_verify_fail_on": "warning",
            "citations_verify_hosts": {
                "GitHub.com.": {"concurrency": 1, "interval": 1, "headers": {"X": "y"}}
            },
            "citations_verify_severity": {"url-unreachable": "error"},
        }
    )
    assert (settings.timeout, settings.host_concurrency, settings.fail_on) == (
        3.0,
        2,
        Severity.WARNING,
    )
    assert settings.host("api.github.com").concurrency == 1
    assert settings.host("github.com").headers == {"X": "y"}
    assert settings.host("gitlab.com").concurrency is None
    assert settings.severity_of(Check.URL_UNREACHABLE) is Severity.ERROR
    assert settings.fails(Severity.WARNING) and not settings.fails(Severity.INFO)


def test_fail_on_never() -> None:
    settings = VerifySettings.from_mapping({"fail_on": "never"})
    assert settings.fail_on is None and not settings.fails(Severity.ERROR)


def test_from_mapping_lists_every_problem() -> None:
    with pytest.raises(ValueError) as info:
        VerifySettings.from_mapping(
            {
                "timeout": "fast",
                "retries": 1.5,
                "concurrency": 0,
                "network": "yes",
                "ignore": ["("],
                "fail_on": "sometimes",
                "severity": {"no-such-check": "error"},
                "hosts": {"a.example": {"method": "POST", "colour": "red", "concurrency": 0}},
                "nonsense": 1,
            }
        )
    message = str(info.value)
    for fragment in (
        "citations_verify_timeout: expected a number",
        "citations_verify_retries: expected an integer",
        "citations_verify_concurrency: must be at least 1",
        "citations_verify_network: expected True or False",
        "invalid pattern '('",
        "citations_verify_fail_on: expected one of",
        "unknown check or severity",
        "method: expected 'HEAD' or 'GET'",
        "unknown setting 'colour'",
        "concurrency: must be at least 1",
        "citations_verify_nonsense: unknown setting",
    ):
        assert fragment in message


def test_config_fields_cover_every_setting_with_help() -> None:
    fields = config_fields()
    names = [name for name, _, _, _ in fields]
    assert len(names) == len(set(names)) and all(n.startswith("citations_verify_") for n in names)
    assert all(help_text for _, _, _, help_text in fields)
    # The defaults as registered give the default settings back.
    defaults = VerifySettings.from_mapping({name: default for name, _, default, _ in fields})
    assert defaults == VerifySettings()
    for name, kinds, default, _ in fields:
        assert isinstance(default, kinds), name


# A whole run --------------------------------------------------------------------------------


def _sources(srv: LoopbackServer) -> list[Source]:
    where = (CitingLocation("chapters/ch01", 12, 1), CitingLocation("chapters/ch03", 40, 3))
    return [
        Source(
            "good",
            "online",
            "Good, 2025",
            {"url": srv.url("/ok"), "date": "2025-01-02", "title": "Good"},
            cited_at=where,
        ),
        Source(
            "gone",
            "online",
            "Gone, 2025",
            {"url": srv.url("/gone"), "date": "2025-01-02", "title": "Gone"},
            cited_at=where[:1],
        ),
        Source(
            "moved",
            "online",
            "Moved, 2024",
            {"url": srv.url("/moved"), "year": "2024", "title": "Moved"},
        ),
        Source(
            "sre",
            "book",
            "Beyer et al., 2016",
            {"title": "SRE", "year": "2016"},
            cited_at=where[1:],
        ),
    ]


@pytest.fixture
def server() -> Iterator[LoopbackServer]:
    routes = {"/ok": Reply(200), "/gone": Reply(410), "/moved": Reply(308, {"Location": "/ok"})}
    with serve(LoopbackServer("127.0.0.2", routes)) as (srv,):
        yield srv


FAST = {"timeout": 0.5, "retries": 0, "host_interval": 0.0, "trust_env": False}


def test_verify_reports_by_work_with_every_citing_place(
    server: LoopbackServer, tmp_path: Path
) -> None:
    settings = VerifySettings.from_mapping(FAST)
    report = verify(_sources(server), settings, cache_path=tmp_path / "cache.json")
    found = {(f.key, f.check.value) for f in report.findings}
    assert found == {
        ("gone", "url-broken"),
        ("moved", "url-redirected"),
        ("moved", "year-only"),
        ("sre", "missing-pages"),
    }
    assert report.exit_status == 1
    assert [f.check for f in report.failing] == [Check.URL_BROKEN]
    broken = next(f for f in report.findings if f.check is Check.URL_BROKEN)
    assert (broken.outcome, broken.status, broken.locations[0].docname) == (
        Outcome.BROKEN,
        410,
        "chapters/ch01",
    )
    redirected = next(f for f in report.findings if f.check is Check.URL_REDIRECTED)
    assert redirected.suggestion == f"url = {{{server.url('/ok')}}}"

    data = report_json(report)
    works = {w["key"]: w for w in data["works"]}
    assert works["good"]["locations"] == [
        {"docname": "chapters/ch01", "line": 12, "chapter": 1, "locator": None, "role": None},
        {"docname": "chapters/ch03", "line": 40, "chapter": 3, "locator": None, "role": None},
    ]
    assert works["moved"]["cited"] is False
    assert works["gone"]["urls"][0]["outcome"] == "broken"
    assert data["summary"]["outcomes"] == {"ok": 1, "redirected": 1, "broken": 1}
    assert data["summary"]["exit_status"] == 1


@pytest.mark.parametrize(
    ("outcome", "check", "fails"),
    [
        (Outcome.OK, None, False),
        (Outcome.REDIRECTED, Check.URL_REDIRECTED, False),
        (Outcome.BROKEN, Check.URL_BROKEN, True),
        (Outcome.TIMEOUT, Check.URL_TIMEOUT, False),
        (Outcome.RATE_LIMITED, Check.URL_RATE_LIMITED, False),
        (Outcome.UNAVAILABLE, Check.URL_UNAVAILABLE, False),
        (Outcome.UNREACHABLE, Check.URL_UNREACHABLE, False),
        (Outcome.TLS_ERROR, Check.URL_TLS_ERROR, True),
        (Outcome.IGNORED, None, False),
        (Outcome.SKIPPED, None, False),
    ],
)
def test_each_url_outcome_and_whether_it_fails_a_default_run(
    outcome: Outcome, check: Check | None, fails: bool
) -> None:
    # A definite failure fails the run; a transient or environmental one warns.
    url = "https://a.example/x"
    source = Source("k", "online", "A, 2025", {"url": url, "date": "2025-01-02"})
    settings = VerifySettings.from_mapping(FAST)
    findings = url_findings([source], {url: UrlResult(url, outcome, reason="why")}, settings)
    assert [(f.check, f.url, f.outcome) for f in findings] == (
        [] if check is None else [(check, url, outcome)]
    )
    assert [settings.fails(f.severity) for f in findings] == ([] if check is None else [fails])
    expected = Severity.ERROR if fails else Severity.WARNING
    assert [f.severity for f in findings] == ([] if check is None else [expected])


def test_report_files_are_stable_between_identical_runs(
    server: LoopbackServer, tmp_path: Path
) -> None:
    settings = VerifySettings.from_mapping({**FAST, "cache_file": ""})
    first = write_report_files(verify(_sources(server), settings), tmp_path / "one")
    second = write_report_files(verify(_sources(server), settings), tmp_path / "two")
    assert [p.read_text() for p in first] == [p.read_text() for p in second]
    json.loads(first[0].read_text())  # valid JSON
    markdown = first[1].read_text()
    assert "### gone: [Gone, 2025] Gone" in markdown
    assert "`chapters/ch01:12` (ch. 1)" in markdown
    assert "**broken** 410" in markdown
    assert "### good" not in markdown  # works without findings are only counted


def test_static_only_run_makes_no_request(server: LoopbackServer) -> None:
    report = verify(_sources(server), VerifySettings.from_mapping({**FAST, "network": False}))
    assert report.stats is None and server.hits == []
    assert {f.check for f in report.findings} == {Check.YEAR_ONLY, Check.MISSING_PAGES}
    assert "Network checks: off" in render_summary(report)
    assert report.exit_status == 0


def test_fail_on_warning_gates_on_warnings(server: LoopbackServer) -> None:
    settings = VerifySettings.from_mapping({**FAST, "network": False, "fail_on": "warning"})
    assert verify(_sources(server), settings).exit_status == 1


def test_summary_table(server: LoopbackServer) -> None:
    summary = render_summary(verify(_sources(server), VerifySettings.from_mapping(FAST)))
    assert "4 works (3 cited)." in summary
    assert "3 URLs: 4 requests, 0 from cache" in summary  # one redirect hop
    assert any(line.split() == ["outcome", "broken", "1"] for line in summary.splitlines())
    assert any(line.split() == ["error", "url-broken", "1"] for line in summary.splitlines())
    assert "Result: FAILED: 1 finding(s) at or above 'error'." in summary


def test_markdown_without_findings() -> None:
    report = verify([], VerifySettings(network=False))
    assert "None." in render_markdown(report)


def test_progress_bar_draws_only_when_enabled() -> None:
    stream = io.StringIO()
    bar = ProgressBar(2, stream, enabled=True)
    bar.update(UrlResult("u1", Outcome.OK))
    bar.update(UrlResult("u2", Outcome.BROKEN))
    bar.close()
    text = stream.getvalue()
    assert "2/2, 1 not ok" in text and text.endswith("\n") and "\r" in text
    quiet = io.StringIO()
    ProgressBar(1, quiet).update(UrlResult("u", Outcome.OK))
    assert quiet.getvalue() == ""


@pytest.mark.parametrize(
    "name",
    [
        "_cache",
        "_findings",
        "_http_checker",
        "_identifiers",
        "_outcomes",
        "_report",
        "_run",
        "_settings",
        "_sources",
        "_static_checks",
    ],
)
def test_docstring_examples(name: str) -> None:
    module = importlib.import_module(f"sphinx_ext.verify.{name}")
    failures, tried = doctest.testmod(module, optionflags=doctest.ELLIPSIS)
    assert failures == 0
    assert tried > 0
