"""Vietnamese first, English available. Templates write Vietnamese and wrap it in `_()`; English comes from the
files web/translations/en/*.json, one per part of the application (a test checks every wrapped string has one)."""

import json
from collections.abc import Mapping
from pathlib import Path

from flask import Flask, session

LANGUAGES = ("vi", "en")


def _load(lang: str) -> dict[str, str]:
    merged: dict[str, str] = {}
    for path in sorted((Path(__file__).parent / "translations" / lang).glob("*.json")):
        merged.update(json.loads(path.read_text("utf-8")))
    return merged


_TRANSLATIONS = {"en": _load("en")}


def language() -> str:
    """The language chosen in this session (the switch in the page header); Vietnamese until one is chosen."""
    chosen = session.get("lang")
    return chosen if chosen in LANGUAGES else "vi"


def gettext(text: str, /, **values) -> str:
    """`text` (Vietnamese) in the current language, with `{name}` placeholders filled from `values`."""
    lang = language()
    translated = _TRANSLATIONS.get(lang, {}).get(text, text) if lang != "vi" else text
    return translated.format(**values) if values else translated


def ngettext(text: str, count: float, /, **values) -> str:
    """`gettext` for a text about `count` things: an English translation may give "singular|plural" (Vietnamese has
    one form), the singular when `count` is 1."""
    singular, _bar, plural = gettext(text, **values).partition("|")
    return singular if count == 1 or not plural else plural


def init_i18n(app: Flask, names: Mapping[str, str] | None = None) -> None:
    """Templates get `_` and `language`. `names` maps names that come from the procedures' data (the catalogue's
    procedure names) to their English names: in English, a page that shows such a name on its own shows the
    English one; names without one stay Vietnamese."""
    app.jinja_env.globals.update(_=gettext, language=language)
    english_names = dict(names or {})

    def finalize(value):
        if english_names and isinstance(value, str) and language() == "en":
            return english_names.get(value, value)
        return value

    app.jinja_env.finalize = finalize
