"""Every role against every page: the permission matrix of the officers' web application, written out by hand.

Each row is one request (a page, or a form sent to it); each column a role; `Y` means the role may (the page answers
200, a redirect that is not to the sign-in page, or 409/422 for a form sent deliberately incomplete so that nothing
changes), `-` means it may not (403 Forbidden). Someone who is not signed in is sent to the sign-in page everywhere.

The dossiers and tasks the rows point at are set up by `world` below:
- `uninvolved`: a dossier received and withdrawn by another officer (motcua1), with a scan attached: none of the demo
  officers took part in it and none of its tasks is open; the one-stop section, the leaders and its division (every
  dossier here is an X-ray licence, resolved by the demo specialist's and head's division) read it all the same, the
  clerk does not, and the second division's officers read none of these dossiers nor work any of these tasks;
- `t_<role>`: an open task in that role's lane, each on its own dossier (`d_<role>`), received by motcua1 and moved
  on by "tester": for every other role it is "another role's task"; `t_apology` is the specialists' apology task
  (Mẫu 04), opened by its timer on the specialists' dossier;
- `t_return`: a dossier whose result waits at the counter (the `tra_ket_qua` task).
Forms that would change something are sent without their required fields (a 422 for whoever may send them); only
claim / release are sent whole, on the role's own task.
"""

import re
from datetime import timedelta

import pytest

from tests.conftest import deploy_shipped
from tests.engine.services.test_task_forms import assign
from tests.test_architecture import MAIN_PATH_DATA
from tests.web.api.test_permissions import OTHER_DIVISION, ROLES
from tests.web.conftest import Officer
from tests.web.test_counter import AGENCY, PDF, X_RAY, drive_to, receive

PUBLIC_PAGES = {
    "public.lookup_form",
    "public.lookup",
    "public.rate",
    "reports.public_lists",
    "reports.public_lists_file",
    "feedback.form",
    "feedback.submit",
    "feedback.answers",
}

# fmt: off
# Columns: one_stop, specialist, division_head, director, clerk, designer, auditor, admin (the order of ROLES), then
# a specialist and a division head of a second division.
MATRIX = """
GET  /                                                            Y Y Y Y Y Y Y Y Y Y
GET  /mot-cua                                                     Y - - - - - - - - -
GET  /mot-cua/tiep-nhan                                           Y - - - - - - - - -
GET  /mot-cua/tiep-nhan?procedure={x_ray}                         Y - - - - - - - - -
POST /mot-cua/tiep-nhan procedure={x_ray}&action=save             Y - - - - - - - - -
GET  /mot-cua/hen-tra?procedure={x_ray}&channel=1                 Y - - - - - - - - -
POST /mot-cua/tra-ket-qua/{t_return}                              Y - - - - - - - - -
POST /mot-cua/thu-phi/{uninvolved}                                Y - - - - - - - - -
GET  /ho-so                                                       Y Y Y Y - - Y Y Y Y
GET  /ho-so/{uninvolved}                                          Y Y Y Y - - Y Y - -
GET  /ho-so/{uninvolved}/so-do                                    Y Y Y Y - - Y Y - -
GET  /ho-so/{uninvolved}/xem-lai                                  Y Y Y Y - - Y Y - -
GET  /ho-so/{uninvolved}/mau/mau_01                               Y Y Y Y - - Y Y - -
GET  /ho-so/{uninvolved}/tep/{file_id}                            Y Y Y Y - - Y Y - -
POST /ho-so/{uninvolved}/rut                                      Y - - - - - - - - -
POST /ho-so/{uninvolved}/dung                                     - - - Y - - - - - -
GET  /ho-so/{d_specialist}                                        Y Y Y Y - - Y Y - -
POST /ho-so/{uninvolved}/kiem-tra                                 - - - - - - Y Y - -
GET  /ho-so/{uninvolved}/lich-su.json                             - - - - - - Y Y - -
GET  /ho-so/{uninvolved}/lich-su.csv                              - - - - - - Y Y - -
GET  /kiem-tra                                                    - - - - - - Y Y - -
GET  /kiem-tra?code=H56&timeliness=late&extended=no               - - - - - - Y Y - -
GET  /kiem-tra/xuat.csv                                           - - - - - - Y Y - -
GET  /ho-so/{d_one_stop}                                          Y Y Y Y - - Y Y - -
POST /ho-so/{d_one_stop}/rut                                      Y - - - - - - - - -
POST /ho-so/{d_director}/dung                                     - - - Y - - - - - -
POST /ho-so/{d_specialist}/giao-lai                               - - Y - - - - - - -
GET  /viec                                                        Y Y Y Y Y - - - Y Y
GET  /viec?scope=mine                                             Y Y Y Y Y - - - Y Y
GET  /viec/{t_one_stop}                                           Y - - - - - - - - -
POST /viec/{t_one_stop}/nhan                                      Y - - - - - - - - -
POST /viec/{t_one_stop}/tra-lai                                   Y - - - - - - - - -
POST /viec/{t_one_stop}                                           Y - - - - - - - - -
GET  /viec/{t_specialist}                                         - Y - - - - - - - -
POST /viec/{t_specialist}/nhan                                    - Y - - - - - - - -
POST /viec/{t_specialist}/tra-lai                                 - Y - - - - - - - -
POST /viec/{t_specialist}                                         - Y - - - - - - - -
GET  /viec/{t_apology}                                            - Y - - - - - - - -
GET  /viec/{t_apology}/xem-truoc?delay_reason=Thiếu+hồ+sơ         - Y - - - - - - - -
GET  /viec/{t_approval}/phieu-du-thao                             - - - Y - - - - - -
GET  /viec/{t_division_head}                                      - - Y - - - - - - -
POST /viec/{t_division_head}/nhan                                 - - Y - - - - - - -
POST /viec/{t_division_head}/tra-lai                              - - Y - - - - - - -
POST /viec/{t_division_head}                                      - - Y - - - - - - -
GET  /viec/{t_director}                                           - - - Y - - - - - -
POST /viec/{t_director}/nhan                                      - - - Y - - - - - -
POST /viec/{t_director}/tra-lai                                   - - - Y - - - - - -
POST /viec/{t_director}                                           - - - Y - - - - - -
GET  /viec/{t_clerk}                                              - - - - Y - - - - -
POST /viec/{t_clerk}/nhan                                         - - - - Y - - - - -
POST /viec/{t_clerk}/tra-lai                                      - - - - Y - - - - -
POST /viec/{t_clerk}                                              - - - - Y - - - - -
POST /viec-phat-sinh/1/xong                                       Y - - - - - - - - -
GET  /quan-tri/tai-khoan                                          - - - - - - - Y - -
POST /quan-tri/tai-khoan username=                                - - - - - - - Y - -
GET  /quan-tri/tai-khoan/{me}                                     - - - - - - - Y - -
POST /quan-tri/tai-khoan/{me} action=update&full_name=            - - - - - - - Y - -
POST /quan-tri/tai-khoan/{me} action=password&password=ngan       - - - - - - - Y - -
GET  /quan-tri/ma-truy-cap                                        - - - - - - - Y - -
POST /quan-tri/ma-truy-cap action=create&name=                    - - - - - - - Y - -
GET  /quan-tri/lich                                               - - - - - - - Y - -
GET  /quan-tri/lich?nam=2027                                      - - - - - - - Y - -
POST /quan-tri/lich action=add&day=31/02/2026                     - - - - - - - Y - -
POST /quan-tri/lich action=remove&day=                            - - - - - - - Y - -
GET  /quan-tri/hop-thu-di                                         - - - - - - - Y - -
GET  /quan-tri/hop-thu-di?trang-thai=sent                         - - - - - - - Y - -
POST /quan-tri/hop-thu-di action=discard&message=                 - - - - - - - Y - -
GET  /mot-cua/danh-gia                                            Y - - - - - - - - -
POST /mot-cua/danh-gia code=                                      Y - - - - - - - - -
GET  /chi-so                                                      - - Y Y - - Y Y - Y
GET  /chi-so/ho-so?figure=late                                    - - Y Y - - Y Y - Y
GET  /chi-so/xuat.csv                                             - - Y Y - - Y Y - Y
GET  /bao-cao                                                     - - Y Y - - Y Y - Y
GET  /phan-anh/danh-sach                                          Y Y Y Y Y - Y Y Y Y
GET  /bao-cao/xuat.xlsx                                           - - Y Y - - Y Y - Y
GET  /so-theo-doi                                                 Y - Y Y - - Y Y - Y
GET  /so-theo-doi.csv                                             Y - Y Y - - Y Y - Y
GET  /bao-cao/tre-han                                             Y - Y Y - - Y Y - Y
GET  /bao-cao/tre-han.csv                                         Y - Y Y - - Y Y - Y
GET  /thiet-ke                                                    - - - - - Y - - - -
GET  /thiet-ke/x_quang_y_te                                       - - - - - Y - - - -
GET  /thiet-ke/x_quang_y_te/ban-ve                                - - - - - Y - - - -
POST /thiet-ke/x_quang_y_te/kiem-tra                              - - - - - Y - - - -
POST /thiet-ke/x_quang_y_te/trien-khai base=1                     - - - - - Y - - - -
POST /thiet-ke/x_quang_y_te/ban-nhap base=1                       - - - - - Y - - - -
POST /thiet-ke/x_quang_y_te/kich-ban                              - - - - - Y - - - -
GET  /thiet-ke/nhap-bang                                          - - - - - Y - - - -
GET  /thiet-ke/x_quang_y_te/chuyen-phien-ban                      - - - - - Y - - - -
POST /thiet-ke/x_quang_y_te/chuyen-phien-ban action=dry_run       - - - - - Y - - - -
GET  /thiet-ke/nhap-bang/mau.csv                                  - - - - - Y - - - -
POST /thiet-ke/nhap-bang procedure=                               - - - - - Y - - - -
GET  /thiet-ke/x_quang_y_te/so-sanh?tu=1&den=1                    - - - - - Y - - - -
GET  /ca-nhan                                                      Y Y Y Y Y Y Y Y Y Y
POST /ca-nhan email=sai                                           Y Y Y Y Y Y Y Y Y Y
"""
# fmt: on
# (an empty form is refused on every task above, the clerk's ban_hanh too: it needs the result's number and date.)


def rows() -> list[tuple[str, str, str, dict[str, str]]]:
    """(method, url, form, {role: "Y" | "-"}) for each line of MATRIX."""
    parsed = []
    for line in MATRIX.strip().splitlines():
        method, url, *rest = line.split()
        marks = rest[-len(ROLES) :]
        form = rest[0] if len(rest) > len(ROLES) else ""
        assert len(marks) == len(ROLES) and set(marks) <= {"Y", "-"}, line
        parsed.append((method, url, form, dict(zip(ROLES, marks, strict=True))))
    return parsed


@pytest.fixture
def app_config():
    return {"agency_code": AGENCY}


@pytest.fixture
def world(app, clock):
    """The dossiers and tasks the matrix points at; every one of them received and moved on by other people."""
    services = deploy_shipped(app.extensions["motcua"])
    found = {"x_ray": X_RAY}

    # First, as its timer moves the clock on: the specialists' dossier, with the apology task and the appraisal open.
    late = receive(services, channel=1).code
    drafted = receive(services, channel=1).code  # its apology letter drafted, waiting for the director's approval
    for code in (late, drafted):
        assign(services, code, "cv")
    appointment = services.dossiers.get(late).appointment  # the same for both: one apology reminder each
    clock.set(services.calendars.current().add(appointment, 1, "wd", before=True) + timedelta(hours=1))
    assert services.timers.run_pass("t", 100).fired == 2
    found["t_apology"] = drive_to(services, late, "lap_phieu_xin_loi").task_id
    draft = drive_to(services, drafted, "lap_phieu_xin_loi")
    services.instances.complete(draft.task_id, MAIN_PATH_DATA["lap_phieu_xin_loi"], "cv")
    found["t_approval"] = drive_to(services, drafted, "duyet_phieu_xin_loi").task_id
    found["d_specialist"], found["t_specialist"] = late, drive_to(services, late, "tham_dinh").task_id

    uninvolved = receive(services, channel=1).code
    name = next(d.name for d in services.dossiers.catalogue.get(X_RAY).documents if d.required)
    found["file_id"] = services.files.attach(uninvolved, name, "don.pdf", PDF, "application/pdf", "motcua1").id
    services.dossiers.withdraw(uninvolved, "Người nộp xin rút", "motcua1")
    found["uninvolved"] = uninvolved

    online = receive(services, channel=2).code  # waits for the reception check at the counter
    found["d_one_stop"], found["t_one_stop"] = online, drive_to(services, online, "tiep_nhan").task_id
    for role, step in (("division_head", "xem_xet"), ("director", "ky_duyet"), ("clerk", "ban_hanh")):
        code = receive(services, channel=1).code
        found[f"d_{role}"], found[f"t_{role}"] = code, drive_to(services, code, step).task_id
    returned = receive(services, channel=1).code
    found["t_return"] = drive_to(services, returned, "tra_ket_qua").task_id
    return found


def request(officer: Officer, method: str, url: str, form: str):
    if method == "GET":
        return officer.get(url)
    data = dict(pair.partition("=")[::2] for pair in form.split("&") if pair)
    return officer.post(url, data)


def verdict(response) -> str:
    """Y (allowed), - (forbidden), or what else happened (a bug either way)."""
    status = response.status_code
    if status == 403:
        return "-"
    if status == 302 and response.headers["Location"].startswith("/dang-nhap"):
        return "sign-in"
    if status in (200, 302, 409, 422):
        return "Y"
    return str(status)


@pytest.mark.parametrize("role", ROLES)
def test_each_role_reaches_exactly_the_pages_of_the_matrix(role, world, sign_in):
    base = role.removesuffix("_other")
    officer = sign_in(base, f"{base}-other".replace("_", "-"), OTHER_DIVISION) if base != role else sign_in(role)
    values = {**world, "me": officer.username}
    wrong = []
    for method, url, form, expected in rows():
        target = url.format(**values)
        response = request(officer, method, target, form.format(**values))
        got = verdict(response)
        if got != expected[role]:
            wrong.append(f"{method} {target} {form}: expected {expected[role]}, got {got} ({response.status_code})")
    assert not wrong, f"{role}:\n" + "\n".join(wrong)


def test_someone_not_signed_in_is_sent_to_the_sign_in_page_everywhere(app, world):
    visitor = Officer(app.test_client(), "", "")  # with a CSRF token, as the sign-in page would give them
    values = {**world, "me": "quantri"}
    wrong = []
    for method, url, form, _expected in rows():
        response = request(visitor, method, url.format(**values), form.format(**values))
        if verdict(response) != "sign-in":
            wrong.append(f"{method} {url.format(**values)}: {response.status_code} {response.headers.get('Location')}")
    assert not wrong, "\n".join(wrong)


def test_the_matrix_covers_every_page_of_the_officers_application(app):
    """A page added later without a row here fails this test (the API has its own matrix under tests/web/api; the
    citizen's pages, open to everyone, are tested in tests/web/test_public.py)."""
    normalised = set()
    for _method, url, _form, _roles in rows():
        path = re.sub(r"\{t_\w+\}", "<task_id>", url.split("?")[0])
        path = re.sub(r"\{(uninvolved|d_\w+)\}", "<code>", path)
        path = path.replace("/x_quang_y_te", "/<process_id>")
        path = path.replace("{me}", "<username>").replace("{file_id}", "<int:file_id>")
        normalised.add(
            path.replace("/mau/mau_01", "/mau/<form>")
            .replace("/xuat.csv", "/xuat.<fmt>")
            .replace("/xuat.xlsx", "/xuat.<fmt>")
            .replace("/lich-su.json", "/lich-su.<fmt>")
            .replace("/lich-su.csv", "/lich-su.<fmt>")
            .replace("/viec-phat-sinh/1/", "/viec-phat-sinh/<int:item_id>/")
            .replace("/so-theo-doi.csv", "/so-theo-doi.<fmt>")
        )
    pages = {
        rule.rule
        for rule in app.url_map.iter_rules()
        if not rule.rule.startswith(("/api/", "/static/")) and rule.endpoint.split(".")[0] not in ("auth",)
        and rule.endpoint != "home.health" and rule.endpoint not in PUBLIC_PAGES
    }  # fmt: skip
    assert pages - normalised == set(), "pages without a row in MATRIX"
