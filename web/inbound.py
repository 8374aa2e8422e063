"""Inbound messages of partners over HTTP: POST /api/doi-tac/<partner>/<kind> with the X-Timestamp and X-Signature
headers (engine.domain.signing). 200 with the acknowledgement (also for a replayed message id), 401 when the
signature or the timestamp is wrong, 422 naming each field at fault, 404 for an unknown partner or kind. A refusal
by the agency (e.g. a procedure closed to this channel) is a 200 whose `state` is `refused` with the reason, so that
the partner does not send it again."""

from flask import Blueprint, current_app, jsonify, request

from engine.domain.signing import HEADER_SIGNATURE, HEADER_TIMESTAMP

bp = Blueprint("inbound", __name__, url_prefix="/api/doi-tac")


@bp.post("/<partner>/<kind>")
def receive(partner: str, kind: str):
    inbox = current_app.extensions["motcua"].inbox
    ack = inbox.receive(
        partner,
        kind,
        request.headers.get(HEADER_TIMESTAMP, ""),
        request.headers.get(HEADER_SIGNATURE, ""),
        request.get_data(cache=False),
    )
    return jsonify(
        {
            "message_id": ack.message_id,
            "state": ack.state,
            "replayed": ack.replayed,
            "result": ack.result,
            "error": ack.error,
        }
    )
