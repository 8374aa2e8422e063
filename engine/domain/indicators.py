"""The national indicators (QĐ 766/QĐ-TTg, 23/6/2022) as pure functions: counts in, rates and points out.

Each formula is one function and says where it comes from; the groups, their points and the thresholds are data
(`processes/indicators/qd766.yaml`, read by `engine.domain.indicator_rules`), so a new reading of the annex changes
a file, not this code. Sources: ../shared/DOMAIN.md "National indicators" ([law] for the groups, [practice] for the
formulas); the annex of QĐ 766 itself was not found in the texts searched (see the data file).

- `dossier_outcome`: early / on time / late for one dossier (the 766 rules: processing end = first of resolved 9,
  returned 10, stopped 8, refused 3; a withdrawal (7) is not judged; waiting for supplementation is taken out by
  judging against the appointment as moved by supplementation; more than one supplementation request is late).
- `rate`: a share, None when there is nothing to share (a figure without data is not 0 %).
- `paid_online`, `online_payment_share`: fees paid through the national portal's payment among the dossiers with a
  fee (group 3, TTTT); `portal_synced_share`: dossiers linked with the national portal (group 1);
  `electronic_result_share`: results given electronically among the dossiers that ended with one (group 4).
- `part_points`: points of one criterion, scaling linearly up to its threshold (DOMAIN.md: "below that, points scale
  linearly").
- `group_scores`: the points of each group from its criteria; a criterion without data gives no points and is
  reported as missing rather than as zero.
"""

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime

from engine.domain.timeliness import Timeliness, dossier_timeliness

JUDGED_END_STATUSES = frozenset({3, 8, 9, 10})  # refused, stopped, resolved, returned
WITHDRAWN = 7


def dossier_outcome(
    status: int, processing_end: datetime | None, due: datetime, supplement_count: int
) -> Timeliness | None:
    """The dossier's result for the indicators, or None while open or when it was withdrawn (7).

    `due` is the appointment as moved by supplementation and not by an extension (an apology letter does not make a
    late dossier on time): the waiting for the applicant's supplementation is thereby taken out. [DOMAIN.md]"""
    if processing_end is None or status == WITHDRAWN or status not in JUDGED_END_STATUSES:
        return None
    return dossier_timeliness(processing_end, due, supplement_count)


def rate(part: int | None, whole: int | None) -> float | None:
    """part / whole in [0, 1]; None when `whole` is 0 or either is unknown (None). Raises ValueError for negative
    counts or a part larger than the whole."""
    if part is None or whole is None:
        return None
    if part < 0 or whole < 0 or part > whole:
        raise ValueError(f"a share needs 0 <= part <= whole, got {part} of {whole}")
    return part / whole if whole else None


def on_time_rate(early: int, on_time: int, late: int) -> float | None:
    """Dossiers resolved early or on time among those judged (QĐ 766 group 2, "tiến độ giải quyết")."""
    return rate(early + on_time, early + on_time + late)


def early_rate(early: int, on_time: int, late: int) -> float | None:
    """Dossiers resolved before the day they were promised for, among those judged (the plans' "trước hạn" target)."""
    return rate(early, early + on_time + late)


def satisfaction_rate(very_satisfied: int, satisfied: int, not_satisfied: int) -> float | None:
    """Ratings "rất hài lòng" or "hài lòng" among all ratings (QĐ 766 group 5; the plans ask >= 90 %)."""
    return rate(very_satisfied + satisfied, very_satisfied + satisfied + not_satisfied)


def paid_online(fee: int, payment: object) -> bool:
    """Whether a dossier's fee was paid online: it has a fee, and the national portal reported a payment of it (a
    transaction reference and an amount covering the fee; `engine.services.portal_inbound` stores it). A fee paid at
    the counter or collected by the postal service leaves no such payment. [issue 12, channels; DOMAIN.md]"""
    if fee <= 0 or not isinstance(payment, dict):
        return False
    reference, amount = payment.get("reference"), payment.get("amount")
    return isinstance(reference, str) and bool(reference.strip()) and isinstance(amount, int) and amount >= fee


def online_payment_share(paid_online_count: int, fee_due: int) -> float | None:
    """Dossiers whose fee was paid online among the dossiers received with a fee to pay (QĐ 766 group 3, the online
    payment part, TTTT 10 points; full points at 80 % [DOMAIN.md, practice]). Dossiers without a fee are left out:
    they have nothing to pay."""
    return rate(paid_online_count, fee_due)


def portal_synced_share(linked: int, received: int) -> float | None:
    """Dossiers linked with the national portal by its id (their statuses synchronised to it, so the public follows
    them there) among the dossiers received (QĐ 766 group 1, "công khai, minh bạch", CKMB [DOMAIN.md; the portal's
    group code]; motcua's measure, the annex's own criteria were not found)."""
    return rate(linked, received)


def electronic_result_share(electronic: int, results: int) -> float | None:
    """Results given electronically (delivered online) among the dossiers that ended with a result, resolved (9) or
    returned (10) (QĐ 766 group 4, "số hoá", the results part [DOMAIN.md]; refusals and stops give no result)."""
    return rate(electronic, results)


def average(total: float | None, count: int) -> float | None:
    """total / count, None without any item (e.g. average resolution time in working days)."""
    if total is None or count <= 0:
        return None
    return total / count


def part_points(value: float | None, points: float, full_at: float) -> float | None:
    """The points of one criterion: all of `points` at or above `full_at`, linearly less below it, None without a
    value. Raises ValueError for a threshold outside (0, 1] or a value outside [0, 1]."""
    if not 0 < full_at <= 1:
        raise ValueError(f"full_at must be in (0, 1], got {full_at}")
    if value is None:
        return None
    if not 0 <= value <= 1:
        raise ValueError(f"a rate must be in [0, 1], got {value}")
    return points * min(1.0, value / full_at)


@dataclass(frozen=True)
class Part:
    """One criterion of a group: the figure it reads (`measure`), its points and the rate that earns them all."""

    measure: str
    points: float
    full_at: float
    source: str = ""


@dataclass(frozen=True)
class Group:
    key: str
    name: str
    points: float
    parts: tuple[Part, ...]
    source: str = ""


@dataclass(frozen=True)
class GroupScore:
    """A group's points. `points` adds the criteria that have data; `missing` names the measures without data, and
    `reachable` is the maximum of the criteria that have it (what `points` is out of)."""

    key: str
    name: str
    points: float
    maximum: float
    reachable: float
    missing: tuple[str, ...]


def group_scores(groups: Sequence[Group], values: Mapping[str, float | None]) -> list[GroupScore]:
    """The score of each group from `values` (measure -> rate or None)."""
    scores = []
    for group in groups:
        earned, reachable, missing = 0.0, 0.0, []
        for part in group.parts:
            got = part_points(values.get(part.measure), part.points, part.full_at)
            if got is None:
                missing.append(part.measure)
            else:
                earned += got
                reachable += part.points
        scores.append(GroupScore(group.key, group.name, round(earned, 2), group.points, reachable, tuple(missing)))
    return scores


def total_score(scores: Sequence[GroupScore]) -> tuple[float, float]:
    """(points earned, points reachable with the data there is) over all groups."""
    return round(sum(s.points for s in scores), 2), sum(s.reachable for s in scores)
