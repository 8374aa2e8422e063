"""The settings the printed forms need: each is described in the README, and `make run` gives each a demo value, so a
new user's first forms (Mẫu 01-06, the fee receipt) have no blanks."""

import re
from pathlib import Path

import pytest

from engine.services.settings import Settings

ROOT = Path(__file__).resolve().parents[1]
# The fields of Settings printed on the forms: heading, place line, one-stop unit, signer, phone, the QR, the cut-off
# written on the receipt's appointment.
FORM_SETTINGS = (
    "agency_code",  # the first part of every dossier code, printed with its QR
    "agency_name",
    "agency_parent",
    "agency_title",
    "agency_place",
    "receiving_unit",
    "signer_title",
    "signer_name",
    "contact_phone",
    "public_url",
    "cutoff",
)


def _env_name(field: str) -> str:
    return f"MOTCUA_{field.upper()}"


def _make_run_environment() -> dict[str, str]:
    """The MOTCUA_* values `make run` sets (with no value already in the environment): `NAME="$${NAME:-value}"`."""
    makefile = (ROOT / "Makefile").read_text(encoding="utf-8")
    return dict(re.findall(r"(MOTCUA_[A-Z_]+)=\"?\$\$\{MOTCUA_[A-Z_]+:?-([^}]*)\}", makefile))


@pytest.mark.parametrize("field", FORM_SETTINGS)
def test_the_readme_lists_each_setting_of_the_forms(field):
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert f"`{_env_name(field)}`" in readme


def test_make_run_leaves_no_setting_of_the_forms_blank():
    environment = _make_run_environment()
    assert [f for f in FORM_SETTINGS if _env_name(f) not in environment] == []  # each one set, not left to a default
    settings = Settings.from_env(environment)
    blanks = [field for field in FORM_SETTINGS if not str(getattr(settings, field)).strip()]
    assert blanks == []
    assert settings.agency_parent != Settings().agency_parent  # a real province, not the bare "UBND TỈNH"
    assert settings.agency_code != Settings().agency_code  # an agency's code, not the placeholder 000.00.00.H00
