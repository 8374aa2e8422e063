"""Security headers on every response: a Content-Security-Policy the pages satisfy, no framing by other sites, no
content sniffing, no referrer leaving the site.

Pages load scripts and styles only from this site (no inline script anywhere: each page's script is a file under
web/static/). Letters (Mẫu 01-06 as HTML) carry their print styles inline and run no script at all; the task page
frames the apology letter's preview, so letters may be framed by our own pages and nothing else.
"""

from flask import Flask, Response, request

PAGE_POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; font-src 'self'; "
    "connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
)
LETTER_POLICY = (
    "default-src 'none'; style-src 'unsafe-inline'; img-src 'self' data:; font-src 'self' data:; "
    "base-uri 'none'; form-action 'none'; frame-ancestors 'self'"
)
# The modeler page: bpmn-js-properties-panel builds its containers from HTML text with `style` attributes, which the
# page policy blocks (the panel then loses its height). Style attributes only, on this designers' page only: scripts
# and style sheets stay as strict as everywhere.
MODELER_POLICY = PAGE_POLICY + "; style-src-attr 'unsafe-inline'"
MODELER_ENDPOINTS = frozenset({"designer.show"})
LETTER_ENDPOINTS = frozenset({"tasks.preview", "dossiers.form", "api.dossier_form"})


def _add_headers(response: Response) -> Response:
    letter = request.endpoint in LETTER_ENDPOINTS
    headers = response.headers
    policy = MODELER_POLICY if request.endpoint in MODELER_ENDPOINTS else PAGE_POLICY
    headers.setdefault("Content-Security-Policy", LETTER_POLICY if letter else policy)
    headers.setdefault("X-Frame-Options", "SAMEORIGIN" if letter else "DENY")
    headers.setdefault("X-Content-Type-Options", "nosniff")
    headers.setdefault("Referrer-Policy", "no-referrer")
    return response


def init_security_headers(app: Flask) -> None:
    app.after_request(_add_headers)
