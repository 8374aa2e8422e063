"""Steps of buu_chinh.feature: a postal dossier (channel 3) is received with the moment its handover record was
signed; the service counts from that moment."""

import pytest
from pytest_bdd import given, parsers, scenarios, then, when

from engine.domain.errors import ValidationError
from features.support import AGENCY, moment

scenarios("buu_chinh.feature")

POSTAL = 3


@given(parsers.parse("biên bản giao nhận hồ sơ thủ tục {code} với nhân viên bưu chính được ký lúc {at}"))
def _(dossier, code, at):
    dossier["procedure"], dossier["handover_at"] = code, moment(at)


@when(parsers.parse("bộ phận một cửa nhập hồ sơ đó vào hệ thống lúc {at}"))
def _(services, clock, dossier, at):
    clock.set(moment(at))
    dossier["code"] = receive_postal(services, dossier["procedure"], dossier["handover_at"]).code


@when(
    parsers.parse("bộ phận một cửa nhập hồ sơ thủ tục {code} nhận qua bưu chính mà không ghi giờ ký biên bản"),
    target_fixture="refusal",
)
def _(services, code):
    with pytest.raises(ValidationError) as refusal:
        receive_postal(services, code, None)
    return refusal.value


@then(parsers.parse("hồ sơ được coi là nộp lúc {at}, mã hồ sơ mang ngày {day}"))
def _(services, dossier, at, day):
    view = services.dossiers.get(dossier["code"])
    assert view.received_at == moment(at)
    assert view.code == f"{AGENCY}-{day}-0001"
    assert view.channel == POSTAL


@then("hệ thống không tiếp nhận và nhắc ghi thời điểm ký biên bản giao nhận với nhân viên bưu chính")
def _(refusal):
    assert "ký biên bản giao nhận" in refusal.fields["handover_at"], refusal.fields


@then("không có hồ sơ nào được đánh mã")
def _(services):
    assert services.dossiers.list() == []


def receive_postal(services, code, handover_at):
    documents = [{"name": d.name} for d in services.dossiers.catalogue.get(code).documents]
    return services.reception.receive(code, APPLICANT_BY_POST, POSTAL, "post", documents, "motcua1", handover_at)


APPLICANT_BY_POST = {
    "type": 1,
    "name": "Nông Thị Hoa",
    "id_number": "004190012345",
    "address": "Tổ 3, phường Sông Bằng, tỉnh Cao Bằng",
    "phone": "0912 345 678",
}
