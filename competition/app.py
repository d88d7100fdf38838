"""The application factory: extensions, blueprints and error pages on one Flask app."""

from __future__ import annotations

from collections.abc import Mapping

from flask import Flask
from flask_babel import lazy_gettext
from flask_wtf.csrf import CSRFError
from sqlalchemy.exc import OperationalError
from sqlalchemy.exc import TimeoutError as PoolTimeout
from werkzeug.middleware.proxy_fix import ProxyFix

from competition import database, i18n
from competition.config import REPOSITORY_ROOT, configure
from competition.extensions import babel, csrf, db, limiter, login_manager, migrate, socketio
from competition.realtime.payloads import BoundedPacket
from competition.web import (
    api,
    auth,
    awards,
    blind,
    console,
    contest_templates,
    entrants,
    errors,
    judge,
    judges,
    live,
    monitor,
    organisations,
    people,
    pool,
    programmes,
    public,
    qualifiers,
    results,
    security,
)


def create_app(config: Mapping[str, object] | None = None) -> Flask:
    """Build the app; `config` overrides the environment (``INSTANCE_PATH`` moves `instance/`)."""
    overrides = dict(config or {})
    instance_path = overrides.pop("INSTANCE_PATH", None)
    app = Flask(
        __name__,
        instance_path=str(instance_path) if instance_path else None,
        template_folder=REPOSITORY_ROOT / "templates",
        static_folder=REPOSITORY_ROOT / "static",
    )
    configure(app, overrides)
    security.init_app(app)
    register_extensions(app)
    register_blueprints(app)
    register_errorhandlers(app)
    proxies = int(app.config.get("PROXY_COUNT") or 0)
    if proxies:  # behind nginx: the links the app makes (QR codes) get https and the real host
        app.wsgi_app = ProxyFix(  # type: ignore[method-assign]
            app.wsgi_app, x_for=proxies, x_proto=proxies, x_host=proxies
        )
    return app


def register_extensions(app: Flask) -> None:
    import competition.models  # noqa: F401  - registers the tables with the metadata
    import competition.realtime  # noqa: F401  - registers the Socket.IO namespaces

    db.init_app(app)
    migrate.init_app(app, db, directory=str(REPOSITORY_ROOT / "migrations"), render_as_batch=True)
    database.init_app(app)
    babel.init_app(app, locale_selector=i18n.select_locale)
    csrf.init_app(app)
    limiter.init_app(app)
    login_manager.init_app(app)
    login_manager.login_view = "auth.login"
    login_manager.login_message = lazy_gettext("Please sign in.")
    app.context_processor(i18n.locale_context)
    i18n.init_time_filters(app)
    socketio.init_app(
        app,
        async_mode=app.config["SOCKETIO_ASYNC_MODE"],
        message_queue=app.config.get("SOCKETIO_MESSAGE_QUEUE") or None,
        channel=app.config["SOCKETIO_CHANNEL"],
        cors_allowed_origins=None,  # same origin only; [] would switch the Origin check off
        serializer=BoundedPacket,  # packets decoded within bounds (realtime/payloads.py)
    )


def register_blueprints(app: Flask) -> None:
    app.register_blueprint(public.bp)
    app.register_blueprint(auth.bp)
    app.register_blueprint(console.bp)
    app.register_blueprint(contest_templates.bp)
    app.register_blueprint(organisations.bp)
    app.register_blueprint(programmes.bp)
    app.register_blueprint(judges.bp)
    app.register_blueprint(pool.bp)
    app.register_blueprint(entrants.bp)
    app.register_blueprint(qualifiers.bp)
    app.register_blueprint(blind.bp)
    app.register_blueprint(judge.bp)
    app.register_blueprint(monitor.bp)
    app.register_blueprint(api.bp)
    app.register_blueprint(live.bp)
    app.register_blueprint(results.bp)
    app.register_blueprint(awards.bp)
    app.register_blueprint(people.bp)


def register_errorhandlers(app: Flask) -> None:
    app.register_error_handler(403, errors.forbidden)
    app.register_error_handler(404, errors.not_found)
    app.register_error_handler(413, errors.too_large)
    app.register_error_handler(429, errors.too_many)
    app.register_error_handler(CSRFError, errors.bad_form)
    app.register_error_handler(500, errors.server_error)
    app.register_error_handler(PoolTimeout, errors.database_unavailable)
    app.register_error_handler(OperationalError, errors.database_unavailable)
