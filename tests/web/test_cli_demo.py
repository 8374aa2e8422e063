"""`motcua demo-dossiers`: a month of history and sample dossiers on every channel, once."""

from engine.domain.clock import VN_TZ
from tests.web.test_cli import cli, db_url, ok, open_services  # noqa: F401 (fixtures)


def test_demo_dossiers_arrive_on_each_channel_after_a_history_and_only_once(cli, db_url):  # noqa: F811
    ok(cli("db", "upgrade"))
    ok(cli("deploy", "processes/"))

    output = ok(cli("demo-dossiers", "--months", "1"))

    with open_services(db_url) as services:
        dossiers = services.dossiers.list(limit=500)
        today = services.clock.now().astimezone(VN_TZ).date()
        current = [d for d in dossiers if d.received_at.date() == today and d.code in output]
        assert len(current) == 4 and {d.channel for d in current} == {1, 2, 3}
        # Online and postal dossiers wait for the one-stop section's reception check; counter ones are past it.
        for view in current:
            names = {t.name for t in services.dossiers.get(view.code).tasks}
            assert ("tiep_nhan" in names) == (view.channel != 1), (view.code, view.channel, names)
        # The month before: dossiers received on earlier days, most of them returned, some rated.
        history = [d for d in dossiers if d not in current]
        assert len(history) >= 15 and sum(d.status == 10 for d in history) >= 8
        result = services.indicators.compute(min(d.received_at.date() for d in history), today)
        figures = result.total
        assert figures.received >= len(history) and figures.very_satisfied + figures.satisfied > 0
        # The online ones came from the national portal, most paid there: none of the channel figures is empty.
        assert figures.portal > 0 and figures.paid_online > 0 and figures.results_online > 0
        for measure in ("synced_share", "online_payment_share", "digitised_result_share"):
            assert 0 < result.measures[measure] <= 1, measure
    assert "không tạo hồ sơ mẫu" in ok(cli("demo-dossiers"))
    with open_services(db_url) as services:
        assert len(services.dossiers.list(limit=500)) == len(dossiers)
