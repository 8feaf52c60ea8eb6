"""A lean HTTP/1.1 load generator: raw asyncio streams with keep-alive, no client library.

With two cores the generator competes with the server it measures, so it does as little as
possible per request: it writes pre-built bytes, reads the status line and headers, and reads
the body by Content-Length (or chunks). The SAME generator drives every floor and every target.
"""

import asyncio
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from urllib.parse import quote


@dataclass
class Response:
    status: int
    headers: list[tuple[str, str]]
    body: bytes

    def header(self, name: str) -> str | None:
        name = name.lower()
        for key, value in self.headers:
            if key == name:
                return value
        return None

    def cookies(self) -> dict[str, str]:
        jar = {}
        for key, value in self.headers:
            if key == "set-cookie":
                pair = value.split(";", 1)[0]
                if "=" in pair:
                    k, v = pair.split("=", 1)
                    jar[k.strip()] = v.strip().strip('"')
        return jar


class Connection:
    """One keep-alive connection with its own cookie jar (one simulated browser or tablet)."""

    def __init__(self, host: str, port: int) -> None:
        self.host, self.port = host, port
        self.reader: asyncio.StreamReader | None = None
        self.writer: asyncio.StreamWriter | None = None
        self.cookies: dict[str, str] = {}
        self.extra: dict[str, str] = {}  # sent on every request (X-Forwarded-For)

    async def _open(self) -> None:
        self.reader, self.writer = await asyncio.open_connection(self.host, self.port)

    async def close(self) -> None:
        if self.writer is not None:
            self.writer.close()
            try:
                await self.writer.wait_closed()
            except OSError:
                pass
            self.writer = None

    async def request(
        self,
        method: str,
        path: str,
        body: bytes = b"",
        content_type: str | None = None,
        headers: dict[str, str] | None = None,
    ) -> Response:
        if self.writer is None:
            await self._open()
        lines = [f"{method} {path} HTTP/1.1", f"Host: {self.host}:{self.port}"]
        if self.cookies:
            lines.append("Cookie: " + "; ".join(f"{k}={v}" for k, v in self.cookies.items()))
        csrf = self.cookies.get("intake_csrf")
        if csrf and method != "GET":
            lines.append(f"x-csrftoken: {csrf}")
        if content_type:
            lines.append(f"Content-Type: {content_type}")
        if body or method != "GET":
            lines.append(f"Content-Length: {len(body)}")
        for key, value in {**self.extra, **(headers or {})}.items():
            lines.append(f"{key}: {value}")
        assert self.writer is not None and self.reader is not None
        self.writer.write(("\r\n".join(lines) + "\r\n\r\n").encode() + body)
        response = await self._read()
        self.cookies.update(response.cookies())
        if (response.header("connection") or "").lower() == "close":
            await self.close()
        return response

    async def _read(self) -> Response:
        assert self.reader is not None
        head = await self.reader.readuntil(b"\r\n\r\n")
        status_line, *header_lines = head.decode("latin-1").split("\r\n")
        status = int(status_line.split(" ", 2)[1])
        headers = []
        for line in header_lines:
            if ":" in line:
                key, value = line.split(":", 1)
                headers.append((key.strip().lower(), value.strip()))
        length = next((v for k, v in headers if k == "content-length"), None)
        if length is not None:
            body = await self.reader.readexactly(int(length))
        elif any(k == "transfer-encoding" and "chunked" in v for k, v in headers):
            body = await self._read_chunked()
        else:
            body = b""
        return Response(status, headers, body)

    async def _read_chunked(self) -> bytes:
        assert self.reader is not None
        parts = []
        while True:
            size = int((await self.reader.readuntil(b"\r\n")).split(b";")[0], 16)
            if size == 0:
                await self.reader.readuntil(b"\r\n")
                return b"".join(parts)
            parts.append(await self.reader.readexactly(size))
            await self.reader.readexactly(2)


def form(fields: dict[str, str]) -> tuple[bytes, str]:
    body = "&".join(f"{quote(k)}={quote(v)}" for k, v in fields.items())
    return body.encode(), "application/x-www-form-urlencoded"


def multipart(
    fields: dict[str, str], files: dict[str, tuple[str, str, bytes]]
) -> tuple[bytes, str]:
    boundary = "benchboundary7d93a1c2"
    out = []
    for key, value in fields.items():
        out.append(
            f'--{boundary}\r\nContent-Disposition: form-data; name="{key}"\r\n\r\n{value}\r\n'.encode()
        )
    for key, (filename, media_type, data) in files.items():
        out.append(
            (
                f'--{boundary}\r\nContent-Disposition: form-data; name="{key}"; '
                f'filename="{filename}"\r\nContent-Type: {media_type}\r\n\r\n'
            ).encode()
            + data
            + b"\r\n"
        )
    out.append(f"--{boundary}--\r\n".encode())
    return b"".join(out), f"multipart/form-data; boundary={boundary}"


@dataclass
class Sample:
    latencies: list[float] = field(default_factory=list)  # seconds
    statuses: dict[int, int] = field(default_factory=dict)
    errors: int = 0
    elapsed: float = 0.0

    @property
    def count(self) -> int:
        return len(self.latencies)

    @property
    def rate(self) -> float:
        return self.count / self.elapsed if self.elapsed else 0.0

    def percentile_ms(self, q: float) -> float | None:
        if not self.latencies:
            return None
        ordered = sorted(self.latencies)
        index = min(len(ordered) - 1, max(0, round(q / 100 * len(ordered)) - 1))
        return ordered[index] * 1000

    def ok_share(self, ok: Callable[[int], bool]) -> float:
        total = sum(self.statuses.values())
        return sum(n for s, n in self.statuses.items() if ok(s)) / total if total else 0.0


# One request of a scenario: given the connection and a running number, do it, return status.
Step = Callable[[Connection, int], Awaitable[int]]


async def run_load(
    host: str,
    port: int,
    step: Step,
    connections: int,
    duration: float,
    warmup: float = 0.0,
    prepare: Callable[[Connection], Awaitable[None]] | None = None,
    pace: float | None = None,
    stop: asyncio.Event | None = None,
) -> Sample:
    """`connections` closed-loop workers run `step` for `duration` seconds (or until `stop`).
    With `pace`, each worker starts a request every `pace` seconds at most: a steady, realistic
    load (a few tablets) instead of a saturating one; latency is then free of queueing at the
    generator."""
    sample = Sample()
    counter = 0
    conns = [Connection(host, port) for _ in range(connections)]
    if prepare is not None:
        await asyncio.gather(*(prepare(c) for c in conns))
    t0 = time.perf_counter()
    measure_from = t0 + warmup
    end = measure_from + duration

    def done() -> bool:
        return stop.is_set() if stop is not None else time.perf_counter() >= end

    async def worker(conn: Connection) -> None:
        nonlocal counter
        while not done():
            counter += 1
            started = time.perf_counter()
            try:
                status = await step(conn, counter)
            except (OSError, asyncio.IncompleteReadError, ValueError):
                sample.errors += 1
                await conn.close()
                status = 0
            finished = time.perf_counter()
            if started >= measure_from:
                sample.latencies.append(finished - started)
                sample.statuses[status] = sample.statuses.get(status, 0) + 1
            if pace is not None:
                await asyncio.sleep(max(0.0, pace - (finished - started)))

    await asyncio.gather(*(worker(c) for c in conns))
    sample.elapsed = time.perf_counter() - measure_from
    await asyncio.gather(*(c.close() for c in conns))
    return sample
