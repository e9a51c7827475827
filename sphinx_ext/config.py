"""Configuration values, declared once.

Each field of :class:`CitationsConfig` is a ``conf.py`` value named
``citations_<field>``; each field of
:class:`~sphinx_ext.verify.VerifySettings` one named
``citations_verify_<field>``. :func:`register_config` registers both with
their types and defaults, and :func:`validate_config` checks them on
``config-inited``: a value of the wrong type or out of range gives a
``citations.config`` warning at its line in ``conf.py``, and the default is
used instead.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pybtex.plugin

from sphinx_ext._works import Category
from sphinx_ext.diagnostics import Subtype, shorten, warn
from sphinx_ext.savings import RETIRED, Saving
from sphinx_ext.verify import VerifySettings, config_fields

if TYPE_CHECKING:
    from sphinx.application import Sphinx
    from sphinx.config import Config

__all__ = [
    "PREFIX",
    "CitationsConfig",
    "coerce_command_line",
    "register_config",
    "validate_config",
]

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


def _one_of(*choices: str) -> Validator:
    def check(value: Any) -> str | None:
        if isinstance(value, str) and value in choices:
            return None
        return f"expected one of {', '.join(repr(c) for c in choices)}, got {value!r}"

    return check


def _style_name(value: Any) -> str | None:
    if not isinstance(value, str) or not value:
        return f"expected 'auto', 'seed' or a pybtex style name, got {value!r}"
    if value in ("auto", "seed"):
        return None
    try:
        pybtex.plugin.find_plugin("pybtex.style.formatting", value)
    except pybtex.plugin.PluginNotFound:
        return f"no pybtex formatting style named {value!r}"
    return None


_CATEGORIES = tuple(category.value for category in Category)


def _categories_by_type(value: Any) -> str | None:
    if not isinstance(value, dict) or not all(isinstance(k, str) for k in value):
        return "expected a dict of entry type to category, e.g. {'techreport': 'report'}"
    wrong = sorted(str(v) for v in value.values() if v not in _CATEGORIES)
    if wrong:
        return f"unknown categories {', '.join(wrong)} (known: {', '.join(_CATEGORIES)})"
    return None


def _category_titles(value: Any) -> str | None:
    if not isinstance(value, dict) or not all(isinstance(v, str) for v in value.values()):
        return "expected a dict of category to heading, e.g. {'report': 'Working Papers'}"
    wrong = sorted(str(k) for k in value if k not in _CATEGORIES)
    if wrong:
        return f"unknown categories {', '.join(wrong)} (known: {', '.join(_CATEGORIES)})"
    return None


_SAVINGS = tuple(saving.value for saving in Saving)


def _savings_names(value: Any) -> str | None:
    if not isinstance(value, list | tuple) or not all(isinstance(v, str) for v in value):
        return "expected a list of saving names, e.g. ['entry-markup']"
    wrong = sorted(v for v in value if v not in _SAVINGS and v not in RETIRED)
    if wrong:
        return f"unknown savings {', '.join(wrong)} (known: {', '.join(_SAVINGS)})"
    return None


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
    chapters: str = field(
        default="auto",
        metadata=_meta(
            _one_of("auto", "numbered", "toctree"),
            "Which documents are chapters: 'numbered' (the top-level entries of the root's "
            "numbered toctrees), 'toctree' (of all its toctrees, as sphinx-external-toc lays "
            "out a _toc.yml), or 'auto' (numbered where the root has a numbered toctree).",
        ),
    )
    works_cited_map: bool = field(
        default=True,
        metadata=_meta(
            _instance_of(bool),
            "Show the citation map (as {citation-map} draws it) under the frequency table "
            "of {works-cited}.",
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
    references_order: str = field(
        default="first-citation",
        metadata=_meta(
            _one_of("first-citation", "alphabetical"),
            "Order of each chapter's References, numbered in that order: "
            "'first-citation' (as first cited in the chapter) or 'alphabetical' (by label).",
        ),
    )
    entry_style: str = field(
        default="auto",
        metadata=_meta(
            _style_name,
            "How list entries are formatted: 'seed' (**Org** (Year). \u201cTitle.\u201d URL), "
            "a pybtex style name ('plain', 'alpha', 'unsrt', \u2026), or 'auto': the book's "
            "bibtex_default_style when it cites with {cite} roles, 'seed' otherwise.",
        ),
    )
    year_letters: str = field(
        default="auto",
        metadata=_meta(
            _one_of("auto", "bibliography", "cited"),
            "Works sharing label and year get letters over 'bibliography' (every entry) or "
            "'cited' (the works the book cites); 'auto': 'cited' in a book that cites with "
            "{cite} roles, 'bibliography' otherwise.",
        ),
    )
    cite_links: str = field(
        default="chapter",
        metadata=_meta(
            _one_of("chapter", "bibliography"),
            "Where a {cite} role links: 'chapter' (the entry in its chapter's References) "
            "or 'bibliography' (sphinxcontrib-bibtex's own target).",
        ),
    )
    categories: dict[str, str] = field(
        default_factory=dict,
        metadata=_meta(
            _categories_by_type,
            "Source category by entry type, over the defaults, e.g. "
            "{'techreport': 'report', 'misc': 'industry'}; categories: academic, standard, "
            "book, report, vendor-docs, industry.",
        ),
    )
    category_titles: dict[str, str] = field(
        default_factory=dict,
        metadata=_meta(
            _category_titles,
            "Headings of the source categories in the Works Cited, e.g. "
            "{'report': 'Working Papers'}.",
        ),
    )
    previews: bool = field(
        default=True,
        metadata=_meta(
            _instance_of(bool),
            "HTML: show a work's entry in a popup when one of its citations is hovered, "
            "focused or tapped.",
            rebuild="html",
        ),
    )
    savings_off: list[str] = field(
        default_factory=list,
        metadata=_meta(
            _savings_names,
            "Savings (sphinx_ext.savings) to turn off, e.g. ['entry-markup']: the output stays the "
            "same, the build slower or larger. For measuring them (python -m benchmarks.savings).",
            rebuild="html",
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
    """Register every ``citations_*`` and ``citations_verify_*`` value."""
    for name, kinds, default, description in config_fields():
        types = frozenset(kinds) if isinstance(kinds, tuple) else frozenset({kinds})
        # Only the sourcecheck builder and the static checks read these.
        app.add_config_value(name, default, "", types=types, description=description)
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


def _numeric_values() -> dict[str, type]:
    """Every numeric value by name: ``int`` or ``float`` (which takes ints too)."""
    found: dict[str, type] = {}
    for name, kinds, _, _ in config_fields():
        types = kinds if isinstance(kinds, tuple) else (kinds,)
        if float in types:
            found[name] = float
        elif int in types and bool not in types:
            found[name] = int
    defaults = CitationsConfig()
    for spec in dataclasses.fields(CitationsConfig):
        default = getattr(defaults, spec.name)
        if type(default) in {int, float}:
            found[PREFIX + spec.name] = type(default)
    return found


def coerce_command_line(config: Config) -> None:
    """Numbers given on the command line made numbers, when the extension is set up.

    ``-D name=value`` reaches the configuration as text, and Sphinx turns text
    into a number only where the default is an ``int``: ``-D
    citations_verify_timeout=2`` would be refused. Each numeric value given so
    is read here as its type (``2`` as ``2.0`` for a float); text that is no
    number gives a ``citations.config`` warning, and the value of ``conf.py``
    (or the default) is used.
    """
    # Sphinx keeps the -D values, as text, until a value is first read.
    overrides = getattr(config, "_overrides", None)
    if not isinstance(overrides, dict):
        return
    for name, kind in _numeric_values().items():
        value = overrides.get(name)
        if not isinstance(value, str):
            continue
        try:
            number = kind(value.strip())
        except ValueError:
            warn(
                "invalid value for %s on the command line: %r is not %s; ignored",
                name,
                shorten(value),
                "a whole number" if kind is int else "a number",
                subtype=Subtype.CONFIG,
            )
            del overrides[name]
            continue
        overrides[name] = number


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
    _validate_verify_settings(app, config)
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


def _validate_verify_settings(app: Sphinx, config: Config) -> None:
    for name, _, default, _ in config_fields():
        try:
            VerifySettings.from_mapping({name: config[name]})
        except ValueError as problem:
            warn(
                "invalid value for %s: %s; using the default %r",
                name,
                str(problem).removeprefix(name + ": "),
                default,
                subtype=Subtype.CONFIG,
                location=config_location(app.confdir, name),
            )
            config[name] = default
