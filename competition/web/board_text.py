"""The public board as text, made once per contest and version: every phone opening the live
page and every reader of the API gets the same bytes, and turning a 1,000-row board into JSON
was most of each such request's time (200 phones at once starved the judges' acks)."""

from __future__ import annotations

import threading

from flask import Response, current_app
from jinja2.utils import htmlsafe_json_dumps
from markupsafe import Markup

from competition.extensions import process_state
from competition.services.live_boards import Board

_GUARD = threading.Lock()


def _texts() -> dict[tuple[int, str], tuple[int, str]]:
    """This app's (contest id, kind) → (version, text): one entry per contest and kind,
    replaced by the next version, so the memory is one board's text per contest."""
    return process_state("board_texts", dict)


def _made(contest_id: int, kind: str, board: Board) -> str | None:
    with _GUARD:
        found = _texts().get((contest_id, kind))
    return found[1] if found is not None and found[0] == board.version else None


def _keep(contest_id: int, kind: str, board: Board, text: str) -> str:
    with _GUARD:
        texts = _texts()
        known = texts.get((contest_id, kind))
        if known is None or known[0] <= board.version:
            texts[(contest_id, kind)] = (board.version, text)
    return text


def api_response(contest_id: int, board: Board) -> Response:
    """``{"version", "board"}`` as ``jsonify`` would answer it."""
    text = _made(contest_id, "api", board)
    if text is None:
        document = {"version": board.version, "board": board.board}
        text = _keep(contest_id, "api", board, current_app.json.dumps(document))
    return current_app.response_class(f"{text}\n", mimetype="application/json")


def page_data(contest_id: int, board: Board) -> Markup:
    """``{"version", "board"}`` as the pages' ``|tojson`` would write it into a script tag."""
    text = _made(contest_id, "page", board)
    if text is None:
        document = {"version": board.version, "board": board.board}
        safe = htmlsafe_json_dumps(document, dumps=current_app.json.dumps)  # as |tojson does
        text = _keep(contest_id, "page", board, str(safe))
    return Markup(text)  # noqa: S704 - htmlsafe_json_dumps escaped it for a script tag
