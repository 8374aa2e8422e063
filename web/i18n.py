"""Vietnamese first, English available. Templates write Vietnamese and wrap it in `_()`; English comes from the
files web/translations/en/*.json, one per part of the application (a test checks every wrapped string has one)."""

import json
import time
from collections.abc import Callable, Mapping
from pathlib import Path

from flask import Flask, current_app, session

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


def init_i18n(
    app: Flask,
    names: Mapping[str, str] | None = None,
    step_names: Callable[[], Mapping[str, str]] | None = None,
    refresh_seconds: float = 30.0,
) -> None:
    """Templates get `_`, `language` and `data_name`. `names` maps names that come from the procedures' data (the
    catalogue's procedure names) to their English names, and `step_names` gives those the steps of the deployed
    procedures carry (`engine.bpmn.english_names`; read again at most every `refresh_seconds`, so that a version
    deployed meanwhile soon shows its names): in English, a page that shows such a name on its own, or through
    `data_name`, shows the English one; names without one stay Vietnamese."""
    app.jinja_env.globals.update(_=gettext, language=language, data_name=data_name)
    fixed = dict(names or {})
    cache: dict = {"at": None, "names": fixed}

    def english_names() -> Mapping[str, str]:
        now = time.monotonic()
        if step_names is not None and (cache["at"] is None or now - cache["at"] >= refresh_seconds):
            cache["names"], cache["at"] = {**step_names(), **fixed}, now
        return cache["names"]

    def finalize(value):
        if isinstance(value, str) and language() == "en":
            found = english_names()
            return found.get(value) or found.get(" ".join(value.split()), value) if found else value
        return value

    app.jinja_env.finalize = finalize
    app.extensions["motcua.english_names"] = english_names


def data_name(name: str) -> str:
    """A name from the procedures' data (a step's, a procedure's) in the current language: its English name in English
    when it carries one, else as it is. For names set inside a sentence, which the templates' finalize cannot see."""
    if language() != "en" or not name:
        return name
    english_names = current_app.extensions.get("motcua.english_names")
    return english_names().get(" ".join(name.split()), name) if english_names else name
