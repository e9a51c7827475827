"""Sphinx configuration for "Productionizing ML Inference APIs"."""

from __future__ import annotations

import sys
from pathlib import Path

# The book is built from a checkout, so the in-repo extension must be importable
# without installing the package first.
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

project = "Productionizing ML Inference APIs"
author = "ML Inference Book Authors"
copyright = "2026"
release = "0.1"
version = release
language = "en"

extensions = ["myst_parser", "sphinx_ext"]

root_doc = "index"
exclude_patterns = ["_build"]

# One bibliography for the whole book, so that a work's year letter (2025a,
# 2025b, ...) is the same in every chapter.
bibtex_bibfiles = ["references.bib"]

# -- HTML ---------------------------------------------------------------------

html_theme = "sphinx_book_theme"
html_title = "Productionizing ML Inference APIs"

# -- EPUB ---------------------------------------------------------------------

epub_title = (
    "Productionizing ML Inference APIs: A Serving Engineer's Guide to Real-Time Speech and Audio"
)
epub_author = author
epub_publisher = author
epub_copyright = f"{copyright}, {author}"
# A fixed identifier lets readers recognise a new EPUB as a new edition of the
# same book rather than as a different book.
epub_identifier = "urn:uuid:761d5f7b-ba85-456b-8461-7754ccd15821"
epub_scheme = "UUID"
epub_uid = "BookId"
epub_description = (
    "A serving engineer's guide to putting speech and audio models behind "
    "real-time APIs: serving engines, GPUs, streaming protocols, API contracts, "
    "security, compliance, reliability, billing and global scale."
)
epub_contributor = author
# Readers show a link's target themselves; printing every URL after its link
# would make the References differ from the HTML and the PDF.
epub_show_urls = "no"

# -- LaTeX --------------------------------------------------------------------

latex_documents = [
    (
        root_doc,
        "productionizing-ml-inference-apis.tex",
        "Productionizing ML Inference APIs",
        author,
        "manual",
    ),
]
