extensions = ["myst_parser", "sphinx_ext"]
bibtex_bibfiles = ["refs.bib"]
exclude_patterns = ["_build"]
