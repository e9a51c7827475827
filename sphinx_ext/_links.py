"""Which URLs of a ``.bib`` become links (pure).

Only a URL whose scheme is one of :data:`LINK_SCHEMES` becomes a link in any
output; anything else (``javascript:``, ``data:``, ``file:``, a bare domain or
a relative path) is shown as text, and :func:`link_problem` says why, with a
suggestion where one is obvious.

>>> link_problem("https://x.org/My%20Guide") is None
True
>>> link_problem("javascript:alert(1)")
"scheme 'javascript:' is not linked (only http, https, ftp and mailto are)"
>>> link_problem("www.example.com/guide")
"no scheme: did you mean 'https://www.example.com/guide'?"
"""

from __future__ import annotations

import re

__all__ = ["LINK_SCHEMES", "is_link", "link_problem"]

#: Schemes that become links: the web (``http``, ``https``), the old archives
#: papers still live on (``ftp``), and an author's address (``mailto``). None
#: of them runs code or reads the reader's own files.
LINK_SCHEMES = ("http", "https", "ftp", "mailto")

# RFC 3986: a scheme is a letter, then letters, digits, "+", "-" or ".".
_SCHEME = re.compile(r"^([A-Za-z][A-Za-z0-9+.\-]*):")
# Hosts are needed after these schemes ("https:foo" is no address).
_HOST = re.compile(r"^[A-Za-z][A-Za-z0-9+.\-]*://[^/?#\s]")
_LOOKS_LIKE_DOMAIN = re.compile(r"^(?:www\.)?[A-Za-z0-9\-]+(?:\.[A-Za-z0-9\-]+)+(?:[/?#]|$)")
# Control characters and spaces never belong in a link target.
_FORBIDDEN = re.compile(r"[\x00-\x20\x7f]")


def link_problem(url: str) -> str | None:
    """Why *url* must not become a link, or ``None`` when it may."""
    if _FORBIDDEN.search(url):
        return "it contains spaces or control characters"
    scheme = _SCHEME.match(url)
    if scheme is None:
        if _LOOKS_LIKE_DOMAIN.match(url):
            return f"no scheme: did you mean {'https://' + url!r}?"
        return "not an absolute URL (no scheme such as https:)"
    name = scheme[1].lower()
    if name not in LINK_SCHEMES:
        allowed = ", ".join(LINK_SCHEMES[:-1]) + " and " + LINK_SCHEMES[-1]
        return f"scheme {name + ':'!r} is not linked (only {allowed} are)"
    if name != "mailto" and not _HOST.match(url):
        return f"no host after {name}://"
    return None


def is_link(url: str) -> bool:
    """Whether *url* may be a link target.

    >>> is_link("HTTPS://x.org"), is_link("data:text/html,<b>x</b>"), is_link("mailto:a@b.org")
    (True, False, True)
    """
    return link_problem(url) is None
