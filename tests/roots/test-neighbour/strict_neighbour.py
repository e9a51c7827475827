"""Another extension, as many are: it reads every element's list attributes and copies it.

Its transform, post-transforms and event handlers walk the whole doctree at
each point where an extension can see it, read every element's list
attributes as docutils guarantees them (``Element.list_attributes``: ``ids``,
``classes``, ``names``, ``dupnames``, and ``backrefs`` before docutils 0.22),
and deep-copy every element. A node missing one of them
raises ``KeyError``, as it would in a real extension, and fails the build.
At the end it writes ``neighbour.json`` in the output folder: per stage, how
many nodes of each of the citation extension's types it inspected.
"""

from __future__ import annotations

import copy
import json
import pickle
from collections import Counter
from pathlib import Path

from docutils import nodes
from sphinx.transforms import SphinxTransform
from sphinx.transforms.post_transforms import SphinxPostTransform

_seen: dict[str, Counter[str]] = {}


def inspect(tree: nodes.Node, stage: str) -> None:
    seen = _seen.setdefault(stage, Counter())
    for node in tree.findall(nodes.Element):
        for name in nodes.Element.list_attributes:
            value = node[name]  # KeyError if a node lacks it
            if not isinstance(value, list):
                raise TypeError(f"{stage}: {node.tagname}[{name!r}] is {value!r}")
        duplicate = node.deepcopy()
        again = copy.deepcopy(duplicate)
        pickle.loads(pickle.dumps(again))
        for name in nodes.Element.list_attributes:
            if duplicate[name] != node[name] or again[name] != node[name]:
                raise AssertionError(f"{stage}: a copy of {node.tagname} lost {name!r}")
        shallow = node.copy()
        shallow["classes"].append("neighbour-probe")  # the copy's own list
        if "neighbour-probe" in node["classes"]:
            raise AssertionError(f"{stage}: {node.tagname} shares its classes with its copy")
        if type(node).__module__.startswith("sphinx_ext"):
            seen[node.tagname] += 1


class EarlyTransform(SphinxTransform):
    default_priority = 10

    def apply(self, **kwargs: object) -> None:
        inspect(self.document, "transform-early")


class LateTransform(SphinxTransform):
    default_priority = 999

    def apply(self, **kwargs: object) -> None:
        inspect(self.document, "transform-late")


class EarlyPostTransform(SphinxPostTransform):
    default_priority = 1

    def run(self, **kwargs: object) -> None:
        inspect(self.document, "post-transform-early")


class LatePostTransform(SphinxPostTransform):
    default_priority = 999

    def run(self, **kwargs: object) -> None:
        inspect(self.document, "post-transform-late")


def setup(app):  # type: ignore[no-untyped-def]
    _seen.clear()
    app.add_transform(EarlyTransform)
    app.add_transform(LateTransform)
    app.add_post_transform(EarlyPostTransform)
    app.add_post_transform(LatePostTransform)
    app.connect("doctree-read", lambda app, doctree: inspect(doctree, "doctree-read"))
    app.connect(
        "doctree-resolved",
        lambda app, doctree, docname: inspect(doctree, "doctree-resolved-early"),
        priority=100,
    )
    app.connect(
        "doctree-resolved",
        lambda app, doctree, docname: inspect(doctree, "doctree-resolved-late"),
        priority=900,
    )

    def stored(app, env):  # type: ignore[no-untyped-def]
        # The doctrees as pickled between reading and writing.
        for docname in sorted(env.found_docs):
            inspect(env.get_doctree(docname), "stored")

    app.connect("env-check-consistency", stored)

    def report(app, exception):  # type: ignore[no-untyped-def]
        if exception is None:
            counts = {stage: dict(sorted(seen.items())) for stage, seen in sorted(_seen.items())}
            Path(app.outdir, "neighbour.json").write_text(json.dumps(counts, indent=1))

    app.connect("build-finished", report)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
