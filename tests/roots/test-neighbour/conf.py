import pathlib
import sys

here = pathlib.Path(__file__).parent
sys.path.insert(0, str(here.parents[2]))
sys.path.insert(0, str(here))

project = "Neighbour"
author = "Neighbour Authors"
copyright = "2026, Neighbour Authors"
release = version = "1.0"
language = "en"
# strict_neighbour stands for any other extension walking the whole tree.
extensions = ["myst_parser", "sphinx_ext", "strict_neighbour"]
bibtex_bibfiles = ["refs.bib"]
exclude_patterns = ["_build"]

epub_title = "Neighbour"
epub_author = author
epub_publisher = author
epub_copyright = copyright
epub_identifier = "urn:uuid:6a1c3f0e-9d7b-4a55-8e0c-2f4b6d8e1a22"
epub_scheme = "UUID"
epub_uid = "BookId"

latex_documents = [("index", "neighbour.tex", "Neighbour", author, "manual")]
