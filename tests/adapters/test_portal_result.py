"""The electronic result to the portal over real HTTP on 127.0.0.1: a procedure that returns results online
(processes/catalogue.yaml `result_online`) sends the file the issuing step attached, with its SHA-256, through the
outbox after the status 9; the portal sandbox checks the checksum, keeps the file and shows it."""

import hashlib
import io
import urllib.request

import pytest

from tests.adapters.test_portal_history import WORKER, complete, dispatch_all
from tests.adapters.test_portal_journey import SECRET, files, online, sandbox  # noqa: F401
from tests.conftest import PROCESSES
from tests.test_architecture import MAIN_PATH_DATA
from tests.web.conftest import ensure_account
from tests.web.test_counter import AGENCY, APPLICANT, PDF, X_RAY

LICENCE = PDF + b"% giay phep so 125/GP-SKHCN\n"


@pytest.fixture
def result_online():
    """Whether the X-ray licence returns its result online (the shipped catalogue says so)."""
    return True


@pytest.fixture
def app_config(sandbox, tmp_path, result_online):  # noqa: F811
    catalogue = tmp_path / "catalogue.yaml"
    shipped = (PROCESSES / "catalogue.yaml").read_text()
    catalogue.write_text(shipped if result_online else shipped.replace("result_online: true", "result_online: false"))
    return {
        "catalogue": catalogue,
        "agency_code": AGENCY,
        "portal_gateway": "adapters.portal.http_gateway:HttpPortalGateway",
        "portal_url": sandbox.url,
        "portal_secret": SECRET,
        "adapter_timeout": 5,
    }


def issued(online, services, sign_in) -> tuple[str, dict]:  # noqa: F811
    """An online X-ray dossier driven to its issue, the clerk attaching the signed licence; (code, the answer)."""
    for role in set(WORKER.values()):
        ensure_account(services, role)
    _status, answer = online.submit(X_RAY, APPLICANT, files(services), {"reference": "VNPAY-8", "amount": 3000000})
    code = answer["result"]["dossier_code"]
    for name in ("tiep_nhan", "phan_cong", "tham_dinh", "xem_xet", "ky_duyet"):
        complete(services, code, name, MAIN_PATH_DATA.get(name, {}))
    [issue] = [t for t in services.instances.tasks(code=code) if t.name == "ban_hanh"]
    sent = {
        "document_number": "125/GP-SKHCN",
        "issued_on": "2026-03-13",
        "result_file": (io.BytesIO(LICENCE), "giay-phep-125.pdf"),
    }
    done = sign_in("clerk").post(f"/viec/{issue.task_id}", sent, content_type="multipart/form-data")
    assert done.status_code == 302, done.get_data(as_text=True)
    return code, answer


def test_the_issued_licence_goes_to_the_portal_with_its_checksum(online, services, sign_in):  # noqa: F811
    assert services.dossiers.catalogue.get(X_RAY).result_online
    code, answer = issued(online, services, sign_in)
    licence = LICENCE
    with services.db.reading() as uow:
        queued = [m for m in uow.outbox.of_instance(uow.dossiers.row(code).instance_id) if m.kind == "portal_result"]
    assert len(queued) == 1 and "content" not in queued[0].payload["file"]  # the row names the file; no copy
    dispatch_all(services)

    [result] = online.results(code)
    assert result["file"]["sha256"] == hashlib.sha256(licence).hexdigest() and result["file"]["size"] == len(licence)
    assert result["document_number"] == "125/GP-SKHCN" and result["portal_id"] == answer["portal_id"]
    with urllib.request.urlopen(f"{online.url}/ket-qua?key={result['key']}", timeout=5) as got:
        assert got.read() == licence
    kinds = [d["kind"] for d in online.deliveries() if d.get("dossier_code") == code]
    assert kinds.index("result") > [n for n, k in enumerate(kinds) if k == "status"][-1]  # after the status 9
    assert [s["status"] for s in online.dossiers()[code]["statuses"]] == [2, 4, 9]
    page = online_page(online)
    assert "giay-phep-125.pdf" in page and "đã kiểm tra, khớp với nội dung tệp" in page


def online_page(online) -> str:  # noqa: F811
    with urllib.request.urlopen(online.url + "/", timeout=5) as page:
        return page.read().decode()


@pytest.mark.parametrize("result_online", [False])
def test_a_procedure_that_does_not_return_results_online_sends_no_file(online, services, sign_in):  # noqa: F811
    code, _answer = issued(online, services, sign_in)
    dispatch_all(services)
    assert [s["status"] for s in online.dossiers()[code]["statuses"]] == [2, 4, 9]
    assert online.results(code) == [] and services.files.files(code)  # the licence stays with the dossier
