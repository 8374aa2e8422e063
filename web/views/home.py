"""The home page: what is deployed, and links to the parts that exist."""

from flask import Blueprint, current_app, render_template

from engine.domain.permissions import allowed
from engine.services.task_list import TaskQuery
from web.auth import current_user, require, task_query_scope

bp = Blueprint("home", __name__)


@bp.get("/")
@require()
def index():
    services = current_app.extensions["motcua"]
    versions = services.deploy.versions()
    latest: dict[str, object] = {}
    for version in versions:
        latest[version.process_id] = version  # ordered by number: the last one wins
    role = current_user().role
    # Officers see the first tasks of their role's lanes; other roles have no tasks of their own.
    tasks = (
        services.task_list.page(TaskQuery(**task_query_scope(), limit=10)).rows if allowed(role, "task.list") else []
    )
    return render_template(
        "home.html",
        processes=sorted(latest.values(), key=lambda v: v.name),
        version_count=len(versions),
        open_tasks=tasks,
    )


@bp.get("/healthz")
def health():
    return {"status": "ok"}
