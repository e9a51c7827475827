# A book as Jupyter Book and many Sphinx books are set up: notebooks (myst-nb,
# not executed), sphinx-design, copy and toggle buttons, intersphinx (from a
# local inventory, no network), and sphinxcontrib-bibtex's own directives.
import pathlib
import sys

sys.path.insert(0, str(pathlib.Path(__file__).parents[3]))

project = "Alongside"
author = "Alongside Authors"
copyright = "2026, Alongside Authors"
release = version = "1.0"
language = "en"
extensions = [
    "myst_nb",
    "sphinx_design",
    "sphinx_copybutton",
    "sphinx_togglebutton",
    "sphinx.ext.intersphinx",
    "sphinx_ext",
]
exclude_patterns = ["_build"]
myst_enable_extensions = ["colon_fence"]
nb_execution_mode = "off"
bibtex_bibfiles = ["refs.bib"]
bibtex_reference_style = "author_year"
intersphinx_mapping = {"tools": ("https://tools.example.org/", "tools-objects.inv")}

epub_title = "Alongside"
epub_author = author
epub_publisher = author
epub_copyright = copyright
epub_identifier = "urn:uuid:3d0c8a55-7f8e-4f3a-9a51-5c2e0b7d9e64"
epub_scheme = "UUID"
epub_uid = "BookId"

latex_documents = [("index", "alongside.tex", "Alongside", author, "manual")]


# What a book using these extensions needs for an EPUB that epubcheck passes,
# whatever its citations: none of it is about this extension.
from docutils import nodes
from sphinx.transforms.post_transforms import SphinxPostTransform


def _xhtml_tab_input(self, node):
    # sphinx-design writes its tabs' <input> as an HTML void element, which
    # XHTML rejects; "<input … />" is valid in both.
    attributes = {"ids": [node["id"]], "type": node["type"], "name": node["set_id"]}
    if node["checked"]:
        attributes["checked"] = "checked"
    self.body.append(self.starttag(node, "input", empty=True, **attributes))


class _NoInlineSvgInEpub(SphinxPostTransform):
    # sphinx-design's dropdown marker is an <svg> without its namespace, and
    # Sphinx's EPUB does not declare pages with inline SVG in its manifest.
    builders = ("epub",)
    default_priority = 200  # after sphinx-design adds it (199)

    def run(self, **kwargs):
        for raw in list(self.document.findall(nodes.raw)):
            if raw.astext().lstrip().startswith("<svg"):
                raw.parent.remove(raw)


def _no_mystnb_css_in_epub(app, pagename, templatename, context, doctree):
    # myst-nb's stylesheet is modern CSS that EPUB readers (and epubcheck) do
    # not take, and it is copied only after the EPUB is packed.
    if app.builder.name == "epub":
        context["css_files"] = [
            css for css in context["css_files"] if "mystnb." not in str(css.filename)
        ]


def setup(app):
    from sphinx_design.tabs import depart_tab_input, sd_tab_input

    app.add_node(sd_tab_input, override=True, html=(_xhtml_tab_input, depart_tab_input))
    app.add_post_transform(_NoInlineSvgInEpub)
    app.connect("html-page-context", _no_mystnb_css_in_epub)
