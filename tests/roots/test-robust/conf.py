import pathlib
import sys

sys.path.insert(0, str(pathlib.Path(__file__).parents[3]))

project = "Robust"
author = "Robust Authors"
copyright = "2026, Robust Authors"
release = version = "1.0"
language = "en"
extensions = ["myst_parser", "sphinx_ext"]
bibtex_bibfiles = ["refs.bib"]
exclude_patterns = ["_build"]

epub_title = "Robust"
epub_author = author
epub_publisher = author
epub_copyright = copyright
epub_identifier = "urn:uuid:6c1f0d1e-7d0a-4b55-9a52-3f1c0b7f2e10"
epub_scheme = "UUID"
epub_uid = "BookId"

latex_documents = [("index", "robust.tex", "Robust", author, "manual")]
