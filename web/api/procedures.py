"""The procedure catalogue: GET /api/v1/procedures?q=, GET /api/v1/procedures/<code>."""

from marshmallow import fields, validate

from engine.domain.catalogue import Procedure
from engine.domain.errors import NotFound
from web.api.base import ApiSchema
from web.api.core import operation, services


class ProcedureQuery(ApiSchema):
    q = fields.Str(
        validate=validate.Length(max=200, error="tối đa 200 ký tự"),
        metadata={"description": "words of the name or part of the code, diacritics ignored ('giay phep x quang')"},
    )


class TimeLimitSchema(ApiSchema):
    amount = fields.Float(required=True)
    unit = fields.Str(required=True, metadata={"description": "wd working days, wh working hours, d calendar days"})
    text = fields.Str(required=True, metadata={"description": "in words, e.g. '5 working days'"})


class RequiredDocumentSchema(ApiSchema):
    name = fields.Str(required=True)
    originals = fields.Int(required=True)
    copies = fields.Int(required=True)
    required = fields.Bool(required=True)


class ProcedureSchema(ApiSchema):
    code = fields.Str(required=True, metadata={"description": "national procedure code, e.g. 1.000047.000.00.00.H56"})
    name = fields.Str(required=True)
    field = fields.Str(required=True)
    division = fields.Str(required=True)
    time_limit = fields.Nested(TimeLimitSchema, required=True)
    fee = fields.Int(required=True, metadata={"description": "VND"})
    channels = fields.List(fields.Str(), required=True, metadata={"description": "counter, online, postal"})
    result_by_post = fields.Bool(required=True)
    documents = fields.List(fields.Nested(RequiredDocumentSchema), required=True)
    supplement_policy = fields.Str(required=True, metadata={"description": "restart or pause"})
    legal_basis = fields.List(fields.Str(), required=True)
    process = fields.Str(required=True, metadata={"description": "id of the BPMN process that resolves it"})


class ProcedureListSchema(ApiSchema):
    items = fields.List(fields.Nested(ProcedureSchema), required=True)
    total = fields.Int(required=True)


def _procedure(procedure: Procedure) -> dict:
    amount, unit = procedure.time_limit
    return {
        **{name: getattr(procedure, name) for name in ProcedureSchema().fields if name != "time_limit"},
        "time_limit": {"amount": amount, "unit": unit, "text": procedure.time_limit_text},
    }


@operation(
    "/procedures",
    tag="procedures",
    summary="Procedures of the catalogue, searched by name or code",
    action="procedure.read",
    query=ProcedureQuery,
    response=ProcedureListSchema,
)
def list_procedures(query):
    found = services().dossiers.catalogue.search(query.get("q", ""))
    return {"items": [_procedure(p) for p in found], "total": len(found)}


@operation(
    "/procedures/<code>",
    tag="procedures",
    summary="One procedure: time limit, fee, channels, required documents",
    action="procedure.read",
    response=ProcedureSchema,
)
def get_procedure(code):
    procedure = services().dossiers.catalogue.get(code)
    if procedure is None:
        raise NotFound(f"Không có thủ tục mã {code} trong danh mục")
    return _procedure(procedure)
