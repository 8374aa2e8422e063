"""GET /api/v1/me: who the caller is and what their role may do (a client shows only the actions that work)."""

from flask import g
from marshmallow import fields

from engine.domain.permissions import ACTIONS, allowed, lanes_of
from web.api.base import ApiSchema
from web.api.core import operation
from web.auth import current_user


class MeSchema(ApiSchema):
    username = fields.Str(required=True)
    full_name = fields.Str(required=True)
    role = fields.Str(required=True, metadata={"description": "one_stop, specialist, division_head, director, ..."})
    role_label = fields.Str(required=True, metadata={"description": "the role in Vietnamese"})
    division = fields.Str(required=True)
    lanes = fields.List(fields.Str(), required=True, metadata={"description": "BPMN lanes whose tasks the role works"})
    actions = fields.List(fields.Str(), required=True, metadata={"description": "actions the role may do"})
    authenticated_by = fields.Str(required=True, metadata={"description": "token or session"})


@operation("/me", tag="me", summary="The signed-in account or the account a token acts as", response=MeSchema)
def me():
    user = current_user()
    return {
        "username": user.username,
        "full_name": user.full_name,
        "role": user.role,
        "role_label": user.role_label,
        "division": user.division,
        "lanes": lanes_of(user.role),
        "actions": [action for action in ACTIONS if allowed(user.role, action)],
        "authenticated_by": "token" if g.get("by_token") else "session",
    }
