"""Configuration values, declared once.

Each field of :class:`CitationsConfig` is a ``conf.py`` value named
``citations_<field>``, registered with its type and default by
:func:`register_config` and checked on ``config-inited`` by
:func:`validate_config`: a value of the wrong type or out of range gives a
``citations.config`` warning and the default is used instead.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sphinx_ext.warnings_ import Subtype, warn

if TYPE_CHECKING:
    from sphinx.application import Sphinx
    from sphinx.config import Config

__all__ = ["PREFIX", "CitationsConfig", "get_config", "register_config", "validate_config"]

PREFIX = "citations_"

Validator = Callable[[Any], str | None]


def _instance_of(*types: type) -> Validator:
    def check(value: Any) -> str | None:
        # bool is an int, but True is no count of chapters.
        if isinstance(value, bool) and bool not in types:
            return f"expected {' or '.join(t.__name__ for t in types)}, got bool"
        if isinstance(value, types):
            return None
        names = " or ".join(t.__name__ for t in types)
        return f"expected {names}, got {type(value).__name__}"

    return check


def _positive_int(value: Any) -> str | None:
    problem = _instance_of(int)(value)
    if problem is None and value < 1:
        return f"expected a whole number of at least 1, got {value!r}"
    return problem


def _non_negative_number(value: Any) -> str | None:
    problem = _instance_of(int, float)(value)
    if problem is None and value < 0:
        return f"expected a number of at least 0, got {value!r}"
    return problem


def _string_list(value: Any) -> str | None:
    if not isinstance(value, list | tuple) or not all(isinstance(v, str) for v in value):
        return f"expected a list of strings, got {value!r}"
    return None


def _host_settings(value: Any) -> str | None:
    if not isinstance(value, Mapping):
        return f"expected a dict of host → settings dict, got {type(value).__name__}"
    for host, settings in value.items():
        if not isinstance(host, str) or not isinstance(settings, Mapping):
            return f"expected host → settings dict, got {host!r}: {settings!r}"
    return None


def _one_of(*choices: str) -> Validator:
    def check(value: Any) -> str | None:
        if value not in choices:
            return f"expected one of {', '.join(map(repr, choices))}, got {value!r}"
        return None

    return check


def _meta(validator: Validator, help: str, rebuild: str = "env") -> dict[str, Any]:
    return {"validator": validator, "help": help, "rebuild": rebuild}


@dataclass(frozen=True)
class CitationsConfig:
    """Every ``citations_*`` value of ``conf.py``, with its default."""

    auto_references: bool = field(
        default=True,
        metadata=_meta(
            _instance_of(bool),
            "Append a References section to every chapter that cites anything, "
            "unless the chapter places it with {chapter-references}.",
        ),
    )
    references_title: str = field(
        default="References",
        metadata=_meta(
            _instance_of(str),
            "Title of the automatic References section.",
        ),
    )
    min_chapters: int = field(
        default=2,
        metadata=_meta(
            _positive_int,
            "Default :min-chapters: of {citation-frequency} and of the table in {works-cited}.",
        ),
    )
    backlinks: bool = field(
        default=True,
        metadata=_meta(
            _instance_of(bool),
            "Link each reference-list entry back to the places that cite it.",
            rebuild="html",
        ),
    )
    static_checks: bool = field(
        default=False,
        metadata=_meta(
            _instance_of(bool),
            "Run the bibliography's static checks (placeholder URLs, missing dates, "
            "duplicates, …) in every build, as warnings.",
        ),
    )
    verify_timeout: float = field(
        default=10.0,
        metadata=_meta(
            _non_negative_number,
            "Seconds before one URL request of sourcecheck times out.",
        ),
    )
    verify_max_age: float = field(
        default=7 * 24 * 3600.0,
        metadata=_meta(
            _non_negative_number,
            "Seconds a successful URL check stays valid in the sourcecheck cache.",
        ),
    )
    verify_concurrency: int = field(
        default=32,
        metadata=_meta(
            _positive_int,
            "How many URL requests sourcecheck runs at once.",
        ),
    )
    verify_host_concurrency: int = field(
        default=4,
        metadata=_meta(
            _positive_int,
            "How many URL requests sourcecheck runs at once against one host.",
        ),
    )
    verify_host_interval: float = field(
        default=0.05,
        metadata=_meta(
            _non_negative_number,
            "Minimum seconds between two requests to one host.",
        ),
    )
    verify_retries: int = field(
        default=2,
        metadata=_meta(
            _instance_of(int),
            "Retries of a failed URL request (with backoff).",
        ),
    )
    verify_max_wait: float = field(
        default=60.0,
        metadata=_meta(
            _non_negative_number,
            "Longest total wait sourcecheck spends honouring Retry-After for one URL.",
        ),
    )
    verify_ignore: list[str] = field(
        default_factory=list,
        metadata=_meta(
            _string_list,
            "Regular expressions of URLs that sourcecheck skips.",
        ),
    )
    verify_hosts: dict[str, dict[str, Any]] = field(
        default_factory=dict,
        metadata=_meta(
            _host_settings,
            "Per-host settings for sourcecheck, e.g. {'example.org': {'concurrency': 1}}.",
        ),
    )
    verify_fail_on: str = field(
        default="error",
        metadata=_meta(
            _one_of("error", "warning", "never"),
            "Lowest severity of a sourcecheck finding that makes the build fail.",
        ),
    )


def config_location(confdir: str | Path | None, name: str) -> str | None:
    """``path/conf.py:line`` where *name* is assigned, for warnings about it."""
    if not confdir:
        return None
    path = Path(confdir) / "conf.py"
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except OSError:
        return None
    assignment = re.compile(rf"^\s*{re.escape(name)}\s*[:=+]")
    for number, line in enumerate(lines, start=1):
        if assignment.match(line):
            return f"{path}:{number}"
    # Set on the command line (-D), or not at all.
    return None


def register_config(app: Sphinx) -> None:
    """Register every field of :class:`CitationsConfig` as ``citations_<name>``."""
    defaults = CitationsConfig()
    for spec in dataclasses.fields(CitationsConfig):
        default = getattr(defaults, spec.name)
        app.add_config_value(
            PREFIX + spec.name,
            default,
            spec.metadata["rebuild"],
            types=frozenset({type(default)} | ({int} if type(default) is float else set())),
            description=spec.metadata["help"],
        )


def validate_config(app: Sphinx, config: Config) -> None:
    """``config-inited``: replace every invalid value by its default, with a warning."""
    defaults = CitationsConfig()
    for spec in dataclasses.fields(CitationsConfig):
        name = PREFIX + spec.name
        value = config[name]
        problem = spec.metadata["validator"](value)
        if problem is not None:
            default = getattr(defaults, spec.name)
            warn(
                "invalid value for %s: %s; using the default %r",
                name,
                problem,
                default,
                subtype=Subtype.CONFIG,
                location=config_location(app.confdir, name),
            )
            config[name] = default
    if config.bibtex_bibfiles is None:
        warn(
            "bibtex_bibfiles is not set; no citation can resolve. "
            "Set it in conf.py, e.g. bibtex_bibfiles = ['references.bib']",
            subtype=Subtype.CONFIG,
            location=config_location(app.confdir, "extensions"),
        )
        config.bibtex_bibfiles = []
    elif isinstance(config.bibtex_bibfiles, str):
        warn(
            "bibtex_bibfiles should be a list of paths; read %r as [%r]",
            config.bibtex_bibfiles,
            config.bibtex_bibfiles,
            subtype=Subtype.CONFIG,
            location=config_location(app.confdir, "bibtex_bibfiles"),
        )
        config.bibtex_bibfiles = [config.bibtex_bibfiles]


def get_config(config: Config) -> CitationsConfig:
    """A frozen snapshot of the (validated) values, for code that runs elsewhere."""
    return CitationsConfig(
        **{spec.name: config[PREFIX + spec.name] for spec in dataclasses.fields(CitationsConfig)}
    )
