import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[3]))

extensions = ["myst_parser", "sphinx_ext"]
bibtex_bibfiles = ["refs.bib"]
bibtex_default_style = "plain"
exclude_patterns = ["_build"]
