"""The Flask application. `create_app` is the composition root: the CLI, workers and tests all build the app here."""

import importlib
import os
import secrets
from collections.abc import Mapping
from datetime import timedelta

from flask import Flask

from engine.domain.dates import vn_date, vn_stamp
from engine.services.settings import Settings
from engine.services.wiring import Services, build_services
from web.requests import UploadClosingRequest


def create_app(config: Mapping[str, object] | None = None, *, clock=None, sender=None) -> Flask:
    """Build the application. `config` overrides settings (keys of `Settings`, e.g. `database_url`).

    `clock` and `sender` let tests and benchmarks inject a fake clock and a recording notification sender.
    """
    settings = Settings.from_env(os.environ).with_overrides(config or {})
    app = Flask(__name__)
    app.request_class = UploadClosingRequest
    app.config.update(
        SECRET_KEY=settings.secret_key or secrets.token_hex(32),
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Lax",
        SESSION_COOKIE_SECURE=settings.secure_cookies,
        SESSION_COOKIE_NAME="motcua_session",
        PERMANENT_SESSION_LIFETIME=timedelta(hours=settings.session_hours),
        MAX_CONTENT_LENGTH=60 * 1024 * 1024,  # several scans of up to 20 MiB each (dossier_files refuses larger)
    )
    app.json.ensure_ascii = False  # Vietnamese stays readable in JSON answers
    sender = sender if sender is not None else load_object(settings.notification_sender)()
    services = build_services(settings, sender, clock=clock)
    app.extensions["motcua"] = services

    from web.auth import init_auth
    from web.errors import register_error_handlers
    from web.i18n import init_i18n
    from web.security import init_security_headers
    from web.views import register_views

    app.jinja_env.filters["vn_datetime"] = vn_stamp  # pages show moments as 08/10/2026 08:05
    app.jinja_env.filters["vn_date"] = vn_date
    init_i18n(app)
    init_auth(app)
    register_error_handlers(app)
    init_security_headers(app)
    register_views(app)
    return app


def load_object(path: str):
    """Import `package.module:Name`: adapters are chosen by settings, never imported by name in the web layer."""
    module, _, name = path.partition(":")
    return getattr(importlib.import_module(module), name)


def services_of(app: Flask) -> Services:
    return app.extensions["motcua"]
