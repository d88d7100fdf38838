"""Raw clients of the server for the benchmarks, on asyncio, written from docs/protocol.md:
Engine.IO 4 / Socket.IO 5 over a websocket (wsproto) and a bare HTTP/1.1 GET. Thousands fit
on one loop, so a benchmark measures the server, not a client library's threads."""

from __future__ import annotations

import asyncio
import contextlib
import json
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from wsproto import ConnectionType, WSConnection
from wsproto.events import (
    AcceptConnection,
    CloseConnection,
    Ping,
    RejectConnection,
    Request,
    TextMessage,
)

HOST = "127.0.0.1"  # the benchmarks only ever talk to this machine


class RawSocket:
    """One websocket to ``/socket.io/`` carrying Engine.IO 4 packets; every whole text message
    goes to :meth:`packet`, which subclasses answer (pings, the namespace, events)."""

    closed: bool = False
    writer: asyncio.StreamWriter | None = None
    _ws: WSConnection | None = None

    async def run_socket(
        self, port: int, query: str = "", headers: Sequence[tuple[str, str]] = ()
    ) -> None:
        """Connect and read until the connection ends; ``query`` is appended to the URL
        (``&contest=1``), ``headers`` are sent with the upgrade request (the cookie)."""
        reader, writer = await asyncio.open_connection(HOST, port)
        self.writer = writer
        ws = self._ws = WSConnection(ConnectionType.CLIENT)
        target = f"/socket.io/?EIO=4&transport=websocket{query}"
        extra = [(name.encode(), value.encode()) for name, value in headers]
        writer.write(ws.send(Request(host=f"{HOST}:{port}", target=target, extra_headers=extra)))
        text: list[str] = []
        try:
            while not self.closed:
                data = await reader.read(65536)
                if not data:
                    break
                ws.receive_data(data)
                for event in ws.events():
                    if isinstance(event, TextMessage):
                        text.append(event.data)
                        if event.message_finished:
                            self.packet("".join(text))
                            text.clear()
                    elif isinstance(event, Ping):
                        writer.write(ws.send(event.response()))
                    elif isinstance(event, CloseConnection | RejectConnection):
                        self.closed = True
                    elif isinstance(event, AcceptConnection):
                        pass
        finally:
            self.closed = True
            writer.close()
            self.lost()

    def send(self, text: str) -> None:
        if self.writer is not None and self._ws is not None and not self.closed:
            self.writer.write(self._ws.send(TextMessage(text)))

    def close(self) -> None:
        self.closed = True
        if self.writer is not None:
            self.writer.close()

    def packet(self, packet: str) -> None:  # pragma: no cover - every subclass answers
        raise NotImplementedError

    def lost(self) -> None:
        """The connection has ended (a hook)."""


class SocketIO(RawSocket):
    """A Socket.IO 5 client of one namespace: joins it, answers pings, sends events with an
    acknowledgement (``42/ns,ID[...]`` answered by ``43/ns,ID[...]``) and hands the server's
    events to :meth:`event`."""

    def __init__(self, namespace: str) -> None:
        self.namespace = namespace
        self.joined = asyncio.Event()
        self.refusal: Any = None
        self._acks: dict[int, asyncio.Future[Any]] = {}
        self._next_id = 0

    def packet(self, packet: str) -> None:
        prefix = f"{self.namespace},"
        if packet == "2":  # Engine.IO ping
            self.send("3")
        elif packet.startswith("0"):  # Engine.IO open: join the namespace
            self.send(f"40{prefix}")
        elif packet.startswith(f"40{prefix}"):
            self.joined.set()
        elif packet.startswith(f"42{prefix}"):
            name, *args = json.loads(packet[len(prefix) + 2 :])
            self.event(name, args[0] if args else None)
        elif packet.startswith(f"43{prefix}"):
            body = packet[len(prefix) + 2 :]
            split = body.index("[")
            future = self._acks.pop(int(body[:split]), None)
            if future is not None and not future.done():
                answer = json.loads(body[split:])
                future.set_result(answer[0] if answer else None)
        elif packet.startswith(f"44{prefix}"):  # refused at connect
            self.refusal = json.loads(packet[len(prefix) + 2 :] or "null")
            self.closed = True
            self.joined.set()

    def emit(self, name: str, data: Any) -> asyncio.Future[Any]:
        """Send an event; the future is its acknowledgement's first argument."""
        self._next_id += 1
        future: asyncio.Future[Any] = asyncio.get_running_loop().create_future()
        self._acks[self._next_id] = future
        payload = json.dumps([name, data], ensure_ascii=False, separators=(",", ":"))
        self.send(f"42{self.namespace},{self._next_id}{payload}")
        return future

    def event(self, name: str, data: Any) -> None:
        """An event from the server (a hook)."""

    def lost(self) -> None:
        for future in self._acks.values():
            if not future.done():
                future.set_exception(ConnectionError("the connection ended before the answer"))
        self._acks.clear()
        self.joined.set()


@dataclass
class Response:
    status: int
    headers: list[tuple[str, str]]
    body: bytes

    def header(self, name: str) -> list[str]:
        return [v for k, v in self.headers if k.lower() == name.lower()]

    def json(self) -> Any:
        return json.loads(self.body)


async def http_get(
    port: int, path: str, headers: Sequence[tuple[str, str]] = (), timeout: float = 30.0
) -> Response:
    """``GET path`` over one connection (``Connection: close``, read to the end)."""

    async def get() -> Response:
        reader, writer = await asyncio.open_connection(HOST, port)
        try:
            lines = [f"GET {path} HTTP/1.1", f"Host: {HOST}:{port}", "Connection: close"]
            lines += [f"{name}: {value}" for name, value in headers]
            writer.write(("\r\n".join(lines) + "\r\n\r\n").encode("latin-1"))
            raw = await reader.read(-1)
        finally:
            writer.close()
            with contextlib.suppress(ConnectionError):
                await writer.wait_closed()
        if not raw:  # the server went away (killed, restarting) before answering
            raise ConnectionError(f"no answer to GET {path}")
        head, _, body = raw.partition(b"\r\n\r\n")
        status_line, *header_lines = head.decode("latin-1").split("\r\n")
        fields = [tuple(h.split(":", 1)) for h in header_lines if ":" in h]
        response = Response(
            int(status_line.split()[1]), [(k.strip(), v.strip()) for k, v in fields], body
        )
        if "chunked" in ",".join(response.header("Transfer-Encoding")).lower():
            response.body = dechunk(body)
        return response

    return await asyncio.wait_for(get(), timeout)


def dechunk(body: bytes) -> bytes:
    out, rest = bytearray(), body
    while rest:
        size_line, _, rest = rest.partition(b"\r\n")
        size = int(size_line.split(b";")[0], 16)
        if size == 0:
            break
        out += rest[:size]
        rest = rest[size + 2 :]
    return bytes(out)
