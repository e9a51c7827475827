"""Settings of the source checks: one frozen dataclass, built from ``conf.py`` values.

Each field of :class:`VerifySettings` is the Sphinx config value ``citations_verify_<field>``;
its metadata carries the help text, so the config registry can be generated from it.
"""

from __future__ import annotations

import dataclasses
import math
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any

from ._findings import DEFAULT_SEVERITY, Check, Severity

__all__ = ["CONFIG_PREFIX", "HostSettings", "VerifySettings", "config_fields"]

CONFIG_PREFIX = "citations_verify_"

DEFAULT_USER_AGENT = "Mozilla/5.0 (compatible; sphinx-ext-sourcecheck/1.0)"


@dataclass(frozen=True, slots=True)
class HostSettings:
    """Overrides for one host (and its subdomains), from ``citations_verify_hosts``.

    >>> HostSettings.from_mapping({"concurrency": 1, "interval": 2.0, "method": "GET"})
    ... # doctest: +NORMALIZE_WHITESPACE
    HostSettings(concurrency=1, interval=2.0, timeout=None, verify_tls=True, method='GET',
                 headers={}, skip=False)
    """

    concurrency: int | None = None
    """Requests in flight at once to this host."""
    interval: float | None = None
    """Minimum seconds between the starts of two requests to this host."""
    timeout: float | None = None
    """Seconds per request."""
    verify_tls: bool = True
    """Whether to verify the host's TLS certificate."""
    method: str = "HEAD"
    """``"HEAD"`` (fall back to GET when refused) or ``"GET"`` for hosts that mishandle HEAD."""
    headers: Mapping[str, str] = field(default_factory=dict)
    """Extra request headers, e.g. an ``Authorization`` token for a rate-limited API."""
    skip: bool = False
    """Never request this host; its URLs come out ``ignored``."""

    @classmethod
    def from_mapping(cls, data: Mapping[str, Any], *, where: str = "host") -> HostSettings:
        errors: list[str] = []
        known = {f.name for f in dataclasses.fields(cls)}
        errors.extend(
            f"{where}: unknown setting {name!r} (known: {', '.join(sorted(known))})"
            for name in data
            if name not in known
        )
        values: dict[str, Any] = {}
        for name, kind in (("concurrency", int), ("interval", float), ("timeout", float)):
            if name in data:
                values[name] = _number(data[name], kind, f"{where}.{name}", errors, minimum=0)
        if values.get("concurrency") == 0:
            errors.append(f"{where}.concurrency: must be at least 1")
        for name in ("verify_tls", "skip"):
            if name in data:
                if isinstance(data[name], bool):
                    values[name] = data[name]
                else:
                    errors.append(f"{where}.{name}: expected true or false, got {data[name]!r}")
        if "method" in data:
            method = str(data["method"]).upper()
            if method in {"HEAD", "GET"}:
                values["method"] = method
            else:
                errors.append(f"{where}.method: expected 'HEAD' or 'GET', got {data['method']!r}")
        if "headers" in data:
            headers = data["headers"]
            if isinstance(headers, Mapping) and all(isinstance(v, str) for v in headers.values()):
                values["headers"] = MappingProxyType({str(k): v for k, v in headers.items()})
            else:
                errors.append(f"{where}.headers: expected a dict of strings")
        if errors:
            raise ValueError("; ".join(errors))
        return cls(**values)


def _help(text: str) -> dict[str, str]:
    return {"help": text}


@dataclass(frozen=True, slots=True)
class VerifySettings:
    """Everything the checks need to know, frozen so worker tasks share it safely.

    >>> s = VerifySettings.from_mapping({"citations_verify_timeout": 2, "host_concurrency": 1})
    >>> s.timeout, s.host_concurrency, s.fail_on
    (2.0, 1, <Severity.ERROR: 'error'>)
    >>> hosts = {"nvidia.com": {"skip": True}}
    >>> VerifySettings.from_mapping({"hosts": hosts}).host("docs.nvidia.com").skip
    True
    """

    network: bool = field(
        default=True, metadata=_help("Check URLs over the network (False: static checks only).")
    )
    timeout: float = field(
        default=10.0, metadata=_help("Seconds allowed for one request, until the headers arrive.")
    )
    retries: int = field(
        default=2,
        metadata=_help(
            "Retries of a request that timed out, was reset, or answered 5xx (not 503)."
        ),
    )
    backoff: float = field(
        default=0.5,
        metadata=_help("Seconds before the first retry; doubled for each further retry."),
    )
    rate_limit_retries: int = field(
        default=3,
        metadata=_help("Retries of a URL answering 429 or 503, waiting as its Retry-After asks."),
    )
    max_retry_after: float = field(
        default=60.0,
        metadata=_help(
            "Longest Retry-After (seconds) honoured; a longer one ends the checks of the URL."
        ),
    )
    max_total_wait: float = field(
        default=120.0,
        metadata=_help(
            "No retry is scheduled later than this many seconds after the checks start."
        ),
    )
    max_redirects: int = field(
        default=10, metadata=_help("Redirects followed per URL before it counts as broken.")
    )
    concurrency: int = field(
        default=32, metadata=_help("Requests in flight at once, over all hosts.")
    )
    host_concurrency: int = field(
        default=4, metadata=_help("Requests in flight at once to one host.")
    )
    host_interval: float = field(
        default=0.01,
        metadata=_help("Minimum seconds between the starts of two requests to one host."),
    )
    hosts: Mapping[str, HostSettings] = field(
        default_factory=dict,
        metadata=_help(
            "Per-host overrides, by host name (also applies to subdomains): "
            "{'github.com': {'concurrency': 1, 'interval': 1.0, 'timeout': 20, 'method': 'GET', "
            "'verify_tls': True, 'headers': {...}, 'skip': False}}."
        ),
    )
    ignore: Sequence[str] = field(
        default=(),
        metadata=_help("Regular expressions; a URL matching one (re.match) is not requested."),
    )
    check_uncited: bool = field(
        default=True, metadata=_help("Also check the URLs of works that nothing cites.")
    )
    max_age: float = field(
        default=7 * 86400.0,
        metadata=_help("Seconds a cached success stays valid; failures are always rechecked."),
    )
    cache_file: str = field(
        default="sourcecheck-cache.json",
        metadata=_help(
            "The URL cache, relative to the builder's output directory; '' disables the cache."
        ),
    )
    user_agent: str = field(
        default=DEFAULT_USER_AGENT, metadata=_help("The User-Agent header of every request.")
    )
    tls_ca_bundle: str = field(
        default="",
        metadata=_help("A PEM file of CA certificates to trust instead of the default ones."),
    )
    trust_env: bool = field(
        default=True,
        metadata=_help(
            "Use proxy and CA settings from the environment (HTTPS_PROXY, SSL_CERT_FILE…)."
        ),
    )
    fail_on: Severity | None = field(
        default=Severity.ERROR,
        metadata=_help(
            "Exit non-zero when a finding of this severity or worse remains: "
            "error, warning, info, never."
        ),
    )
    severity: Mapping[Check, Severity] = field(
        default_factory=dict,
        metadata=_help(
            "Severity overrides by check, e.g. {'year-only': 'info', 'url-unreachable': 'error'}."
        ),
    )
    whole_book: Severity = field(
        default=Severity.INFO,
        metadata=_help(
            "Severity of missing-pages for a book cited as a whole (no locator at all): "
            "info, warning or error; a passage cited without a page (ch., sec.) keeps "
            "the check's own severity."
        ),
    )
    static_in_build: bool = field(
        default=False,
        metadata=_help("Run the static checks (no network) as warnings in every build."),
    )
    content: bool = field(
        default=True,
        metadata=_help(
            "Read the HTML pages of works (bounded) to check titles, dates and the book's figures; "
            "look up DOIs and arXiv ids."
        ),
    )
    max_page_bytes: int = field(
        default=2 * 1024 * 1024,
        metadata=_help("Most bytes of one page read (after decompression); the rest is ignored."),
    )
    page_time_budget: float = field(
        default=10.0,
        metadata=_help(
            "Seconds allowed for reading one page's body; what arrived by then is used."
        ),
    )
    title_threshold: float = field(
        default=0.5,
        metadata=_help(
            "Similarity (0 to 1) of the page's best title to the entry's "
            "below which it is a content-mismatch."
        ),
    )
    accept: Mapping[str, frozenset[Check]] = field(
        default_factory=dict,
        metadata=_help(
            "Known differences accepted, by entry key: {'nvidia2025a': ['content-mismatch']}; "
            "those checks report nothing for that entry."
        ),
    )
    doi_resolver: str = field(
        default="https://doi.org/",
        metadata=_help("Where DOIs are resolved for CSL-JSON metadata (content negotiation)."),
    )
    arxiv_api: str = field(
        default="https://export.arxiv.org/api/query",
        metadata=_help("The arXiv API (Atom) where arXiv ids are looked up."),
    )

    def host(self, hostname: str) -> HostSettings:
        """The settings for ``hostname``: its own entry, else its closest parent domain's, else
        defaults."""
        labels = hostname.lower().rstrip(".").split(".")
        for i in range(len(labels)):
            found = self.hosts.get(".".join(labels[i:]))
            if found is not None:
                return found
        return _DEFAULT_HOST

    def accepts(self, key: str, check: Check) -> bool:
        """Whether the author accepted ``check``'s finding for the entry ``key``."""
        return check in self.accept.get(key, ())

    def severity_of(self, check: Check) -> Severity:
        return self.severity.get(check, DEFAULT_SEVERITY[check])

    def fails(self, severity: Severity) -> bool:
        """Whether a finding of ``severity`` makes the run fail."""
        return self.fail_on is not None and severity.rank >= self.fail_on.rank

    @classmethod
    def from_mapping(cls, data: Mapping[str, Any]) -> VerifySettings:
        """Build from config values, named with or without the ``citations_verify_`` prefix.

        Unknown names and wrong types raise :class:`ValueError` listing every problem.
        """
        errors: list[str] = []
        fields = {f.name: f for f in dataclasses.fields(cls)}
        values: dict[str, Any] = {}
        for raw_name, value in data.items():
            name = raw_name.removeprefix(CONFIG_PREFIX)
            where = CONFIG_PREFIX + name
            if name not in fields:
                errors.append(f"{where}: unknown setting")
                continue
            default = fields[name].default
            if name == "hosts":
                values[name] = _hosts(value, where, errors)
            elif name == "ignore":
                values[name] = _patterns(value, where, errors)
            elif name == "fail_on":
                values[name] = _fail_on(value, where, errors)
            elif name == "severity":
                values[name] = _severities(value, where, errors)
            elif name == "whole_book":
                values[name] = _severity(value, where, errors)
            elif name == "accept":
                values[name] = _accepted(value, where, errors)
            elif name == "title_threshold":
                values[name] = _number(value, float, where, errors, minimum=0)
                if values[name] is not None and values[name] > 1:
                    errors.append(f"{where}: must be at most 1, got {value!r}")
            elif isinstance(default, bool):
                if isinstance(value, bool):
                    values[name] = value
                else:
                    errors.append(f"{where}: expected True or False, got {value!r}")
            elif isinstance(default, int):
                values[name] = _number(
                    value, int, where, errors, minimum=1 if "concurrency" in name else 0
                )
            elif isinstance(default, float):
                values[name] = _number(value, float, where, errors, minimum=0)
            elif isinstance(default, str):
                if isinstance(value, str):
                    values[name] = value
                else:
                    errors.append(f"{where}: expected a string, got {value!r}")
        if errors:
            raise ValueError("; ".join(errors))
        return cls(**values)


_DEFAULT_HOST = HostSettings()


def config_fields() -> list[tuple[str, type | tuple[type, ...], object, str]]:
    """``(config name, accepted types, default, help)`` for every setting, for
    ``app.add_config_value``.

    >>> config_fields()[0]  # doctest: +NORMALIZE_WHITESPACE
    ('citations_verify_network', <class 'bool'>, True,
     'Check URLs over the network (False: static checks only).')
    """
    result: list[tuple[str, type | tuple[type, ...], object, str]] = []
    for f in dataclasses.fields(VerifySettings):
        default: object = {} if f.default_factory is not dataclasses.MISSING else f.default
        kinds: type | tuple[type, ...]
        if f.name in {"hosts", "severity", "accept"}:
            kinds = dict
        elif f.name == "ignore":
            default = []
            kinds = (list, tuple)
        elif f.name == "fail_on":
            default = "error"
            kinds = str
        elif isinstance(default, Severity):
            default = default.value
            kinds = str
        elif isinstance(default, bool):
            kinds = bool
        elif isinstance(default, float):
            kinds = (float, int)
        else:
            kinds = type(default)
        result.append((CONFIG_PREFIX + f.name, kinds, default, str(f.metadata.get("help", ""))))
    return result


def _number(
    value: Any, kind: type[int | float], where: str, errors: list[str], *, minimum: float
) -> Any:
    if (
        isinstance(value, bool)
        or not isinstance(value, (int, float))
        or (kind is int and isinstance(value, float))
    ):
        errors.append(
            f"{where}: expected {'an integer' if kind is int else 'a number'}, got {value!r}"
        )
        return None
    if math.isnan(value) or value < minimum:
        errors.append(f"{where}: must be at least {minimum}, got {value!r}")
        return None
    return kind(value)


def _hosts(value: Any, where: str, errors: list[str]) -> Mapping[str, HostSettings]:
    if not isinstance(value, Mapping):
        errors.append(f"{where}: expected a dict of host name to settings dict")
        return {}
    hosts: dict[str, HostSettings] = {}
    for host, settings in value.items():
        if not isinstance(settings, Mapping):
            errors.append(f"{where}[{host!r}]: expected a dict")
            continue
        try:
            hosts[str(host).lower().rstrip(".")] = HostSettings.from_mapping(
                settings, where=f"{where}[{host!r}]"
            )
        except ValueError as err:
            errors.append(str(err))
    return MappingProxyType(hosts)


def _patterns(value: Any, where: str, errors: list[str]) -> tuple[str, ...]:
    if isinstance(value, str) or not isinstance(value, Sequence):
        errors.append(f"{where}: expected a list of regular expressions")
        return ()
    for pattern in value:
        try:
            re.compile(pattern)
        except (re.error, TypeError) as err:
            errors.append(f"{where}: invalid pattern {pattern!r}: {err}")
    return tuple(str(p) for p in value)


def _fail_on(value: Any, where: str, errors: list[str]) -> Severity | None:
    if value in {None, "never", "none"}:
        return None
    try:
        return Severity(value)
    except ValueError:
        errors.append(f"{where}: expected one of error, warning, info, never; got {value!r}")
        return Severity.ERROR


def _severity(value: Any, where: str, errors: list[str]) -> Severity:
    try:
        return Severity(value)
    except ValueError:
        errors.append(f"{where}: expected 'info', 'warning' or 'error', got {value!r}")
        return Severity.INFO


def _severities(value: Any, where: str, errors: list[str]) -> Mapping[Check, Severity]:
    if not isinstance(value, Mapping):
        errors.append(f"{where}: expected a dict of check name to severity")
        return {}
    result: dict[Check, Severity] = {}
    for check, severity in value.items():
        try:
            result[Check(check)] = Severity(severity)
        except ValueError:
            errors.append(
                f"{where}[{check!r}]: unknown check or severity {severity!r} "
                f"(checks: {', '.join(c.value for c in Check)}; severities: error, warning, info)"
            )
    return MappingProxyType(result)


def _accepted(value: Any, where: str, errors: list[str]) -> Mapping[str, frozenset[Check]]:
    if not isinstance(value, Mapping):
        errors.append(f"{where}: expected a dict of entry key to a list of check names")
        return {}
    result: dict[str, frozenset[Check]] = {}
    for key, checks in value.items():
        names = [checks] if isinstance(checks, str) else checks
        if not isinstance(names, Sequence):
            errors.append(f"{where}[{key!r}]: expected a list of check names")
            continue
        try:
            result[str(key)] = frozenset(Check(name) for name in names)
        except ValueError:
            errors.append(
                f"{where}[{key!r}]: unknown check in {checks!r} "
                f"(checks: {', '.join(c.value for c in Check)})"
            )
    return MappingProxyType(result)
