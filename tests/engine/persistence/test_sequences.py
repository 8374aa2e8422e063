"""Daily dossier numbers: consecutive, restarting each day, no duplicates under concurrent reception."""

import threading
from datetime import date


def take(services, agency, day):
    with services.db.unit_of_work() as uow:
        return uow.dossiers.next_code(agency, day)


def test_numbers_follow_each_other_and_restart_each_day(services):
    day = date(2026, 10, 8)
    assert [take(services, "H15.50.05.13", day) for _ in range(3)] == [
        "H15.50.05.13-261008-0001",
        "H15.50.05.13-261008-0002",
        "H15.50.05.13-261008-0003",
    ]
    assert take(services, "H15.50.05.13", date(2026, 10, 9)) == "H15.50.05.13-261009-0001"
    assert take(services, "H99", day) == "H99-261008-0001"


def test_a_rolled_back_reception_gives_its_number_back(services):
    day = date(2026, 10, 8)
    try:
        with services.db.unit_of_work() as uow:
            uow.dossiers.next_code("H15", day)
            raise RuntimeError("reception failed")
    except RuntimeError:
        pass
    assert take(services, "H15", day) == "H15-261008-0001"


def test_concurrent_receptions_never_share_a_number(services):
    day, codes, errors = date(2026, 10, 8), [], []
    barrier = threading.Barrier(8)

    def receive():
        barrier.wait()
        try:
            for _ in range(10):
                codes.append(take(services, "H15", day))
        except Exception as exc:  # noqa: BLE001 - the test reports any failure below
            errors.append(exc)

    threads = [threading.Thread(target=receive) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(120)
    assert errors == []
    assert sorted(codes) == [f"H15-261008-{n:04d}" for n in range(1, 81)]
