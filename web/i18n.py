"""Vietnamese first, English available. Templates write Vietnamese and wrap it in `_()`; English comes from
web/translations/en.json (a test checks that every wrapped string has its English)."""

import json
from pathlib import Path

from flask import Flask, session

LANGUAGES = ("vi", "en")
_TRANSLATIONS = {"en": json.loads((Path(__file__).parent / "translations" / "en.json").read_text("utf-8"))}


def language() -> str:
    """The language chosen in this session (the switch in the page header); Vietnamese until one is chosen."""
    chosen = session.get("lang")
    return chosen if chosen in LANGUAGES else "vi"


def gettext(text: str, **values) -> str:
    """`text` (Vietnamese) in the current language, with `{name}` placeholders filled from `values`."""
    lang = language()
    translated = _TRANSLATIONS.get(lang, {}).get(text, text) if lang != "vi" else text
    return translated.format(**values) if values else translated


def init_i18n(app: Flask) -> None:
    app.jinja_env.globals.update(_=gettext, language=language)
