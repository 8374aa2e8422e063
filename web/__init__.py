"""The Flask application. `create_app` is the composition root: the CLI, workers and tests all build the app here."""

import os
import secrets
from collections.abc import Mapping
from datetime import timedelta

from flask import Flask

from engine.domain.clock import VN_TZ
from engine.services import Services, build_services
from engine.services.settings import Settings


def create_app(config: Mapping[str, object] | None = None, *, clock=None, sender=None) -> Flask:
    """Build the application. `config` overrides settings (keys of `Settings`, e.g. `database_url`).

    `clock` and `sender` let tests and benchmarks inject a fake clock and a recording notification sender.
    """
    settings = Settings.from_env(os.environ).with_overrides(config or {})
    app = Flask(__name__)
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
    services = build_services(settings, clock=clock, sender=sender)
    app.extensions["motcua"] = services

    from web.auth import init_auth
    from web.errors import register_error_handlers
    from web.i18n import init_i18n
    from web.views import register_views

    app.jinja_env.filters["vn_datetime"] = vn_datetime
    app.jinja_env.filters["vn_date"] = vn_date
    init_i18n(app)
    init_auth(app)
    register_error_handlers(app)
    register_views(app)
    return app


def vn_datetime(moment) -> str:
    """dd/mm/yyyy HH:MM in Vietnam time ('' for None)."""
    return moment.astimezone(VN_TZ).strftime("%d/%m/%Y %H:%M") if moment else ""


def vn_date(moment) -> str:
    """dd/mm/yyyy ('' for None); a datetime is taken in Vietnam time."""
    if not moment:
        return ""
    if hasattr(moment, "astimezone") and hasattr(moment, "hour"):
        moment = moment.astimezone(VN_TZ)
    return moment.strftime("%d/%m/%Y")


def services_of(app: Flask) -> Services:
    return app.extensions["motcua"]
