"""Sessions for tests, lint and the book in every format.

``nox -l`` lists them; ``nox`` runs the default ones (tests, lint, html).
On a machine that has everything installed already (CI), add
``--no-venv --no-install`` to run them in the current environment.
"""

from __future__ import annotations

import shutil
import sys
import tempfile
from pathlib import Path

import nox

nox.options.sessions = ["tests", "lint", "html"]
nox.options.reuse_existing_virtualenvs = True

BOOK = "book"
BUILD = "book/_build"
#: -W: every warning fails the book; -n: every reference must resolve.
STRICT = ("-W", "--keep-going", "-n")
#: Modules, not console scripts: with --no-venv, scripts may not be on PATH.
SPHINX = ("python", "-m", "sphinx")
TEX_PACKAGES = (
    "latexmk texlive-latex-recommended texlive-latex-extra texlive-fonts-recommended tex-gyre"
)


@nox.session
def tests(session: nox.Session) -> None:
    """Run the test suite (pass pytest options after --)."""
    session.install("-e", ".[test]")
    session.run("python", "-m", "pytest", *session.posargs)


#: The packages ``tests-lowest`` installs at the lowest version pyproject.toml allows.
LOWEST_OF = (
    "sphinx",
    "docutils",
    "myst-parser",
    "sphinxcontrib-bibtex",
    "pybtex",
    "pybtex-docutils",
)


def lowest_versions() -> list[str]:
    """``name==version`` for each of :data:`LOWEST_OF`, from its ``>=`` in pyproject.toml."""
    import tomllib

    project = tomllib.loads(Path("pyproject.toml").read_text(encoding="utf-8"))["project"]
    pins = {}
    for requirement in project["dependencies"]:
        name, _, floor = requirement.partition(">=")
        if name.strip().lower() in LOWEST_OF:
            pins[name.strip().lower()] = f"{name.strip()}=={floor.split(',')[0].strip()}"
    missing = set(LOWEST_OF) - set(pins)
    if missing:
        raise ValueError(f"pyproject.toml declares no lowest version of {sorted(missing)}")
    return [pins[name] for name in LOWEST_OF]


@nox.session(name="tests-lowest", default=False)
def tests_lowest(session: nox.Session) -> None:
    """The test suite with the lowest versions pyproject.toml allows (LOWEST_OF)."""
    session.install("-e", ".[test]", *lowest_versions())
    session.run("python", "-m", "pip", "list")
    session.run("python", "-m", "pytest", *session.posargs)


@nox.session
def lint(session: nox.Session) -> None:
    """ruff (lint and format, the whole repository) and mypy, strict."""
    session.install("-e", ".[lint,test]")
    session.run("python", "-m", "ruff", "check", ".")
    session.run("python", "-m", "ruff", "format", "--check", ".")
    session.run("python", "-m", "mypy")


@nox.session
def html(session: nox.Session) -> None:
    """Build the book as HTML, failing on any warning."""
    session.install("-e", ".[book]")
    session.run(*SPHINX, "-b", "html", *STRICT, BOOK, f"{BUILD}/html", *session.posargs)


TEX_PROGRAMS = ("latexmk", "pdflatex")
PDF_CHECK_PACKAGES = "poppler-utils"
EPUB_PACKAGES = "epubcheck"
#: No prompt on a LaTeX error: stop, and let the session fail.
LATEX_ENV = {"LATEXOPTS": "-interaction=nonstopmode -halt-on-error"}


def _require(session: nox.Session, program: str, packages: str) -> None:
    if shutil.which(program) is None:
        session.error(
            f"{program} is not installed. On Debian/Ubuntu: sudo apt-get install {packages}"
        )


def _require_pdf_tools(session: nox.Session) -> None:
    for program in TEX_PROGRAMS:
        _require(session, program, TEX_PACKAGES)
    for program in ("pdftotext", "pdfinfo"):
        _require(session, program, PDF_CHECK_PACKAGES)


def _require_epub_tools(session: nox.Session) -> None:
    _require(session, "epubcheck", EPUB_PACKAGES)
    _require(session, "java", f"{EPUB_PACKAGES} default-jre-headless")


def _build_pdf(session: nox.Session) -> None:
    if shutil.which("make"):
        session.run(
            *SPHINX, "-M", "latexpdf", BOOK, BUILD, *STRICT, *session.posargs, env=LATEX_ENV
        )
    else:
        # What -M latexpdf has make run, for machines without make.
        session.run(*SPHINX, "-M", "latex", BOOK, BUILD, *STRICT, *session.posargs)
        latex = Path(BUILD, "latex")
        documents = sorted(tex.name for tex in latex.glob("*.tex"))
        with session.chdir(latex):
            for tex in documents:
                session.run("latexmk", "-pdf", "-dvi-", "-ps-", tex, env=LATEX_ENV, external=True)
    # Every chapter followed by its own References, every link resolved.
    session.run(sys.executable, "-m", "tests.pdf_check", f"{BUILD}/latex", external=True)


def _build_epub(session: nox.Session) -> None:
    # -M keeps the doctrees out of the EPUB's folder (the EPUB would list them).
    session.run(*SPHINX, "-M", "epub", BOOK, BUILD, *STRICT, *session.posargs)
    session.run(sys.executable, "-m", "tests.epub_check", f"{BUILD}/epub", external=True)


@nox.session
def pdf(session: nox.Session) -> None:
    """Build the book as PDF through LaTeX and check its References (needs TeX Live)."""
    _require_pdf_tools(session)
    session.install("-e", ".[book]")
    _build_pdf(session)


@nox.session
def epub(session: nox.Session) -> None:
    """Build the book as EPUB 3 and check it with epubcheck (no error, no warning)."""
    _require_epub_tools(session)
    session.install("-e", ".[book]")
    _build_epub(session)


@nox.session
def formats(session: nox.Session) -> None:
    """The book as HTML, PDF and EPUB in one go, each checked."""
    _require_pdf_tools(session)
    _require_epub_tools(session)
    session.install("-e", ".[book]")
    session.run(*SPHINX, "-b", "html", *STRICT, BOOK, f"{BUILD}/html", *session.posargs)
    _build_pdf(session)
    _build_epub(session)


@nox.session
def verify(session: nox.Session) -> None:
    """Check the bibliography's sources: URLs, dates, duplicates (sourcecheck)."""
    session.install("-e", ".[book]")
    session.run(*SPHINX, "-b", "sourcecheck", BOOK, f"{BUILD}/sourcecheck", *session.posargs)


@nox.session(name="citations-diff", default=False)
def citations_diff(session: nox.Session) -> None:
    """The book's citations at BASE_REF against the working tree: `-- BASE_REF [--format json]`."""
    session.install("-e", ".")
    base = session.posargs[0] if session.posargs else "HEAD"
    work = Path(tempfile.mkdtemp(prefix="citations-diff-"))
    tree = work / "base"
    session.run("git", "worktree", "add", "--detach", "--quiet", str(tree), base, external=True)
    try:
        # Each book's conf.py puts its own checkout first on sys.path: the base
        # is built by the extension as it was at BASE_REF. -Q: the diff says
        # what matters (new unknown or ambiguous citations), not every warning.
        session.run(*SPHINX, "-b", "dummy", "-Q", str(tree / BOOK), str(work / "old"))
        session.run(*SPHINX, "-b", "dummy", "-Q", BOOK, str(work / "new"))
        # Exit 1 (new unknown or ambiguous citations) is a finding, not a failure here.
        session.run(
            "python", "-m", "sphinx_ext", "diff", str(work / "old"), str(work / "new"),
            *session.posargs[1:], success_codes=[0, 1],
        )  # fmt: skip
    finally:
        session.run("git", "worktree", "remove", "--force", str(tree), external=True)
        shutil.rmtree(work, ignore_errors=True)


@nox.session(default=False)
def bench(session: nox.Session) -> None:
    """Scale benchmark, not in CI (~22 min on 2 cores); `-- --quick` for a smoke run."""
    session.install("-e", ".")
    session.run("python", "-m", "benchmarks.run", *session.posargs)


@nox.session(python=False, default=False)
def realbook(session: nox.Session) -> None:
    """A real book built with and without sphinx_ext, timed and checked: `-- PATH [-j N]`.

    Runs in the current environment, which must have the book's own
    extensions installed (and this repository on PYTHONPATH or installed).
    """
    if not session.posargs:
        session.error("give the book's source folder: nox -s realbook -- PATH")
    session.run("python", "-m", "benchmarks.realbook", *session.posargs)
