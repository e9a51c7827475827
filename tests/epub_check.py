"""Run epubcheck on a built EPUB and fail on any fatal, error or warning.

Usage: ``python -m tests.epub_check PATH`` where PATH is an ``.epub`` file or
the folder the EPUB builder wrote (holding exactly one). The EPUB checker is
the ``epubcheck`` program, or the jar it links to (Debian ships a jar that
runs only where the kernel knows how to start jars), or ``$EPUBCHECK``.
Exit status 0 when epubcheck reports no fatal, error or warning; 1 when it
does; 2 when epubcheck or Java is missing, with the packages to install.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

__all__ = [
    "EpubCheckMissingError",
    "Report",
    "epubcheck_command",
    "find_epub",
    "main",
    "run_epubcheck",
]

PACKAGES = "epubcheck"
_SUMMARY = re.compile(
    r"Messages:\s*(\d+)\s+fatals?\s*/\s*(\d+)\s+errors?\s*/\s*(\d+)\s+warnings?\s*/\s*(\d+)\s+infos?"
)


class EpubCheckMissingError(RuntimeError):
    """epubcheck (or the Java it needs) is not installed."""


@dataclass(frozen=True)
class Report:
    """What epubcheck said about one EPUB."""

    fatals: int
    errors: int
    warnings: int
    infos: int
    output: str
    returncode: int

    @property
    def ok(self) -> bool:
        return self.returncode == 0 and self.fatals == self.errors == self.warnings == 0


def epubcheck_command() -> list[str]:
    """The command line that starts epubcheck, or :exc:`EpubCheckMissingError`."""
    configured = os.environ.get("EPUBCHECK")
    program = configured or shutil.which("epubcheck")
    if not program:
        raise EpubCheckMissingError(
            f"epubcheck is not installed. On Debian/Ubuntu: sudo apt-get install {PACKAGES}"
        )
    path = Path(program).resolve()
    if path.suffix == ".jar" or path.read_bytes()[:2] == b"PK":
        java = shutil.which("java")
        if java is None:
            raise EpubCheckMissingError(
                "epubcheck needs Java. On Debian/Ubuntu: sudo apt-get install default-jre-headless"
            )
        # English messages, so that the summary line below can be read.
        return [java, "-Duser.language=en", "-jar", str(path)]
    return [str(path)]


def find_epub(path: Path) -> Path:
    """*path* itself, or the one ``.epub`` in the folder *path*."""
    if path.is_file():
        return path
    found = sorted(path.glob("*.epub"))
    if len(found) != 1:
        raise FileNotFoundError(f"expected one .epub in {path}, found {len(found)}")
    return found[0]


def run_epubcheck(epub: Path) -> Report:
    """Check *epub*; the counts come from epubcheck's own summary line."""
    result = subprocess.run(
        [*epubcheck_command(), str(epub)],
        capture_output=True,
        text=True,
        check=False,
    )
    output = result.stdout + result.stderr
    summary = _SUMMARY.search(output)
    if summary:
        fatals, errors, warnings, infos = map(int, summary.groups())
    elif result.returncode == 0 and "No errors or warnings detected" in output:
        fatals = errors = warnings = infos = 0
    else:
        # No summary: epubcheck itself failed; count that as a fatal.
        fatals, errors, warnings, infos = 1, 0, 0, 0
    return Report(fatals, errors, warnings, infos, output, result.returncode)


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    if len(args) != 1:
        print("usage: python -m tests.epub_check PATH (an .epub, or the folder holding it)")
        return 2
    try:
        epub = find_epub(Path(args[0]))
        report = run_epubcheck(epub)
    except (EpubCheckMissingError, FileNotFoundError) as error:
        print(f"epub_check: {error}", file=sys.stderr)
        return 2
    print(report.output.rstrip())
    print(
        f"epub_check: {epub}: {report.fatals} fatals, {report.errors} errors, "
        f"{report.warnings} warnings, {report.infos} infos"
    )
    return 0 if report.ok else 1


if __name__ == "__main__":
    sys.exit(main())
