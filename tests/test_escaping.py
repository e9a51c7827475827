"""Every field from the .bib is escaped in HTML."""

from __future__ import annotations

from tests.conftest import BuildRoot
from tests.html_helpers import read


def test_bib_fields_are_escaped_everywhere(build_root: BuildRoot) -> None:
    app = build_root("escaping")
    assert app.warning.getvalue() == ""
    for page in ("chapter.html", "works.html"):
        html = read(app.outdir, page)
        assert "<script>alert" not in html
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
        assert "<b>bold</b>" not in html
        assert "&lt;b&gt;bold&lt;/b&gt;" in html
    chapter = read(app.outdir, "chapter.html")
    # The URL is escaped too, and LaTeX escapes decoded; a citation has no
    # title attribute (its preview shows the entry).
    assert "Ampersand &amp; &lt;b&gt;bold&lt;/b&gt; &quot;quotes&quot;" in chapter
    assert 'class="source-ref reference internal" href="#ref-' in chapter
    assert 'title="Ampersand' not in chapter
    assert 'href="https://example.com/a?b=1&amp;c=&lt;2&gt;&quot;x&quot;"' in chapter
