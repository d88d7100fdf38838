"""Socket.IO handlers, registered on the shared `socketio` when the app factory imports them."""

from __future__ import annotations

from competition.extensions import socketio
from competition.realtime import judging, live, monitor

socketio.on_namespace(judging.JudgeNamespace(judging.NAMESPACE))
socketio.on_namespace(live.LiveNamespace(live.NAMESPACE))
socketio.on_namespace(monitor.MonitorNamespace(monitor.NAMESPACE))
judging.listen()
live.listen()
monitor.listen()
