"""The home page: what is deployed, and links to the parts that exist."""

from flask import Blueprint, current_app, render_template

from web.auth import require

bp = Blueprint("home", __name__)


@bp.get("/")
@require()
def index():
    services = current_app.extensions["motcua"]
    versions = services.deploy.versions()
    latest: dict[str, object] = {}
    for version in versions:
        latest[version.process_id] = version  # ordered by number: the last one wins
    return render_template(
        "home.html",
        processes=sorted(latest.values(), key=lambda v: v.name),
        version_count=len(versions),
        open_tasks=services.instances.tasks(limit=10),
    )


@bp.get("/healthz")
def health():
    return {"status": "ok"}
