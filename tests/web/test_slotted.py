"""Slotted pages (app.web.slotted) answer exactly what Jinja renders, values escaped alike."""

import datetime

import pytest
from jinja2 import DictLoader, Environment
from litestar import Request

from app.main import create_app
from app.visits.kiosks import KioskDevice
from app.visits.visits import Badge
from app.web.badge import badge_values
from app.web.render import page_context
from app.web.slotted import shell
from kiosk.pages import badge_page

TRICKY = ['<b>Ann</b> & "Bo"', "Søren O'Hara", "{{ x }} %(name)s %s", "\u00a0Zoë\u200d"]


def _request(app, lang: str, path: str = "/kiosk/sign-in") -> Request:
    return Request({
        "type": "http", "method": "POST", "scheme": "https", "server": ("testserver", 443),
        "path": path, "root_path": "", "query_string": b"", "headers": [], "http_version": "1.1",
        "state": {"language": lang}, "litestar_app": app,
    })  # fmt: skip


@pytest.mark.parametrize("lang", ["en", "da"])
@pytest.mark.parametrize("name", TRICKY)
def test_the_badge_page_is_what_jinja_renders(lang, name):
    app = create_app()
    request = _request(app, lang)
    request.scope["state"]["kiosk"] = KioskDevice(1, "Front", "Lobby", "dymo89x36")
    badge = Badge("ref", name, f"Host {name}", datetime.date(2026, 11, 25), "K7PX3M")
    answer = badge_page(request, badge)
    jinja = app.template_engine.engine.get_template("kiosk/badge.html")
    values = badge_values(badge, lang)
    shown = {"en": "25 November 2026", "da": "25. november 2026"}[lang]  # as every door
    assert values["first_name"] == name and values["visit_date"] == shown
    expected = jinja.render(page_context(request, lang, {**values, "print_layout": "dymo89x36"}))
    assert 'data-print="dymo89x36"' in expected
    assert answer.content == expected
    assert "<b>Ann" not in answer.content and "\ue000" not in answer.content
    assert answer.media_type == "text/html" and answer.status_code == 200


def test_a_changed_template_makes_a_new_shell_while_templates_are_re_read():
    templates = {"t.html": "<p>{{ name }}</p>"}
    env = Environment(loader=DictLoader(templates), autoescape=True, auto_reload=True)
    made = shell(env, "t.html", "en", "/x", ["name"], dict)
    assert made.fill({"name": "<i>"}) == "<p>&lt;i&gt;</p>"
    assert shell(env, "t.html", "en", "/x", ["name"], dict) is made  # kept
    templates["t.html"] = "<div>{{ name }}</div>"
    assert shell(env, "t.html", "en", "/x", ["name"], dict).fill({"name": "A"}) == "<div>A</div>"


def test_a_slot_used_other_than_printed_fails_loudly():
    env = Environment(loader=DictLoader({"u.html": "{{ name|upper }}"}), autoescape=True)
    with pytest.raises(KeyError):
        shell(env, "u.html", "en", "/y", ["name"], dict).fill({"name": "a"})


def test_a_staff_page_cannot_be_slotted():
    app = create_app()
    request = _request(app, "en")
    request.scope["state"]["staff"] = object()
    request.scope["state"]["kiosk"] = KioskDevice(1, "Front", "Lobby")
    with pytest.raises(RuntimeError):
        badge_page(request, Badge("r", "A", "H", datetime.date(2026, 1, 1), "K7PX3M"))
