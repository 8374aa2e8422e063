"""Every response carries the security headers: pages a strict Content-Security-Policy without inline script and
refuse framing; letters may be framed by our own pages only; nothing is sniffed and no referrer leaves the site."""

import pytest

from web.security import LETTER_POLICY, PAGE_POLICY

SQLITE_ONLY = pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)


@SQLITE_ONLY
@pytest.mark.parametrize("path", ["/dang-nhap", "/healthz", "/api/v1/openapi.json", "/khong-co", "/static/motcua.css"])
def test_pages_answers_and_errors_carry_the_headers(app, path):
    response = app.test_client().get(path)
    response.close()  # a static file is streamed
    assert response.headers["Content-Security-Policy"] == PAGE_POLICY
    assert "script-src 'self'" in PAGE_POLICY and "unsafe-inline" not in PAGE_POLICY
    assert "frame-ancestors 'none'" in PAGE_POLICY and response.headers["X-Frame-Options"] == "DENY"
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"] == "no-referrer"


def test_no_page_template_holds_an_inline_script_or_handler():
    import re
    from pathlib import Path

    for template in (Path(__file__).resolve().parents[2] / "web" / "templates").rglob("*.html"):
        text = template.read_text("utf-8")
        # A JSON data block (type="application/json", filled by `tojson`, which escapes "<") is data the browser never
        # runs; any other script element without src would be inline code.
        inline = r"<script(?![^>]*\bsrc=)(?![^>]*\btype=\"application/json\")[^>]*>"
        assert not re.search(inline, text), f"inline script in {template.name}"
        for block in re.findall(r"<script[^>]*application/json[^>]*>(.*?)</script>", text, re.S):
            made_by_tojson = re.fullmatch(r"\{\{ \w+\|tojson \}\}", block.strip())
            assert made_by_tojson, f"a data block not made by tojson in {template.name}"
        assert not re.search(r"\son[a-z]+\s*=", text), f"inline event handler in {template.name}"
        assert "javascript:" not in text, template.name


@SQLITE_ONLY
def test_a_letter_may_be_framed_by_our_pages_and_runs_no_script(app, sign_in, services):
    from tests.conftest import deploy_shipped
    from tests.web.api.conftest import APPLICANT, HOP_QUY

    deploy_shipped(services)
    documents = [{"name": d.name, "received": True} for d in services.dossiers.catalogue.get(HOP_QUY).documents]
    dossier = services.reception.receive(HOP_QUY, dict(APPLICANT), 1, "counter", documents, "motcua")
    response = sign_in("one_stop").get(f"/ho-so/{dossier.code}/mau/mau_01")
    assert response.status_code == 200
    assert response.headers["Content-Security-Policy"] == LETTER_POLICY
    assert "script-src" not in LETTER_POLICY and "default-src 'none'" in LETTER_POLICY
    assert response.headers["X-Frame-Options"] == "SAMEORIGIN"
