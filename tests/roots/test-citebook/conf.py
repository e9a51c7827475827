# Shaped like a QuantEcon-style lecture book: sphinxcontrib-bibtex {cite} roles,
# one global bibliography page, author-year text, pybtex's alpha style.
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[3]))

project = "Lectures"
extensions = ["myst_parser", "sphinx_ext"]
bibtex_bibfiles = ["_static/quant-econ.bib"]
bibtex_reference_style = "author_year"
exclude_patterns = ["_build"]
