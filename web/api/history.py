"""What happened to a dossier and the papers it produced: its history (hash-chained events, with the chain's
verification for auditors and administrators) and its forms, Mẫu 01-05, as PDF or HTML.

Both need `authorize_dossier`: officers involved in the dossier, auditors and administrators.
"""

from flask import Response
from marshmallow import fields, validate

from engine.domain.permissions import allowed
from engine.services.documents import DOSSIER_FORM_NAMES
from web.api.base import ApiSchema, Moment
from web.api.core import operation, services
from web.auth import authorize_dossier, current_user

FORMATS = {"pdf": "application/pdf", "html": "text/html"}


class EventSchema(ApiSchema):
    seq = fields.Int(required=True, metadata={"description": "1, 2, ... within the dossier"})
    tag = fields.Str(required=True, metadata={"description": "e.g. dossier:task:completed"})
    at = Moment(required=True)
    actor = fields.Str(required=True)
    task_id = fields.Str(allow_none=True)
    payload = fields.Dict(required=True)
    hash = fields.Str(required=True, metadata={"description": "SHA-256 over the previous hash and this event"})


class VerificationSchema(ApiSchema):
    events = fields.Int(required=True, metadata={"description": "how many events were checked"})
    intact = fields.Bool(required=True, metadata={"description": "every hash recomputes and links to the previous"})
    problem = fields.Str(required=True, metadata={"description": "the first break ('' when intact)"})


class HistorySchema(ApiSchema):
    code = fields.Str(required=True)
    events = fields.List(fields.Nested(EventSchema), required=True)
    verification = fields.Nested(
        VerificationSchema,
        allow_none=True,
        metadata={"description": "the chain check; only for auditors and administrators (null for others)"},
    )


class FormQuery(ApiSchema):
    format = fields.Str(
        load_default="pdf",
        validate=validate.OneOf(tuple(FORMATS), error="là pdf hoặc html"),
        metadata={"default": "pdf"},
    )


@operation(
    "/dossiers/<code>/history",
    tag="dossiers",
    summary="The dossier's history events in order, with the hash chain's verification for auditors",
    action="dossier.view",
    response=HistorySchema,
)
def dossier_history(code):
    authorize_dossier(code)
    events = services().instances.history(code)
    verification = services().instances.verify(code) if allowed(current_user().role, "dossier.verify") else None
    return {"code": code, "events": events, "verification": verification}


@operation(
    "/dossiers/<code>/forms/<form>",
    tag="dossiers",
    summary="A form of the dossier by meaning (receipt, supplement_request, reception_refusal, apology, stop_notice, "
    "control_slip, appraisal_refusal) or by its template in the dossier's form set (mau_01 ...), as PDF (default) or "
    "HTML",
    action="dossier.view",
    query=FormQuery,
    media=tuple(FORMATS.values()),
    path_values={"form": DOSSIER_FORM_NAMES},
)
def dossier_form(code, form, query):
    authorize_dossier(code)
    content, name = services().documents.render(code, form, query["format"])
    response = Response(content, mimetype=FORMATS[query["format"]])
    response.headers["Content-Disposition"] = f'inline; filename="{name}"'
    return response
