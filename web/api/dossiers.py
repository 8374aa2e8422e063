"""Dossiers: receive one (the one-stop counter's reception), list them with filters, read one.

Reception checks the shape of the request here (types, unknown fields) and its meaning in the domain
(`engine.domain.reception`: applicant, channel, documents against the procedure's list, postal handover time);
both answer 422 with the fields, and nothing is written.
"""

from flask import url_for
from marshmallow import fields, validate

from engine.domain.numbers import MAX_OFFSET
from engine.domain.portal import APPLICANT_TYPES, CHANNEL_LABELS, DELIVERY_LABELS
from engine.services.dossiers import MAX_PAGE
from web.api.base import ApiSchema, Day, Moment
from web.api.core import operation, services
from web.api.tasks import TaskSchema
from web.auth import authorize_dossier, current_user


class ApplicantSchema(ApiSchema):
    type = fields.Int(
        required=True,
        strict=True,
        metadata={"description": "1 citizen, 2 company, 3 state body, 4 other", "enum": sorted(APPLICANT_TYPES)},
    )
    name = fields.Str(required=True)
    id_number = fields.Str(required=True, metadata={"description": "CCCD, passport or enterprise code"})
    address = fields.Str(required=True)
    phone = fields.Str(required=True)
    email = fields.Str(allow_none=True)
    submitter = fields.Str(
        allow_none=True,
        metadata={"description": "who hands the dossier in when not the applicant (a company's representative)"},
    )


class DocumentInSchema(ApiSchema):
    name = fields.Str(required=True, metadata={"description": "a document of the procedure's list"})
    received = fields.Bool(metadata={"description": "default true"})
    digitised = fields.Bool(metadata={"description": "scanned into the system; default false"})


class ReceiveSchema(ApiSchema):
    procedure_code = fields.Str(required=True)
    applicant = fields.Nested(ApplicantSchema, required=True)
    # The domain checks these (engine.domain.reception) with the procedure in view; the document lists the values.
    channel = fields.Int(
        required=True,
        strict=True,
        metadata={"description": "1 counter, 2 online, 3 postal", "enum": sorted(CHANNEL_LABELS)},
    )
    result_delivery = fields.Str(
        required=True, metadata={"description": "counter, post or online", "enum": list(DELIVERY_LABELS)}
    )
    documents = fields.List(
        fields.Nested(DocumentInSchema), required=True, metadata={"description": "every required document, received"}
    )
    fee_paid = fields.Bool(load_default=False)
    handover_at = Moment(
        allow_none=True,
        load_default=None,
        metadata={"description": "postal dossiers only: when the handover record with the postal worker was signed"},
    )


class DossierDocumentSchema(ApiSchema):
    name = fields.Str(required=True)
    originals = fields.Int(required=True)
    copies = fields.Int(required=True)
    required = fields.Bool(required=True)
    received = fields.Bool(required=True)
    digitised = fields.Bool(required=True)


class DossierSummarySchema(ApiSchema):
    code = fields.Str(required=True)
    procedure_code = fields.Str(required=True)
    procedure_name = fields.Str(required=True)
    applicant = fields.Nested(ApplicantSchema, required=True)
    channel = fields.Int(required=True)
    channel_label = fields.Method("_channel_label", metadata={"type": "string"})
    result_delivery = fields.Str(required=True)
    result_delivery_label = fields.Method("_delivery_label", metadata={"type": "string"})
    documents = fields.List(fields.Nested(DossierDocumentSchema), required=True)
    fee = fields.Int(required=True)
    fee_paid = fields.Bool(required=True)
    received_at = Moment(required=True)
    clock_start = Moment(required=True, metadata={"description": "when the time limit starts counting"})
    appointment = Moment(required=True, metadata={"description": "when the result is due (as moved by events)"})
    original_appointment = Moment(required=True)
    status = fields.Int(required=True, metadata={"description": "national portal status 1-10"})
    status_label = fields.Str(required=True)
    status_changed_at = Moment(required=True)
    supplement_count = fields.Int(required=True)
    extension_count = fields.Int(required=True)
    processing_end_at = Moment(allow_none=True)
    returned_at = Moment(allow_none=True)
    received_by = fields.Str(required=True)
    late = fields.Bool(required=True)
    legal_basis = fields.Str(
        required=True,
        metadata={"description": "the legal basis in force when it was received, kept for life: nd61-2018, nd118-2025"},
    )

    def _channel_label(self, dossier) -> str:
        return CHANNEL_LABELS.get(dossier.channel, "")

    def _delivery_label(self, dossier) -> str:
        return DELIVERY_LABELS.get(dossier.result_delivery, "")


class DossierSchema(DossierSummarySchema):
    tasks = fields.List(fields.Nested(TaskSchema), required=True, metadata={"description": "its open tasks"})


class DossierListQuery(ApiSchema):
    status = fields.Int(validate=validate.Range(1, 10, error="trạng thái là một số từ 1 đến 10"))
    procedure = fields.Str(metadata={"description": "procedure code"})
    received_from = Day(metadata={"description": "YYYY-MM-DD, inclusive (Vietnam time)"})
    received_to = Day(metadata={"description": "YYYY-MM-DD, inclusive (Vietnam time)"})
    limit = fields.Int(load_default=50, validate=validate.Range(1, MAX_PAGE, error=f"từ 1 đến {MAX_PAGE}"))
    offset = fields.Int(
        load_default=0, validate=validate.Range(0, MAX_OFFSET, error=f"số nguyên từ 0 đến {MAX_OFFSET}")
    )


class DossierListSchema(ApiSchema):
    items = fields.List(fields.Nested(DossierSummarySchema), required=True)
    limit = fields.Int(required=True)
    offset = fields.Int(required=True)


@operation(
    "/dossiers",
    "POST",
    tag="dossiers",
    summary="Receive a complete dossier: registers it (code, appointment, status 2) and starts its procedure",
    action="dossier.receive",
    body=ReceiveSchema,
    response=DossierSchema,
    status=201,
)
def receive_dossier(body):
    view = services().reception.receive(
        body["procedure_code"],
        _without_none(body["applicant"]),
        body["channel"],
        body["result_delivery"],
        body["documents"],
        current_user().username,
        handover_at=body["handover_at"],
        fee_paid=body["fee_paid"],
    )
    return view, {"Location": url_for("api.get_dossier", code=view.code)}


@operation(
    "/dossiers",
    tag="dossiers",
    summary="Dossiers, latest received first, filtered by status, procedure and reception dates",
    action="dossier.list",
    query=DossierListQuery,
    response=DossierListSchema,
)
def list_dossiers(query):
    views = services().dossiers.list(
        status=query.get("status"),
        procedure_code=query.get("procedure"),
        received_from=query.get("received_from"),
        received_to=query.get("received_to"),
        limit=query["limit"],
        offset=query["offset"],
    )
    return {"items": views, "limit": query["limit"], "offset": query["offset"]}


@operation(
    "/dossiers/<code>",
    tag="dossiers",
    summary="One dossier with its open tasks (officers involved in it, auditors and administrators)",
    action="dossier.view",
    response=DossierSchema,
)
def get_dossier(code):
    authorize_dossier(code)
    return services().dossiers.get(code)


def _without_none(applicant: dict) -> dict:
    return {key: value for key, value in applicant.items() if value is not None}
