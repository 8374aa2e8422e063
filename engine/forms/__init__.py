"""Forms and letters of the one-stop section, by form set, rendered from template files: see `engine.forms.render`."""

from engine.forms.render import (
    DEFAULT_LEGAL_BASIS,
    FORM_FIELDS,
    TEMPLATES_DIR,
    available_forms,
    available_legal_bases,
    register_csv,
    render_html,
    render_pdf,
    required_fields,
)

__all__ = [
    "DEFAULT_LEGAL_BASIS",
    "FORM_FIELDS",
    "TEMPLATES_DIR",
    "available_forms",
    "available_legal_bases",
    "register_csv",
    "render_html",
    "render_pdf",
    "required_fields",
]
