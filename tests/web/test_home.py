"""The home page, the health check and error rendering (JSON under /api, a page elsewhere)."""

from tests.conftest import fixture_files


def test_home_lists_deployed_processes_and_the_open_tasks_of_the_officer_s_role(services, sign_in):
    client = sign_in("one_stop")

    empty = client.get("/")
    assert empty.status_code == 200
    assert empty.mimetype == "text/html"
    page = empty.get_data(as_text=True)
    assert "Quy trình đã triển khai" in page
    assert "Ba bước có hẹn giờ" not in page
    assert "Chưa có quy trình nào" in page

    services.deploy.deploy(fixture_files("three_steps.bpmn"), "test")
    services.instances.start("three_steps", "HS-HOME-1", {}, "test")

    page = client.get("/").get_data(as_text=True)
    assert "Ba bước có hẹn giờ" in page
    assert "<code>three_steps</code>" in page
    assert "Chưa có quy trình nào" not in page
    assert "HS-HOME-1" in page and "Tiếp nhận" in page  # the open task of the new dossier, in the one-stop lane
    # Not an officer: no task list; an officer of another lane: not this task.
    assert "HS-HOME-1" not in sign_in("designer").get("/").get_data(as_text=True)
    assert "HS-HOME-1" not in sign_in("director").get("/").get_data(as_text=True)


def test_home_needs_a_signed_in_account(app):
    response = app.test_client().get("/")
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/dang-nhap?next=/")


def test_healthz(app):
    response = app.test_client().get("/healthz")
    assert response.status_code == 200
    assert response.get_json() == {"status": "ok"}


def test_unknown_api_path_is_a_json_404(app):
    response = app.test_client().get("/api/v1/x")
    assert response.status_code == 404
    assert response.is_json
    assert response.get_json()["error"]["code"] == "not_found"
    assert response.get_json()["error"]["message"]


def test_unknown_page_is_an_html_404(app):
    response = app.test_client().get("/khong-co")
    assert response.status_code == 404
    assert response.mimetype == "text/html"
    assert "Không thực hiện được (404)" in response.get_data(as_text=True)
