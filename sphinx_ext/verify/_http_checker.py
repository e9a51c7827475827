"""The network checks: every URL requested once, politely, with bounded waits.

HEAD first (GET when HEAD is refused), redirects followed one hop at a time so each is
recorded and none leaves http(s), bodies never read, except for the pages the content
checks ask for: those are requested with GET and their body read, bounded, once the
request has given back its slots (:mod:`._page_reader`). A global and a per-host limit on
requests in flight, a minimum interval between requests to one host, Retry-After honoured
for 429/503 within bounds, other failures retried with backoff, and servers that cannot be
reached at all (no DNS, no route, refused) given up after their first URL has used its
retries, so a machine without network finishes in seconds. A server is a scheme, a host
and a port: one that refuses does not condemn another port of the same host.

>>> import asyncio
>>> from sphinx_ext.verify import VerifySettings, check_urls
>>> run = asyncio.run(check_urls(["ftp://ftp.example.org/x"], VerifySettings()))
>>> run.results["ftp://ftp.example.org/x"].outcome
<Outcome.SKIPPED: 'skipped'>
"""

from __future__ import annotations

import asyncio
import contextlib
import errno
import math
import re
import socket
import ssl
import time
from collections.abc import AsyncIterator, Callable, Collection, Coroutine, Iterable, Mapping
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from typing import Any, Final
from urllib.parse import urljoin, urlsplit

import httpx

from ._cache import UrlCache
from ._outcomes import Outcome, Redirect, UrlResult
from ._page_reader import PAGE_HEADERS, read_page
from ._pages import PageFacts
from ._settings import HostSettings, VerifySettings

__all__ = ["CheckRun", "CheckStats", "check_urls", "parse_retry_after", "run_url_checks"]

_HEAD_REFUSED: Final = frozenset({403, 405, 501})
_REDIRECTS: Final = frozenset({301, 302, 303, 307, 308})
_RETRY_STATUSES: Final = frozenset({500, 502, 504})
_NETWORK_ERRNOS: Final = frozenset(
    {errno.ENETUNREACH, errno.EHOSTUNREACH, errno.EADDRNOTAVAIL, errno.ENETDOWN}
)
_DEFAULT_HEADERS: Final = {"Accept": "text/html,application/xhtml+xml,*/*;q=0.8"}
_DIGITS = re.compile(r"[0-9]{1,12}(?:\.[0-9]{1,6})?")


def parse_retry_after(value: str | None, *, now: datetime | None = None) -> float | None:
    """Seconds to wait from a ``Retry-After`` header: delay-seconds or an HTTP date.

    ``None`` when the header is absent or unreadable; a date in the past gives 0.

    >>> parse_retry_after("120")
    120.0
    >>> now = datetime(2015, 10, 21, 7, 28, tzinfo=UTC)
    >>> parse_retry_after("Wed, 21 Oct 2015 07:28:10 GMT", now=now)
    10.0
    >>> parse_retry_after("soon") is None, parse_retry_after("-5") is None
    (True, True)
    """
    if value is None:
        return None
    value = value.strip()
    if _DIGITS.fullmatch(value):
        return float(value)
    if len(value) > 100 or not value.isascii():
        return None
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError, OverflowError):
        return None
    if when is None:
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max(0.0, (when - (now or datetime.now(UTC))).total_seconds())


@dataclass(slots=True)
class CheckStats:
    """Counters of one run; ``requests`` is what the cache saves.

    ``waited`` is the time spent waiting as servers asked (``Retry-After``), shown with
    the run's time in the summary on the terminal.
    """

    urls: int = 0
    requests: int = 0
    from_cache: int = 0
    retries: int = 0
    waited: float = 0.0
    elapsed: float = 0.0


@dataclass(slots=True)
class CheckRun:
    """The results of :func:`check_urls`, by URL, in the order given."""

    results: dict[str, UrlResult] = field(default_factory=dict)
    stats: CheckStats = field(default_factory=CheckStats)


class _RequestError(Exception):
    """A request that produced no HTTP answer, classified."""

    def __init__(self, kind: str, reason: str) -> None:
        super().__init__(reason)
        self.kind = kind
        self.reason = reason


class _HostDownError(Exception):
    def __init__(self, outcome: Outcome, reason: str) -> None:
        super().__init__(reason)
        self.outcome = outcome
        self.reason = reason


@dataclass(frozen=True, slots=True)
class _Answer:
    status: int
    reason: str
    location: str | None
    retry_after: str | None
    response: httpx.Response | None = None
    """The open stream of a 2xx answer kept for its body (``keep``); the caller closes it."""


_LOCATION: Final = "sourcecheck.location"


async def _take_location(response: httpx.Response) -> None:
    """Move ``Location`` aside so httpx does not parse it: we follow redirects ourselves.

    httpx builds the next request of a redirect even with ``follow_redirects=False`` and
    raises on a Location it cannot parse, losing the answer; we want to report it.
    """
    location = response.headers.get("location")
    if location is not None:
        response.extensions[_LOCATION] = location
        del response.headers["location"]


_DRAIN_LIMIT: Final = 16384


async def _release(response: httpx.Response, method: str) -> None:
    """Close an answer; keep its connection for the next request when that costs nothing.

    A HEAD answer has no body, and a short one (a redirect's, an error page's) is read to
    its end, so the connection goes back to the pool: a new connection per request costs
    more than the request. Any other unread body is dropped with its connection.
    """
    length = response.headers.get("content-length", "")
    if method == "HEAD" or (length.isdigit() and int(length) <= _DRAIN_LIMIT):
        with contextlib.suppress(httpx.HTTPError, OSError):
            await response.aread()
    await response.aclose()


class _Host:
    """Per-host limits: in-flight slots and start interval."""

    def __init__(self, config: HostSettings, settings: VerifySettings) -> None:
        self.config = config
        self.semaphore = asyncio.Semaphore(config.concurrency or settings.host_concurrency)
        self.interval = settings.host_interval if config.interval is None else config.interval
        self.timeout = settings.timeout if config.timeout is None else config.timeout
        self.next_start = 0.0

    @contextlib.asynccontextmanager
    async def slot(self) -> AsyncIterator[None]:
        async with self.semaphore:
            # Reserve the next start time before sleeping so concurrent callers queue up.
            now = time.monotonic()
            start = max(now, self.next_start)
            self.next_start = start + self.interval
            if start > now:
                await asyncio.sleep(start - now)
            yield


_DEFAULT_PORTS: Final = {"http": 80, "https": 443}


def _server_of(url: str) -> tuple[str, str, int | None]:
    """Scheme, host and port of *url*: what answers it, or fails to."""
    parts = urlsplit(url)
    scheme = parts.scheme.lower()
    try:
        port = parts.port
    except ValueError:
        port = None
    return scheme, (parts.hostname or "").lower(), port or _DEFAULT_PORTS.get(scheme)


class _Server:
    """Whether a server is down, and the wait for a verdict while one of its URLs retries.

    A first failure that suggests the server is down (refused, connect timeout)
    does not condemn its other URLs: the failing URL retries, and the others
    wait for that verdict. An answer clears the server; a URL failing again
    after its retries marks it down, and its other URLs fail at once.
    """

    def __init__(self) -> None:
        self.down: tuple[Outcome, str] | None = None
        self.verdict: asyncio.Event | None = None

    async def wait_for_verdict(self) -> None:
        while self.verdict is not None:
            await self.verdict.wait()

    def suspect(self) -> asyncio.Event | None:
        """Make its other URLs wait for a verdict; the new one (none if pending, or down)."""
        if self.verdict is not None or self.down is not None:
            return None
        self.verdict = asyncio.Event()
        return self.verdict

    def conclude(self, down: tuple[Outcome, str] | None) -> None:
        """Give the verdict: *down*, or ``None`` when it answered."""
        self.down = down
        if self.verdict is not None:
            self.verdict.set()
            self.verdict = None


def _reason(text: str, limit: int = 120) -> str:
    text = "".join(ch if ch.isprintable() else "?" for ch in text).strip()
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _exception_chain(exc: BaseException) -> Iterable[BaseException]:
    seen: set[int] = set()
    current: BaseException | None = exc
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        yield current
        current = current.__cause__ or current.__context__


def _classify(exc: Exception) -> _RequestError:
    """Map an exception from a request to a failure kind with a readable reason."""
    if isinstance(exc, (TimeoutError, httpx.TimeoutException)):
        kind = "connect-timeout" if isinstance(exc, httpx.ConnectTimeout) else "timeout"
        return _RequestError(kind, "no answer within the timeout")
    for cause in _exception_chain(exc):
        if isinstance(cause, socket.gaierror):
            return _RequestError(
                "dns", f"network unreachable: name resolution failed ({cause.strerror or cause})"
            )
        if isinstance(cause, ssl.SSLError):
            detail = (
                getattr(cause, "verify_message", None)
                or getattr(cause, "reason", None)
                or str(cause)
            )
            return _RequestError("tls", _reason(f"TLS error: {detail}"))
        if isinstance(cause, ConnectionRefusedError):
            return _RequestError("refused", "connection refused")
        if isinstance(cause, OSError) and cause.errno in _NETWORK_ERRNOS:
            return _RequestError("dns", f"network unreachable: {cause.strerror or cause}")
    if isinstance(exc, httpx.ConnectError):
        text = str(exc)
        if (
            "Name or service not known" in text
            or "nodename nor servname" in text
            or "resolution" in text
        ):
            return _RequestError(
                "dns", _reason(f"network unreachable: name resolution failed ({text})")
            )
        return _RequestError("refused", _reason(f"cannot connect: {text or type(exc).__name__}"))
    if isinstance(exc, httpx.ProtocolError | httpx.DecodingError):
        return _RequestError(
            "protocol", _reason(f"invalid HTTP answer: {exc or type(exc).__name__}")
        )
    if isinstance(exc, httpx.TransportError):
        return _RequestError("reset", _reason(f"connection failed: {exc or type(exc).__name__}"))
    if isinstance(exc, (httpx.InvalidURL, httpx.UnsupportedProtocol)):
        return _RequestError("url", _reason(f"malformed URL: {exc}"))
    return _RequestError("other", _reason(f"{type(exc).__name__}: {exc}"))


_NO_RETRY_KINDS: Final = frozenset({"dns", "tls", "url", "other"})
# Kinds after which the host is taken as down for every other URL on it.
_HOST_DOWN: Final = {
    "dns": Outcome.UNREACHABLE,
    "refused": Outcome.UNREACHABLE,
    "tls": Outcome.TLS_ERROR,
    "connect-timeout": Outcome.TIMEOUT,
}
_FINAL_OUTCOME: Final = {
    "dns": Outcome.UNREACHABLE,
    "refused": Outcome.UNREACHABLE,
    "tls": Outcome.TLS_ERROR,
    "timeout": Outcome.TIMEOUT,
    "connect-timeout": Outcome.TIMEOUT,
    "protocol": Outcome.BROKEN,
    "reset": Outcome.BROKEN,
    "url": Outcome.BROKEN,
    "other": Outcome.BROKEN,
}


class _Checker:
    def __init__(
        self, settings: VerifySettings, cache: UrlCache | None, pages: Collection[str] = ()
    ) -> None:
        self.settings = settings
        self.cache = cache
        self.pages = frozenset(pages)
        self.page_slots = asyncio.Semaphore(settings.concurrency)
        self.executor: ThreadPoolExecutor | None = None
        self.stats = CheckStats()
        self.global_slots = asyncio.Semaphore(settings.concurrency)
        self.hosts: dict[str, _Host] = {}
        self.servers: dict[tuple[str, str, int | None], _Server] = {}
        self.clients: dict[bool, httpx.AsyncClient] = {}
        self.started = time.monotonic()
        self.deadline = self.started + settings.max_total_wait
        self.ignore = [re.compile(p) for p in settings.ignore]

    def client(self, verify_tls: bool) -> httpx.AsyncClient:
        client = self.clients.get(verify_tls)
        if client is None:
            verify: ssl.SSLContext | bool = False
            if verify_tls:
                verify = (
                    ssl.create_default_context(cafile=self.settings.tls_ca_bundle)
                    if self.settings.tls_ca_bundle
                    else True
                )
            client = httpx.AsyncClient(
                verify=verify,
                follow_redirects=False,
                trust_env=self.settings.trust_env,
                timeout=httpx.Timeout(self.settings.timeout),
                limits=httpx.Limits(
                    max_connections=None, max_keepalive_connections=self.settings.concurrency
                ),
                headers={**_DEFAULT_HEADERS, "User-Agent": self.settings.user_agent},
                event_hooks={"response": [_take_location]},
            )
            self.clients[verify_tls] = client
        return client

    async def aclose(self) -> None:
        for client in self.clients.values():
            await client.aclose()
        if self.executor is not None:
            self.executor.shutdown(wait=False, cancel_futures=True)

    def host(self, hostname: str) -> _Host:
        host = self.hosts.get(hostname)
        if host is None:
            host = self.hosts[hostname] = _Host(self.settings.host(hostname), self.settings)
        return host

    def server(self, url: str) -> _Server:
        key = _server_of(url)
        server = self.servers.get(key)
        if server is None:
            server = self.servers[key] = _Server()
        return server

    async def sleep(self, seconds: float) -> None:
        self.stats.waited += seconds
        await asyncio.sleep(seconds)

    def can_wait(self, seconds: float) -> bool:
        return time.monotonic() + seconds <= self.deadline

    async def send(
        self,
        method: str,
        url: str,
        *,
        retrying: bool = False,
        keep: bool = False,
        headers: Mapping[str, str] | None = None,
    ) -> _Answer:
        """One request; ``retrying``: a URL retrying after a failure, which waits for no verdict.

        With ``keep``, a 2xx answer comes back with its body unread in ``response``, after
        the slots are released: reading it holds up no other request.
        """
        hostname = (urlsplit(url).hostname or "").lower()
        host = self.host(hostname)
        server = self.server(url)
        async with self.admitted(host, server, retrying=retrying):
            client = self.client(host.config.verify_tls)
            self.stats.requests += 1
            try:
                async with asyncio.timeout(host.timeout):
                    request = client.build_request(
                        method, url, headers={**(headers or {}), **host.config.headers}
                    )
                    response = await client.send(request, stream=True)
                    server.conclude(None)  # it answers
                    kept = False
                    try:
                        answer = _Answer(
                            status=response.status_code,
                            reason=_reason(response.reason_phrase or ""),
                            location=response.extensions.get(_LOCATION),
                            retry_after=response.headers.get("retry-after"),
                        )
                        if keep and 200 <= answer.status < 300:
                            kept = True
                            return replace(answer, response=response)
                        return answer
                    finally:
                        if not kept:
                            await _release(response, method)
            except Exception as exc:
                failure = _classify(exc)
                raise failure from exc

    @contextlib.asynccontextmanager
    async def admitted(
        self, host: _Host, server: _Server, *, retrying: bool
    ) -> AsyncIterator[None]:
        """A request slot of *host* and of the run; unless *retrying*, only once *server*
        has no verdict pending, and :class:`_HostDownError` if it is down."""
        while True:
            if not retrying:
                await server.wait_for_verdict()
                if server.down:
                    raise _HostDownError(*server.down)
            async with host.slot(), self.global_slots:
                # A verdict may have started, or come, while this request queued.
                if retrying or (server.verdict is None and server.down is None):
                    yield
                    return

    async def back_off(self, attempt: int) -> bool:
        """Sleep before retry *attempt* (exponential), if the run's wait budget allows it."""
        delay = self.settings.backoff * 2**attempt
        if not self.can_wait(delay):
            return False
        self.stats.retries += 1
        await self.sleep(delay)
        return True

    def mark_down(self, url: str, failure: _RequestError) -> None:
        """After a URL's last attempt: its server down for the other URLs, if the
        failure says so."""
        server = self.server(url)
        outcome = _HOST_DOWN.get(failure.kind)
        if outcome is None:
            server.conclude(server.down)
        else:
            server.conclude(server.down or (outcome, f"{failure.reason} (host already failed)"))

    async def check(self, url: str) -> UrlResult:
        """Check one URL; never raises except on cancellation."""
        try:
            result = await self._check(url)
        except Exception as exc:  # noqa: BLE001 - a last resort: a hostile answer must not abort the run
            result = UrlResult(
                url, Outcome.BROKEN, reason=_reason(f"checker error: {type(exc).__name__}: {exc}")
            )
        return replace(result, checked_at=time.time()) if not result.from_cache else result

    async def _check(self, url: str) -> UrlResult:
        try:
            parts = urlsplit(url)
            hostname = parts.hostname
            parts.port  # noqa: B018 - raises ValueError when out of range
        except ValueError:
            return UrlResult(url, Outcome.SKIPPED, reason="malformed URL")
        if parts.scheme.lower() not in {"http", "https"}:
            return UrlResult(
                url, Outcome.SKIPPED, reason=f"scheme {parts.scheme or '(none)'!r} is not checked"
            )
        if not hostname:
            return UrlResult(url, Outcome.SKIPPED, reason="malformed URL: no host")
        if any(p.match(url) for p in self.ignore):
            return UrlResult(url, Outcome.IGNORED, reason="matches citations_verify_ignore")
        if self.settings.host(hostname).skip:
            return UrlResult(
                url, Outcome.IGNORED, reason=f"host {hostname} is configured with skip"
            )
        if self.cache is not None:
            cached = self.cache.get(url)
            # A success cached without its page does not do when the page is wanted now.
            if cached is not None and (cached.page is not None or url not in self.pages):
                self.stats.from_cache += 1
                return cached
        pending: list[tuple[_Server, asyncio.Event]] = []
        try:
            return await self._follow(url, pending)
        finally:
            # However the URL ended, no other waits for a verdict it owes.
            for server, verdict in pending:
                if server.verdict is verdict:
                    server.conclude(server.down)

    async def _follow(self, url: str, pending: list[tuple[_Server, asyncio.Event]]) -> UrlResult:
        settings = self.settings
        current = url
        method = self.host((urlsplit(url).hostname or "").lower()).config.method
        page = url in self.pages
        if page:
            method = "GET"  # one request for the status and the page
        redirects: list[Redirect] = []
        visited = {url}
        attempts = transient = limited = 0
        retrying = False
        # Each pass makes one request; every path through it consumes one of these budgets.
        max_passes = settings.max_redirects + settings.retries + settings.rate_limit_retries + 3
        for _ in range(max_passes):
            attempts += 1
            try:
                answer = await self.send(
                    method,
                    current,
                    retrying=retrying,
                    keep=page,
                    headers=PAGE_HEADERS if page else None,
                )
            except _HostDownError as down:
                return UrlResult(
                    url,
                    down.outcome,
                    reason=down.reason,
                    redirects=tuple(redirects),
                    attempts=attempts - 1,
                )
            except _RequestError as failure:
                retrying = True
                if failure.kind not in _NO_RETRY_KINDS and transient < settings.retries:
                    # The server's other URLs wait for this one's retries, not condemned
                    # by a single failure.
                    server = self.server(current)
                    verdict = server.suspect() if failure.kind in _HOST_DOWN else None
                    if verdict is not None:
                        pending.append((server, verdict))
                    if await self.back_off(transient):
                        transient += 1
                        continue
                # Its other URLs fail fast from now on, if the failure says the server is down.
                self.mark_down(current, failure)
                outcome = _FINAL_OUTCOME[failure.kind]
                reason = (
                    failure.reason if attempts == 1 else f"{failure.reason} ({attempts} attempts)"
                )
                return UrlResult(
                    url, outcome, reason=reason, redirects=tuple(redirects), attempts=attempts
                )

            status = answer.status
            if method == "HEAD" and status in _HEAD_REFUSED:
                method = "GET"
                continue
            if status in _REDIRECTS:
                target, problem = self._next_hop(current, answer, redirects, visited)
                if problem is not None:
                    return self._result(url, Outcome.BROKEN, answer, redirects, attempts, problem)
                visited.add(target)
                current = target
                continue
            if status in {429, 503}:
                outcome = Outcome.RATE_LIMITED if status == 429 else Outcome.UNAVAILABLE
                delay = parse_retry_after(answer.retry_after)
                if delay is None:
                    delay = max(1.0, settings.backoff * 2 ** (limited + 1))
                problem = None
                if limited >= settings.rate_limit_retries:
                    problem = f"still {status} after {attempts} attempts"
                elif delay > settings.max_retry_after:
                    allowed = _seconds(settings.max_retry_after)
                    problem = f"Retry-After {_seconds(delay)} exceeds the {allowed} allowed"
                elif not self.can_wait(delay):
                    problem = f"waiting {_seconds(delay)} would pass the total wait budget"
                if problem:
                    return self._result(url, outcome, answer, redirects, attempts, problem)
                limited += 1
                self.stats.retries += 1
                await self.sleep(delay)
                continue
            if (
                status in _RETRY_STATUSES
                and transient < settings.retries
                and await self.back_off(transient)
            ):
                transient += 1
                continue
            if 200 <= status < 300:
                result = self._success(url, answer, redirects, attempts)
                if answer.response is not None:
                    result = replace(result, page=await self.read_page(answer.response, current))
                return result
            return self._result(url, Outcome.BROKEN, answer, redirects, attempts, "")
        return UrlResult(
            url,
            Outcome.BROKEN,
            reason="gave up: too many attempts",
            redirects=tuple(redirects),
            attempts=attempts,
        )

    async def read_page(self, response: httpx.Response, url: str) -> PageFacts:
        """The page behind a kept answer, read within the byte and time budgets."""
        if self.executor is None:
            self.executor = ThreadPoolExecutor(max_workers=2, thread_name_prefix="sourcecheck-page")
        async with self.page_slots:
            return await read_page(
                response,
                url,
                max_bytes=self.settings.max_page_bytes,
                budget=self.settings.page_time_budget,
                executor=self.executor,
            )

    def _next_hop(
        self, current: str, answer: _Answer, redirects: list[Redirect], visited: set[str]
    ) -> tuple[str, str | None]:
        """Where a redirect of *current* leads, and why it is not followed (None: it is).

        A hop to a well-formed URL is added to *redirects*, followed or not.
        """
        if not answer.location:
            return "", "redirect without Location"
        try:
            target = urljoin(current, answer.location.strip())
            parts = urlsplit(target)
            scheme = parts.scheme.lower()
            if scheme in {"http", "https"}:
                parts.port  # noqa: B018 - raises ValueError when out of range
                if any(ch.isspace() or not ch.isprintable() for ch in target):
                    raise ValueError(target)
                httpx.URL(target)
        except (ValueError, httpx.InvalidURL):
            return "", _reason(f"redirect to a malformed URL {answer.location!r}")
        redirects.append(Redirect(current, answer.status, target))
        if scheme not in {"http", "https"}:
            return target, _reason(f"redirect to {scheme}: URL {target} not followed")
        if target in visited:
            return target, "redirect loop"
        if len(redirects) > self.settings.max_redirects:
            return target, f"more than {self.settings.max_redirects} redirects"
        return target, None

    @staticmethod
    def _result(
        url: str,
        outcome: Outcome,
        answer: _Answer,
        redirects: list[Redirect],
        attempts: int,
        why: str,
    ) -> UrlResult:
        reason = f"{answer.status} {answer.reason}".strip()
        if why:
            reason = f"{reason}: {why}"
        return UrlResult(url, outcome, answer.status, reason, tuple(redirects), attempts=attempts)

    @staticmethod
    def _success(url: str, answer: _Answer, redirects: list[Redirect], attempts: int) -> UrlResult:
        permanent = 0
        while permanent < len(redirects) and redirects[permanent].permanent:
            permanent += 1
        suggested = redirects[permanent - 1].location if permanent else None
        return UrlResult(
            url,
            Outcome.REDIRECTED if suggested else Outcome.OK,
            answer.status,
            f"{answer.status} {answer.reason}".strip(),
            tuple(redirects),
            suggested_url=suggested,
            attempts=attempts,
        )


def _seconds(value: float) -> str:
    return "forever" if math.isinf(value) else f"{value:g} s"


async def check_urls(
    urls: Iterable[str],
    settings: VerifySettings,
    *,
    cache: UrlCache | None = None,
    on_result: Callable[[UrlResult], None] | None = None,
    pages: Collection[str] = (),
    extra: Callable[[_Checker], Coroutine[Any, Any, None]] | None = None,
) -> CheckRun:
    """Check each distinct URL once, concurrently; results in the order given.

    Successes are recorded in ``cache`` as they arrive (the caller saves it, see
    :func:`run_url_checks`). ``on_result`` is called once per URL as it completes.
    The URLs in ``pages`` are requested with GET and their page read (``result.page``).
    ``extra`` runs alongside with the same checker (the identifier look-ups).
    """
    unique = list(dict.fromkeys(urls))
    checker = _Checker(settings, cache, pages)
    run = CheckRun(stats=checker.stats)
    run.stats.urls = len(unique)

    async def one(url: str) -> None:
        result = await checker.check(url)
        run.results[url] = result
        if cache is not None and not result.from_cache:
            cache.record(result)
        if on_result is not None:
            on_result(result)

    try:
        async with asyncio.TaskGroup() as group:
            if extra is not None:
                group.create_task(extra(checker))
            for url in unique:
                group.create_task(one(url))
    finally:
        await checker.aclose()
        run.stats.elapsed = time.monotonic() - checker.started
    run.results = {url: run.results[url] for url in unique}
    return run


def run_url_checks(
    urls: Iterable[str],
    settings: VerifySettings,
    *,
    cache: UrlCache | None = None,
    on_result: Callable[[UrlResult], None] | None = None,
    pages: Collection[str] = (),
    extra: Callable[[_Checker], Coroutine[Any, Any, None]] | None = None,
) -> CheckRun:
    """Synchronous :func:`check_urls` that saves ``cache`` however it ends, Ctrl-C included.

    >>> run = run_url_checks(["mailto:someone@example.org"], VerifySettings())
    >>> run.results["mailto:someone@example.org"].outcome.value, run.stats.requests
    ('skipped', 0)
    """
    try:
        return asyncio.run(
            check_urls(urls, settings, cache=cache, on_result=on_result, pages=pages, extra=extra)
        )
    finally:
        if cache is not None:
            cache.save()
