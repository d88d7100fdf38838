"""The application factory: extensions, blueprints and error pages on one Flask app."""

from __future__ import annotations

from collections.abc import Mapping

from flask import Flask
from flask_babel import lazy_gettext
from flask_wtf.csrf import CSRFError

from competition import database, i18n
from competition.config import REPOSITORY_ROOT, configure
from competition.extensions import babel, csrf, db, login_manager, migrate, socketio
from competition.web import (
    auth,
    blind,
    console,
    entrants,
    errors,
    judge,
    judges,
    monitor,
    public,
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
    register_extensions(app)
    register_blueprints(app)
    register_errorhandlers(app)
    return app


def register_extensions(app: Flask) -> None:
    import competition.models  # noqa: F401  - registers the tables with the metadata
    import competition.realtime  # noqa: F401  - registers the Socket.IO namespaces

    db.init_app(app)
    migrate.init_app(app, db, directory=str(REPOSITORY_ROOT / "migrations"), render_as_batch=True)
    database.init_app(app)
    babel.init_app(app, locale_selector=i18n.select_locale)
    csrf.init_app(app)
    login_manager.init_app(app)
    login_manager.login_view = "auth.login"
    login_manager.login_message = lazy_gettext("Please sign in.")
    app.context_processor(i18n.locale_context)
    socketio.init_app(
        app,
        async_mode="threading",
        message_queue=app.config.get("SOCKETIO_MESSAGE_QUEUE") or None,
        cors_allowed_origins=None,  # same origin only; [] would switch the Origin check off
    )


def register_blueprints(app: Flask) -> None:
    app.register_blueprint(public.bp)
    app.register_blueprint(auth.bp)
    app.register_blueprint(console.bp)
    app.register_blueprint(judges.bp)
    app.register_blueprint(entrants.bp)
    app.register_blueprint(blind.bp)
    app.register_blueprint(judge.bp)
    app.register_blueprint(monitor.bp)


def register_errorhandlers(app: Flask) -> None:
    app.register_error_handler(403, errors.forbidden)
    app.register_error_handler(404, errors.not_found)
    app.register_error_handler(CSRFError, errors.bad_form)
    app.register_error_handler(500, errors.server_error)
