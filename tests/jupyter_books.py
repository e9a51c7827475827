"""Books shaped like other people's: Jupyter-Book-style lectures citing with ``{cite}``.

Generated, not committed, so that one description gives every layout:
``parts`` (one numbered toctree per part, captioned, as Jupyter Book writes
a ``_toc.yml`` with ``parts``), ``unnumbered`` (the same toctrees without
``:numbered:``: Jupyter Book's default) and ``external-toc`` (the same book
laid out by sphinx-external-toc from its own ``_toc.yml``). Every lecture
cites with sphinxcontrib-bibtex's roles (``{cite}``, ``{cite:t}``,
``{cite:p}`` with several keys), the book has one global ``{bibliography}``
page, and one lecture has its own "References" heading.
"""

from __future__ import annotations

import textwrap
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]

#: Lectures by part: ``(docname, title, body)``.
PARTS: list[tuple[str, list[tuple[str, str, str]]]] = [
    (
        "Introduction",
        [
            ("lectures/about", "About These Lectures", "Nothing cited here.\n"),
            (
                "lectures/basics",
                "Basics",
                (
                    "```{contents}\n:local:\n```\n\n"
                    "## Overview\n\nGames {cite}`kalai1993a,kalai1993b` and, as "
                    "{cite:t}`sargent1999` shows, conquest.\n\n## Details\n\n"
                    "Again {cite:p}`jordan1982{p. 4}`.\n"
                ),
            ),
        ],
    ),
    (
        "Tools",
        [
            (
                "lectures/tools_a",
                "Tools A",
                (
                    "## Overview\n\nSee {cite:p}`sargent1999,ljungqvist2018`.\n\n"
                    "## References\n\nThe author's own section, with further reading.\n"
                ),
            ),
            (
                "lectures/tools_b",
                "Tools B",
                "## Overview\n\nA thesis {cite}`smith2010` and a report {cite:p}`imf2015`.\n",
            ),
        ],
    ),
    (
        "Models",
        [
            (
                "lectures/models_a",
                "Models A",
                (
                    "## Overview\n\nA chapter {cite:t}`jones2001` and "
                    "{cite:p}`kalai1993a`.\n\n```{toctree}\n:hidden:\n\nmodels_a_detail\n```\n"
                ),
            ),
            (
                "lectures/models_b",
                "Models B",
                "## Overview\n\nBack to {cite}`sargent1999` and {cite}`imf2015`.\n",
            ),
        ],
    ),
]

SUBDOCUMENTS = {
    "lectures/models_a_detail": (
        "Models A in Detail",
        (
            "```{contents}\n:local:\n```\n\nThe detail cites {cite:p}`ljungqvist2018`.\n\n"
            "## Derivation\n\nNothing cited.\n"
        ),
    ),
}

BIB = """\
@article{kalai1993a,
  author = {Kalai, Ehud and Lehrer, Ehud},
  title = {Rational Learning Leads to Nash Equilibrium},
  journal = {Econometrica}, volume = {61}, number = {5}, pages = {1019--1045},
  year = {1993}, doi = {10.2307/2951492}
}
@article{kalai1993b,
  author = {Kalai, Ehud and Lehrer, Ehud},
  title = {Subjective Equilibrium in Repeated Games},
  journal = {Econometrica}, volume = {61}, number = {5}, pages = {1231--1240},
  year = {1993}
}
@book{sargent1999,
  author = {Sargent, Thomas J.},
  title = {The Conquest of American Inflation},
  publisher = {Princeton University Press}, year = {1999}
}
@book{ljungqvist2018,
  author = {Ljungqvist, Lars and Sargent, Thomas J.},
  title = {Recursive Macroeconomic Theory}, edition = {4},
  publisher = {MIT Press}, year = {2018}
}
@incollection{jordan1982,
  author = {Jordan, James S.},
  title = {The Competitive Allocation Process Is Informationally Efficient Uniquely},
  booktitle = {Information and Incentives}, editor = {Groves, Theodore},
  publisher = {North-Holland}, pages = {1--20}, year = {1982}
}
@phdthesis{smith2010,
  author = {Smith, Anna},
  title = {Essays on Learning}, school = {University of Minnesota}, year = {2010}
}
@techreport{imf2015,
  author = {{International Monetary Fund}},
  title = {World Economic Outlook}, institution = {IMF}, number = {WEO-15}, year = {2015}
}
@incollection{jones2001,
  author = {Jones, Bob},
  title = {Dynamic Models}, booktitle = {Handbook of Models},
  editor = {Groves, Theodore}, publisher = {Elsevier}, pages = {5--50}, year = {2001},
  doi = {10.2307/2951492}
}
"""


def _conf(extensions: list[str], extra: str = "") -> str:
    return (
        textwrap.dedent(
            f"""\
        import sys
        sys.path.insert(0, {str(REPO)!r})

        extensions = {extensions!r}
        bibtex_bibfiles = ["references.bib"]
        exclude_patterns = ["_build"]
        root_doc = "intro"
        """
        )
        + extra
    )


def _write(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")


def _lectures(srcdir: Path) -> None:
    for _, lectures in PARTS:
        for docname, title, body in lectures:
            _write(srcdir / f"{docname}.md", f"# {title}\n\n{body}")
    for docname, (title, body) in SUBDOCUMENTS.items():
        _write(srcdir / f"{docname}.md", f"# {title}\n\n{body}")
    _write(srcdir / "references.bib", BIB)
    _write(srcdir / "zreferences.md", "# Bibliography\n\n```{bibliography}\n```\n")
    _write(srcdir / "works-cited.md", "# Works Cited\n\n```{works-cited}\n```\n")


def toctree_book(
    srcdir: Path, *, numbered: bool = True, multitoc: bool = False, extra_conf: str = ""
) -> Path:
    """The lectures in parts: one toctree per part in the root, as Jupyter Book writes them."""
    _lectures(srcdir)
    toctrees = []
    for caption, lectures in PARTS:
        options = ":numbered: 2\n" if numbered else ""
        entries = "\n".join(docname for docname, _, _ in lectures)
        toctrees.append(
            f"```{{toctree}}\n{options}:caption: {caption}\n:maxdepth: 2\n\n{entries}\n```\n"
        )
    toctrees.append("```{toctree}\n:caption: Back matter\n\nzreferences\nworks-cited\n```\n")
    _write(srcdir / "intro.md", "# Lectures\n\nAn introduction.\n\n" + "\n".join(toctrees))
    extensions = ["myst_parser", "sphinx_ext"]
    if multitoc:
        extensions.append("sphinx_multitoc_numbering")
    _write(srcdir / "conf.py", _conf(extensions, extra_conf))
    return srcdir


def external_toc_book(srcdir: Path, *, numbered: bool = False, extra_conf: str = "") -> Path:
    """The lectures laid out by sphinx-external-toc from a ``_toc.yml`` with parts."""
    _lectures(srcdir)
    _write(srcdir / "intro.md", "# Lectures\n\nAn introduction.\n")
    lines = ["format: jb-book", "root: intro", "parts:"]
    for caption, lectures in PARTS:
        lines.append(f"  - caption: {caption}")
        if numbered:
            lines.append("    numbered: true")
        lines.append("    chapters:")
        for docname, _, _ in lectures:
            lines.append(f"      - file: {docname}")
            if docname == "lectures/models_a":
                lines.append("        sections:")
                lines.append("          - file: lectures/models_a_detail")
    lines += [
        "  - caption: Back matter",
        "    chapters:",
        "      - file: zreferences",
        "      - file: works-cited",
    ]
    _write(srcdir / "_toc.yml", "\n".join(lines) + "\n")
    # The detail is in the _toc.yml; its toctree in the lecture would list it twice.
    models_a = srcdir / "lectures/models_a.md"
    text = models_a.read_text(encoding="utf-8")
    models_a.write_text(text.split("```{toctree}")[0], encoding="utf-8")
    extensions = ["myst_parser", "sphinx_external_toc", "sphinx_ext"]
    _write(srcdir / "conf.py", _conf(extensions, 'external_toc_path = "_toc.yml"\n' + extra_conf))
    return srcdir
