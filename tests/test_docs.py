"""The README documents every config value and every warning subtype there is."""

from __future__ import annotations

import dataclasses
import re
from pathlib import Path

from sphinx_ext.config import PREFIX, CitationsConfig
from sphinx_ext.diagnostics import SOURCE_CHECK_SUBTYPES, Subtype
from sphinx_ext.verify import config_fields

README = (Path(__file__).parents[1] / "README.md").read_text(encoding="utf-8")


def table_names(marker: str) -> list[str]:
    block = README.split(f"<!-- {marker} -->")[1].split(f"<!-- /{marker} -->")[0]
    return re.findall(r"^\| `([^`]+)` \|", block, re.MULTILINE)


def test_every_config_value_is_documented() -> None:
    declared = [PREFIX + field.name for field in dataclasses.fields(CitationsConfig)]
    declared += [name for name, *_ in config_fields()]
    assert table_names("config-table") == declared


def test_documented_defaults_are_the_real_ones() -> None:
    block = README.split("<!-- config-table -->")[1].split("<!-- /config-table -->")[0]
    defaults = CitationsConfig()
    for field in dataclasses.fields(CitationsConfig):
        assert f"| `{PREFIX}{field.name}` | `{getattr(defaults, field.name)!r}` |" in block
    for name, _, default, _ in config_fields():
        assert f"| `{name}` | `{default!r}` |" in block


def test_every_warning_subtype_is_documented() -> None:
    subtypes = [*Subtype, *SOURCE_CHECK_SUBTYPES]
    assert table_names("warning-table") == [subtype.value for subtype in subtypes]


def test_ci_runs_the_readmes_quick_start_as_written() -> None:
    block = README.split("<!-- quick-start -->")[1].split("<!-- /quick-start -->")[0]
    commands = [line for line in block.splitlines() if line and not line.startswith("```")]
    assert len(commands) == 2
    assert commands[0].startswith("python3 -m venv .venv && ")
    assert commands[1] == ".venv/bin/python -m pytest"
    ci = (Path(__file__).parents[1] / ".ci" / "run").read_text(encoding="utf-8")
    lines = ci.splitlines()
    # The CI's last two commands are the README's, in order.
    assert lines[-2:] == commands
