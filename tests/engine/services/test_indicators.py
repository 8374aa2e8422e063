"""The QĐ 766 figures of a month computed from dossiers driven through the shipped X-ray procedure (SQLite and
PostgreSQL): early, late, an extension (judged by the date before it), two supplementations, a withdrawal, a stop, a
refusal after appraisal and one still open; the history projections; the dossiers behind each figure."""

from datetime import date, timedelta

import pytest

from engine.domain.errors import ValidationError
from tests.engine.services.test_extensions import MISSING, REASON, complete, finish, receive, vn


@pytest.fixture
def app_config():
    return {"agency_code": "H15.50.05.13"}


@pytest.fixture
def services(services):
    from tests.conftest import deploy_shipped

    return deploy_shipped(services)


@pytest.fixture
def march(services, clock):
    """Eight X-ray dossiers (11 working days: appointment Tuesday 17 March 08:00) received Monday 2 March 08:00."""
    a, b, c, d, e, f, g, h = (receive(services) for _ in range(8))
    for code in (a, b, c, d, f, g, h):
        complete(services, code, "phan_cong")
    finish(services, a)  # early
    complete(services, g, "tham_dinh", {"appraisal_result": "refuse", "opinion": "Phòng chụp không đạt"})  # early (3)
    for _ in range(2):  # two supplementation requests: late whatever the dates
        complete(services, d, "tham_dinh", {"appraisal_result": "supplement", "missing_items": MISSING})
        complete(services, d, "nhan_bo_sung", {})
    finish(services, d)
    clock.set(vn(2026, 3, 3, 10, 0))
    services.dossiers.stop(f, "Tổ chức giải thể", "giamdoc")  # early (8)
    services.dossiers.withdraw(e, "Tổ chức xin rút hồ sơ", "motcua1")  # not judged (7)
    clock.set(vn(2026, 3, 16, 9, 0))  # one working day before the appointment: the apology reminders fire
    services.timers.run_pass("t", 100)
    new = vn(2026, 3, 20, 8, 0)
    complete(services, c, "lap_phieu_xin_loi", {"delay_reason": REASON, "new_appointment": new.isoformat()})
    complete(services, c, "duyet_phieu_xin_loi", {"approved": True}, actor="giamdoc")
    clock.set(vn(2026, 3, 18, 9, 0))
    finish(services, b)  # late
    clock.set(vn(2026, 3, 19, 10, 0))
    finish(services, c)  # late: the extension does not move the date it is judged by
    return dict(zip("abcdefgh", (a, b, c, d, e, f, g, h), strict=True))


def test_the_month_figures_follow_the_766_rules(services, march, clock):
    result = services.indicators.compute(date(2026, 3, 1), date(2026, 3, 31))
    total = result.total
    assert (total.early, total.on_time, total.late, total.withdrawn) == (3, 0, 3, 1)
    assert (total.received, total.online, total.postal, total.counter, total.digitised) == (8, 0, 0, 8, 0)
    assert (total.open_within, total.open_over) == (0, 1)  # h, still open on 19 March, past 17 March
    assert result.measures["on_time_rate"] == 0.5 and result.measures["early_rate"] == 0.5
    assert result.measures["online_share"] == 0.0 and result.measures["synced_share"] == 0.0  # none linked
    assert result.measures["digitised_result_share"] == 0.0  # a, b, c, d returned at the counter

    # Resolution time in working days, waiting for supplementation taken out (d waited no office time).
    calendar = services.calendars.current()
    start = vn(2026, 3, 2, 8, 0)
    hours = sum(
        calendar.working_time_between(start, end).total_seconds() / 3600
        for end in (vn(2026, 3, 3, 10, 0), vn(2026, 3, 18, 9, 0), vn(2026, 3, 19, 10, 0))
    )
    assert hours == 10 + 97 + 106  # by hand: 7.5 + 2.5; 7.5 + 11 x 8 + 1.5; 7.5 + 12 x 8 + 2.5
    assert result.measures["average_days"] == pytest.approx(hours / 8 / 6)

    progress = next(s for s in result.scores if s.key == "progress")
    assert (progress.points, progress.maximum, progress.missing) == (10.0, 20, ())
    assert [d.key for d in result.divisions] == ["Phòng Quản lý chuyên ngành"]
    assert [(m.key, m.figures.late) for m in result.months] == [("2026-03", 3)]
    canbo = next(o for o in result.officers if o.username == "canbo")
    assert canbo.done > 0 and canbo.late >= 1  # b's and c's late steps

    # Every figure links to the dossiers behind it.
    for figure, letters in [
        ("late", "bcd"),
        ("early", "afg"),
        ("on_time", "afg"),
        ("withdrawn", "e"),
        ("open_late", "h"),
        ("received", "abcdefgh"),
    ]:
        lines = services.indicators.dossiers(figure, date(2026, 3, 1), date(2026, 3, 31))
        assert sorted(line.code for line in lines) == sorted(march[x] for x in letters), figure
    assert services.indicators.dossiers("late", date(2026, 3, 1), date(2026, 3, 31), division="Không có") == []

    # The projection is idempotent: reading the same (young) events again changes nothing.
    assert services.indicators.projection.refresh() > 0  # events younger than 5 minutes are read again
    assert services.indicators.compute(date(2026, 3, 1), date(2026, 3, 31)).total == total
    clock.advance(minutes=6)  # now they are old enough: the mark moves past them, and nothing is read again
    services.indicators.projection.refresh()
    assert services.indicators.projection.refresh() == 0
    assert services.indicators.compute(date(2026, 3, 1), date(2026, 3, 31)).total == total


def test_a_reversed_period_or_an_unknown_figure_is_refused(services):
    with pytest.raises(ValidationError, match="sau đến ngày"):
        services.indicators.compute(date(2026, 3, 31), date(2026, 3, 1))
    with pytest.raises(ValidationError, match="Không có chỉ tiêu"):
        services.indicators.dossiers("nothing", date(2026, 3, 1), date(2026, 3, 31))
    assert services.indicators.compute(date(2026, 3, 1), date(2026, 3, 1) + timedelta(days=1)).total.received == 0


def test_a_dossier_paid_online_on_the_portal_moves_the_online_payment_and_portal_figures(services, clock):
    """The channels store the portal's id, the payment it reported and the result delivery on the dossier; the
    indicators count them: online payment among the dossiers with a fee, linked with the portal among those received,
    electronic results among those that ended with a result. Each figure links to its dossiers."""
    from engine.services.dossier_files import Scan
    from engine.services.portal_inbound import PORTAL_ACTOR
    from tests.engine.services.test_extensions import APPLICANT, X_RAY
    from tests.web.test_counter import PDF

    day = clock.now().date()

    def measures():
        return services.indicators.compute(day, day).measures

    counter = receive(services)  # received at the counter: its fee is due, not paid online; no portal id
    assert (measures()["online_payment_share"], measures()["synced_share"]) == (0.0, 0.0)

    procedure = services.dossiers.catalogue.get(X_RAY)
    required = [d.name for d in procedure.documents if d.required]
    scans = [Scan(name, f"tep-{n}.pdf", PDF, "application/pdf") for n, name in enumerate(required, start=1)]
    online = services.reception.receive(
        X_RAY,
        APPLICANT,
        2,
        "online",
        [{"name": name} for name in required],
        PORTAL_ACTOR,
        fee_paid=True,
        scans=scans,
        portal_id="G22.99-261207-000123",
        payment={"reference": "VNPAY-0001", "amount": procedure.fee, "received_at": clock.now().isoformat()},
    ).code
    assert measures()["online_payment_share"] == 0.0  # new on the portal (status 1): counted once accepted
    complete(services, online, "tiep_nhan")
    found = measures()
    assert (found["online_payment_share"], found["synced_share"], found["online_share"]) == (0.5, 0.5, 0.5)
    online_group = next(s for s in services.indicators.compute(day, day).scores if s.key == "online")
    assert online_group.missing == () and online_group.points == pytest.approx(12 + 10 * 0.5 / 0.8)
    assert measures()["digitised_result_share"] is None  # no result yet: no data, not 0 %

    for code in (counter, online):
        complete(services, code, "phan_cong")
        finish(services, code)
    assert measures()["digitised_result_share"] == 0.5  # the online one's result was given electronically

    for figure, expected in [
        ("paid_online", [online]),
        ("not_paid_online", [counter]),
        ("not_synced", [counter]),
        ("result_not_electronic", [counter]),
    ]:
        assert [line.code for line in services.indicators.dossiers(figure, day, day)] == expected, figure
