"""Socket.IO handlers, registered on the shared `socketio` when the app factory imports them."""

from __future__ import annotations

from competition.extensions import socketio
from competition.realtime import judging, live, monitor, payloads

socketio.on_namespace(payloads.answering(judging.JudgeNamespace)(judging.NAMESPACE))
socketio.on_namespace(payloads.answering(live.LiveNamespace)(live.NAMESPACE))
socketio.on_namespace(payloads.answering(monitor.MonitorNamespace)(monitor.NAMESPACE))
socketio.on_error_default(payloads.failed)
judging.listen()
live.listen()
monitor.listen()
