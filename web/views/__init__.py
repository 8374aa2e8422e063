"""The blueprints of the application, registered in one place."""

from flask import Flask


def register_views(app: Flask) -> None:
    from web.views.auth import bp as auth_bp
    from web.views.home import bp as home_bp

    app.register_blueprint(home_bp)
    app.register_blueprint(auth_bp)
