"""Bounded decoding of HTTP content codings: the size cap holds on the decoded bytes as they are decoded.

httpx decodes each network chunk in one call per layer, so two kilobytes of ``Content-Encoding: gzip, gzip``
can expand to gigabytes before any caller sees a byte. Here every layer gives out at most ``PIECE_BYTES`` at a
time (``zlib``'s ``max_length``) and passes it on to the next layer lazily, so at any moment each layer holds
at most one piece, and the caller can stop as soon as its running count passes the cap.

Only the codings this client can decode within a bound are accepted (gzip, deflate, identity). The client
asks for exactly those; an answer in any other coding (br, zstd, compress) is refused as unreadable rather
than handed on still compressed.
"""

from __future__ import annotations

import zlib
from collections.abc import Iterable, Iterator, Sequence

PIECE_BYTES = 64 * 1024
ACCEPT_ENCODING = "gzip, deflate"
# A coding nested deeper than this is not something a real server sends; refuse it before decoding anything.
MAX_LAYERS = 4


class UnsupportedEncoding(ValueError):
    """The answer's Content-Encoding is not one this client decodes within a bound."""


class DecodeFailed(ValueError):
    """The compressed bytes are damaged."""


class _ZlibLayer:
    """One gzip or deflate layer, giving out its output in pieces of at most PIECE_BYTES."""

    def __init__(self, coding: str) -> None:
        self._coding = coding
        # deflate should be zlib-wrapped (RFC 9110), but some servers send raw deflate: try wrapped first.
        wbits = 16 + zlib.MAX_WBITS if coding == "gzip" else zlib.MAX_WBITS
        self._decoder = zlib.decompressobj(wbits)
        self._first = coding == "deflate"

    def feed(self, data: bytes) -> Iterator[bytes]:
        pending = data
        while not self._decoder.eof:
            try:
                piece = self._decoder.decompress(pending, PIECE_BYTES)
            except zlib.error as exc:
                if self._first:
                    self._first = False
                    self._decoder = zlib.decompressobj(-zlib.MAX_WBITS)
                    continue
                raise DecodeFailed(f"{self._coding}: {exc}") from None
            self._first = False
            stuck = not piece and self._decoder.unconsumed_tail == pending
            pending = self._decoder.unconsumed_tail
            if piece:
                yield piece
            # A full piece may leave output buffered inside zlib even with no input left: ask again then.
            if stuck or (not pending and len(piece) < PIECE_BYTES):
                break
        # Bytes after the end of the stream (another gzip member, garbage) are ignored, as httpx does.

    def finish(self) -> Iterator[bytes]:
        while not self._decoder.eof:
            try:
                piece = self._decoder.decompress(b"", PIECE_BYTES)
            except zlib.error as exc:
                raise DecodeFailed(f"{self._coding}: {exc}") from None
            if not piece:
                return
            yield piece


def parse_codings(header: str) -> list[str]:
    """The codings of a Content-Encoding header in the order they were applied; raises UnsupportedEncoding."""
    codings = []
    for part in header.split(","):
        coding = part.strip().lower()
        if coding in ("", "identity"):
            continue
        if coding == "x-gzip":
            coding = "gzip"
        if coding not in ("gzip", "deflate"):
            raise UnsupportedEncoding(f"Content-Encoding {coding!r} is not accepted (only {ACCEPT_ENCODING})")
        codings.append(coding)
    if len(codings) > MAX_LAYERS:
        raise UnsupportedEncoding(f"Content-Encoding with {len(codings)} layers (at most {MAX_LAYERS})")
    return codings


class BoundedDecoder:
    """Decodes a body through every layer of its Content-Encoding, piece by piece."""

    def __init__(self, codings: Sequence[str]) -> None:
        # The last coding listed was applied last, so it is undone first.
        self._layers = [_ZlibLayer(coding) for coding in reversed(codings)]

    def _through(self, index: int, pieces: Iterable[bytes]) -> Iterator[bytes]:
        if index == len(self._layers):
            yield from pieces
            return
        layer = self._layers[index]
        for piece in pieces:
            yield from self._through(index + 1, layer.feed(piece))

    def feed(self, raw: bytes) -> Iterator[bytes]:
        """The decoded pieces of the next raw chunk, each at most PIECE_BYTES (identity passes through)."""
        if not self._layers:
            if raw:
                yield raw
            return
        yield from self._through(0, [raw])

    def finish(self) -> Iterator[bytes]:
        """Whatever each layer still holds once the raw bytes have ended."""
        for index, layer in enumerate(self._layers):
            yield from self._through(index + 1, layer.finish())
