"""Every Vietnamese string wrapped in `_()` has its English, and the English files agree with one another.

Strings are found where people see them: `_("...")` in web/templates/**/*.html (read with Jinja's own extractor, so
quotes, line breaks and keyword arguments are handled as Jinja handles them) and `_("...")` in web/views/*.py and
web/*.py (read with `ast`). A failure lists every missing string with the file and line that uses it.
"""

import ast
import json
import re
from collections import defaultdict
from pathlib import Path

from jinja2 import Environment

WEB = Path(__file__).resolve().parents[2] / "web"
ENGLISH = WEB / "translations" / "en"
PLACEHOLDER = re.compile(r"\{(\w*)\}")


def template_strings() -> dict[str, list[str]]:
    """message -> where it is used ("path:line"), for every `_("literal")` in the templates."""
    env = Environment(extensions=["jinja2.ext.i18n"])
    found: dict[str, list[str]] = defaultdict(list)
    for path in sorted((WEB / "templates").rglob("*.html")):
        source = path.read_text("utf-8")
        for line, _function, message in env.extract_translations(source, gettext_functions=("_",)):
            first = message[0] if isinstance(message, tuple) else message  # a tuple when keywords follow
            if isinstance(first, str):
                found[first].append(f"{path.relative_to(WEB)}:{line}")
    return found


def python_strings() -> dict[str, list[str]]:
    """message -> where it is used, for every `_("literal", ...)` in the views and the web package's modules."""
    found: dict[str, list[str]] = defaultdict(list)
    for path in sorted([*(WEB / "views").glob("*.py"), *WEB.glob("*.py")]):
        for node in ast.walk(ast.parse(path.read_text("utf-8"), str(path))):
            if (
                isinstance(node, ast.Call)
                and isinstance(node.func, ast.Name)
                and node.func.id == "_"
                and node.args
                and isinstance(node.args[0], ast.Constant)
                and isinstance(node.args[0].value, str)
            ):
                found[node.args[0].value].append(f"{path.relative_to(WEB)}:{node.lineno}")
    return found


def english_files() -> dict[str, dict[str, str]]:
    """file name -> its translations. Fails on a key given twice in one file (JSON keeps only the last)."""

    def no_duplicates(pairs):
        keys = [key for key, _value in pairs]
        twice = sorted({key for key in keys if keys.count(key) > 1})
        assert not twice, f"a string appears twice in the same file: {twice}"
        return dict(pairs)

    files = {}
    for path in sorted(ENGLISH.glob("*.json")):
        try:
            files[path.name] = json.loads(path.read_text("utf-8"), object_pairs_hook=no_duplicates)
        except (AssertionError, json.JSONDecodeError) as exc:
            raise AssertionError(f"web/translations/en/{path.name}: {exc}") from None
    return files


def all_english() -> dict[str, str]:
    return {key: value for translations in english_files().values() for key, value in translations.items()}


def _report(missing: dict[str, list[str]]) -> str:
    by_file: dict[str, list[str]] = defaultdict(list)
    for message, places in missing.items():
        by_file[places[0].split(":")[0]].append(f'  {json.dumps(message, ensure_ascii=False)}: "",  # {places[0]}')
    lines = [f"{len(missing)} string(s) have no English in web/translations/en/*.json:"]
    for file in sorted(by_file):
        lines.append(f"{file}:")
        lines.extend(sorted(by_file[file]))
    return "\n".join(lines)


def test_the_extractors_find_strings():
    """Guards the test itself: if the extractors found nothing, every other check here would pass vacuously."""
    templates, views = template_strings(), python_strings()
    assert "Đăng nhập" in templates and "Tạo tài khoản" in templates
    assert "Lịch làm việc năm {year}" in templates  # a call with keyword arguments
    assert "Tên đăng nhập hoặc mật khẩu không đúng" in views


def test_every_template_string_has_english():
    english = all_english()
    missing = {message: places for message, places in template_strings().items() if message not in english}
    assert not missing, _report(missing)


def test_every_view_string_has_english():
    english = all_english()
    missing = {message: places for message, places in python_strings().items() if message not in english}
    assert not missing, _report(missing)


def test_no_two_files_translate_a_string_differently():
    seen: dict[str, dict[str, list[str]]] = defaultdict(lambda: defaultdict(list))
    for name, translations in english_files().items():
        for key, value in translations.items():
            seen[key][value].append(name)
    clashes = {key: dict(values) for key, values in seen.items() if len(values) > 1}
    assert not clashes, "different English for the same string:\n" + "\n".join(
        f"  {key!r}: {values}" for key, values in sorted(clashes.items())
    )


def test_english_keeps_the_placeholders_and_is_not_empty():
    problems = []
    for name, translations in english_files().items():
        for key, value in translations.items():
            if not isinstance(value, str) or not value.strip():
                problems.append(f"{name}: {key!r} has an empty translation")
            elif any(
                sorted(PLACEHOLDER.findall(key)) != sorted(PLACEHOLDER.findall(form)) for form in value.split("|")
            ):
                problems.append(f"{name}: {key!r} -> {value!r}: placeholders differ")  # in each of "singular|plural"
    assert not problems, "\n".join(problems)


def test_time_limits_are_singular_or_plural_in_english(app):
    from web.i18n import ngettext

    limit = "{amount} ngày làm việc"
    with app.test_request_context():
        from flask import session

        assert ngettext(limit, 1, amount="1") == "1 ngày làm việc"  # Vietnamese has one form
        session["lang"] = "en"
        assert ngettext(limit, 1, amount="1") == "1 working day"
        assert ngettext(limit, 0.5, amount="0,5") == "0,5 working days"
        assert ngettext(limit, 11, amount="11") == "11 working days"
