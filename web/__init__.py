"""The Flask application. `create_app` is the composition root: the CLI, workers and tests all build the app here."""

import importlib
import os
import secrets
from collections.abc import Mapping
from datetime import timedelta

from flask import Flask

from engine.domain.dates import vn_date, vn_stamp
from engine.domain.ports import Adapters
from engine.services.settings import Settings
from engine.services.wiring import Services, build_services
from web.requests import UploadClosingRequest


def create_app(
    config: Mapping[str, object] | None = None, *, clock=None, sender=None, portal=None, postal=None
) -> Flask:
    """Build the application. `config` overrides settings (keys of `Settings`, e.g. `database_url`).

    `clock`, `sender`, `portal` and `postal` let tests and benchmarks inject a fake clock and adapters of their own;
    otherwise the adapters are the ones the settings name.
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
    services = build_services(settings, build_adapters(settings, sender, portal, postal), clock=clock)
    app.extensions["motcua"] = services

    from web.auth import init_auth
    from web.errors import register_error_handlers
    from web.i18n import init_i18n
    from web.security import init_security_headers
    from web.views import register_views

    app.jinja_env.filters["vn_datetime"] = vn_stamp  # pages show moments as 08/10/2026 08:05
    app.jinja_env.filters["vn_date"] = vn_date
    init_i18n(app, {p.name: p.name_en for p in services.dossiers.catalogue if p.name_en}, services.deploy.english_names)
    init_auth(app)
    register_error_handlers(app)
    init_security_headers(app)
    register_views(app)
    return app


def load_object(path: str):
    """Import `package.module:Name`: adapters are chosen by settings, never imported by name in the web layer."""
    module, _, name = path.partition(":")
    return getattr(importlib.import_module(module), name)


def build_adapters(settings: Settings, sender=None, portal=None, postal=None) -> Adapters:
    """The adapter of each port: the one given, else the class the settings name, built with its partner's options
    (base URL, shared secret, our agency code as partner id, timeout)."""

    def partner(url: str, secret: str) -> dict:
        return {"url": url, "secret": secret, "partner": settings.agency_code, "timeout": settings.adapter_timeout}

    mail = {
        "smtp_host": settings.smtp_host,
        "smtp_port": settings.smtp_port,
        "mail_from": settings.mail_from,
        "public_url": settings.public_url,
        "timeout": settings.adapter_timeout,
        "smtp_ledger": settings.smtp_ledger,
        "zalo_url": settings.zalo_url,
        "zalo_token": settings.zalo_token,
    }
    return Adapters(
        notifier=sender if sender is not None else load_object(settings.notification_sender)(**mail),
        portal=portal
        if portal is not None
        else load_object(settings.portal_gateway)(**partner(settings.portal_url, settings.portal_secret)),
        postal=postal
        if postal is not None
        else load_object(settings.postal_service)(**partner(settings.postal_url, settings.postal_secret)),
    )


def services_of(app: Flask) -> Services:
    return app.extensions["motcua"]
