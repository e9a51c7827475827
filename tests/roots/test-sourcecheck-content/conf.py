import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[3]))

extensions = ["myst_parser", "sphinx_ext"]
bibtex_bibfiles = ["refs.bib"]
exclude_patterns = ["_build"]

# Small numbers: the servers are on loopback and the tests must be quick.
citations_verify_timeout = 2.0
citations_verify_retries = 0
citations_verify_host_interval = 0.0
citations_verify_trust_env = False
citations_verify_fail_on = "never"
# The registries are the loopback server's; the public resolvers are never asked.
citations_verify_doi_resolver = "http://HOST/doi/"
citations_verify_arxiv_api = "http://HOST/api/query"
citations_verify_ignore = [r"https://(doi|arxiv)\.org/"]
