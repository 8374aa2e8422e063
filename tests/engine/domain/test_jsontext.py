"""JSON text for storage: the fast path and the standard library agree, and what orjson cannot do still works."""

import json
from datetime import date, datetime
from decimal import Decimal

import pytest

from engine.domain import jsontext
from engine.domain.clock import VN_TZ

VALUES = [
    {"a": 1, "b": (1, 2), 3: "x"},
    {"moment": datetime(2026, 1, 1, 8, 0, tzinfo=VN_TZ), "day": date(2026, 1, 2)},
    {"amount": Decimal("1.5"), "set": {1, 2}},
    {"big": 10**30, "nested": {"deep": [{"x": -(2**70)}]}},
    {"float": 1.5e16, "small": 0.1, "text": 'Hồ sơ ệ \u0000 "quoted"'},
    ["ệ", None, True, False, 0],
]


@pytest.mark.parametrize("value", VALUES)
def test_plain_is_what_a_json_round_trip_gives(value):
    assert jsontext.plain(value) == json.loads(json.dumps(value, default=str))


@pytest.mark.parametrize(
    "value",
    [
        v
        for v in VALUES
        if not any(isinstance(x, set | Decimal | datetime) for x in (v.values() if isinstance(v, dict) else v))
    ],
)
def test_dumps_and_loads_round_trip(value):
    text = jsontext.dumps(value)
    assert jsontext.loads(text) == json.loads(json.dumps(value))
    assert jsontext.loads(text.encode()) == jsontext.loads(text)


def test_integers_beyond_64_bits_stay_exact():
    text = jsontext.dumps({"n": 10**30})
    assert text == '{"n":1000000000000000000000000000000}'
    assert jsontext.loads(text) == {"n": 10**30}


def test_text_keeps_vietnamese_characters():
    assert jsontext.dumps({"tên": "Nguyễn"}) == '{"tên":"Nguyễn"}'
