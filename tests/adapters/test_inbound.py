"""Inbound messages over real HTTP on 127.0.0.1: signed with the partner's secret (HMAC-SHA256 over timestamp and
body), refused with 401 and nothing stored when the signature is wrong or older than 5 minutes, 422 naming each
field at fault, a replayed message id acknowledged without changing anything; stored in the inbox before they are
processed, so that what a crash cut short is processed by the worker."""

import json
import urllib.error
import urllib.request
from datetime import date

import pytest

from engine.domain.errors import ValidationError
from engine.domain.signing import sign
from tests.browser.conftest import serving
from web.worker import run_once

SECRET = "khoá của cổng"


@pytest.fixture
def app_config():
    return {"portal_secret": SECRET}


class DayOff:
    """A handler for the tests: the message declares a day off (a real write, counted in the calendar overrides)."""

    def __init__(self, services, fail: bool = False):
        self.services, self.fail, self.calls = services, fail, 0

    def validate(self, payload):
        problems = {}
        try:
            date.fromisoformat(str(payload.get("day")))
        except ValueError:
            problems["day"] = "Ngày dạng YYYY-MM-DD"
        if not str(payload.get("reason") or "").strip():
            problems["reason"] = "Bắt buộc"
        return problems

    def process(self, payload, message_id):
        self.calls += 1
        if self.fail:
            raise RuntimeError("crash between storing and processing")
        if payload["day"] == "2026-12-25":
            raise ValidationError("Ngày này đã là ngày làm việc bắt buộc")
        self.services.calendars.add_override(date.fromisoformat(payload["day"]), "off", payload["reason"], "portal")
        return {"day": payload["day"]}


@pytest.fixture
def served(app, services):
    handler = DayOff(services)
    services.inbox.register("portal", "day-off", handler)
    with serving(app) as url:
        yield url, handler


def post(url, body, *, secret=SECRET, at=None, clock=None, path="/api/doi-tac/portal/day-off", signature=None):
    data = body if isinstance(body, bytes) else json.dumps(body, ensure_ascii=False).encode()
    stamp = str(int(at if at is not None else clock.now().timestamp()))
    headers = {
        "Content-Type": "application/json",
        "X-Timestamp": stamp,
        "X-Signature": signature or sign(secret, stamp, data),
    }
    request = urllib.request.Request(url + path, data=data, headers=headers, method="POST")
    try:
        with urllib.request.urlopen(request, timeout=10) as answer:
            return answer.status, json.loads(answer.read())
    except urllib.error.HTTPError as exc:
        text = exc.read()
        return exc.code, json.loads(text) if text.startswith(b"{") else text


def stored(services):
    return [(r.message_id, r.state) for r in services.inbox.received("portal")]


def days_off(services):
    return [o.day for o in services.calendars.overrides(2026)]


MESSAGE = {"message_id": "m-1", "day": "2026-09-03", "reason": "Nghỉ bù Quốc khánh"}


def test_a_signed_message_is_stored_processed_and_acknowledged(served, services, clock):
    url, handler = served
    status, ack = post(url, MESSAGE, clock=clock)
    assert status == 200 and ack == {
        "message_id": "m-1",
        "state": "processed",
        "replayed": False,
        "result": {"day": "2026-09-03"},
        "error": None,
    }
    assert days_off(services) == [date(2026, 9, 3)] and stored(services) == [("m-1", "processed")]


def test_a_replayed_message_id_is_acknowledged_and_changes_nothing(served, services, clock):
    url, handler = served
    post(url, MESSAGE, clock=clock)
    clock.advance(minutes=2)
    status, ack = post(url, {**MESSAGE, "day": "2026-09-04"}, clock=clock)  # same id, another body
    assert status == 200 and ack["replayed"] is True and ack["result"] == {"day": "2026-09-03"}
    assert handler.calls == 1 and days_off(services) == [date(2026, 9, 3)]


@pytest.mark.parametrize(
    "tamper",
    ["bad signature", "other secret", "too old", "from the future", "no timestamp"],
)
def test_an_unauthenticated_message_gets_401_and_nothing_is_stored(served, services, clock, tamper):
    url, handler = served
    now = clock.now().timestamp()
    kwargs = {
        "bad signature": {"signature": "0" * 64, "clock": clock},
        "other secret": {"secret": "not the secret", "clock": clock},
        "too old": {"at": now - 301},
        "from the future": {"at": now + 301},
        "no timestamp": {"signature": "abc", "at": 0},
    }[tamper]
    status, answer = post(url, MESSAGE, **kwargs)
    assert status == 401 and answer["error"]["code"] == "unauthenticated"
    assert stored(services) == [] and handler.calls == 0 and days_off(services) == []


def test_a_message_signed_4_minutes_ago_is_accepted(served, services, clock):
    url, _handler = served
    status, ack = post(url, MESSAGE, at=clock.now().timestamp() - 240)
    assert status == 200 and ack["state"] == "processed"


def test_a_malformed_message_gets_422_naming_each_field(served, services, clock):
    url, handler = served
    status, answer = post(url, {"day": "3/9/2026"}, clock=clock)
    assert status == 422
    assert set(answer["error"]["fields"]) == {"message_id", "day", "reason"}
    status, answer = post(url, b"[1, 2", clock=clock)
    assert status == 422 and set(answer["error"]["fields"]) == {"body"}
    assert stored(services) == [] and handler.calls == 0


def test_an_unknown_partner_or_kind_is_404(served, clock):
    url, _handler = served
    assert post(url, MESSAGE, clock=clock, path="/api/doi-tac/bank/day-off")[0] == 404
    assert post(url, MESSAGE, clock=clock, path="/api/doi-tac/portal/nothing")[0] == 404


def test_a_refusal_is_stored_and_given_back_on_every_replay(served, services, clock):
    url, handler = served
    message = {**MESSAGE, "day": "2026-12-25"}
    first = post(url, message, clock=clock)
    again = post(url, message, clock=clock)
    assert first[1]["state"] == again[1]["state"] == "refused"
    assert "ngày làm việc bắt buộc" in again[1]["error"] and again[1]["replayed"] is True
    assert handler.calls == 1 and stored(services) == [("m-1", "refused")]


def test_a_message_stored_but_not_processed_is_processed_by_the_worker(served, services, clock):
    url, handler = served
    handler.fail = True  # the server "crashes" after storing (the handler raises something unexpected)
    status, _answer = post(url, MESSAGE, clock=clock)
    assert status == 500 and stored(services) == [("m-1", "received")]
    handler.fail = False
    run_once(services, "test-worker", 10)
    assert stored(services) == [("m-1", "received")]  # within the grace period the partner may still be retrying
    clock.advance(minutes=2)
    run_once(services, "test-worker", 10)
    assert stored(services) == [("m-1", "processed")] and days_off(services) == [date(2026, 9, 3)]
    status, ack = post(url, MESSAGE, clock=clock)
    assert ack["replayed"] is True and handler.calls == 2 and days_off(services) == [date(2026, 9, 3)]
