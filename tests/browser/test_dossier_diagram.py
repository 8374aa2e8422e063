"""The dossier page's diagram at 1280 px: opened fitted to its width around the current step, zoomed in and out with
its buttons, back to that view, and shown on the whole window (Esc leaves)."""

from tests.browser.conftest import SCREENSHOTS, screenshot, sign_in
from tests.web.api.conftest import APPLICANT, HOP_QUY

ZOOM = "() => window.motcua.dossierDiagram.viewer.get('canvas').zoom()"
# The current step's box and the diagram's box, in the window's coordinates.
BOXES = """() => {
  const box = r => ({left: r.left, right: r.right, top: r.top, bottom: r.bottom});
  return {current: box(document.querySelector('#diagram .djs-element.motcua-current').getBoundingClientRect()),
          frame: box(document.getElementById('diagram').getBoundingClientRect())};
}"""


def _inside(boxes) -> bool:
    current, frame = boxes["current"], boxes["frame"]
    return (
        frame["left"] <= current["left"] and current["right"] <= frame["right"]
        and frame["top"] <= current["top"] and current["bottom"] <= frame["bottom"]
    )  # fmt: skip


def _centred(boxes) -> bool:
    current, frame = boxes["current"], boxes["frame"]
    middle = ((current["left"] + current["right"]) / 2, (current["top"] + current["bottom"]) / 2)
    centre = ((frame["left"] + frame["right"]) / 2, (frame["top"] + frame["bottom"]) / 2)
    return abs(middle[0] - centre[0]) < 40 and abs(middle[1] - centre[1]) < 40


def test_the_diagram_zooms_pans_and_fills_the_window(open_page, live_server):
    services = live_server.services
    documents = [{"name": d.name, "received": True} for d in services.dossiers.catalogue.get(HOP_QUY).documents]
    dossier = services.reception.receive(HOP_QUY, APPLICANT, 1, "counter", documents, "motcua")
    page = open_page()
    sign_in(page, "one_stop")
    page.goto(f"/ho-so/{dossier.code}")
    page.wait_for_selector("#diagram[data-ready='1']")

    opened = page.evaluate(ZOOM)
    assert opened >= 0.7  # readable: fitted to the width, never smaller than the readable zoom
    boxes = page.evaluate(BOXES)
    assert _inside(boxes) and _centred(boxes), boxes
    page.locator("#diagram-card").scroll_into_view_if_needed()
    screenshot(page, "93-ho-so-so-do-1280", "#diagram-card")

    page.get_by_role("button", name="Phóng to").click()
    assert page.evaluate(ZOOM) > opened * 1.2
    page.get_by_role("button", name="Thu nhỏ").click()
    page.get_by_role("button", name="Thu nhỏ").click()
    assert page.evaluate(ZOOM) < opened

    frame = page.locator("#diagram").bounding_box()  # pan: drag the drawing to the left
    before = page.evaluate(BOXES)["current"]["left"]
    page.mouse.move(frame["x"] + 600, frame["y"] + 200)
    page.mouse.down()
    page.mouse.move(frame["x"] + 400, frame["y"] + 200, steps=5)
    page.mouse.up()
    assert page.evaluate(BOXES)["current"]["left"] < before - 150

    page.get_by_role("button", name="Vừa khung, về bước hiện tại").click()
    assert abs(page.evaluate(ZOOM) - opened) < 0.01 and _centred(page.evaluate(BOXES))

    page.get_by_role("button", name="Toàn màn hình").click()
    card = page.locator("#diagram-card").bounding_box()
    assert card["width"] == 1280 and card["height"] == 860 and card["y"] == 0
    assert _centred(page.evaluate(BOXES))
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / "94-ho-so-so-do-toan-man-hinh.png"))  # the window, as the officer sees it
    page.keyboard.press("Escape")
    assert page.locator("#diagram-card").bounding_box()["width"] < 1280
    assert page.get_by_role("button", name="Toàn màn hình").get_attribute("aria-pressed") == "false"
