"""Scale benchmarks for ``sphinx_ext``.

* :mod:`benchmarks.generate` writes synthetic books (extension, floor and
  sphinxcontrib-bibtex variants of the same text).
* :mod:`benchmarks.run` builds them at several sizes and prints the table.

Run ``python -m benchmarks.run --quick`` from the repository root for a
one-minute smoke run, or ``nox -s bench`` for the full benchmark.
"""
