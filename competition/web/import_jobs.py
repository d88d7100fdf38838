"""Large entrant sheets are imported in a background thread whose progress the page polls.

The jobs live in this process's memory (the embedded shape runs one process; a sheet is
imported where it was uploaded). A finished job is kept for an hour so the page can read
its result.
"""

from __future__ import annotations

import logging
import secrets
import threading
import time
from dataclasses import dataclass, field

from flask import Flask

from competition.rules.messages import N_, msg
from competition.services import entrants
from competition.services.authority import Actor, Refused
from competition.services.entrant_sheets import SheetError

KEEP_SECONDS = 3600
LOG = logging.getLogger(__name__)


@dataclass
class ImportJob:
    owner: int  # the user who started it: only they may read it
    done: int = 0
    total: int = 0
    finished: bool = False
    count: int = 0
    problems: list[str] = field(default_factory=list)
    started: float = field(default_factory=time.monotonic)


_JOBS: dict[str, ImportJob] = {}
_LOCK = threading.Lock()


def start(
    app: Flask,
    actor: Actor,
    event_id: int,
    data: bytes,
    filename: str,
    mapping: dict[str, str | None],
    locale: str,
) -> str:
    """Run the import in a thread; the returned id is what the page polls."""
    job_id = secrets.token_urlsafe(12)
    job = ImportJob(owner=actor.id or 0)
    with _LOCK:
        for stale in [k for k, j in _JOBS.items() if time.monotonic() - j.started > KEEP_SECONDS]:
            del _JOBS[stale]
        _JOBS[job_id] = job

    def progress(done: int, total: int) -> None:
        job.done, job.total = done, total

    def run() -> None:
        with app.app_context():
            try:
                job.count = entrants.import_entrants(
                    actor, event_id, data, filename, mapping, progress
                ).count
            except SheetError as error:
                job.problems = [p.render(locale) for p in error.problems]
            except Refused as refused:
                job.problems = [refused.render(locale)]
            except Exception:  # never a silent "0 imported": the page says it failed
                LOG.exception("import %s into event %s failed", job_id, event_id)
                failed = msg(
                    N_("the import failed on the server: check the entrants, then import again")
                )
                job.problems = [failed.render(locale)]
            finally:
                job.finished = True

    threading.Thread(target=run, name=f"import-{job_id}", daemon=True).start()
    return job_id


def get(job_id: str, owner: int) -> ImportJob | None:
    job = _JOBS.get(job_id)
    return job if job is not None and job.owner == owner else None
