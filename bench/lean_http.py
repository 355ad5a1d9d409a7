"""A minimal HTTP/1.1 keep-alive client for load generation: raw asyncio streams, requests
already serialised to bytes, responses read by their status line and ``Content-Length``.

Why: the load generator shares the two cores with the server it measures. httpx spends ~1.8 ms
of CPU per request (its connection pool, header models, response objects); this client spends
a small fraction of that, so the numbers describe the server rather than the client. It speaks
only what the bench needs: one connection per client, requests in sequence, responses with
``Content-Length`` or ``Transfer-Encoding: chunked``, ``Connection: close`` honoured.
"""

from __future__ import annotations

import asyncio
from collections.abc import Sequence

HEADER_END = b"\r\n\r\n"


class LeanConnection:
    """One keep-alive connection to ``host:port``, (re)opened on demand."""

    def __init__(self, host: str, port: int) -> None:
        self.host, self.port = host, port
        self._reader: asyncio.StreamReader | None = None
        self._writer: asyncio.StreamWriter | None = None

    async def request(self, wire: Sequence[bytes]) -> tuple[int, bytes]:
        """Send the request bytes ``wire`` (head and body parts, written without joining them)
        and return the status code and the body. A broken connection raises ``OSError`` or
        ``asyncio.IncompleteReadError`` and is reopened by the next request."""
        if self._writer is None:
            self._reader, self._writer = await asyncio.open_connection(self.host, self.port)
        reader, writer = self._reader, self._writer
        assert reader is not None
        try:
            writer.writelines(wire)
            head = await reader.readuntil(HEADER_END)
            status = int(head[9:12])
            lower = head.lower()
            if b"\r\ntransfer-encoding: chunked" in lower:
                body = await _read_chunked(reader)
            else:
                body = await reader.readexactly(_content_length(lower))
        except BaseException:
            self.close()
            raise
        if b"\r\nconnection: close" in lower:
            self.close()
        return status, body

    def close(self) -> None:
        if self._writer is not None:
            self._writer.close()
        self._reader = self._writer = None


def _content_length(head: bytes) -> int:
    start = head.find(b"\r\ncontent-length:")
    if start < 0:
        return 0
    end = head.index(b"\r\n", start + 2)
    return int(head[start + 17 : end])


async def _read_chunked(reader: asyncio.StreamReader) -> bytes:
    parts: list[bytes] = []
    while True:
        size = int((await reader.readuntil(b"\r\n")).split(b";", 1)[0], 16)
        if size == 0:
            await reader.readuntil(b"\r\n")  # no trailers are sent here
            return b"".join(parts)
        parts.append(await reader.readexactly(size))
        await reader.readexactly(2)


def request_head(
    method: str, path: str, *, host: str, headers: dict[str, str], body_length: int | None
) -> bytes:
    """The request line and headers, serialised once (``Content-Length`` when there is a body)."""
    lines = [f"{method} {path} HTTP/1.1", f"Host: {host}"]
    lines += [f"{name}: {value}" for name, value in headers.items()]
    if body_length is not None:
        lines.append(f"Content-Length: {body_length}")
    return ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1")


def multipart(
    parts: Sequence[tuple[str, str, str, bytes]], boundary: str
) -> tuple[list[bytes], int]:
    """A ``multipart/form-data`` body from (field, file name, content type, data) parts, as a
    list of chunks (the data is not copied) and its total length."""
    chunks: list[bytes] = []
    for name, filename, content_type, data in parts:
        chunks.append(
            (
                f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"; '
                f'filename="{filename}"\r\nContent-Type: {content_type}\r\n\r\n'
            ).encode()
        )
        chunks += [data, b"\r\n"]
    chunks.append(f"--{boundary}--\r\n".encode())
    return chunks, sum(len(c) for c in chunks)
