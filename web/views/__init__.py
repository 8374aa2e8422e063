"""The blueprints of the application, registered in one place."""

from flask import Flask


def register_views(app: Flask) -> None:
    from web.views.auth import bp as auth_bp
    from web.views.home import bp as home_bp

    app.register_blueprint(home_bp)
    app.register_blueprint(auth_bp)
    from web.views.tasks import bp as tasks_bp

    app.register_blueprint(tasks_bp)
    from web.api import bp as api_bp

    app.register_blueprint(api_bp)
    from web.views.admin import bp as admin_bp

    app.register_blueprint(admin_bp)
    from web.views.counter import bp as counter_bp
    from web.views.dossiers import bp as dossiers_bp

    app.register_blueprint(counter_bp)
    app.register_blueprint(dossiers_bp)
