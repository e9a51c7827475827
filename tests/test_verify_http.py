"""Network checks against real HTTP(S) servers on 127.0.0.x; nothing leaves loopback."""

from __future__ import annotations

import dataclasses
import ssl
import threading
import time
from collections.abc import Iterator
from datetime import UTC, datetime
from email.utils import formatdate
from pathlib import Path
from typing import Any

import pytest
import trustme

from sphinx_ext.verify import (
    CheckRun,
    Outcome,
    Source,
    UrlResult,
    VerifySettings,
    parse_retry_after,
    render_markdown,
    render_summary,
    run_url_checks,
    verify,
)
from tests._loopback import Gauge, LoopbackServer, Reply, refused_port, serve

FAST = VerifySettings(
    timeout=0.5,
    retries=1,
    backoff=0.01,
    host_interval=0.0,
    max_total_wait=10.0,
    trust_env=False,
)


pytestmark = pytest.mark.network


@pytest.fixture
def server() -> Iterator[LoopbackServer]:
    with serve(LoopbackServer("127.0.0.2")) as (srv,):
        yield srv


def check(urls: list[str], settings: VerifySettings = FAST, **kwargs: Any) -> CheckRun:
    return run_url_checks(urls, settings, **kwargs)


def check_one(url: str, settings: VerifySettings = FAST) -> UrlResult:
    return check([url], settings).results[url]


def methods(srv: LoopbackServer, path: str) -> list[str]:
    return [h.method for h in srv.hits if h.path == path]


# Plain answers ------------------------------------------------------------------------------


def test_200_is_ok_with_one_head_request(server: LoopbackServer) -> None:
    server.routes["/page"] = Reply(200)
    result = check_one(server.url("/page"))
    assert (result.outcome, result.status, result.reason) == (Outcome.OK, 200, "200 OK")
    assert methods(server, "/page") == ["HEAD"]
    assert result.redirects == () and result.suggested_url is None


@pytest.mark.parametrize(
    ("status", "reason"), [(404, "Not Found"), (410, "Gone"), (401, "Unauthorized")]
)
def test_client_errors_are_broken_without_retry(
    server: LoopbackServer, status: int, reason: str
) -> None:
    server.routes["/x"] = Reply(status)
    result = check_one(server.url("/x"))
    assert result.outcome is Outcome.BROKEN
    assert (result.status, result.reason) == (status, f"{status} {reason}")
    assert methods(server, "/x") == ["HEAD"]


@pytest.mark.parametrize("refusal", [405, 403, 501])
def test_head_refused_then_get(server: LoopbackServer, refusal: int) -> None:
    server.routes["/x"] = lambda method, n: (
        Reply(refusal) if method == "HEAD" else Reply(200, body=b"hello")
    )
    result = check_one(server.url("/x"))
    assert (result.outcome, result.status) == (Outcome.OK, 200)
    assert methods(server, "/x") == ["HEAD", "GET"]


def test_host_configured_for_get_skips_head(server: LoopbackServer) -> None:
    server.routes["/x"] = Reply(200)
    settings = dataclasses.replace(
        FAST, hosts=VerifySettings.from_mapping({"hosts": {"127.0.0.2": {"method": "GET"}}}).hosts
    )
    assert check_one(server.url("/x"), settings).outcome is Outcome.OK
    assert methods(server, "/x") == ["GET"]


def test_gigabyte_body_is_not_read(server: LoopbackServer) -> None:
    ten_gib = 10 * 2**30
    server.routes["/huge"] = lambda method, n: (
        Reply(405) if method == "HEAD" else Reply(200, body_size=ten_gib)
    )
    result = check_one(server.url("/huge"), dataclasses.replace(FAST, timeout=5.0))
    assert (result.outcome, result.status) == (Outcome.OK, 200)
    assert methods(server, "/huge") == ["HEAD", "GET"]
    assert server.body_bytes_sent < 2**20


# Redirects ----------------------------------------------------------------------------------


def test_permanent_redirect_chain_suggests_final_url(server: LoopbackServer) -> None:
    server.routes.update(
        {
            "/old": Reply(301, {"Location": "/older"}),
            "/older": Reply(308, {"Location": "/new"}),
            "/new": Reply(200),
        }
    )
    result = check_one(server.url("/old"))
    assert result.outcome is Outcome.REDIRECTED
    assert result.suggested_url == server.url("/new")
    assert [(r.status, r.location) for r in result.redirects] == [
        (301, server.url("/older")),
        (308, server.url("/new")),
    ]
    assert result.attempts == 3


def test_temporary_redirect_is_ok_and_recorded(server: LoopbackServer) -> None:
    server.routes.update({"/latest": Reply(302, {"Location": "/v2"}), "/v2": Reply(200)})
    result = check_one(server.url("/latest"))
    assert result.outcome is Outcome.OK and result.suggested_url is None
    assert result.redirects[-1].location == server.url("/v2")


def test_suggestion_stops_at_first_temporary_hop(server: LoopbackServer) -> None:
    server.routes.update(
        {
            "/a": Reply(301, {"Location": "/b"}),
            "/b": Reply(307, {"Location": "/c"}),
            "/c": Reply(200),
        }
    )
    result = check_one(server.url("/a"))
    assert (result.outcome, result.suggested_url) == (Outcome.REDIRECTED, server.url("/b"))


def test_redirect_to_another_host() -> None:
    with serve(LoopbackServer("127.0.0.2"), LoopbackServer("127.0.0.3")) as (a, b):
        b.routes["/here"] = Reply(200)
        a.routes["/moved"] = Reply(301, {"Location": b.url("/here")})
        result = check_one(a.url("/moved"))
        assert (result.outcome, result.suggested_url) == (Outcome.REDIRECTED, b.url("/here"))
        assert methods(b, "/here") == ["HEAD"]


def test_redirect_loop_is_broken(server: LoopbackServer) -> None:
    server.routes.update(
        {"/ping": Reply(302, {"Location": "/pong"}), "/pong": Reply(302, {"Location": "/ping"})}
    )
    result = check_one(server.url("/ping"))
    assert result.outcome is Outcome.BROKEN
    assert "redirect loop" in result.reason
    assert len(server.hits) == 2


def test_too_many_redirects_is_broken(server: LoopbackServer) -> None:
    for i in range(6):
        server.routes[f"/{i}"] = Reply(301, {"Location": f"/{i + 1}"})
    result = check_one(server.url("/0"), dataclasses.replace(FAST, max_redirects=3))
    assert result.outcome is Outcome.BROKEN
    assert "more than 3 redirects" in result.reason
    assert len(server.hits) == 4


@pytest.mark.parametrize(
    "target", ["file:///etc/passwd", "ftp://127.0.0.2/pub/x", "javascript:alert(1)"]
)
def test_redirect_to_other_scheme_is_not_followed(server: LoopbackServer, target: str) -> None:
    server.routes["/x"] = Reply(301, {"Location": target})
    result = check_one(server.url("/x"))
    assert result.outcome is Outcome.BROKEN
    assert "not followed" in result.reason and target in result.reason
    assert result.redirects[-1].location == target
    assert len(server.hits) == 1


def test_redirect_without_location_is_broken(server: LoopbackServer) -> None:
    server.routes["/x"] = Reply(302)
    result = check_one(server.url("/x"))
    assert (result.outcome, result.status) == (Outcome.BROKEN, 302)
    assert "without Location" in result.reason


# Rate limits and retries --------------------------------------------------------------------


def test_429_retry_after_seconds_is_honoured(server: LoopbackServer) -> None:
    server.routes["/x"] = lambda method, n: (
        Reply(429, {"Retry-After": "1"}) if n == 1 else Reply(200)
    )
    run = check([server.url("/x")])
    assert run.results[server.url("/x")].outcome is Outcome.OK
    assert run.results[server.url("/x")].attempts == 2
    assert run.stats.waited == pytest.approx(1.0)


def test_the_summary_says_how_long_servers_made_the_run_wait(server: LoopbackServer) -> None:
    server.routes["/x"] = lambda method, n: (
        Reply(429, {"Retry-After": "1"}) if n == 1 else Reply(200)
    )
    source = Source("x", "misc", "X, 2025", {"title": "X", "year": "2025", "url": server.url("/x")})
    report = verify([source], FAST)
    assert "(1.0 s of it waiting as servers asked, Retry-After)" in render_summary(report)
    # The report files stay the same from run to run: no time in them.
    assert "waiting" not in render_markdown(report)


def test_429_retry_after_http_date_is_honoured(server: LoopbackServer) -> None:
    def route(method: str, n: int) -> Reply:
        return (
            Reply(429, {"Retry-After": formatdate(time.time() + 2, usegmt=True)})
            if n == 1
            else Reply(200)
        )

    server.routes["/x"] = route
    run = check([server.url("/x")])
    assert run.results[server.url("/x")].outcome is Outcome.OK
    assert len(server.hits) == 2
    # Whole seconds: the wait is between 1 and 2 s, whenever in the second the date was made.
    assert 0 < run.stats.waited <= 2.0


def test_429_that_persists_is_rate_limited_after_bounded_retries(server: LoopbackServer) -> None:
    server.routes["/x"] = Reply(429, {"Retry-After": "0"})
    result = check_one(server.url("/x"), dataclasses.replace(FAST, rate_limit_retries=2))
    assert (result.outcome, result.status) == (Outcome.RATE_LIMITED, 429)
    assert "after 3 attempts" in result.reason
    assert len(server.hits) == 3


def test_retry_after_beyond_limit_gives_up_at_once(server: LoopbackServer) -> None:
    server.routes["/x"] = Reply(429, {"Retry-After": "3600"})
    result = check_one(server.url("/x"))
    assert result.outcome is Outcome.RATE_LIMITED
    assert "Retry-After 3600 s exceeds the 60 s allowed" in result.reason
    assert len(server.hits) == 1


def test_total_wait_budget_bounds_retries(server: LoopbackServer) -> None:
    server.routes["/x"] = Reply(429, {"Retry-After": "5"})
    result = check_one(server.url("/x"), dataclasses.replace(FAST, max_total_wait=1.0))
    assert result.outcome is Outcome.RATE_LIMITED
    assert "total wait budget" in result.reason
    assert len(server.hits) == 1


@pytest.mark.parametrize(
    "header", ["soon", "-1", "Wed, 99 Foo 2015 99:99:99 GMT", "1" * 40, "\xb9"]
)
def test_unreadable_retry_after_falls_back_to_backoff(server: LoopbackServer, header: str) -> None:
    server.routes["/x"] = Reply(429, {"Retry-After": header})
    result = check_one(server.url("/x"), dataclasses.replace(FAST, rate_limit_retries=0))
    assert (result.outcome, result.status) == (Outcome.RATE_LIMITED, 429)


def test_503_then_200_is_ok(server: LoopbackServer) -> None:
    server.routes["/x"] = lambda method, n: (
        Reply(503, {"Retry-After": "0"}) if n == 1 else Reply(200)
    )
    assert check_one(server.url("/x")).outcome is Outcome.OK


def test_503_that_persists_is_unavailable(server: LoopbackServer) -> None:
    server.routes["/x"] = Reply(503, {"Retry-After": "0"})
    result = check_one(server.url("/x"), dataclasses.replace(FAST, rate_limit_retries=1))
    assert (result.outcome, result.status) == (Outcome.UNAVAILABLE, 503)
    assert len(server.hits) == 2


def test_500_is_retried_with_backoff_then_broken(server: LoopbackServer) -> None:
    server.routes["/x"] = Reply(500)
    result = check_one(server.url("/x"), dataclasses.replace(FAST, retries=2))
    assert (result.outcome, result.status) == (Outcome.BROKEN, 500)
    assert len(server.hits) == 3


def test_502_once_then_ok(server: LoopbackServer) -> None:
    server.routes["/x"] = lambda method, n: Reply(502) if n == 1 else Reply(200)
    assert check_one(server.url("/x")).outcome is Outcome.OK


def test_parse_retry_after() -> None:
    now = datetime(2026, 2, 1, 12, 0, 0, tzinfo=UTC)
    assert parse_retry_after("0") == 0.0
    assert parse_retry_after(" 7 ") == 7.0
    assert parse_retry_after("Sun, 01 Feb 2026 12:00:30 GMT", now=now) == 30.0
    assert parse_retry_after("Sun, 01 Feb 2026 11:00:00 GMT", now=now) == 0.0
    assert (
        parse_retry_after("Sunday, 01-Feb-26 12:00:05 GMT", now=now) == 5.0
    )  # RFC 850, still allowed
    for bad in (None, "", "soon", "-3", "1e3", "Sun, 01 Feb 2026", "x" * 500):
        assert parse_retry_after(bad, now=now) is None


# Failures without an answer -----------------------------------------------------------------


def test_server_that_never_answers_times_out(server: LoopbackServer) -> None:
    server.routes["/x"] = Reply(hang=True)
    result = check_one(server.url("/x"))
    assert result.outcome is Outcome.TIMEOUT
    assert result.status is None
    assert len(server.hits) == 2  # one retry


def test_connection_refused_is_unreachable_and_host_given_up() -> None:
    port = refused_port("127.0.0.5")
    urls = [f"http://127.0.0.5:{port}/a"] + [f"http://127.0.0.5:{port}/{i}" for i in range(5)]
    run = check(urls, dataclasses.replace(FAST, host_concurrency=1))
    results = list(run.results.values())
    assert all(r.outcome is Outcome.UNREACHABLE for r in results)
    assert results[0].reason == "connection refused (2 attempts)"
    # Once the host is known down, its other URLs are not requested again.
    assert all(r.attempts == 0 for r in results[1:])


def test_a_refused_port_does_not_condemn_another_port_of_the_host() -> None:
    closed = refused_port("127.0.0.1")
    with serve(LoopbackServer("127.0.0.1", {"/ok": Reply(200)})) as (srv,):
        urls = [f"http://127.0.0.1:{closed}/x"] + [srv.url(f"/ok?{i}") for i in range(3)]
        # One request at a time on the host: the refusal comes first.
        run = check(urls, dataclasses.replace(FAST, host_concurrency=1))
    results = list(run.results.values())
    assert results[0].outcome is Outcome.UNREACHABLE
    assert [r.outcome for r in results[1:]] == [Outcome.OK] * 3
    assert len(srv.hits) == 3


def test_a_single_refusal_does_not_condemn_the_servers_other_urls() -> None:
    # The server starts listening after its first URL was refused, before the retry.
    port = refused_port("127.0.0.3")
    started: list[LoopbackServer] = []

    def start() -> None:
        started.append(LoopbackServer("127.0.0.3", {"/a": Reply(200), "/b": Reply(200)}, port=port))
        started[0].start()

    starting = threading.Timer(0.5, start)
    starting.start()
    try:
        urls = [f"http://127.0.0.3:{port}/{path}" for path in ("a", "b", "c")]
        run = check(urls, dataclasses.replace(FAST, backoff=1.5, host_concurrency=1))
    finally:
        starting.join()
        for server in started:
            server.stop()
    first, second, missing = run.results.values()
    assert (first.outcome, first.attempts) == (Outcome.OK, 2)
    # The others waited for the retry's verdict, and were then checked.
    assert (second.outcome, second.attempts) == (Outcome.OK, 1)
    assert (missing.outcome, missing.status) == (Outcome.BROKEN, 404)


def test_name_resolution_failure_is_unreachable_fast_and_not_retried() -> None:
    urls = [f"https://docs.unresolvable.invalid/page{i}" for i in range(20)]
    run = check(urls, dataclasses.replace(FAST, retries=5, host_concurrency=1))
    assert {r.outcome for r in run.results.values()} == {Outcome.UNREACHABLE}
    first = run.results[urls[0]]
    assert first.reason.startswith("network unreachable: name resolution failed")
    assert first.attempts == 1
    assert run.stats.requests == 1


def test_network_unreachable_errno_is_unreachable() -> None:
    # The guard refuses non-loopback addresses with ENETUNREACH, as a machine with no route would.
    result = check_one("http://192.0.2.1/x")
    assert result.outcome is Outcome.UNREACHABLE
    assert result.reason.startswith("network unreachable: Network is unreachable")
    assert result.attempts == 1


# Hostile answers ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "raw",
    [
        b"HTTP/1.1 abc Oops\r\n\r\n",
        b"hello\r\n\r\n",
        b"HTTP/1.1 200 OK\r\nBad Header Without Colon\r\n\r\n",
        b"HTTP/1.1 200 OK\r\nContent-Length: -5\r\n\r\n",
        b"",
        b"\x16\x03\x01\x00\xff" * 10,
    ],
)
def test_invalid_answers_are_broken_not_exceptions(server: LoopbackServer, raw: bytes) -> None:
    server.routes["/x"] = Reply(raw=raw)
    result = check_one(server.url("/x"))
    # Said as an invalid answer (not a checker error), and tried once more.
    assert (result.outcome, result.status, result.attempts) == (Outcome.BROKEN, None, 2)
    assert result.reason.startswith("invalid HTTP answer: "), result.reason
    assert result.reason.endswith(" (2 attempts)"), result.reason


@pytest.mark.parametrize(
    "location", ["http://[::1", "http://exa mple.com/", "http://127.0.0.2:99999/"]
)
def test_malformed_location_is_broken(server: LoopbackServer, location: str) -> None:
    server.routes["/x"] = Reply(301, {"Location": location})
    result = check_one(server.url("/x"))
    assert (result.outcome, result.status, result.attempts) == (Outcome.BROKEN, 301, 1)
    assert result.reason == f"301 Moved Permanently: redirect to a malformed URL {location!r}"
    assert result.redirects == ()


def test_a_port_out_of_range_is_a_malformed_url() -> None:
    result = check_one("http://127.0.0.2:99999/")
    assert (result.outcome, result.reason) == (Outcome.SKIPPED, "malformed URL")


def test_odd_status_and_reason_are_reported(server: LoopbackServer) -> None:
    server.routes["/x"] = Reply(raw=b"HTTP/1.1 999 Request denied\x01\r\nContent-Length: 0\r\n\r\n")
    result = check_one(server.url("/x"))
    assert (result.outcome, result.status) == (Outcome.BROKEN, 999)
    # The control character of the reason phrase is replaced, not passed on to
    # the report (a terminal, a JSON reader).
    assert result.reason == "999 Request denied?"


def test_a_long_reason_phrase_is_cut(server: LoopbackServer) -> None:
    server.routes["/x"] = Reply(
        raw=b"HTTP/1.1 404 " + b"x" * 300 + b"\r\nContent-Length: 0\r\n\r\n"
    )
    result = check_one(server.url("/x"))
    assert (result.outcome, result.status) == (Outcome.BROKEN, 404)
    assert result.reason == "404 " + "x" * 119 + "…"


@pytest.mark.parametrize(
    "url", ["ftp://127.0.0.2/x", "mailto:a@b.example", "http://", "http://[::1/x", "notaurl"]
)
def test_uncheckable_urls_are_skipped_without_requests(url: str) -> None:
    run = check([url])
    assert run.results[url].outcome is Outcome.SKIPPED
    assert run.stats.requests == 0


# TLS ----------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def tls_ca() -> trustme.CA:
    return trustme.CA()


@pytest.fixture
def tls_server(tls_ca: trustme.CA) -> Iterator[LoopbackServer]:
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    tls_ca.issue_cert("127.0.0.6").configure_cert(context)
    with serve(LoopbackServer("127.0.0.6", {"/x": Reply(200)}, ssl_context=context)) as (srv,):
        yield srv


def test_self_signed_certificate_is_tls_error(tls_server: LoopbackServer) -> None:
    result = check_one(tls_server.url("/x"))
    assert result.outcome is Outcome.TLS_ERROR
    assert "certificate" in result.reason.lower()
    assert result.attempts == 1


def test_trusted_ca_bundle_makes_tls_ok(
    tls_server: LoopbackServer, tls_ca: trustme.CA, tmp_path: Path
) -> None:
    bundle = tmp_path / "ca.pem"
    tls_ca.cert_pem.write_to_path(str(bundle))
    result = check_one(tls_server.url("/x"), dataclasses.replace(FAST, tls_ca_bundle=str(bundle)))
    assert (result.outcome, result.status) == (Outcome.OK, 200)
    assert tls_server.url("/x").startswith("https://")


def test_host_without_tls_verification(tls_server: LoopbackServer) -> None:
    settings = VerifySettings.from_mapping(
        {**_fast_mapping(), "hosts": {"127.0.0.6": {"verify_tls": False}}}
    )
    assert check_one(tls_server.url("/x"), settings).outcome is Outcome.OK


def _fast_mapping() -> dict[str, Any]:
    return {"timeout": 0.5, "retries": 1, "backoff": 0.01, "host_interval": 0.0, "trust_env": False}


# Limits, ignore, order ----------------------------------------------------------------------


def test_per_host_and_global_concurrency_limits() -> None:
    gauge = Gauge()
    hosts = [LoopbackServer(f"127.0.0.{i}", latency=0.05, gauge=gauge) for i in (2, 3, 4)]
    with serve(*hosts):
        for srv in hosts:
            srv.routes.update({f"/{i}": Reply(200) for i in range(12)})
        urls = [srv.url(f"/{i}") for srv in hosts for i in range(12)]
        run = check(urls, dataclasses.replace(FAST, concurrency=4, host_concurrency=2))
        assert {r.outcome for r in run.results.values()} == {Outcome.OK}
        assert all(srv.gauge is gauge for srv in hosts)
        assert gauge.peak <= 4
        per_host = Gauge()
        solo = LoopbackServer(
            "127.0.0.7", {f"/{i}": Reply(200) for i in range(12)}, latency=0.05, gauge=per_host
        )
        with serve(solo):
            check(
                [solo.url(f"/{i}") for i in range(12)],
                dataclasses.replace(FAST, host_concurrency=2),
            )
        assert 1 <= per_host.peak <= 2


def test_host_interval_serialises_requests(server: LoopbackServer) -> None:
    server.routes.update({f"/{i}": Reply(200) for i in range(3)})
    check(
        [server.url(f"/{i}") for i in range(3)],
        dataclasses.replace(FAST, host_interval=0.5, host_concurrency=4),
    )
    # Requests take milliseconds; with 0.5 s between starts they do not overlap.
    assert server.gauge.peak == 1
    assert len(server.hits) == 3


def test_ignore_patterns_and_skipped_hosts_make_no_request(server: LoopbackServer) -> None:
    settings = VerifySettings.from_mapping(
        {
            **_fast_mapping(),
            "ignore": [r"http://127\.0\.0\.2:\d+/private/"],
            "hosts": {"127.0.0.3": {"skip": True}},
        }
    )
    run = check([server.url("/private/x"), "http://127.0.0.3:1/y"], settings)
    assert [r.outcome for r in run.results.values()] == [Outcome.IGNORED, Outcome.IGNORED]
    assert server.hits == []


def test_results_in_given_order_and_each_url_once(server: LoopbackServer) -> None:
    server.routes.update({"/a": Reply(200), "/b": Reply(404)})
    urls = [server.url("/b"), server.url("/a"), server.url("/b")]
    run = check(urls)
    assert list(run.results) == [server.url("/b"), server.url("/a")]
    assert run.stats.urls == 2 and len(server.hits) == 2
