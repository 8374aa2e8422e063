"""A postal handover date far in the past: beyond a configurable window the officer must confirm it; before the
procedure entered the catalogue it is refused outright. Either refusal writes nothing."""

from datetime import datetime

import pytest

from engine.domain.clock import VN_TZ
from engine.domain.errors import ValidationError
from tests.engine.services.test_dossiers import APPLICANT, HOP_QUY, all_documents, dossier_rows

NOW = datetime(2026, 3, 2, 8, 0, tzinfo=VN_TZ)


def vn(*args) -> datetime:
    return datetime(*args, tzinfo=VN_TZ)


@pytest.fixture
def services(app):
    from tests.conftest import deploy_shipped

    return deploy_shipped(app.extensions["motcua"])


@pytest.fixture
def app_config():
    return {"agency_code": "H15.50.05.13"}


def _receive(services, handover: datetime, **extra):
    documents = all_documents(services)
    return services.reception.receive(
        HOP_QUY, APPLICANT, 3, "counter", documents, "motcua1", handover_at=handover, **extra
    )


# (handover, confirmed, the field refused or None)
CASES = [
    (vn(2026, 2, 27, 10, 0), False, None),  # last Friday: the usual case
    (vn(2026, 1, 31, 8, 0), False, None),  # 30 days and 0 hours: at the window's edge
    (vn(2026, 1, 30, 8, 0), False, "handover_confirmed"),  # 31 days: ask
    (vn(2026, 1, 30, 8, 0), True, None),  # ... and confirmed
    (vn(2020, 3, 1, 9, 0), True, None),  # the day the procedure entered the catalogue, confirmed
    (vn(2020, 2, 29, 16, 0), True, "handover_at"),  # the day before: refused even when confirmed
    (vn(2019, 3, 2, 8, 0), False, "handover_at"),  # the year typed wrong
]


@pytest.mark.parametrize(("handover", "confirmed", "refused"), CASES, ids=lambda v: str(v)[:10])
def test_old_handovers_need_confirmation_and_dates_before_the_catalogue_are_refused(
    services, handover, confirmed, refused
):
    if refused is None:
        view = _receive(services, handover, handover_confirmed=confirmed)
        assert view.received_at == handover
        return
    with pytest.raises(ValidationError) as error:
        _receive(services, handover, handover_confirmed=confirmed)
    assert set(error.value.fields) == {refused}
    message = error.value.fields[refused]
    if refused == "handover_at":
        assert "trước ngày thủ tục có trong danh mục (01/03/2020)" in message
    else:
        assert "đã cách đây 31 ngày (quá 30 ngày)" in message and "xác nhận" in message
    assert dossier_rows(services) == 0


def test_the_window_is_a_setting(services, clock):
    from tests.conftest import RecordingSender
    from web import create_app

    settings = {"database_url": services.settings.database_url, "agency_code": "H15.50.05.13"}
    strict = create_app({**settings, "handover_confirm_days": 7}, clock=clock, sender=RecordingSender())
    try:
        with pytest.raises(ValidationError) as error:
            _receive(strict.extensions["motcua"], vn(2026, 2, 20, 8, 0))
        assert "quá 7 ngày" in error.value.fields["handover_confirmed"]
    finally:
        strict.extensions["motcua"].close()
    assert _receive(services, vn(2026, 2, 20, 8, 0)).code  # 10 days: within the default 30
