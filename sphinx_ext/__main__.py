"""``python -m sphinx_ext``: the command line (see :mod:`sphinx_ext.cli`)."""

from sphinx_ext.cli import main

if __name__ == "__main__":
    raise SystemExit(main())
