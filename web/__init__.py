"""The Flask application. `create_app` is the composition root: the CLI, workers and tests all build the app here."""

import os
import secrets
from collections.abc import Mapping

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
        JSON_AS_ASCII=False,
    )
    services = build_services(settings, clock=clock, sender=sender)
    app.extensions["motcua"] = services

    from web.errors import register_error_handlers
    from web.views.home import bp as home_bp

    app.jinja_env.filters["vn_datetime"] = lambda moment: moment.astimezone(VN_TZ).strftime("%d/%m/%Y %H:%M")
    register_error_handlers(app)
    app.register_blueprint(home_bp)
    return app


def services_of(app: Flask) -> Services:
    return app.extensions["motcua"]
