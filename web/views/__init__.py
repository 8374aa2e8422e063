"""The blueprints of the application, registered in one place."""

from flask import Flask


def register_views(app: Flask) -> None:
    from web.api import bp as api_bp
    from web.inbound import bp as inbound_bp
    from web.views.admin import bp as admin_bp
    from web.views.audit import bp as audit_bp
    from web.views.auth import bp as auth_bp
    from web.views.counter import bp as counter_bp
    from web.views.designer import bp as designer_bp
    from web.views.designer_import import bp as designer_import_bp
    from web.views.dossiers import bp as dossiers_bp
    from web.views.feedback import bp as feedback_bp
    from web.views.home import bp as home_bp
    from web.views.indicators import bp as indicators_bp
    from web.views.outbox import bp as outbox_bp
    from web.views.profile import bp as profile_bp
    from web.views.public import bp as public_bp
    from web.views.registers import bp as registers_bp
    from web.views.reports import bp as reports_bp
    from web.views.tasks import bp as tasks_bp

    blueprints = (
        home_bp,
        auth_bp,
        counter_bp,
        tasks_bp,
        dossiers_bp,
        audit_bp,
        admin_bp,
        outbox_bp,
        indicators_bp,
        reports_bp,
        registers_bp,
        public_bp,
        feedback_bp,
        designer_bp,
        designer_import_bp,
        api_bp,
        inbound_bp,
        profile_bp,
    )
    for blueprint in blueprints:
        app.register_blueprint(blueprint)
