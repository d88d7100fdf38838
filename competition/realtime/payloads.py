"""Every Socket.IO event gets an answer: a packet that cannot be decoded, an event no
namespace knows, and a handler that fails are each answered ``{ok: false, code, message}``
in the client's language, never with silence or a traceback.

Packets are decoded within bounds before any handler sees them: at most MAX_PACKET
characters and MAX_DEPTH levels of nesting (a deeply nested array would otherwise exhaust the
stack), and JSON the standard library refuses (a 5,000-digit integer, broken text) becomes
the event MALFORMED, which :class:`Answering` answers with the packet's own ack id.
"""

from __future__ import annotations

import logging
from typing import Any

from flask_socketio import Namespace
from socketio import packet  # type: ignore[import-untyped]

from competition.i18n import current_locale
from competition.rules.messages import N_, msg

MAX_PACKET = 16 * 1024  # characters: a mark is about 150
MAX_DEPTH = 8
MALFORMED = "\x00malformed"  # no client can name an event so: it begins with NUL
UNKNOWN = "\x00unknown"
# names the server triggers itself: sent as an event they would run on_connect again
RESERVED = frozenset({"connect", "disconnect", "connect_error", MALFORMED, UNKNOWN})

log = logging.getLogger(__name__)


class BoundedPacket(packet.Packet):  # type: ignore[misc]  # python-socketio ships no hints
    """The Socket.IO packet, decoded within bounds (the ``serializer`` of the server)."""

    data: Any
    packet_type: int
    attachment_count: int

    def decode(self, encoded_packet: Any) -> int:
        if isinstance(encoded_packet, str) and len(encoded_packet) > MAX_PACKET:
            return self._header_only(encoded_packet)
        try:
            attachments: int = super().decode(encoded_packet)
        except (ValueError, TypeError, RecursionError, OverflowError):
            return self._malformed(encoded_packet[:1] if isinstance(encoded_packet, str) else "")
        if _too_deep(self.data):
            return self._malformed(str(self.packet_type))
        if self.packet_type in (packet.EVENT, packet.BINARY_EVENT):
            data: Any = self.data
            if not isinstance(data, list) or not data or not isinstance(data[0], str):
                return self._malformed(str(self.packet_type))
            if data[0] in RESERVED:
                self.data = [UNKNOWN, *data[1:]]
        return attachments

    def _header_only(self, encoded_packet: str) -> int:
        """Type, namespace and ack id of an oversized packet, so its refusal can be answered."""
        start = min(
            (i for i in (encoded_packet.find("["), encoded_packet.find("{")) if i >= 0), default=0
        )
        try:
            super().decode(encoded_packet[: min(start, 256)])
        except (ValueError, TypeError):
            pass
        return self._malformed(encoded_packet[:1])

    def _malformed(self, kind: str) -> int:
        """An EVENT keeps its namespace and ack id (parsed before the JSON) and becomes the
        event MALFORMED; any other packet loses its data."""
        data: Any = None
        if kind in (str(packet.EVENT), str(packet.BINARY_EVENT)):
            self.packet_type = packet.EVENT
            data = [MALFORMED]
        self.data = data
        self.attachment_count = 0
        return 0


def _too_deep(data: object) -> bool:
    """Nesting past MAX_DEPTH, walked without recursion."""
    stack = [(data, 0)]
    while stack:
        value, depth = stack.pop()
        if depth > MAX_DEPTH:
            return True
        if isinstance(value, dict):
            stack.extend((child, depth + 1) for child in value.values())
        elif isinstance(value, list):
            stack.extend((child, depth + 1) for child in value)
    return False


class Answering(Namespace):  # type: ignore[misc]  # flask_socketio ships no type hints
    """Mixed in before a namespace's own class: events it has no handler for, and packets
    that could not be decoded, are answered instead of ignored."""

    def trigger_event(self, event: str, *args: Any) -> Any:
        if event in ("connect", "disconnect"):
            return super().trigger_event(event, *args)
        if event not in RESERVED and hasattr(self, f"on_{event}"):
            # (sid, payload): every handler takes one payload at most; more are ignored
            return super().trigger_event(event, *args[:2])
        refusal = "malformed" if event == MALFORMED else "unknown_event"
        return self.socketio._handle_event(
            lambda *_data: refused(refusal), event, self.namespace, *args[:1]
        )


def refused(code: str) -> dict[str, object]:
    """The answer to a payload no handler could take, in the client's language."""
    text = {
        "malformed": N_("malformed message: it could not be read"),
        "unknown_event": N_("unknown message: this server does not know it"),
        "server_error": N_("the server could not handle this message: try again"),
    }[code]
    return {"ok": False, "code": code, "message": msg(text).render(current_locale())}


def failed(error: Exception) -> dict[str, object]:
    """Flask-SocketIO's default error handler: a handler that raised is answered, and the
    error is logged for the operator."""
    log.error("a Socket.IO handler failed: %r", error, exc_info=error)
    return refused("server_error")


def answering(namespace_class: type[Namespace]) -> type[Namespace]:
    """``namespace_class`` with :class:`Answering` in front of it."""
    return type(namespace_class.__name__, (Answering, namespace_class), {})
