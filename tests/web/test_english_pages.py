"""Every main page of every role, shown in English, holds no Vietnamese from the application's own strings.

The pages are crawled as each role sees them (signed in, English chosen in the header). Vietnamese is what carries
a Vietnamese letter (ă â đ ê ô ơ ư or a tone mark). What people typed (applicants, accounts) and the names that come
from the procedures' data (BPMN element names, the catalogue, the legal bases) are Vietnamese by nature and are taken
out first; so is the language switch ("Tiếng Việt") and the currency sign "đ" after an amount.
"""

import re
from html.parser import HTMLParser
from pathlib import Path

import holidays
import pytest
import yaml

from engine.bpmn.english_names import english_names
from engine.services.accounts import DEMO_ACCOUNTS
from tests.test_architecture import MAIN_PATH_DATA
from tests.web.test_counter import APPLICANT, X_RAY, app_config, drive_to, receive, services  # noqa: F401

ROOT = Path(__file__).resolve().parents[2]
VIETNAMESE = re.compile(r"[ăâđêôơưàáảãạằắẳẵặầấẩẫậèéẻẽẹềếểễệìíỉĩịòóỏõọồốổỗộờớởỡợùúủũụừứửữựỳýỷỹỵ]", re.IGNORECASE)
AMOUNT = re.compile(r"\d[\d.]* đ\b")
LEGAL_NUMBER = re.compile(r"\b\d+(?:/\d{4})?/[A-ZĐ][\w-]*")  # a legal document's number: 766/QĐ-TTg
ROLES = ("one_stop", "specialist", "division_head", "director", "clerk", "designer", "auditor", "admin")
PAGES = (
    "/",
    "/viec",
    "/viec?scope=mine",
    "/mot-cua",
    "/mot-cua/tiep-nhan",
    f"/mot-cua/tiep-nhan?procedure={X_RAY}",
    "/ho-so",
    "/chi-so",
    "/bao-cao",
    "/so-theo-doi",
    "/bao-cao/tre-han",
    "/kiem-tra",
    "/phan-anh/danh-sach",
    "/thiet-ke",
    "/quan-tri/tai-khoan",
    "/quan-tri/lich",
    "/quan-tri/hop-thu-di",
    "/quan-tri/ma-truy-cap",
)


class _Text(HTMLParser):
    """The text a person reads: text nodes (not scripts or styles), and the placeholders, titles and labels."""

    def __init__(self):
        super().__init__()
        self.parts: list[str] = []
        self._skip = 0

    def handle_starttag(self, tag, attrs):
        if tag in ("script", "style"):
            self._skip += 1
        for name, value in attrs:
            if name in ("placeholder", "title", "aria-label", "alt") and value:
                self.parts.append(value)

    def handle_endtag(self, tag):
        if tag in ("script", "style"):
            self._skip -= 1

    def handle_data(self, data):
        if not self._skip and data.strip():
            self.parts.append(" ".join(data.split()))


def _strings(value) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):
        return [s for v in value.values() for s in _strings(v)]
    if isinstance(value, list):
        return [s for v in value for s in _strings(v)]
    return []


def _data_names(services) -> list[str]:  # noqa: F811
    """Names that are data: BPMN element names, the catalogue (but the procedure names it gives in English), legal
    bases, accounts and applicants; longest first (a long name is taken out before a shorter one inside it)."""
    names = set()
    for path in (ROOT / "processes").glob("*.bpmn"):
        names.update(" ".join(n.split()) for n in re.findall(r'\bname="([^"]+)"', path.read_text("utf-8")))
    for path in [ROOT / "processes" / "catalogue.yaml", *(ROOT / "processes").glob("*/*.yaml")]:
        names.update(_strings(yaml.safe_load(path.read_text("utf-8"))))  # catalogue, legal bases, calendar
    names.update(holidays.country_holidays("VN", years=range(2024, 2029), language="vi").values())
    for _username, full_name, _role, division in DEMO_ACCOUNTS:
        names.update((full_name, division))
    for dossier in services.dossiers.list(limit=100):
        names.update(_strings(dossier.applicant))
    names.update(_strings(APPLICANT))
    names.update(_strings(MAIN_PATH_DATA))  # what the officers typed in the steps the world went through
    names -= {p.name for p in services.dossiers.catalogue if p.name_en}  # shown in English: not excused
    names -= set(english_names({p.name: p.read_text("utf-8") for p in (ROOT / "processes").glob("*.bpmn")}))
    return sorted({" ".join(n.split()) for n in names if n.strip()}, key=len, reverse=True)


def _vietnamese(html: str, data: list[str]) -> list[str]:
    parser = _Text()
    parser.feed(html)
    found = []
    for text in parser.parts:
        rest = AMOUNT.sub(" ", text.replace("Tiếng Việt", " "))
        for name in data:
            if name in rest:
                rest = rest.replace(name, " ")
        rest = LEGAL_NUMBER.sub(" ", rest)
        if VIETNAMESE.search(rest):
            found.append(text)
    return found


@pytest.fixture
def world(services):  # noqa: F811
    """A dossier at each kind of step: the reception check (online), assignment, appraisal, and the return."""
    online = receive(services, channel=2)
    assigned = receive(services)
    appraised = receive(services)
    drive_to(services, appraised.code, "tham_dinh")
    returned = receive(services)
    drive_to(services, returned.code, "tra_ket_qua")
    codes = [d.code for d in (online, assigned, appraised, returned)]
    tasks = [t.task_id for code in codes for t in services.instances.tasks(code=code)]
    return [f"/ho-so/{code}" for code in codes] + [f"/viec/{task}" for task in tasks]


@pytest.mark.parametrize("role", ROLES)
def test_pages_in_english_hold_no_vietnamese_of_the_application(services, sign_in, world, role):  # noqa: F811
    officer = sign_in(role)
    officer.post("/ngon-ngu/en")
    data = _data_names(services)
    leaks = {}
    for url in (*PAGES, *world):
        page = officer.get(url)
        if page.status_code != 200 or not page.mimetype.startswith("text/html"):
            continue  # not this role's page
        found = _vietnamese(page.get_data(as_text=True), data)
        if found:
            leaks[url] = found
    assert not leaks, "Vietnamese on English pages:\n" + "\n".join(
        f"{url}: {text}" for url, found in leaks.items() for text in found
    )


def _form_texts(value, key: str = "") -> list[str]:
    """What a task form (processes/forms/*.json) shows or says: titles, descriptions, option labels, messages."""
    if isinstance(value, dict):
        return [t for k, v in value.items() for t in _form_texts(v, k)]
    if isinstance(value, list):
        return [t for v in value for t in _form_texts(v, key)]
    shown = key in ("title", "description", "x-message") or key.startswith("x-") or key in ("true", "false")
    return [value] if isinstance(value, str) and shown and VIETNAMESE.search(value) else []


def test_every_task_form_has_english():
    english = {}
    for path in (ROOT / "web" / "translations" / "en").glob("*.json"):
        english.update(yaml.safe_load(path.read_text("utf-8")))
    missing = sorted(
        {
            text
            for path in (ROOT / "processes" / "forms").glob("*.json")
            for text in _form_texts(yaml.safe_load(path.read_text("utf-8")))
            if text not in english
        }
    )
    assert missing == []


def test_a_procedure_with_an_english_name_shows_it_in_english(services, sign_in):  # noqa: F811
    procedure = services.dossiers.catalogue.get(X_RAY)
    assert procedure.name_en  # processes/catalogue.yaml gives it
    dossier = receive(services)
    officer = sign_in("one_stop")
    assert procedure.name in officer.get(f"/ho-so/{dossier.code}").get_data(as_text=True)  # Vietnamese first
    officer.post("/ngon-ngu/en")
    for url in (f"/ho-so/{dossier.code}", "/ho-so", "/so-theo-doi"):
        html = officer.get(url).get_data(as_text=True)
        assert procedure.name_en in html and procedure.name not in html, url


def test_the_steps_show_their_english_names_in_english(services, sign_in):  # noqa: F811
    dossier = receive(services)
    head = sign_in("division_head")
    task = drive_to(services, dossier.code, "phan_cong")
    pages = ("/viec", f"/ho-so/{dossier.code}", f"/viec/{task.task_id}")
    assert "Phân công thụ lý" in head.get(pages[0]).get_data(as_text=True)  # Vietnamese first
    head.post("/ngon-ngu/en")
    for url in pages:
        html = head.get(url).get_data(as_text=True)
        assert "Assign a specialist" in html and "Phân công thụ lý" not in html, url
    history = head.get(f"/ho-so/{dossier.code}").get_data(as_text=True)
    assert "Moved to step: Assign a specialist" in history  # a step named inside a sentence of the history
