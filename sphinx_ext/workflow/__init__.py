"""The author's workflow around the book, without Sphinx: import, export, diff.

- :mod:`~sphinx_ext.workflow.markdown` reads a hand-kept Works Cited in the
  seed's Markdown convention;
- :mod:`~sphinx_ext.workflow.importer` turns it into works (variants merged by
  a documented rule), a ``.bib``, a skeleton book and a report;
- :mod:`~sphinx_ext.workflow.export` writes a book's cited works for reference
  managers (the build itself is :mod:`sphinx_ext.collect`'s);
- :mod:`~sphinx_ext.workflow.diff` compares two builds' ``citations.json``.

The command line (:mod:`sphinx_ext.cli`) is the shell around them.
"""
