"""Sessions for tests, lint and the book in every format.

``nox -l`` lists them; ``nox`` runs the default ones (tests, lint, html).
On a machine that has everything installed already (CI), add
``--no-venv --no-install`` to run them in the current environment.
"""

from __future__ import annotations

import shutil
import sys

import nox

nox.options.sessions = ["tests", "lint", "html"]
nox.options.reuse_existing_virtualenvs = True

BOOK = "book"
BUILD = "book/_build"
#: -W: every warning fails the book; -n: every reference must resolve.
STRICT = ("-W", "--keep-going", "-n")
TEX_PACKAGES = (
    "latexmk texlive-latex-recommended texlive-latex-extra "
    "texlive-fonts-recommended tex-gyre"
)


@nox.session
def tests(session: nox.Session) -> None:
    """Run the test suite (pass pytest options after --)."""
    session.install("-e", ".[test]")
    session.run("pytest", *session.posargs)


@nox.session
def lint(session: nox.Session) -> None:
    """ruff and mypy, strict."""
    session.install("-e", ".[lint,test]")
    session.run("ruff", "check", ".")
    session.run("ruff", "format", "--check", "sphinx_ext")
    session.run("mypy")


@nox.session
def html(session: nox.Session) -> None:
    """Build the book as HTML, failing on any warning."""
    session.install("-e", ".[book]")
    session.run("sphinx-build", "-b", "html", *STRICT, BOOK, f"{BUILD}/html", *session.posargs)


def _require(session: nox.Session, program: str, packages: str) -> None:
    if shutil.which(program) is None:
        session.error(
            f"{program} is not installed. On Debian/Ubuntu: sudo apt-get install {packages}"
        )


@nox.session
def pdf(session: nox.Session) -> None:
    """Build the book as PDF through LaTeX (needs TeX Live)."""
    _require(session, "latexmk", TEX_PACKAGES)
    _require(session, "pdflatex", TEX_PACKAGES)
    session.install("-e", ".[book]")
    session.run("sphinx-build", "-M", "latexpdf", BOOK, BUILD, *STRICT, *session.posargs)


@nox.session
def epub(session: nox.Session) -> None:
    """Build the book as EPUB 3 and check it with epubcheck."""
    _require(session, "epubcheck", "epubcheck")
    session.install("-e", ".[book]")
    session.run("sphinx-build", "-b", "epub", *STRICT, BOOK, f"{BUILD}/epub", *session.posargs)
    session.run(sys.executable, "-m", "tests.epub_check", f"{BUILD}/epub", external=True)


@nox.session
def formats(session: nox.Session) -> None:
    """The book as HTML, PDF and EPUB in one go."""
    session.notify("html")
    session.notify("pdf")
    session.notify("epub")


@nox.session
def verify(session: nox.Session) -> None:
    """Check the bibliography's sources: URLs, dates, duplicates (sourcecheck)."""
    session.install("-e", ".[book]")
    session.run("sphinx-build", "-b", "sourcecheck", BOOK, f"{BUILD}/sourcecheck", *session.posargs)


@nox.session(default=False)
def bench(session: nox.Session) -> None:
    """Benchmarks: build cost against plain Sphinx and sphinxcontrib-bibtex."""
    session.install("-e", ".[book]")
    session.run("python", "benchmarks/run.py", *session.posargs)
