"""`motcua demo-dossiers`: sample dossiers on every channel, once."""

from tests.web.test_cli import cli, db_url, ok, open_services  # noqa: F401 (fixtures)


def test_demo_dossiers_arrive_on_each_channel_and_only_once(cli, db_url):  # noqa: F811
    ok(cli("db", "upgrade"))
    ok(cli("deploy", "processes/"))

    output = ok(cli("demo-dossiers"))

    with open_services(db_url) as services:
        dossiers = services.dossiers.list()
        assert len(dossiers) == 4
        assert {d.channel for d in dossiers} == {1, 2, 3}
        assert all(d.code in output for d in dossiers)
        # Online and postal dossiers wait for the one-stop section's reception check; counter ones are past it.
        for view in dossiers:
            names = {t.name for t in services.dossiers.get(view.code).tasks}
            assert ("tiep_nhan" in names) == (view.channel != 1), (view.code, view.channel, names)
    assert "không tạo hồ sơ mẫu" in ok(cli("demo-dossiers"))
    with open_services(db_url) as services:
        assert len(services.dossiers.list()) == 4
