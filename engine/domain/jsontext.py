"""JSON text for storage, fast: a step writes its whole state and every event as JSON text, so orjson writes it (the
standard library where orjson refuses a value). Reading stays with the standard library, which keeps integers beyond
64 bits exact where orjson would read them as floats."""

import json

import orjson


def dumps(value) -> str:
    """Compact JSON text of `value` (UTF-8 characters kept, not escaped)."""
    try:
        return orjson.dumps(value, option=orjson.OPT_NON_STR_KEYS).decode()
    except TypeError:
        return json.dumps(value, separators=(",", ":"), ensure_ascii=False)


def plain(value):
    """`value` as JSON gives it back: tuples become lists, keys strings, anything else JSON has no type for its
    `str()` (what `json.loads(json.dumps(value, default=str))` gives)."""
    try:
        text = orjson.dumps(value, default=str, option=orjson.OPT_NON_STR_KEYS | orjson.OPT_PASSTHROUGH_DATETIME)
    except TypeError:
        return json.loads(json.dumps(value, default=str))
    return json.loads(text)


def loads(text: str | bytes):
    return json.loads(text)
