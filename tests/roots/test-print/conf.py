import pathlib
import sys

sys.path.insert(0, str(pathlib.Path(__file__).parents[3]))

project = "Field Notes"
author = "A. Writer"
copyright = "2026, A. Writer"
release = version = "1.0"
language = "en"
extensions = ["myst_parser", "sphinx_ext"]
bibtex_bibfiles = ["refs.bib"]
exclude_patterns = ["_build"]

latex_documents = [("index", "fieldnotes.tex", "Field Notes", author, "manual")]
epub_identifier = "urn:uuid:5d0c1f3e-8e57-4f0e-9d43-2a7c86c1a9b2"
epub_scheme = "UUID"
epub_uid = "BookId"
