"""The REST API under /api/v1: JSON in and out through marshmallow schemas, an OpenAPI 3 document generated from
them, bearer tokens for systems and the session cookie (with the CSRF header) for the pages' scripts.

Each resource is one module; importing them declares their routes on the blueprint (`web.api.core.operation`).
"""

from web.api import calendar, dossiers, feedback, history, me, openapi, procedures, tasks  # noqa: F401  (declare the routes)
from web.api.core import bp

__all__ = ["bp"]
