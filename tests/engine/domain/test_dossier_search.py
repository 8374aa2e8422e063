"""The folded search text of a dossier and the words of a query (engine.domain.dossier_search)."""

import pytest

from engine.domain.dossier_search import query_words, search_text

APPLICANT = {"name": "Đặng Thị  Hồng Nhung", "id_number": "001234567890", "phone": "0912 345.678", "type": 1}
TEXT = search_text("H15.50.05.13-260302-0001", APPLICANT)


def test_the_search_text_is_folded_with_the_phone_also_as_digits():
    assert TEXT == (
        "h15.50.05.13-260302-0001 155005132603020001 dang thi hong nhung 001234567890 0912 345.678 0912345678"
    )


@pytest.mark.parametrize(
    ("query", "words"),
    [
        ("Nhung", ["nhung"]),
        ("  đặng   THỊ ", ["dang", "thi"]),
        ("0912 345 678", ["0912345678"]),
        ("+84 912.345.678", ["84912345678"]),
        ("260302-0001", ["2603020001"]),  # digits, found in the code's digits
        ("", []),
        ("a " * 50, ["a"] * 8),
    ],
)
def test_query_words(query, words):
    assert query_words(query) == words


@pytest.mark.parametrize(
    ("query", "found"),
    [("hong nhung", True), ("0912345678", True), ("001234567890", True), ("260302-0001", True), ("lan", False)],
)
def test_every_word_must_be_in_the_text(query, found):
    assert all(word in TEXT for word in query_words(query)) is found
