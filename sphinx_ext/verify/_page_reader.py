"""Reading a page's body, bounded: bytes, decompressed size and time.

The checker hands over a streamed 2xx answer once it has released its request slots,
so a slow or huge body never holds up the status checks of other URLs. At most
``max_page_bytes`` are kept after decompression, whatever the compressed size (a gzip
bomb costs at most that much memory); the body is read for at most ``page_time_budget``
seconds and what arrived by then is used. Only ``text/html`` and
``application/xhtml+xml`` are parsed; anything else is ``unchecked``. Extraction
(:func:`._pages.extract_page`) runs in a worker thread, off the event loop.
"""

from __future__ import annotations

import asyncio
import zlib
from concurrent.futures import Executor
from functools import partial
from typing import Final

import httpx

from ._pages import PageFacts, extract_page

__all__ = ["PAGE_HEADERS", "read_page"]

#: Request headers of a page read: only encodings decompressed here with a bound.
PAGE_HEADERS: Final = {
    "Accept": "text/html,application/xhtml+xml;q=0.9,*/*;q=0.5",
    "Accept-Encoding": "gzip, deflate",
}
_HTML_TYPES: Final = frozenset({"text/html", "application/xhtml+xml"})


class _Inflater:
    """Incremental gzip/deflate decoding that never produces more than asked."""

    def __init__(self, encoding: str) -> None:
        self.encoding = encoding
        # 47: gzip or zlib header, detected; raw deflate is tried when "deflate" has no header.
        self.decoder = zlib.decompressobj(47 if encoding != "deflate" else 15)
        self.first = True

    def feed(self, data: bytes, limit: int) -> bytes:
        if self.encoding == "identity":
            return data[:limit]
        try:
            return self.decoder.decompress(data, limit)
        except zlib.error:
            if self.encoding == "deflate" and self.first:
                self.decoder = zlib.decompressobj(-15)
                self.first = False
                return self.decoder.decompress(data, limit)
            raise
        finally:
            self.first = False


def _content_type(response: httpx.Response) -> tuple[str, str | None]:
    value = response.headers.get("content-type", "")
    media, _, params = value.partition(";")
    charset = None
    for param in params.split(";"):
        name, _, val = param.partition("=")
        if name.strip().lower() == "charset":
            charset = val.strip().strip("\"'") or None
    return media.strip().lower(), charset


async def read_body(
    response: httpx.Response, *, max_bytes: int, budget: float
) -> tuple[bytes, bool]:
    """Up to ``max_bytes`` of the decoded body, and whether there was more (or time ran out)."""
    encoding = response.headers.get("content-encoding", "identity").strip().lower() or "identity"
    if encoding == "x-gzip":
        encoding = "gzip"
    if encoding not in {"identity", "gzip", "deflate"}:
        raise ValueError(f"content encoding {encoding!r} is not read")
    inflater = _Inflater(encoding)
    parts: list[bytes] = []
    size = raw = 0
    truncated = False
    try:
        async with asyncio.timeout(budget):
            async for chunk in response.aiter_raw():
                raw += len(chunk)
                data = inflater.feed(chunk, max_bytes - size + 1)
                parts.append(data)
                size += len(data)
                if size > max_bytes or raw > max_bytes:
                    truncated = True
                    break
    except TimeoutError:
        truncated = True
    body = b"".join(parts)
    return body[:max_bytes], truncated or len(body) > max_bytes


async def read_page(
    response: httpx.Response,
    url: str,
    *,
    max_bytes: int,
    budget: float,
    executor: Executor | None,
) -> PageFacts:
    """The facts of a streamed 2xx answer; closes the response. Never raises but on cancellation."""
    try:
        media, charset = _content_type(response)
        if media and media not in _HTML_TYPES:
            return PageFacts.unchecked(f"not an HTML page ({media})")
        try:
            body, truncated = await read_body(response, max_bytes=max_bytes, budget=budget)
        except (httpx.HTTPError, zlib.error, ValueError, OSError) as err:
            return PageFacts.unchecked(f"body unreadable: {type(err).__name__}: {err}"[:200])
    finally:
        await response.aclose()
    task = partial(extract_page, body, url=url, charset=charset, truncated=truncated)
    return await asyncio.get_running_loop().run_in_executor(executor, task)
