"""Figures stated in text: a number with a unit, a multiplier, a percentage or a currency.

One parser serves both sides, the book's sentences and the cited page's text, so
formatting does not matter: each figure gets a canonical :attr:`Figure.key` under which
``300 ms``, ``300ms`` and ``300-millisecond`` are equal, as are ``2.5x`` and ``2.5×``,
``1,000 GB`` and ``1000 GB``, ``73%`` and ``73 percent``.

>>> text = "p50 of 300ms, 2.5× faster, 73 % fewer, $0.006/min, 1,000 GB; 2024 ok"
>>> [f.key for f in find_figures(text)]
['300 ms', '2.5 x', '73 %', '$0.006 /min', '1000 gb']
>>> [f.text for f in find_figures("a 300-millisecond budget at 24x the speed")]
['300-millisecond', '24x']
>>> find_figures("In 2024 the H100 and FP8 shipped; see section 4.2.")
[]
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Final

__all__ = ["Figure", "figure_keys", "find_figures"]

# Unit spellings → canonical unit. Longer spellings first within each group (the regex
# alternation is built longest-first anyway).
_UNITS: Final[dict[str, str]] = {
    # multipliers
    "x": "x",
    "×": "x",
    "times": "x",
    "fold": "x",
    # percentages
    "%": "%",
    "percent": "%",
    "per cent": "%",
    "percentage points": "pp",
    "pp": "pp",
    # time
    "ns": "ns",
    "nanosecond": "ns",
    "nanoseconds": "ns",
    "µs": "us",
    "μs": "us",
    "us": "us",
    "microsecond": "us",
    "microseconds": "us",
    "ms": "ms",
    "msec": "ms",
    "millisecond": "ms",
    "milliseconds": "ms",
    "s": "s",
    "sec": "s",
    "secs": "s",
    "second": "s",
    "seconds": "s",
    "min": "min",
    "mins": "min",
    "minute": "min",
    "minutes": "min",
    "h": "h",
    "hr": "h",
    "hrs": "h",
    "hour": "h",
    "hours": "h",
    "day": "day",
    "days": "day",
    # data and rates
    "kb": "kb",
    "mb": "mb",
    "gb": "gb",
    "tb": "tb",
    "pb": "pb",
    "kib": "kib",
    "mib": "mib",
    "gib": "gib",
    "tib": "tib",
    "kilobyte": "kb",
    "kilobytes": "kb",
    "megabyte": "mb",
    "megabytes": "mb",
    "gigabyte": "gb",
    "gigabytes": "gb",
    "terabyte": "tb",
    "terabytes": "tb",
    "kbps": "kbps",
    "mbps": "mbps",
    "gbps": "gbps",
    "kbit/s": "kbps",
    "mbit/s": "mbps",
    "gbit/s": "gbps",
    "gb/s": "gb/s",
    "mb/s": "mb/s",
    "tb/s": "tb/s",
    "hz": "hz",
    "khz": "khz",
    "mhz": "mhz",
    "ghz": "ghz",
    "tflops": "tflops",
    "pflops": "pflops",
    "tokens/s": "tokens/s",
    "tokens per second": "tokens/s",
    "tok/s": "tokens/s",
    "qps": "qps",
    "rps": "rps",
    "requests per second": "rps",
    "k": "k",
    "thousand": "k",
    "m": "m",
    "million": "m",
    "millions": "m",
    "bn": "b",
    "billion": "b",
    "billions": "b",
}
_CURRENCY: Final = {"$": "$", "€": "€", "£": "£", "us$": "$"}
_PER: Final[dict[str, str]] = {
    "min": "/min",
    "minute": "/min",
    "hour": "/h",
    "hr": "/h",
    "h": "/h",
    "second": "/s",
    "sec": "/s",
    "s": "/s",
    "month": "/month",
    "mo": "/month",
    "year": "/year",
    "yr": "/year",
    "request": "/request",
    "req": "/request",
    "token": "/token",
    "1k tokens": "/1k tokens",
    "1m tokens": "/1m tokens",
    "million tokens": "/1m tokens",
    "gb": "/gb",
    "character": "/character",
    "characters": "/character",
}


def _alternation(words: list[str]) -> str:
    return "|".join(
        re.escape(w).replace(r"\ ", r"\s+") for w in sorted(words, key=len, reverse=True)
    )


_HYPHEN_UNITS: Final = frozenset({"ms", "us", "µs", "μs", "ns", "gb", "mb", "tb", "kb", "pb"})
_LETTER_UNITS: Final = frozenset({"s", "h", "m", "k", "us"})
_NUMBER = r"\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?|\.\d+"
_FIGURE_RE: Final = re.compile(
    rf"""
    (?<![\w.,/])                         # a number of its own, not part of a word or version
    (?:(?P<currency>{_alternation(list(_CURRENCY))})\s?)?
    (?P<number>{_NUMBER})
    (?:
        (?P<sep>[\s\u00a0\u202f]?-?[\s\u00a0\u202f]?)
        (?P<unit>{_alternation(list(_UNITS))})
        (?![\w%])
    )?
    (?:\s*(?:/|\s+per\s+)\s*(?P<per>{_alternation(list(_PER))})(?!\w))?
    """,
    re.IGNORECASE | re.VERBOSE,
)


@dataclass(frozen=True, slots=True)
class Figure:
    """A figure as written (``text``, at ``start`` in the text it was found in) and its canonical
    ``key``."""

    text: str
    key: str
    start: int = 0


def _number_key(number: str) -> str:
    value = number.replace(",", "")
    if "." in value:
        value = value.rstrip("0").rstrip(".")
    value = value.lstrip("0") or "0"
    return "0" + value if value.startswith(".") else value


def find_figures(text: str) -> list[Figure]:
    """Every figure in ``text``: numbers with a unit, multiplier, percentage or currency.

    Bare numbers (years, counts, versions) are not figures.
    """
    found: list[Figure] = []
    for match in _FIGURE_RE.finditer(text):
        currency = match.group("currency")
        unit = match.group("unit")
        per = match.group("per")
        if not (currency or unit):
            continue
        short = bool(unit) and not currency and len(unit) < 3
        if short and match.group("sep").strip() == "-" and unit.lower() not in _HYPHEN_UNITS:
            continue  # "300-ms" is a figure, "2-m" (a range, a name) is not
        if short and unit.lower() in _LETTER_UNITS and match.group("sep"):
            continue  # a lone letter is a unit only against the number: "300s", not "the 5 s"
        number = _number_key(match.group("number"))
        parts = []
        if currency:
            parts.append(_CURRENCY[currency.lower()] + number)
        else:
            parts.append(number)
        if unit:
            parts.append(_UNITS[re.sub(r"\s+", " ", unit.lower())])
        if per:
            parts.append(_PER[re.sub(r"\s+", " ", per.lower())])
        found.append(Figure(match.group(0).strip(), " ".join(parts), match.start()))
    return found


def figure_keys(text: str) -> set[str]:
    """The canonical keys of every figure in ``text``."""
    return {f.key for f in find_figures(text)}
