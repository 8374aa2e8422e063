"""Feedback and petitions (PAKN) from the national portal: POST /api/v1/feedback with a system's token; the public
list of answers: GET /api/v1/feedback/answers (no sign-in)."""

from marshmallow import fields, validate

from web.api.base import ApiSchema
from web.api.core import operation, services


class FeedbackInSchema(ApiSchema):
    kind = fields.Str(required=True, metadata={"description": "rule (administrative rules) or handling (a dossier)"})
    name = fields.Str(required=True, validate=validate.Length(min=1, max=300))
    contact = fields.Str(required=True, metadata={"description": "e-mail address or phone number for the answer"})
    subject = fields.Str(required=True, validate=validate.Length(min=1, max=500))
    content = fields.Str(required=True, validate=validate.Length(min=1, max=8000))
    dossier_code = fields.Str(load_default="", validate=validate.Length(max=100))


class FeedbackOutSchema(ApiSchema):
    code = fields.Str(required=True)
    kind = fields.Str(required=True)
    channel = fields.Str(required=True)
    subject = fields.Str(required=True)
    received_at = fields.DateTime(required=True)
    due_at = fields.DateTime(required=True, metadata={"description": "the answer is due by then (working days)"})
    status = fields.Str(required=True, metadata={"description": "open or published"})
    answer = fields.Str(allow_none=True)
    published_at = fields.DateTime(allow_none=True)


class FeedbackListSchema(ApiSchema):
    items = fields.List(fields.Nested(FeedbackOutSchema), required=True)


@operation(
    "/feedback",
    "POST",
    tag="feedback",
    summary="Receive a feedback or petition from the national portal; starts its process",
    action="feedback.receive",
    body=FeedbackInSchema,
    response=FeedbackOutSchema,
    status=201,
)
def receive_feedback(body):
    from web.auth import current_user

    return services().feedback.submit(
        body["kind"],
        "portal",
        body["name"],
        body["contact"],
        body["subject"],
        body["content"],
        body.get("dossier_code", ""),
        current_user().username,
    )


@operation(
    "/feedback/answers",
    tag="feedback",
    summary="The answered feedback and petitions, as published",
    public=True,
    response=FeedbackListSchema,
)
def feedback_answers():
    return {"items": services().feedback.published(limit=100)}
