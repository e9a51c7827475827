import pathlib
import sys

sys.path.insert(0, str(pathlib.Path(__file__).parents[3]))

project = "Formats"
author = "Formats Authors"
copyright = "2026, Formats Authors"
release = version = "1.0"
language = "en"
extensions = ["myst_parser", "sphinx_ext"]
bibtex_bibfiles = ["refs.bib"]
exclude_patterns = ["_build"]
myst_enable_extensions = ["colon_fence"]

epub_title = "Formats"
epub_author = author
epub_publisher = author
epub_copyright = copyright
epub_identifier = "urn:uuid:0b6f5a86-2c49-4a53-9d7f-0f2d1b1c6a11"
epub_scheme = "UUID"
epub_uid = "BookId"

latex_documents = [("index", "formats.tex", "Formats", author, "manual")]
