"""Table-driven tests of the QĐ 766 formulas (engine/domain/indicators.py) and of the shipped groups file."""

from datetime import datetime

import pytest

from engine.domain.clock import VN_TZ
from engine.domain.indicator_rules import load_groups
from engine.domain.indicators import (
    Group,
    Part,
    average,
    dossier_outcome,
    early_rate,
    electronic_result_share,
    group_scores,
    on_time_rate,
    online_payment_share,
    paid_online,
    part_points,
    portal_synced_share,
    rate,
    satisfaction_rate,
    total_score,
)
from tests.conftest import PROCESSES


def vn(day: int, hour: int = 10, month: int = 3) -> datetime:
    return datetime(2026, month, day, hour, 0, tzinfo=VN_TZ)


DUE = vn(20, 17)  # Friday 20 March 2026, 17:00
MOVED = vn(27, 17)  # the appointment as moved by a supplementation (the applicant's waiting taken out)


@pytest.mark.parametrize(
    "case, status, end, due, supplements, expected",
    [
        ("resolved days before the appointment", 9, vn(18), DUE, 0, "early"),
        ("resolved on the appointment day", 9, vn(20, 9), DUE, 0, "on_time"),
        ("resolved at the appointment itself", 9, DUE, DUE, 0, "on_time"),
        ("resolved a minute late", 9, vn(20, 17).replace(minute=1), DUE, 0, "late"),
        ("returned (10) counts like resolved", 10, vn(19), DUE, 0, "early"),
        ("one supplementation: judged by the moved date", 9, vn(25), MOVED, 1, "early"),
        ("one supplementation, after the moved date", 9, vn(30), MOVED, 1, "late"),
        ("two supplementation requests are late whatever the dates", 9, vn(10), MOVED, 2, "late"),
        # an extension (apology letter) does not move the date judged by: `due` is the one before it
        ("extended: ended before the new date but after the old one", 9, vn(24), DUE, 0, "late"),
        ("stopped (8) in time is judged on time", 8, vn(20, 8), DUE, 0, "on_time"),
        ("stopped (8) after the appointment is late", 8, vn(23), DUE, 0, "late"),
        ("refused after appraisal (3) early", 3, vn(5), DUE, 0, "early"),
        ("refused (3) late", 3, vn(23), DUE, 0, "late"),
        ("withdrawn (7) is not judged", 7, vn(23), DUE, 0, None),
        ("withdrawn after two supplementations is still not judged", 7, vn(5), DUE, 2, None),
        ("still open", 4, None, DUE, 0, None),
        ("waiting for supplementation", 5, None, DUE, 1, None),
    ],
)
def test_dossier_outcome(case, status, end, due, supplements, expected):
    assert dossier_outcome(status, end, due, supplements) == expected, case


@pytest.mark.parametrize(
    "early, on_time, late, on_time_expected, early_expected",
    [
        (0, 0, 0, None, None),  # nothing judged: no figure, not 0 %
        (3, 1, 0, 1.0, 0.75),
        (2, 5, 3, 0.7, 0.2),
        (0, 0, 4, 0.0, 0.0),
    ],
)
def test_on_time_and_early_rates(early, on_time, late, on_time_expected, early_expected):
    assert (
        on_time_rate(early, on_time, late) == pytest.approx(on_time_expected)
        if on_time_expected is not None
        else on_time_rate(early, on_time, late) is None
    )
    assert (
        early_rate(early, on_time, late) == pytest.approx(early_expected)
        if early_expected is not None
        else early_rate(early, on_time, late) is None
    )


@pytest.mark.parametrize(
    "part, whole, expected", [(0, 0, None), (None, 4, None), (3, None, None), (1, 4, 0.25), (4, 4, 1.0)]
)
def test_rate(part, whole, expected):
    assert rate(part, whole) == expected


@pytest.mark.parametrize("part, whole", [(5, 4), (-1, 3), (1, -1)])
def test_rate_refuses_impossible_counts(part, whole):
    with pytest.raises(ValueError, match="part <= whole"):
        rate(part, whole)


@pytest.mark.parametrize(
    "very, satisfied, not_satisfied, expected", [(0, 0, 0, None), (5, 4, 1, 0.9), (0, 0, 2, 0.0), (1, 0, 0, 1.0)]
)
def test_satisfaction_rate(very, satisfied, not_satisfied, expected):
    assert satisfaction_rate(very, satisfied, not_satisfied) == expected


@pytest.mark.parametrize("total, count, expected", [(None, 3, None), (10.0, 0, None), (12.5, 5, 2.5)])
def test_average(total, count, expected):
    assert average(total, count) == expected


@pytest.mark.parametrize(
    "value, points, full_at, expected",
    [
        (None, 12, 0.5, None),
        (0.5, 12, 0.5, 12),  # online dossiers >= 50 %: full points
        (0.8, 12, 0.5, 12),  # above the threshold: no more than full
        (0.25, 12, 0.5, 6),  # half way to the threshold: half the points
        (0.0, 18, 0.9, 0),
        (0.45, 18, 0.9, 9),  # satisfaction 45 % of a 90 % threshold
        (0.98, 20, 1.0, 19.6),  # progress: on-time rate times 20
    ],
)
def test_part_points(value, points, full_at, expected):
    got = part_points(value, points, full_at)
    assert got == (pytest.approx(expected) if expected is not None else None)


@pytest.mark.parametrize("value, full_at", [(1.2, 0.5), (-0.1, 0.5), (0.5, 0), (0.5, 1.5)])
def test_part_points_refuses_out_of_range(value, full_at):
    with pytest.raises(ValueError):
        part_points(value, 10, full_at)


def test_group_scores_reports_missing_data_instead_of_zero():
    groups = [
        Group("online", "Dịch vụ công trực tuyến", 22, (Part("online_share", 12, 0.5), Part("payment", 10, 0.8))),
        Group("satisfaction", "Mức độ hài lòng", 18, (Part("satisfaction_rate", 18, 0.9),)),
    ]
    scores = group_scores(groups, {"online_share": 0.25, "payment": None, "satisfaction_rate": 0.95})
    online, satisfaction = scores
    assert (online.points, online.maximum, online.reachable, online.missing) == (6.0, 22, 12, ("payment",))
    assert (satisfaction.points, satisfaction.reachable, satisfaction.missing) == (18.0, 18, ())
    assert total_score(scores) == (24.0, 30)


def test_shipped_groups_are_the_five_of_qd_766():
    groups = load_groups(PROCESSES / "indicators" / "qd766.yaml")
    assert [(g.key, g.points) for g in groups] == [
        ("transparency", 18),
        ("progress", 20),
        ("online", 22),
        ("digitisation", 22),
        ("satisfaction", 18),
    ]
    assert sum(g.points for g in groups) == 100
    assert all(part.source for group in groups for part in group.parts), "every criterion cites its source"


def test_groups_file_whose_parts_do_not_add_up_is_refused(tmp_path):
    path = tmp_path / "bad.yaml"
    path.write_text(
        "groups:\n  - {key: x, name: X, points: 10, parts: [{measure: m, points: 8, full_at: 1}]}\n", encoding="utf-8"
    )
    with pytest.raises(ValueError, match="bad.yaml.*add up to 8"):
        load_groups(path)


@pytest.mark.parametrize(
    "case, fee, payment, expected",
    [
        ("the portal reported the whole fee paid", 3_000_000, {"reference": "VNPAY-0001", "amount": 3_000_000}, True),
        ("paid more than the fee", 150_000, {"reference": "VNPAY-2", "amount": 200_000, "paid_at": "x"}, True),
        ("paid online only in part", 3_000_000, {"reference": "VNPAY-3", "amount": 1_000_000}, False),
        ("no transaction reference", 3_000_000, {"reference": " ", "amount": 3_000_000}, False),
        ("amount not a number", 3_000_000, {"reference": "VNPAY-4", "amount": "3000000"}, False),
        ("paid at the counter: no payment stored", 3_000_000, None, False),
        ("no fee: nothing to pay online", 0, {"reference": "VNPAY-5", "amount": 0}, False),
    ],
)
def test_paid_online(case, fee, payment, expected):
    assert paid_online(fee, payment) is expected, case


@pytest.mark.parametrize(
    "formula, part, whole, expected",
    [
        # online payment: paid online among the dossiers with a fee (QĐ 766 group 3, TTTT)
        (online_payment_share, 4, 5, 0.8),
        (online_payment_share, 0, 3, 0.0),
        (online_payment_share, 0, 0, None),  # no dossier with a fee: no data, not 0 %
        # linked with the national portal among the dossiers received (group 1)
        (portal_synced_share, 3, 4, 0.75),
        (portal_synced_share, 0, 0, None),
        # results given electronically among the dossiers that ended with a result (group 4)
        (electronic_result_share, 1, 4, 0.25),
        (electronic_result_share, 2, 2, 1.0),
        (electronic_result_share, 0, 0, None),
    ],
)
def test_channel_shares(formula, part, whole, expected):
    assert formula(part, whole) == expected


@pytest.mark.parametrize("formula", [online_payment_share, portal_synced_share, electronic_result_share])
def test_channel_shares_refuse_a_part_larger_than_the_whole(formula):
    with pytest.raises(ValueError):
        formula(3, 2)
