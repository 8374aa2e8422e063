"""Finding dossiers from the list (`/ho-so?q=`) and the header's box: by code, applicant name (without diacritics),
ID number or phone (with or without spaces), on SQLite and PostgreSQL; a whole code opens the dossier."""

import re

import pytest

from tests.web.test_counter import APPLICANT, X_RAY
from tests.web.test_counter import app_config as app_config  # noqa: F401  (the agency code)
from tests.web.test_counter import services as services  # noqa: F401  (the shipped processes deployed)


def _receive(services, **applicant):
    documents = [{"name": d.name} for d in services.dossiers.catalogue.get(X_RAY).documents if d.required]
    person = {**APPLICANT, **applicant}
    return services.reception.receive(X_RAY, person, 1, "counter", documents, "motcua1").code


def _codes(response) -> list[str]:
    return re.findall(r'<a href="/ho-so/([^"?]+)"', response.get_data(as_text=True))


@pytest.fixture
def dossiers(services, clock):
    first = _receive(services, name="Phòng khám Đa khoa Hồng Nhung", id_number="4800123456", phone="0912 345 678")
    clock.advance(minutes=5)
    second = _receive(services, name="Nguyễn Văn Đức", type=1, id_number="001234567890", phone="0206 3852 123")
    clock.advance(minutes=5)
    third = _receive(services, name="Công ty 100% Đức Phát", id_number="4800999999", phone="0913000111")
    return first, second, third


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("hong nhung", [0]),
        ("Hồng Nhung", [0]),
        ("duc", [2, 1]),  # newest first
        ("nguyen duc", [1]),
        ("001234567890", [1]),
        ("0206 3852 123", [1]),
        ("0206.3852.123", [1]),
        ("02063852123", [1]),
        ("0002", [1]),  # part of a code
        ("100%", [2]),  # a % is a character, not a wildcard
        ("khong co ai", []),
    ],
)
def test_the_list_finds_dossiers_by_code_name_id_number_or_phone(sign_in, dossiers, query, expected):
    found = _codes(sign_in("one_stop").get("/ho-so", query_string={"q": query}))
    assert found == [dossiers[n] for n in expected]


def test_a_whole_code_opens_the_dossier_and_the_header_has_the_box(sign_in, dossiers):
    officer = sign_in("one_stop")
    opened = officer.get("/ho-so", query_string={"q": dossiers[1].lower()})
    assert opened.status_code == 302 and opened.headers["Location"] == f"/ho-so/{dossiers[1]}"
    page = officer.get("/viec").get_data(as_text=True)
    assert re.search(
        r'<form method="get" action="/ho-so" class="header-search" role="search">\s*<input type="search" name="q"', page
    )
    listed = officer.get("/ho-so", query_string={"q": "duc"}).get_data(as_text=True)
    assert 'name="q" value="duc"' in listed


def test_a_division_s_officers_find_only_the_dossiers_their_division_resolves(services, sign_in, dossiers):
    x_ray_division = services.dossiers.catalogue.get(X_RAY).division
    own = sign_in("specialist", "cv-xq", x_ray_division)
    assert _codes(own.get("/ho-so", query_string={"q": "duc"})) == [dossiers[2], dossiers[1]]
    other = sign_in("division_head", "tp-khac", "Phòng Kế hoạch - Tài chính")
    assert _codes(other.get("/ho-so", query_string={"q": "duc"})) == []
    assert _codes(other.get("/ho-so")) == []
    assert 'class="header-search"' in other.get("/viec").get_data(as_text=True)  # the box is theirs too
    assert sign_in("clerk").get("/ho-so").status_code == 403
