"""Settings read from the environment, with safe defaults for the embedded single-venue mode."""

from __future__ import annotations

import os
import secrets
from collections.abc import Mapping
from pathlib import Path

from flask import Flask

from competition.local_time import DEFAULT_TIME_ZONE, zone_name
from competition.rules.messages import (
    DEFAULT_LOCALE,
    LOCALES,
    N_,
    TRANSLATIONS_DIR,
    Message,
    msg,
)

REPOSITORY_ROOT = Path(__file__).resolve().parent.parent
SECRET_KEY_FILE = "secret_key"
ASYNC_MODES = ("threading", "gevent")  # never eventlet: deprecated
DEFAULT_CHANNEL = "flask-socketio"
DEFAULT_UPLOAD_MB = 16


class SettingError(ValueError):
    """An environment variable with a value the app cannot use; the command line says which,
    in the reader's language, instead of a traceback."""

    def __init__(self, message: Message) -> None:
        self.message = message
        super().__init__(message.render("en"))


# each process keeps this many database connections open: twenty tablets marking at once no
# longer open and close a PostgreSQL connection (a new server process each) per mark; a
# process holds at most pool_size + max_overflow (docs/deployment.md)
ENGINE_OPTIONS = {"pool_size": 20, "max_overflow": 10}


def configure(app: Flask, overrides: Mapping[str, object]) -> None:
    """Environment first, then explicit overrides; a secret is generated only if neither has one."""
    instance_path = Path(app.instance_path)
    instance_path.mkdir(parents=True, exist_ok=True)
    app.config.from_mapping(from_environ(os.environ, instance_path))
    app.config.from_mapping(overrides)
    if not app.config.get("SECRET_KEY"):
        app.config["SECRET_KEY"] = instance_secret_key(instance_path)


def from_environ(environ: Mapping[str, str], instance_path: Path) -> dict[str, object]:
    return {
        "SQLALCHEMY_DATABASE_URI": database_uri(environ, instance_path),
        "SECRET_KEY": environ.get("SECRET_KEY", "").strip() or None,
        "SCORING_RULES_DIR": scoring_rules_dir(environ),
        "BABEL_DEFAULT_LOCALE": DEFAULT_LOCALE,
        "BABEL_TRANSLATION_DIRECTORIES": str(TRANSLATIONS_DIR),
        "SUPPORTED_LOCALES": LOCALES,
        "COMPETITION_TIME_ZONE": time_zone(environ),
        "SOCKETIO_MESSAGE_QUEUE": environ.get("SOCKETIO_MESSAGE_QUEUE", "").strip() or None,
        "SOCKETIO_CHANNEL": environ.get("SOCKETIO_CHANNEL", "").strip() or DEFAULT_CHANNEL,
        "SOCKETIO_ASYNC_MODE": async_mode(environ),
        "PROXY_COUNT": proxy_count(environ),
        "SQLALCHEMY_ENGINE_OPTIONS": dict(ENGINE_OPTIONS),
        "MAX_CONTENT_LENGTH": upload_limit(environ),
        "RATELIMIT_STORAGE_URI": rate_limit_storage(environ),
        # said for every app: the one limiter keeps the last app's choice otherwise (an app
        # made without limits, a benchmark's, would leave the next one unguarded)
        "RATELIMIT_ENABLED": True,
        "RATELIMIT_HEADERS_ENABLED": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        "SESSION_COOKIE_HTTPONLY": True,
    }


def upload_limit(environ: Mapping[str, str]) -> int:
    """`MAX_UPLOAD_MB` (default 16): a request body beyond it is refused with 413 before it
    is read, so a rule file or a workbook cannot fill the disk or the memory."""
    text = environ.get("MAX_UPLOAD_MB", "").strip() or str(DEFAULT_UPLOAD_MB)
    if not text.isdigit() or not 0 < int(text) <= 1024:
        raise SettingError(
            msg(
                N_("MAX_UPLOAD_MB is '{value}': a whole number from 1 to 1024 is needed"),
                value=text,
            )
        )
    return int(text) * 1024 * 1024


def rate_limit_storage(environ: Mapping[str, str]) -> str:
    """Where the per-address limits on signing in count: `RATELIMIT_STORAGE_URI`, else the
    Redis of the message queue (every process counts the same attempts), else this process."""
    configured = environ.get("RATELIMIT_STORAGE_URI", "").strip()
    if configured:
        return configured
    queue = environ.get("SOCKETIO_MESSAGE_QUEUE", "").strip()
    return queue if queue.startswith(("redis://", "rediss://")) else "memory://"


def time_zone(environ: Mapping[str, str]) -> str:
    """`COMPETITION_TIME_ZONE` (default Asia/Shanghai): the zone of new contests, and of the
    pages that belong to no contest; an IANA name such as Asia/Urumqi."""
    text = environ.get("COMPETITION_TIME_ZONE", "").strip() or DEFAULT_TIME_ZONE
    name = zone_name(text)
    if name is None:
        raise SettingError(
            msg(
                N_(
                    "COMPETITION_TIME_ZONE is '{value}': an IANA time zone name such as "
                    "Asia/Shanghai is needed"
                ),
                value=text,
            )
        )
    return name


def proxy_count(environ: Mapping[str, str]) -> int:
    """`PROXY_COUNT`: how many reverse proxies (nginx) stand in front and may be trusted for
    X-Forwarded-For/-Proto/-Host; 0 (the default) trusts none."""
    text = environ.get("PROXY_COUNT", "").strip() or "0"
    if not text.isdigit():
        raise SettingError(
            msg(N_("PROXY_COUNT is '{value}': a whole number is needed (0: no proxy)"), value=text)
        )
    return int(text)


def async_mode(environ: Mapping[str, str]) -> str:
    """`SOCKETIO_ASYNC_MODE`: threading (the default) or gevent; `competition serve` picks the
    gunicorn worker that matches."""
    mode = environ.get("SOCKETIO_ASYNC_MODE", "").strip().lower() or ASYNC_MODES[0]
    if mode not in ASYNC_MODES:
        raise SettingError(
            msg(
                N_("SOCKETIO_ASYNC_MODE is '{value}': one of {modes} is needed"),
                value=mode,
                modes=", ".join(ASYNC_MODES),
            )
        )
    return mode


def database_uri(environ: Mapping[str, str], instance_path: Path) -> str:
    """`DATABASE_URL`; plain `postgres://` and `postgresql://` get the psycopg 3 driver."""
    url = environ.get("DATABASE_URL", "").strip()
    if not url:
        return f"sqlite:///{instance_path / 'competition.db'}"
    for scheme in ("postgres://", "postgresql://"):
        if url.startswith(scheme):
            return "postgresql+psycopg://" + url.removeprefix(scheme)
    return url


def scoring_rules_dir(environ: Mapping[str, str]) -> Path:
    configured = environ.get("SCORING_RULES_DIR", "").strip()
    return Path(configured).expanduser() if configured else REPOSITORY_ROOT / "scoring_rules"


def instance_secret_key(instance_path: Path) -> str:
    """Read the key generated on first run, or generate it; sessions survive restarts."""
    key_file = instance_path / SECRET_KEY_FILE
    try:
        descriptor = os.open(key_file, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return key_file.read_text(encoding="ascii").strip()
    key = secrets.token_hex(32)
    with os.fdopen(descriptor, "w", encoding="ascii") as handle:
        handle.write(key + "\n")
    return key
