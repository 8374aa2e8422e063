"""The procedure catalogue: the shipped file, field validation with clear errors, lookup and search."""

import copy
import re

import pytest
import yaml

from engine.domain.catalogue import CODE_PATTERN, Catalogue, CatalogueFieldError, Document, Procedure
from engine.domain.catalogue_data import SHIPPED_CATALOGUE_FILE, load_catalogue
from engine.domain.errors import ValidationError

ENTRY = {
    "code": "1.003560.000.00.00.H56",
    "name": "Cấp giấy phép tiến hành công việc bức xạ - sử dụng thiết bị X-quang chẩn đoán trong y tế",
    "field": "An toàn bức xạ và hạt nhân",
    "division": "Phòng Quản lý chuyên ngành",
    "time_limit": "11d",
    "fee": 3000000,
    "channels": ["counter", "online", "postal"],
    "result_by_post": True,
    "documents": [{"name": "Đơn đề nghị cấp giấy phép", "originals": 1, "copies": 0, "required": True}],
    "supplement_policy": "restart",
    "legal_basis": ["Luật Năng lượng nguyên tử số 18/2008/QH12"],
    "process": "x_quang_y_te",
}


def write(tmp_path, document, name="catalogue.yaml"):
    path = tmp_path / name
    text = document if isinstance(document, str) else yaml.safe_dump(document, allow_unicode=True, sort_keys=False)
    path.write_text(text, encoding="utf-8")
    return path


def refusal(tmp_path, document) -> ValidationError:
    path = write(tmp_path, document)
    with pytest.raises(ValidationError) as refused:
        load_catalogue(path)
    assert str(refused.value).startswith(f"{path}: "), str(refused.value)
    return refused.value


def with_entry(**changes) -> dict:
    entry = copy.deepcopy(ENTRY)
    for key, value in changes.items():
        if value is ...:
            del entry[key]
        else:
            entry[key] = value
    return {"procedures": [entry]}


# -- the shipped catalogue ------------------------------------------------------------------------------------------


def test_the_shipped_catalogue_loads_with_the_five_procedures():
    catalogue = load_catalogue(SHIPPED_CATALOGUE_FILE)

    assert {p.process: p.time_limit for p in catalogue} == {
        "x_quang_y_te": (11, "wd"),
        "dang_ky_ket_qua_nhiem_vu": (8, "wh"),
        "dang_ky_to_chuc_khcn": (15, "wd"),
        "cong_bo_hop_quy": (5, "wd"),
        "tuyen_chon_nhiem_vu": (60, "d"),
    }
    assert {p.supplement_policy for p in catalogue} == {"restart", "pause"}
    assert catalogue.by_process("tuyen_chon_nhiem_vu").supplement_policy == "pause"
    for procedure in catalogue:
        assert CODE_PATTERN.fullmatch(procedure.code)
        assert procedure.documents and procedure.legal_basis and procedure.channels
        assert any(document.required for document in procedure.documents)


def test_the_shipped_catalogue_marks_unverified_codes_as_examples():
    for line in SHIPPED_CATALOGUE_FILE.read_text(encoding="utf-8").splitlines():
        if re.match(r"\s*- code:", line):
            assert "[example]" in line, line


def test_lookup_by_code_and_by_process():
    catalogue = load_catalogue()
    x_ray = catalogue.by_process("x_quang_y_te")

    assert catalogue.get(x_ray.code) is x_ray
    assert catalogue.get(f" {x_ray.code} ") is x_ray
    assert x_ray.time_limit_text == "11 working days"
    assert catalogue.get("1.999999.000.00.00.H56") is None
    assert catalogue.by_process("quy_trinh_mau") is None
    assert len(catalogue) == 5


# -- search ---------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "processes"),
    [
        ("giay phep x quang", ["x_quang_y_te"]),
        ("Giấy phép X-quang", ["x_quang_y_te"]),
        ("GIAY PHEP X-QUANG", ["x_quang_y_te"]),
        ("hợp quy", ["cong_bo_hop_quy"]),
        ("hop quy", ["cong_bo_hop_quy"]),
        ("dang ky", ["dang_ky_ket_qua_nhiem_vu", "dang_ky_to_chuc_khcn", "cong_bo_hop_quy"]),
        ("tuyen chon nhiem vu", ["tuyen_chon_nhiem_vu"]),
        ("đăng ký tổ chức", ["dang_ky_to_chuc_khcn"]),
        ("x quang hop quy", []),
        ("", None),
    ],
)
def test_search_ignores_case_and_diacritics(text, processes):
    catalogue = load_catalogue()

    found = [p.process for p in catalogue.search(text)]

    assert found == (processes if processes is not None else [p.process for p in catalogue])


def test_search_finds_a_code_or_part_of_it():
    catalogue = load_catalogue()
    x_ray = catalogue.by_process("x_quang_y_te")

    assert catalogue.search(x_ray.code) == [x_ray]
    assert catalogue.search(x_ray.code.split(".")[1]) == [x_ray]


def test_search_folds_the_letter_d_with_stroke():
    procedure = Procedure(**{**_values(), "name": "Đăng ký ĐO LƯỜNG"})

    assert Catalogue([procedure]).search("dang ky do luong") == [procedure]


# -- validation -----------------------------------------------------------------------------------------------------


def test_a_valid_file_loads_every_field(tmp_path):
    [procedure] = load_catalogue(write(tmp_path, with_entry()))

    assert procedure == Procedure(**_values())
    assert procedure.documents == (Document("Đơn đề nghị cấp giấy phép", 1, 0, True),)
    assert procedure.channels == ("counter", "online", "postal")


@pytest.mark.parametrize(
    ("field", "value", "expected"),
    [
        ("code", "1.003560.000.00.00", "code: expected a national procedure code like 1.003560.000.00.00.H56"),
        ("code", "1.3560.000.00.00.H56", "code: expected a national procedure code"),
        ("code", "1.013337.000.H38", "code: expected a national procedure code like 1.003560.000.00.00.H56 or"),
        ("code", "1.013337.38", "code: expected a national procedure code"),
        ("code", 1.5, "code: expected a national procedure code"),
        ("name", "  ", "name: expected non-empty text"),
        ("field", None, "field: expected non-empty text"),
        ("division", "", "division: expected non-empty text"),
        ("time_limit", 11, "time_limit: expected text such as '11d'"),
        ("time_limit", "11 ngày", "time_limit: invalid time allotment '11 ngày'"),
        ("time_limit", "1.5cd", "time_limit: invalid time allotment '1.5cd': calendar days must be whole"),
        ("time_limit", "0d", "time_limit: expected a positive amount"),
        ("fee", -1, "fee: expected a whole number of VND >= 0"),
        ("fee", "1.000.000", "fee: expected a whole number of VND >= 0"),
        ("fee", 1.5, "fee: expected a whole number of VND >= 0"),
        ("fee", True, "fee: expected a whole number of VND >= 0"),
        ("channels", [], "channels: expected a non-empty list"),
        ("channels", "counter", "channels: expected a list"),
        ("channels", ["counter", "email"], "channels: unknown channel(s) ['email']"),
        ("channels", ["online", "online"], "channels: a channel is listed twice"),
        ("result_by_post", "yes", "result_by_post: expected true or false"),
        ("documents", [], "documents: expected a non-empty list of documents"),
        ("documents", ["Đơn"], "documents[1]: expected a mapping with keys name, originals, copies, required"),
        ("documents", [{"name": "Đơn", "originals": 1, "copies": 0}], "documents[1].required: missing key(s)"),
        (
            "documents",
            [{"name": "Đơn", "originals": 1, "copies": 0, "required": True, "pages": 2}],
            "documents[1].pages: unknown key(s) pages",
        ),
        (
            "documents",
            [{"name": "Đơn", "originals": -1, "copies": 0, "required": True}],
            "documents[1].originals: expected a whole number >= 0",
        ),
        (
            "documents",
            [{"name": "Đơn", "originals": 0, "copies": 0, "required": True}],
            "documents[1].copies: 'Đơn' asks for no original and no copy",
        ),
        (
            "documents",
            [{"name": "Đơn", "originals": 1, "copies": 0, "required": "có"}],
            "documents[1].required: expected true or false",
        ),
        ("documents", [{"name": "", "originals": 1, "copies": 0, "required": True}], "documents[1].name: expected"),
        ("supplement_policy", "stop", "supplement_policy: expected 'restart' or 'pause', got 'stop'"),
        ("legal_basis", [], "legal_basis: expected a non-empty list of legal texts"),
        ("legal_basis", ["Luật", ""], "legal_basis[2]: expected non-empty text"),
        ("form_set", "tt01-2018", "form_set: no longer a key of a procedure: the forms follow the legal basis"),
        ("process", "x quang", "process: expected a BPMN process id"),
    ],
)
def test_each_field_is_validated_with_a_clear_error(tmp_path, field, value, expected):
    error = refusal(tmp_path, with_entry(**{field: value}))

    assert ": entry 1" in str(error)
    assert expected in str(error), str(error)
    assert list(error.fields) == [f"procedures[1].{expected.split(':')[0]}"]


def test_the_error_names_the_entry_by_number_and_code(tmp_path):
    second = {**copy.deepcopy(ENTRY), "code": "1.000047.000.00.00.H56", "process": "cong_bo_hop_quy", "fee": -5}
    error = refusal(tmp_path, {"procedures": [copy.deepcopy(ENTRY), second]})

    assert ": entry 2 (1.000047.000.00.00.H56): fee: " in str(error)


@pytest.mark.parametrize("key", ["code", "process"])
def test_a_code_or_process_listed_twice_is_refused(tmp_path, key):
    second = {**copy.deepcopy(ENTRY), "code": "1.000047.000.00.00.H56", "process": "cong_bo_hop_quy"}
    second[key] = ENTRY[key]

    error = refusal(tmp_path, {"procedures": [copy.deepcopy(ENTRY), second]})

    assert ": entry 2 " in str(error)
    assert f"{key}: '{ENTRY[key]}' is already used by entry 1" in str(error)


def test_unknown_and_missing_keys_are_named(tmp_path):
    assert "entry 1 (1.003560.000.00.00.H56): lephi: unknown key(s) lephi" in str(
        refusal(tmp_path, with_entry(lephi=0))
    )
    assert "entry 1 (1.003560.000.00.00.H56): fee: missing key(s) fee" in str(refusal(tmp_path, with_entry(fee=...)))


@pytest.mark.parametrize(
    ("document", "expected"),
    [
        ("procedures: [code: 1", "not valid YAML"),
        ("- code: 1", "expected a mapping with a 'procedures' list"),
        ("procedures: {}", "expected a mapping with a 'procedures' list"),
        ("procedures: [42]", "entry 1: entry: expected a mapping with keys code, name"),
    ],
)
def test_a_malformed_file_is_refused(tmp_path, document, expected):
    assert expected in str(refusal(tmp_path, document))


def test_a_missing_file_raises_oserror(tmp_path):
    with pytest.raises(OSError):
        load_catalogue(tmp_path / "absent.yaml")


def test_values_validate_themselves_without_a_file():
    with pytest.raises(CatalogueFieldError) as refused:
        Procedure(**{**_values(), "time_limit": (11, "weeks")})
    assert refused.value.field == "time_limit"

    with pytest.raises(CatalogueFieldError, match="copies: expected a whole number >= 0"):
        Document("Đơn", 1, -2)


def _values() -> dict:
    return {
        **ENTRY,
        "time_limit": (11.0, "wd"),
        "channels": tuple(ENTRY["channels"]),
        "documents": tuple(Document(**d) for d in ENTRY["documents"]),
        "legal_basis": tuple(ENTRY["legal_basis"]),
    }


@pytest.mark.parametrize("code", ["1.013337.H38", "2.002154.H56", "1.003560.000.00.00.H56"])
def test_national_codes_are_accepted_in_the_short_form_in_use_and_the_long_one(tmp_path, code):
    catalogue = load_catalogue(write(tmp_path, with_entry(code=code)))
    assert catalogue.get(code) is not None and CODE_PATTERN.fullmatch(code)
