"""Tasks: the caller's task list, one task with its form's JSON Schema, claim, release, complete.

The list is scoped to the caller: `scope=role` (default) is every open task in the lanes of the caller's role,
`scope=mine` those of them the caller has claimed. One task: its lane must be the caller's role's
(`authorize_task`), the same rule as the task pages.
"""

from dataclasses import asdict

from marshmallow import fields, validate

from engine.domain.errors import NotFound
from engine.domain.numbers import MAX_OFFSET
from engine.services.instances import TaskRow
from engine.services.task_list import DEADLINES, MAX_PAGE, SORTS, TaskQuery
from web.api.base import ApiSchema, Moment
from web.api.core import operation, services
from web.auth import authorize_task, current_user, task_query_scope


class TaskSchema(ApiSchema):
    task_id = fields.Str(required=True)
    dossier_code = fields.Str(required=True, attribute="code")
    process_id = fields.Str(required=True)
    name = fields.Str(required=True, metadata={"description": "the BPMN task id, e.g. tham_dinh"})
    title = fields.Str(required=True)
    lane = fields.Str(allow_none=True)
    assignee = fields.Str(allow_none=True, metadata={"description": "who claimed it (null: nobody)"})
    ready_at = Moment(required=True)
    due_at = Moment(allow_none=True, metadata={"description": "the step deadline"})
    properties = fields.Dict(metadata={"description": "the task's extension properties (allotment, form, ...)"})
    procedure_code = fields.Str(allow_none=True)
    applicant_name = fields.Str(allow_none=True)
    appointment = Moment(allow_none=True, metadata={"description": "the dossier's appointment"})
    portal_status = fields.Int(allow_none=True)
    deadline_state = fields.Str(metadata={"description": "overdue, soon (within 4 working hours), in_time, none"})


class TaskDetailSchema(TaskSchema):
    form = fields.Dict(required=True, metadata={"description": "JSON Schema of the data `complete` accepts"})


class TaskListQuery(ApiSchema):
    scope = fields.Str(
        load_default="role",
        validate=validate.OneOf(("mine", "role"), error="là mine (việc tôi đã nhận) hoặc role (việc của vai trò)"),
    )
    procedure = fields.Str(metadata={"description": "procedure code"})
    code = fields.Str(metadata={"description": "dossier code"})
    status = fields.Int(
        validate=validate.Range(1, 10, error="trạng thái là một số từ 1 đến 10"),
        metadata={"description": "national portal status"},
    )
    deadline = fields.Str(
        validate=validate.OneOf(DEADLINES, error="là overdue (quá hạn), soon (sắp đến hạn) hoặc in_time (còn hạn)")
    )
    sort = fields.Str(
        load_default="due_at",
        validate=validate.OneOf(tuple(SORTS), error=f"sắp xếp theo một trong: {', '.join(SORTS)}"),
    )
    desc = fields.Bool(load_default=False)
    limit = fields.Int(load_default=50, validate=validate.Range(1, MAX_PAGE, error=f"từ 1 đến {MAX_PAGE}"))
    offset = fields.Int(
        load_default=0, validate=validate.Range(0, MAX_OFFSET, error=f"số nguyên từ 0 đến {MAX_OFFSET}")
    )


class TaskPageSchema(ApiSchema):
    items = fields.List(fields.Nested(TaskSchema), required=True)
    total = fields.Int(required=True, metadata={"description": "how many tasks match, over all pages"})
    limit = fields.Int(required=True)
    offset = fields.Int(required=True)


class CompleteSchema(ApiSchema):
    data = fields.Dict(required=True, metadata={"description": "the form's data, valid against the task's form"})


class OutcomeSchema(ApiSchema):
    task_id = fields.Str(required=True)
    dossier_code = fields.Str(required=True)
    dossier_status = fields.Int(allow_none=True, metadata={"description": "portal status after the step"})
    dossier_status_label = fields.Str(allow_none=True)
    open_tasks = fields.List(fields.Nested(TaskSchema), required=True, metadata={"description": "what comes next"})


def task_dict(row: TaskRow, state: str | None = None) -> dict:
    return {**asdict(row), **({"deadline_state": state} if state else {})}


def _task(task_id: str) -> TaskRow:
    row = services().task_list.get(task_id)
    authorize_task(row)
    return row


@operation(
    "/tasks",
    tag="tasks",
    summary="Open tasks of the caller's role (scope=role) or claimed by the caller (scope=mine), with the total",
    action="task.list",
    query=TaskListQuery,
    response=TaskPageSchema,
)
def list_tasks(query):
    user = current_user()
    page = services().task_list.page(
        TaskQuery(
            **task_query_scope(),
            assignee=user.username if query["scope"] == "mine" else None,
            procedure_code=query.get("procedure"),
            portal_status=query.get("status"),
            deadline=query.get("deadline"),
            code=query.get("code"),
            sort=query["sort"],
            descending=query["desc"],
            limit=query["limit"],
            offset=query["offset"],
        )
    )
    items = [task_dict(row, page.states.get(row.task_id)) for row in page.rows]
    return {"items": items, "total": page.total, "limit": query["limit"], "offset": query["offset"]}


@operation(
    "/tasks/<task_id>",
    tag="tasks",
    summary="One open task of the caller's lanes, with the JSON Schema of its form",
    action="task.list",
    response=TaskDetailSchema,
)
def get_task(task_id):
    row = _task(task_id)
    return {**task_dict(row), "form": services().task_forms.form(row)}


@operation(
    "/tasks/<task_id>/claim",
    "POST",
    tag="tasks",
    summary="Claim a task (nobody else may complete it until released)",
    action="task.work",
    response=TaskSchema,
)
def claim_task(task_id):
    _task(task_id)
    services().instances.claim(task_id, current_user().username)
    return task_dict(services().task_list.get(task_id))


@operation(
    "/tasks/<task_id>/release",
    "POST",
    tag="tasks",
    summary="Release a task the caller claimed",
    action="task.work",
    response=TaskSchema,
)
def release_task(task_id):
    _task(task_id)
    services().instances.release(task_id, current_user().username)
    return task_dict(services().task_list.get(task_id))


@operation(
    "/tasks/<task_id>/complete",
    "POST",
    tag="tasks",
    summary="Complete a task with its form's data (validated against the form: 422 with the fields when invalid)",
    action="task.work",
    body=CompleteSchema,
    response=OutcomeSchema,
)
def complete_task(task_id, body):
    row = _task(task_id)
    services().task_forms.complete(task_id, body["data"], current_user().username)
    outcome = {"task_id": task_id, "dossier_code": row.code, "dossier_status": None, "dossier_status_label": None}
    try:
        dossier = services().dossiers.get(row.code)
    except NotFound:  # an instance that is not a dossier (a demo process started by hand)
        return {**outcome, "open_tasks": services().instances.tasks(code=row.code)}
    return {
        **outcome,
        "dossier_status": dossier.status,
        "dossier_status_label": dossier.status_label,
        "open_tasks": list(dossier.tasks),
    }
